"""Reading many post-mortems at once for the pages: a filtered, sorted page of the listing, the
count by review standing, and the parts of documents the dashboard's metrics need.

Each is a fixed number of queries whatever the number of post-mortems (no query per row):
action-item counts and sign-offs are grouped queries over the page's rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from blamefree.domain.enums import Horizon, Phase, Severity
from blamefree.domain.postmortem import IncidentMetrics, Metrics, Postmortem, Timeline
from blamefree.domain.standing import Standing, standing_of_rank
from blamefree.domain.timeline import EventKind, EventRow, TimelineEvent

# The action-item columns and their record, as the follow-through listing reads them.
from blamefree.store.follow_through import ActionRecord, _record, _record_query
from blamefree.store.tables import (
    ActionItemRow,
    PostmortemRow,
    RevisionRow,
    SignOffRow,
    TimelineEventRow,
)

PAGE_SIZE = 50
CLOSED = ("done", "wont_do")


class ItemsFilter(StrEnum):
    """Which post-mortems to keep by the state of their action items."""

    ANY = "any"
    OPEN = "open"  # at least one item still to do
    OVERDUE = "overdue"  # at least one item past its due date (or its horizon's end)
    ALL_CLOSED = "all_closed"  # items exist and every one is done or won't do

    @property
    def label(self) -> str:
        return {
            "any": "Any",
            "open": "Some open",
            "overdue": "Some overdue",
            "all_closed": "All done",
        }[self.value]


class SortKey(StrEnum):
    """What the listing is ordered by."""

    DATE = "date"
    SEVERITY = "severity"
    TITLE = "title"
    UPDATED = "updated"

    @property
    def label(self) -> str:
        return {
            "date": "Incident date",
            "severity": "Severity",
            "title": "Title",
            "updated": "Last updated",
        }[self.value]


@dataclass(frozen=True)
class ListingQuery:
    """The filters, order and page of a listing; every part optional."""

    severities: tuple[Severity, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    owner: str | None = None
    items: ItemsFilter = ItemsFilter.ANY
    text: str | None = None
    standing: Standing | None = None
    sort: SortKey = SortKey.DATE
    descending: bool = True
    page: int = 1
    per_page: int = PAGE_SIZE


@dataclass(frozen=True)
class ListedPostmortem:
    """One row of the listing with its action-item counts and review standing."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    version: int
    updated_at: dt.datetime
    standing: Standing
    prepared_by: str | None
    items_total: int
    items_closed: int
    items_overdue: int

    @property
    def items_open(self) -> int:
        """Action items still to do."""
        return self.items_total - self.items_closed


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing and how many post-mortems match in all."""

    rows: list[ListedPostmortem]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the matches fill (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def _overdue(today: dt.date) -> ColumnElement[bool]:
    """An item still to do whose due date (or its horizon's end, counted from the incident
    date when it has none) is before ``today``."""
    by_horizon = [
        and_(
            ActionItemRow.horizon == horizon.value,
            PostmortemRow.date < today - dt.timedelta(days=horizon.days),
        )
        for horizon in Horizon
    ]
    return and_(
        ActionItemRow.status.not_in(CLOSED),
        or_(
            ActionItemRow.due_date < today,
            and_(ActionItemRow.due_date.is_(None), or_(*by_horizon)),
        ),
    )


def _item_counts_query(today: dt.date) -> Select[*tuple[Any, ...]]:
    closed = case((ActionItemRow.status.in_(CLOSED), 1), else_=0)
    overdue = case((_overdue(today), 1), else_=0)
    return (
        select(
            ActionItemRow.postmortem_id.label("pid"),
            func.count().label("total"),
            func.sum(closed).label("closed"),
            func.sum(overdue).label("overdue"),
        )
        .join(PostmortemRow, PostmortemRow.id == ActionItemRow.postmortem_id)
        .group_by(ActionItemRow.postmortem_id)
    )


def _item_counts(today: dt.date) -> Any:
    return _item_counts_query(today).subquery()


def _sign_offs_query() -> Select[*tuple[Any, ...]]:
    rank = case((SignOffRow.role == "approved", Standing.APPROVED.rank), else_=1)
    prepared = case((SignOffRow.role == "prepared", SignOffRow.name), else_=None)
    return select(
        SignOffRow.postmortem_id.label("pid"),
        func.max(rank).label("rank"),
        func.max(prepared).label("prepared_by"),
    ).group_by(SignOffRow.postmortem_id)


def _sign_offs() -> Any:
    return _sign_offs_query().subquery()


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped.lower()}%", escape="\\")


def _filtered(
    query: Select[*tuple[Any, ...]], wanted: ListingQuery, counts: Any, signed: Any
) -> Select[*tuple[Any, ...]]:
    if wanted.severities:
        query = query.where(PostmortemRow.severity.in_([s.value for s in wanted.severities]))
    if wanted.since is not None:
        query = query.where(PostmortemRow.date >= wanted.since)
    if wanted.until is not None:
        query = query.where(PostmortemRow.date <= wanted.until)
    if wanted.owner:
        name = " ".join(wanted.owner.strip().lstrip("@").split())
        owns = exists().where(
            ActionItemRow.postmortem_id == PostmortemRow.id, _contains(ActionItemRow.owner, name)
        )
        prepared = exists().where(
            SignOffRow.postmortem_id == PostmortemRow.id,
            SignOffRow.role == "prepared",
            _contains(SignOffRow.name, name),
        )
        query = query.where(or_(owns, prepared))
    if wanted.text and wanted.text.strip():
        text = wanted.text.strip()
        current = exists().where(
            RevisionRow.postmortem_id == PostmortemRow.id,
            RevisionRow.version == PostmortemRow.version,
            _contains(RevisionRow.markdown, text),
        )
        query = query.where(
            or_(
                _contains(PostmortemRow.incident_id, text),
                _contains(PostmortemRow.title, text),
                current,
            )
        )
    total = func.coalesce(counts.c.total, 0)
    closed = func.coalesce(counts.c.closed, 0)
    if wanted.items is ItemsFilter.OPEN:
        query = query.where(total > closed)
    elif wanted.items is ItemsFilter.OVERDUE:
        query = query.where(func.coalesce(counts.c.overdue, 0) > 0)
    elif wanted.items is ItemsFilter.ALL_CLOSED:
        query = query.where(total > 0, total == closed)
    if wanted.standing is not None:
        query = query.where(func.coalesce(signed.c.rank, 0) == wanted.standing.rank)
    return query


def _order(query: Select[*tuple[Any, ...]], wanted: ListingQuery) -> Select[*tuple[Any, ...]]:
    def direction(column: Any) -> Any:
        return column.desc() if wanted.descending else column.asc()

    ordered: list[Any]
    if wanted.sort is SortKey.SEVERITY:
        # Descending is most severe first: P0 before P3.
        severity = PostmortemRow.severity
        ordered = [severity.is_(None), severity.asc() if wanted.descending else severity.desc()]
        ordered += [PostmortemRow.date.desc()]
    elif wanted.sort is SortKey.TITLE:
        ordered = [PostmortemRow.title.is_(None), direction(func.lower(PostmortemRow.title))]
    elif wanted.sort is SortKey.UPDATED:
        ordered = [direction(PostmortemRow.updated_at)]
    else:
        ordered = [PostmortemRow.date.is_(None), direction(PostmortemRow.date)]
    return query.order_by(*ordered, PostmortemRow.incident_id)


def list_page(session: Session, wanted: ListingQuery, *, today: dt.date) -> ListingPage:
    """One page of the post-mortems that match ``wanted``, in its order.

    Four queries whatever the size of the store: how many match, the page's rows, then the
    action-item counts and the sign-offs of those rows only (the counts and sign-offs of every
    post-mortem are grouped only when a filter needs them)."""
    counts = _item_counts(today)
    signed = _sign_offs()
    base = select(
        PostmortemRow.id,
        PostmortemRow.incident_id,
        PostmortemRow.title,
        PostmortemRow.severity,
        PostmortemRow.date,
        PostmortemRow.version,
        PostmortemRow.updated_at,
    )
    if wanted.items is not ItemsFilter.ANY:
        base = base.outerjoin(counts, counts.c.pid == PostmortemRow.id)
    if wanted.standing is not None:
        base = base.outerjoin(signed, signed.c.pid == PostmortemRow.id)
    filtered = _filtered(base, wanted, counts, signed)
    total = session.execute(
        select(func.count()).select_from(filtered.with_only_columns(PostmortemRow.id).subquery())
    ).scalar_one()
    per_page = max(1, wanted.per_page)
    pages = max(1, -(-total // per_page))
    page = min(max(1, wanted.page), pages)
    rows = session.execute(
        _order(filtered, wanted).limit(per_page).offset((page - 1) * per_page)
    ).all()
    ids = [r[0] for r in rows]
    items: dict[int, tuple[int, int, int]] = {}
    signs: dict[int, tuple[int | None, str | None]] = {}
    if ids:
        for pid, n, closed, overdue in session.execute(
            _item_counts_query(today).where(ActionItemRow.postmortem_id.in_(ids))
        ):
            items[pid] = (int(n), int(closed or 0), int(overdue or 0))
        for pid, rank, prepared in session.execute(
            _sign_offs_query().where(SignOffRow.postmortem_id.in_(ids))
        ):
            signs[pid] = (rank, prepared)
    return ListingPage(
        rows=[
            ListedPostmortem(
                incident_id=r[1],
                title=r[2],
                severity=Severity(r[3]) if r[3] is not None else None,
                date=r[4],
                version=r[5],
                updated_at=r[6],
                standing=standing_of_rank(signs.get(r[0], (None, None))[0]),
                prepared_by=signs.get(r[0], (None, None))[1],
                items_total=items.get(r[0], (0, 0, 0))[0],
                items_closed=items.get(r[0], (0, 0, 0))[1],
                items_overdue=items.get(r[0], (0, 0, 0))[2],
            )
            for r in rows
        ],
        total=total,
        page=page,
        per_page=per_page,
    )


def overdue_actions(session: Session, *, today: dt.date) -> list[ActionRecord]:
    """The action items still to do and past due on ``today`` (their due date, else their
    horizon's end), picked by the database rather than read all and filtered."""
    query = _record_query().where(_overdue(today))
    return [_record(row) for row in session.execute(query)]


def standing_counts(session: Session) -> dict[Standing, int]:
    """How many post-mortems stand at each review standing (every standing present)."""
    signed = _sign_offs()
    rank = func.coalesce(signed.c.rank, 0)
    rows = session.execute(
        select(rank, func.count())
        .select_from(PostmortemRow)
        .outerjoin(signed, signed.c.pid == PostmortemRow.id)
        .group_by(rank)
    )
    found = {standing: 0 for standing in Standing}
    for value, count in rows:
        found[standing_of_rank(value)] = int(count)
    return found


@dataclass(frozen=True)
class TimedPostmortem:
    """The parts of a post-mortem its incident metrics are read from (no action items, no
    prose): header, Timeline section with its phase-tagged events, Metrics section."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    doc: Postmortem


def timing_documents(
    session: Session, *, since: dt.date, until: dt.date | None = None
) -> list[TimedPostmortem]:
    """Post-mortems of incidents from ``since`` (to ``until``), read for their metrics in two
    queries; only events tagged with a phase are read (the only ones metrics use)."""
    conditions: list[ColumnElement[bool]] = [PostmortemRow.date >= since]
    if until is not None:
        conditions.append(PostmortemRow.date <= until)
    rows = session.execute(
        select(
            PostmortemRow.id,
            PostmortemRow.incident_id,
            PostmortemRow.title,
            PostmortemRow.severity,
            PostmortemRow.date,
            PostmortemRow.impact_start,
            PostmortemRow.duration_seconds,
            # Only the parts metrics read, not the whole body (its prose is most of it).
            PostmortemRow.body["timeline"],
            PostmortemRow.body["metrics"],
            PostmortemRow.body["impact_start_text"],
            PostmortemRow.body["duration_text"],
            PostmortemRow.body["timezone"],
        )
        .where(*conditions)
        .order_by(PostmortemRow.date.desc(), PostmortemRow.incident_id)
    ).all()
    if not rows:
        return []
    events: dict[int, list[TimelineEvent]] = defaultdict(list)
    ids = [r[0] for r in rows]
    event = TimelineEventRow
    for found in session.execute(
        select(
            event.postmortem_id,
            event.time,
            event.time_text,
            event.phase,
            event.kind,
            event.actor,
            event.text,
            event.source_tool,
            event.source_id,
            event.key,
            event.link,
        )
        .where(event.postmortem_id.in_(ids), event.phase.is_not(None))
        .order_by(event.time, event.id)
    ):
        pid, time, time_text, phase, kind, actor, text, tool, source_id, key, link = found
        events[pid].append(
            EventRow(time, time_text, Phase(phase) if phase else None, EventKind(kind), actor,
                     text, tool, source_id, bool(key), link).event()
        )  # fmt: skip
    blank = Postmortem()  # the parts metrics never read, shared by every document here
    return [_timed(row, events.get(row[0], []), blank) for row in rows]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _moment(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC) if isinstance(value, str) else None


def _timeline(raw: dict[str, Any], events: list[TimelineEvent], blank: Postmortem) -> Timeline:
    """The Timeline section's phase times as stored (validated when they were saved), with
    the events: all the metrics read of it, built without validating the section again."""
    blocks: dict[str, Any] = {"events": events}
    for block in blank.timeline.blocks():
        stored = raw.get(block.phase.value) or {}
        blocks[block.phase.value] = block.model_copy(
            update={
                "time": _moment(stored.get("time")),
                "time_text": _text(stored.get("time_text")),
            }
        )
    return blank.timeline.model_copy(update=blocks)


def _metrics(raw: dict[str, Any], blank: Postmortem) -> Metrics:
    stated = raw.get("incident_metrics") or {}
    fields = {
        name: stated.get(name)
        for name in IncidentMetrics.model_fields
        if isinstance(stated.get(name), int | str)
    }
    return blank.metrics.model_copy(
        update={"incident_metrics": blank.metrics.incident_metrics.model_copy(update=fields)}
    )


def _timed(row: Sequence[Any], events: list[TimelineEvent], blank: Postmortem) -> TimedPostmortem:
    _, incident_id, title, severity, date, impact_start, duration, *parts = row
    timeline, metrics, impact_start_text, duration_text, timezone = parts
    level = Severity(severity) if severity is not None else None
    doc = blank.model_copy(
        update={
            "incident_id": incident_id,
            "title": title,
            "severity": level,
            "date": date,
            "impact_start": impact_start,
            "impact_start_text": _text(impact_start_text),
            "duration": duration,
            "duration_text": _text(duration_text),
            "timezone": _text(timezone),
            "timeline": _timeline(timeline or {}, events, blank),
            "metrics": _metrics(metrics or {}, blank),
        }
    )
    return TimedPostmortem(incident_id, title, level, date, doc)


__all__ = [
    "PAGE_SIZE",
    "ItemsFilter",
    "ListedPostmortem",
    "ListingPage",
    "ListingQuery",
    "SortKey",
    "TimedPostmortem",
    "list_page",
    "overdue_actions",
    "standing_counts",
    "timing_documents",
]
