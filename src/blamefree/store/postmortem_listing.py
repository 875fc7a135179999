"""The post-mortem listing: one filter, sort and page model and one query path, used by
``GET /api/v1/postmortems``, the ``/postmortems`` page and the dashboard.

Filters: severities, an incident date range, an owner (owns an action item or prepared the
post-mortem), the state of the action items (some open, some overdue, all done, none), the
review standing, and words of the id, the title or the current text. A post-mortem without a
date (or title) sorts last whatever the direction, and the incident id breaks ties, so pages
never overlap or skip one.

A page is four queries whatever the size of the store: how many match, the page's rows, then
the action-item counts and the sign-offs of those rows only (the counts and sign-offs of every
post-mortem are grouped only when a filter needs them). ``listing_stamp`` names what a page
shows in one query (each row's id and version on the page, with how many match), for the
memo of the ``/postmortems`` page (``web.pages.postmortem_list``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from blamefree.domain.enums import Horizon, Severity
from blamefree.domain.standing import Standing, standing_of_rank
from blamefree.store.tables import ActionItemRow, PostmortemRow, RevisionRow, SignOffRow
from blamefree.store.visibility import hidden_clause, params_of

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
    incident_ids: tuple[str, ...] | None = None
    """Only these post-mortems (e.g. the ones the policy finds overdue); None: any."""
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
class ListingStamp:
    """What names one page of a listing as stored: how many match, where the page starts, and
    the id, version and creation time of each of its rows in order.

    Everything a row shows (title, severity, date, action items, sign-offs) is part of its
    post-mortem's document, and every change of a document is a new version; a post-mortem
    deleted and made again is a new row (``VersionStamp``). So two reads with the same stamp,
    the same query and the same day show the same page."""

    total: int
    offset: int
    rows: tuple[tuple[int, int, object], ...]


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


def overdue_item() -> ColumnElement[bool]:
    """An action item still to do whose due date (or its horizon's end, counted from the
    incident date when it has none) is before the day ``overdue_params`` names (needs the
    post-mortem joined)."""
    by_horizon = [
        and_(
            ActionItemRow.horizon == horizon.value,
            PostmortemRow.date < bindparam(f"started_before_{horizon.value}", type_=Date),
        )
        for horizon in Horizon
    ]
    return and_(
        ActionItemRow.status.not_in(CLOSED),
        or_(
            ActionItemRow.due_date < bindparam("today", type_=Date),
            and_(ActionItemRow.due_date.is_(None), or_(*by_horizon)),
        ),
    )


def overdue_params(today: dt.date) -> dict[str, dt.date]:
    """The values ``overdue_item`` compares with, as of ``today``."""
    params = {"today": today}
    for horizon in Horizon:
        params[f"started_before_{horizon.value}"] = today - dt.timedelta(days=horizon.days)
    return params


def _item_counts_query() -> Select[*tuple[Any, ...]]:
    done = case((ActionItemRow.status == "done", 1), else_=0)
    closed = case((ActionItemRow.status.in_(CLOSED), 1), else_=0)
    overdue = case((overdue_item(), 1), else_=0)
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


def _contains(column: Any, name: str) -> ColumnElement[bool]:
    return func.lower(column).like(bindparam(name), escape="\\")


def _pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _owner(wanted: ListingQuery) -> str | None:
    owner = " ".join((wanted.owner or "").strip().lstrip("@").split())
    return owner or None


def _text(wanted: ListingQuery) -> str | None:
    return (wanted.text or "").strip() or None


@dataclass(frozen=True)
class _Shape:
    """What the SQL of a listing depends on (which filters are on, the order), not the values."""

    severities: bool
    since: bool
    until: bool
    owner: bool
    text: bool
    items: ItemsFilter | None
    standing: bool
    ids: bool
    sort: SortKey
    descending: bool


def _shape(wanted: ListingQuery) -> _Shape:
    return _Shape(
        severities=bool(wanted.severities),
        since=wanted.since is not None,
        until=wanted.until is not None,
        owner=_owner(wanted) is not None,
        text=_text(wanted) is not None,
        items=wanted.items,
        standing=wanted.standing is not None,
        ids=wanted.incident_ids is not None,
        sort=wanted.sort,
        descending=wanted.descending,
    )


def _params(wanted: ListingQuery, today: dt.date) -> dict[str, Any]:
    params: dict[str, Any] = overdue_params(today) if wanted.items is not None else {}
    if wanted.severities:
        params["severities"] = [s.value for s in wanted.severities]
    if wanted.since is not None:
        params["since"] = wanted.since
    if wanted.until is not None:
        params["until"] = wanted.until
    owner = _owner(wanted)
    if owner is not None:
        params["owner"] = _pattern(owner)
    text = _text(wanted)
    if text is not None:
        params["text"] = _pattern(text)
    if wanted.standing is not None:
        params["standing"] = wanted.standing.rank
    if wanted.incident_ids is not None:
        params["ids"] = list(wanted.incident_ids)
    return params


def _filtered(
    query: Select[*tuple[Any, ...]], shape: _Shape, counts: Any, signed: Any
) -> Select[*tuple[Any, ...]]:
    query = query.where(hidden_clause(PostmortemRow.id))  # restricted ones (store.visibility)
    if shape.severities:
        query = query.where(PostmortemRow.severity.in_(bindparam("severities", expanding=True)))
    if shape.ids:
        query = query.where(PostmortemRow.incident_id.in_(bindparam("ids", expanding=True)))
    if shape.since:
        query = query.where(PostmortemRow.date >= bindparam("since", type_=Date))
    if shape.until:
        query = query.where(PostmortemRow.date <= bindparam("until", type_=Date))
    if shape.owner:
        owns = exists().where(
            ActionItemRow.postmortem_id == PostmortemRow.id, _contains(ActionItemRow.owner, "owner")
        )
        prepared = exists().where(
            SignOffRow.postmortem_id == PostmortemRow.id,
            SignOffRow.role == "prepared",
            _contains(SignOffRow.name, "owner"),
        )
        query = query.where(or_(owns, prepared))
    if shape.text:
        current = exists().where(
            RevisionRow.postmortem_id == PostmortemRow.id,
            RevisionRow.version == PostmortemRow.version,
            _contains(RevisionRow.markdown, "text"),
        )
        query = query.where(
            or_(
                _contains(PostmortemRow.incident_id, "text"),
                _contains(PostmortemRow.title, "text"),
                current,
            )
        )
    total = func.coalesce(counts.c.total, 0)
    closed = func.coalesce(counts.c.closed, 0)
    if shape.items is ItemsFilter.OPEN:
        query = query.where(total > closed)
    elif shape.items is ItemsFilter.OVERDUE:
        query = query.where(func.coalesce(counts.c.overdue, 0) > 0)
    elif shape.items is ItemsFilter.DONE:
        query = query.where(total > 0, total == closed)
    elif shape.items is ItemsFilter.NONE:
        query = query.where(total == 0)
    if shape.standing:
        query = query.where(func.coalesce(signed.c.rank, 0) == bindparam("standing"))
    return query


def _order(query: Select[*tuple[Any, ...]], shape: _Shape) -> Select[*tuple[Any, ...]]:
    """NULLS LAST rather than ``IS NULL`` first: SQLite then walks the date index and stops at
    the page's end instead of sorting every row (each row is a whole document wide)."""

    def direction(column: Any) -> Any:
        return (column.desc() if shape.descending else column.asc()).nulls_last()

    ordered: list[Any]
    if shape.sort is SortKey.SEVERITY:
        # Descending is most severe first: P0 before P3.
        severity = PostmortemRow.severity
        most_first = severity.asc() if shape.descending else severity.desc()
        ordered = [most_first.nulls_last(), PostmortemRow.date.desc().nulls_last()]
    elif shape.sort is SortKey.TITLE:
        ordered = [direction(func.lower(PostmortemRow.title))]
    elif shape.sort is SortKey.UPDATED:
        ordered = [direction(PostmortemRow.updated_at)]
    elif shape.sort is SortKey.INCIDENT_ID:
        return query.order_by(direction(PostmortemRow.incident_id))
    else:
        ordered = [direction(PostmortemRow.date)]
    return query.order_by(*ordered, PostmortemRow.incident_id)


@dataclass(frozen=True)
class _Statements:
    count: Select[*tuple[Any, ...]]
    rows: Select[*tuple[Any, ...]]
    stamps: Select[*tuple[Any, ...]]


STAMP_COLUMNS = (
    PostmortemRow.id,
    PostmortemRow.version,
    # As the database gives it (compared, never shown): no time zone to convert per row.
    type_coerce(PostmortemRow.created_at, String()).label("created_stamp"),
)
"""The first columns of a listing's rows: what names each row's stored version (a save is a
new version; a row made again has a new creation time, as ``VersionStamp`` says)."""


@lru_cache(maxsize=512)
def _statements(shape: _Shape) -> _Statements:
    """The count and the rows of a listing of this shape, built once per process: immutable
    SQL with its values bound at each execution (building a statement costs more than most
    listings take to run)."""
    counts = _item_counts_query().subquery()
    signed = sign_offs_query().subquery()
    base = select(
        *STAMP_COLUMNS,
        PostmortemRow.updated_at,
        PostmortemRow.incident_id,
        PostmortemRow.title,
        PostmortemRow.severity,
        PostmortemRow.date,
    )
    if shape.items is not None:
        base = base.outerjoin(counts, counts.c.pid == PostmortemRow.id)
    if shape.standing:
        base = base.outerjoin(signed, signed.c.pid == PostmortemRow.id)
    filtered = _filtered(base, shape, counts, signed)
    count = select(func.count()).select_from(
        filtered.with_only_columns(PostmortemRow.id).subquery()
    )
    rows = _order(filtered, shape).limit(bindparam("limit")).offset(bindparam("offset"))
    # The stamp's rows carry how many match (read in the same statement, so on PostgreSQL
    # from the same snapshot): one query where the page has rows.
    stamped = filtered.with_only_columns(*STAMP_COLUMNS, count.scalar_subquery())
    stamps = _order(stamped, shape).limit(bindparam("limit")).offset(bindparam("offset"))
    return _Statements(count=count, rows=rows, stamps=stamps)


@lru_cache(maxsize=8)
def _page_details(size: int) -> tuple[Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]]:
    """The action-item counts and the sign-offs of the post-mortems ``id_0``..``id_<size-1>``
    name: a fixed list of parameters (unused ones 0, an id no row has), so the SQL is the same
    for every page of that size rather than rewritten for each list of ids."""
    ids = [bindparam(f"id_{n}", type_=Integer) for n in range(size)]
    return (
        _item_counts_query().where(ActionItemRow.postmortem_id.in_(ids)),
        sign_offs_query().where(SignOffRow.postmortem_id.in_(ids)),
    )


def _id_params(ids: list[int], size: int) -> dict[str, int]:
    return {f"id_{n}": ids[n] if n < len(ids) else 0 for n in range(size)}


def _page_window(
    connection: Any, statements: _Statements, params: dict[str, Any], wanted: ListingQuery
) -> tuple[int, int, int]:
    """How many match, the page's size and where it starts (past the end: the last page)."""
    total = int(connection.execute(statements.count, params).scalar_one())
    limit = max(1, wanted.limit)
    offset = max(0, wanted.offset)
    if wanted.to_last_page and offset >= total:
        offset = max(0, (total - 1) // limit * limit)
    return total, limit, offset


def listing_stamp(session: Session, wanted: ListingQuery, *, today: dt.date) -> ListingStamp:
    """The stamp of the page ``list_postmortems`` would give: one small query (the page's row
    ids and versions with how many match), two when the page is empty, three past the end."""
    statements = _statements(_shape(wanted))
    params = {**_params(wanted, today), **params_of(session)}
    connection = session.connection()
    limit = max(1, wanted.limit)
    offset = max(0, wanted.offset)
    rows = connection.execute(statements.stamps, {**params, "limit": limit, "offset": offset}).all()
    if rows:
        total = int(rows[0][3])
    else:
        total, limit, last = _page_window(connection, statements, params, wanted)
        if last != offset:
            offset = last
            rows = connection.execute(
                statements.stamps, {**params, "limit": limit, "offset": offset}
            ).all()
    return ListingStamp(total, offset, tuple((r[0], r[1], r[2]) for r in rows))


def list_postmortems(session: Session, wanted: ListingQuery, *, today: dt.date) -> ListingPage:
    """One page of the post-mortems that match ``wanted``, in its order, with how many match;
    overdue items are counted as of ``today``."""
    return stamped_listing(session, wanted, today=today)[0]


def stamped_listing(
    session: Session, wanted: ListingQuery, *, today: dt.date
) -> tuple[ListingPage, ListingStamp]:
    """``list_postmortems``'s page and the stamp of the rows it was read from (the same four
    queries)."""
    statements = _statements(_shape(wanted))
    params = {**_params(wanted, today), **params_of(session)}
    connection = session.connection()
    total, limit, offset = _page_window(connection, statements, params, wanted)
    rows = connection.execute(statements.rows, {**params, "limit": limit, "offset": offset}).all()
    ids = [r[0] for r in rows]
    items: dict[int, tuple[int, int, int, int]] = {}
    signs: dict[int, tuple[int | None, str | None]] = {}
    if ids:
        item_counts, sign_offs = _page_details(limit)
        by_id = _id_params(ids, limit)
        for pid, n, done, closed, overdue in connection.execute(
            item_counts, {**overdue_params(today), **by_id}
        ).all():
            items[pid] = (int(n), int(done or 0), int(closed or 0), int(overdue or 0))
        for pid, rank, prepared in connection.execute(sign_offs, by_id).all():
            signs[pid] = (rank, prepared)
    listed = []
    for r in rows:
        n, done, closed, overdue = items.get(r[0], (0, 0, 0, 0))
        rank, prepared = signs.get(r[0], (None, None))
        listed.append(
            ListedPostmortem(
                incident_id=r[4],
                title=r[5],
                severity=Severity(r[6]) if r[6] is not None else None,
                date=r[7],
                version=r[1],
                updated_at=r[3],
                standing=standing_of_rank(rank),
                prepared_by=prepared,
                items_total=n,
                items_done=done,
                items_closed=closed,
                items_overdue=overdue,
            )
        )
    stamp = ListingStamp(total, offset, tuple((r[0], r[1], r[2]) for r in rows))
    return ListingPage(rows=listed, total=total, limit=limit, offset=offset), stamp


__all__ = [
    "PAGE_SIZE",
    "ItemsFilter",
    "ListedPostmortem",
    "ListingPage",
    "ListingQuery",
    "ListingStamp",
    "SortKey",
    "list_postmortems",
    "listing_stamp",
    "overdue_item",
    "overdue_params",
    "sign_offs_query",
    "stamped_listing",
]
