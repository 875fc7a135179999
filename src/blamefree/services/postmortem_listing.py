"""Use case: one page of the stored post-mortems, filtered and sorted: the one listing of
``GET /api/v1/postmortems``, the ``/postmortems`` page and the dashboard."""

from __future__ import annotations

import datetime as dt

from blamefree.errors import ValidationFailed
from blamefree.store import UnitOfWork
from blamefree.store.postmortem_listing import (
    PAGE_SIZE,
    ItemsFilter,
    ListedPostmortem,
    ListingPage,
    ListingQuery,
    SortKey,
)
from blamefree.store.postmortem_listing import (
    list_postmortems as _list_postmortems,
)

MAX_PAGE = 200
"""The most post-mortems one page holds."""


def list_postmortems(uow: UnitOfWork, *, query: ListingQuery, today: dt.date) -> ListingPage:
    """The page of post-mortems ``query`` asks for, and how many match in all; overdue action
    items are counted as of ``today``."""
    if not 1 <= query.limit <= MAX_PAGE:
        raise ValidationFailed(f"a page holds 1 to {MAX_PAGE} post-mortems", field="limit")
    if query.offset < 0:
        raise ValidationFailed("the offset cannot be negative", field="offset")
    if query.since is not None and query.until is not None and query.since > query.until:
        raise ValidationFailed(
            f"the date range starts ({query.since}) after it ends ({query.until})", field="since"
        )
    return _list_postmortems(uow.session, query, today=today)


__all__ = [
    "MAX_PAGE",
    "PAGE_SIZE",
    "ItemsFilter",
    "ListedPostmortem",
    "ListingPage",
    "ListingQuery",
    "SortKey",
    "list_postmortems",
]
