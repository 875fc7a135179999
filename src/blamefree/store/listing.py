"""Listings across post-mortems: post-mortems with filters, a sort order and a page; prevention
measures by status.

The filters are those of the web list and ``GET /api/v1/postmortems``: severities, a date
range, an action-item owner, the state of the action items, and words of the title or id.
A post-mortem without a date sorts last whatever the direction, and the incident id breaks
ties, so pages never overlap or skip one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from blamefree.domain.enums import ActionStatus, Severity
from blamefree.store.records import PostmortemSummary
from blamefree.store.tables import ActionItemRow, PostmortemRow, PreventionMeasureRow

Ts = TypeVarTuple("Ts")
OPEN_STATUSES = tuple(s.value for s in ActionStatus if not s.closed)


class ActionsFilter(StrEnum):
    """Which post-mortems by the state of their action items."""

    OPEN = "open"  # at least one action item not done or won't do
    DONE = "done"  # action items, every one closed
    NONE = "none"  # no action items at all


class SortKey(StrEnum):
    """What a listing is ordered by; ``-`` in front means descending."""

    DATE = "date"
    DATE_DESC = "-date"
    SEVERITY = "severity"
    SEVERITY_DESC = "-severity"
    UPDATED = "updated"
    UPDATED_DESC = "-updated"
    TITLE = "title"
    TITLE_DESC = "-title"
    INCIDENT_ID = "incident_id"
    INCIDENT_ID_DESC = "-incident_id"


@dataclass(frozen=True)
class PostmortemFilter:
    """What a listing keeps; every field left at its default keeps everything."""

    severities: Sequence[Severity] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    owner: str | None = None
    actions: ActionsFilter | None = None
    text: str | None = None
    sort: SortKey = SortKey.DATE_DESC
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class PostmortemPage:
    """One page of a listing and how many post-mortems the filters keep in all."""

    items: list[PostmortemSummary]
    total: int
    limit: int
    offset: int


_SORT_COLUMNS: dict[str, Any] = {
    "date": PostmortemRow.date,
    "severity": PostmortemRow.severity,
    "updated": PostmortemRow.updated_at,
    "title": PostmortemRow.title,
    "incident_id": PostmortemRow.incident_id,
}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.casefold()}%"


def _owner_key(owner: str) -> str:
    return " ".join(owner.strip().lstrip("@").split()).casefold()


def _conditions(wanted: PostmortemFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if wanted.severities:
        where.append(PostmortemRow.severity.in_([s.value for s in wanted.severities]))
    if wanted.since is not None:
        where.append(PostmortemRow.date >= wanted.since)
    if wanted.until is not None:
        where.append(PostmortemRow.date <= wanted.until)
    if wanted.text and wanted.text.strip():
        pattern = _like(wanted.text.strip())
        where.append(
            or_(
                func.lower(PostmortemRow.title).like(pattern, escape="\\"),
                func.lower(PostmortemRow.incident_id).like(pattern, escape="\\"),
            )
        )
    items = ActionItemRow.postmortem_id == PostmortemRow.id
    if wanted.owner and wanted.owner.strip():
        owner = func.lower(func.ltrim(func.trim(ActionItemRow.owner), "@"))
        where.append(exists().where(items, owner == _owner_key(wanted.owner)))
    is_open = ActionItemRow.status.in_(OPEN_STATUSES)
    if wanted.actions is ActionsFilter.OPEN:
        where.append(exists().where(items, is_open))
    elif wanted.actions is ActionsFilter.DONE:
        where.append(and_(exists().where(items), not_(exists().where(items, is_open))))
    elif wanted.actions is ActionsFilter.NONE:
        where.append(not_(exists().where(items)))
    return where


def _ordered(query: Select[*Ts], sort: SortKey) -> Select[*Ts]:
    name = sort.value.lstrip("-")
    column = _SORT_COLUMNS[name]
    direction = column.desc() if sort.value.startswith("-") else column.asc()
    tie = PostmortemRow.incident_id.desc() if name == "incident_id" else PostmortemRow.incident_id
    return query.order_by(column.is_(None), direction, tie)


def list_page(session: Session, wanted: PostmortemFilter) -> PostmortemPage:
    """The post-mortems ``wanted`` keeps, one page of them, with their action-item counts."""
    where = _conditions(wanted)
    total = session.execute(select(func.count()).select_from(PostmortemRow).where(*where))
    counts = (
        select(
            ActionItemRow.postmortem_id.label("pid"),
            func.count().label("total"),
            func.sum(case((ActionItemRow.done, 1), else_=0)).label("done"),
        )
        .group_by(ActionItemRow.postmortem_id)
        .subquery()
    )
    query = (
        select(
            PostmortemRow.incident_id,
            PostmortemRow.title,
            PostmortemRow.severity,
            PostmortemRow.date,
            PostmortemRow.version,
            PostmortemRow.updated_at,
            func.coalesce(counts.c.total, 0),
            func.coalesce(counts.c.done, 0),
        )
        .outerjoin(counts, counts.c.pid == PostmortemRow.id)
        .where(*where)
    )
    query = _ordered(query, wanted.sort).offset(wanted.offset).limit(wanted.limit)
    items = [
        PostmortemSummary(
            incident_id=r[0],
            title=r[1],
            severity=Severity(r[2]) if r[2] is not None else None,
            date=r[3],
            version=r[4],
            updated_at=r[5],
            action_items_total=int(r[6]),
            action_items_done=int(r[7]),
        )
        for r in session.execute(query)
    ]
    return PostmortemPage(
        items=items, total=int(total.scalar_one()), limit=wanted.limit, offset=wanted.offset
    )


@dataclass(frozen=True)
class MeasureRecord:
    """A prevention measure as the store keeps it, with its post-mortem."""

    incident_id: str
    category: str
    position: int  # 0-based
    text: str
    status: ActionStatus
    closed_at: dt.datetime | None


CATEGORY_ORDER = {"technical": 0, "process": 1, "monitoring": 2}


def list_measures(
    session: Session, *, statuses: Sequence[ActionStatus] = ()
) -> list[MeasureRecord]:
    """Prevention measures of every post-mortem, newest incident first, in checklist order."""
    query = select(
        PostmortemRow.incident_id,
        PreventionMeasureRow.category,
        PreventionMeasureRow.position,
        PreventionMeasureRow.text,
        PreventionMeasureRow.status,
        PreventionMeasureRow.closed_at,
    ).join(PostmortemRow, PostmortemRow.id == PreventionMeasureRow.postmortem_id)
    if statuses:
        query = query.where(PreventionMeasureRow.status.in_([s.value for s in statuses]))
    query = query.order_by(
        PostmortemRow.date.is_(None), PostmortemRow.date.desc(), PostmortemRow.incident_id
    )
    records = [
        MeasureRecord(r[0], r[1], r[2], r[3], ActionStatus(r[4]), r[5])
        for r in session.execute(query)
    ]
    return _in_checklist_order(records)


def _in_checklist_order(records: list[MeasureRecord]) -> list[MeasureRecord]:
    """Each post-mortem's measures (in the order they came) as technical, process, monitoring."""
    groups: dict[str, list[MeasureRecord]] = {}
    for record in records:
        groups.setdefault(record.incident_id, []).append(record)
    return [
        record
        for group in groups.values()
        for record in sorted(group, key=lambda r: (CATEGORY_ORDER.get(r.category, 3), r.position))
    ]
