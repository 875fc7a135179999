"""The post-mortem listing: one filter, sort and page model and one query path, used by
``GET /api/v1/postmortems``, the ``/postmortems`` page and the dashboard.

Filters: severities, an incident date range, an owner (owns an action item or prepared the
post-mortem), the state of the action items (some open, some overdue, all done, none), the
review standing, and words of the id, the title or the current text. A post-mortem without a
date (or title) sorts last whatever the direction, and the incident id breaks ties, so pages
never overlap or skip one.

A page is four queries whatever the size of the store: how many match, the page's rows, then
the action-item counts and the sign-offs of those rows only (the counts and sign-offs of every
post-mortem are grouped only when a filter needs them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from blamefree.domain.enums import Horizon, Severity
from blamefree.domain.standing import Standing, standing_of_rank
from blamefree.store.tables import ActionItemRow, PostmortemRow, RevisionRow, SignOffRow

PAGE_SIZE = 50
CLOSED = ("done", "wont_do")


class ItemsFilter(StrEnum):
    """Which post-mortems to keep by the state of their action items."""

    OPEN = "open"  # at least one item still to do
    OVERDUE = "overdue"  # at least one item past its due date (or its horizon's end)
    DONE = "done"  # items exist and every one is done or won't do
    NONE = "none"  # no action items at all

    @property
    def label(self) -> str:
        """How the list page offers it."""
        return {
            "open": "Some open",
            "overdue": "Some overdue",
            "done": "All done",
            "none": "None",
        }[self.value]


class SortKey(StrEnum):
    """What the listing is ordered by (the direction is ``ListingQuery.descending``)."""

    DATE = "date"
    SEVERITY = "severity"  # descending: the most severe (P0) first
    TITLE = "title"  # case ignored
    UPDATED = "updated"
    INCIDENT_ID = "incident_id"

    @property
    def label(self) -> str:
        """How the list page offers it."""
        return {
            "date": "Incident date",
            "severity": "Severity",
            "title": "Title",
            "updated": "Last updated",
            "incident_id": "Incident id",
        }[self.value]


@dataclass(frozen=True)
class ListingQuery:
    """The filters, order and page of a listing; every part left at its default keeps all."""

    severities: tuple[Severity, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    owner: str | None = None
    items: ItemsFilter | None = None
    text: str | None = None
    standing: Standing | None = None
    sort: SortKey = SortKey.DATE
    descending: bool = True
    limit: int = PAGE_SIZE
    offset: int = 0
    to_last_page: bool = False
    """An offset past the end gives the last page instead of an empty one (the page's pager)."""

    def on_page(self, page: int, per_page: int = PAGE_SIZE) -> ListingQuery:
        """This query's page number ``page`` (1-based; past the end: the last page)."""
        offset = (max(1, page) - 1) * per_page
        return replace(self, limit=per_page, offset=offset, to_last_page=True)


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
    items_done: int  # status done (a won't-do item is closed, not done)
    items_closed: int  # done or won't do
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
    limit: int
    offset: int

    @property
    def page(self) -> int:
        """The 1-based number of this page."""
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        """How many pages the matches fill (at least 1)."""
        return max(1, -(-self.total // self.limit))

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts; None on the last."""
        following = self.offset + len(self.rows)
        return following if following < self.total else None


def overdue_item(today: dt.date) -> ColumnElement[bool]:
    """An action item still to do whose due date (or its horizon's end, counted from the
    incident date when it has none) is before ``today`` (needs the post-mortem joined)."""
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
    done = case((ActionItemRow.status == "done", 1), else_=0)
    closed = case((ActionItemRow.status.in_(CLOSED), 1), else_=0)
    overdue = case((overdue_item(today), 1), else_=0)
    return (
        select(
            ActionItemRow.postmortem_id.label("pid"),
            func.count().label("total"),
            func.sum(done).label("done"),
            func.sum(closed).label("closed"),
            func.sum(overdue).label("overdue"),
        )
        .join(PostmortemRow, PostmortemRow.id == ActionItemRow.postmortem_id)
        .group_by(ActionItemRow.postmortem_id)
    )


def sign_offs_query() -> Select[*tuple[Any, ...]]:
    """Per post-mortem: the rank of its standing (None: no sign-off) and who prepared it."""
    rank = case((SignOffRow.role == "approved", Standing.APPROVED.rank), else_=1)
    prepared = case((SignOffRow.role == "prepared", SignOffRow.name), else_=None)
    return select(
        SignOffRow.postmortem_id.label("pid"),
        func.max(rank).label("rank"),
        func.max(prepared).label("prepared_by"),
    ).group_by(SignOffRow.postmortem_id)


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
    if wanted.owner and wanted.owner.strip():
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
    elif wanted.items is ItemsFilter.DONE:
        query = query.where(total > 0, total == closed)
    elif wanted.items is ItemsFilter.NONE:
        query = query.where(total == 0)
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
        ordered += [PostmortemRow.date.is_(None), PostmortemRow.date.desc()]
    elif wanted.sort is SortKey.TITLE:
        ordered = [PostmortemRow.title.is_(None), direction(func.lower(PostmortemRow.title))]
    elif wanted.sort is SortKey.UPDATED:
        ordered = [direction(PostmortemRow.updated_at)]
    elif wanted.sort is SortKey.INCIDENT_ID:
        return query.order_by(direction(PostmortemRow.incident_id))
    else:
        ordered = [PostmortemRow.date.is_(None), direction(PostmortemRow.date)]
    return query.order_by(*ordered, PostmortemRow.incident_id)


def list_postmortems(session: Session, wanted: ListingQuery, *, today: dt.date) -> ListingPage:
    """One page of the post-mortems that match ``wanted``, in its order, with how many match;
    overdue items are counted as of ``today``."""
    counts = _item_counts_query(today).subquery()
    signed = sign_offs_query().subquery()
    base = select(
        PostmortemRow.id,
        PostmortemRow.incident_id,
        PostmortemRow.title,
        PostmortemRow.severity,
        PostmortemRow.date,
        PostmortemRow.version,
        PostmortemRow.updated_at,
    )
    if wanted.items is not None:
        base = base.outerjoin(counts, counts.c.pid == PostmortemRow.id)
    if wanted.standing is not None:
        base = base.outerjoin(signed, signed.c.pid == PostmortemRow.id)
    filtered = _filtered(base, wanted, counts, signed)
    total = session.execute(
        select(func.count()).select_from(filtered.with_only_columns(PostmortemRow.id).subquery())
    ).scalar_one()
    limit = max(1, wanted.limit)
    offset = max(0, wanted.offset)
    if wanted.to_last_page and offset >= total:
        offset = max(0, (total - 1) // limit * limit)
    rows = session.execute(_order(filtered, wanted).limit(limit).offset(offset)).all()
    ids = [r[0] for r in rows]
    items: dict[int, tuple[int, int, int, int]] = {}
    signs: dict[int, tuple[int | None, str | None]] = {}
    if ids:
        for pid, n, done, closed, overdue in session.execute(
            _item_counts_query(today).where(ActionItemRow.postmortem_id.in_(ids))
        ):
            items[pid] = (int(n), int(done or 0), int(closed or 0), int(overdue or 0))
        for pid, rank, prepared in session.execute(
            sign_offs_query().where(SignOffRow.postmortem_id.in_(ids))
        ):
            signs[pid] = (rank, prepared)
    listed = []
    for r in rows:
        n, done, closed, overdue = items.get(r[0], (0, 0, 0, 0))
        rank, prepared = signs.get(r[0], (None, None))
        listed.append(
            ListedPostmortem(
                incident_id=r[1],
                title=r[2],
                severity=Severity(r[3]) if r[3] is not None else None,
                date=r[4],
                version=r[5],
                updated_at=r[6],
                standing=standing_of_rank(rank),
                prepared_by=prepared,
                items_total=n,
                items_done=done,
                items_closed=closed,
                items_overdue=overdue,
            )
        )
    return ListingPage(rows=listed, total=total, limit=limit, offset=offset)


__all__ = [
    "PAGE_SIZE",
    "ItemsFilter",
    "ListedPostmortem",
    "ListingPage",
    "ListingQuery",
    "SortKey",
    "list_postmortems",
    "overdue_item",
    "sign_offs_query",
]
