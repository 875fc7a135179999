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
    ListingStamp,
    SortKey,
)
from blamefree.store.postmortem_listing import (
    listing_stamp as _listing_stamp,
)
from blamefree.store.postmortem_listing import (
    stamped_listing as _stamped_listing,
)

MAX_PAGE = 200
"""The most post-mortems one page holds."""


def list_postmortems(uow: UnitOfWork, *, query: ListingQuery, today: dt.date) -> ListingPage:
    """The page of post-mortems ``query`` asks for, and how many match in all; overdue action
    items are counted as of ``today``."""
    return stamped_listing(uow, query=query, today=today)[0]


def stamped_listing(
    uow: UnitOfWork, *, query: ListingQuery, today: dt.date
) -> tuple[ListingPage, ListingStamp]:
    """``list_postmortems``'s page and the stamp of the stored rows it shows."""
    _check(query)
    return _stamped_listing(uow.session, query, today=today)


def listing_stamp(uow: UnitOfWork, *, query: ListingQuery, today: dt.date) -> ListingStamp:
    """What names the page ``query`` asks for as stored now (how many match; the page's ids and
    versions): the same stamp, the same query and the same day give the same page."""
    _check(query)
    return _listing_stamp(uow.session, query, today=today)


def _check(query: ListingQuery) -> None:
    if not 1 <= query.limit <= MAX_PAGE:
        raise ValidationFailed(f"a page holds 1 to {MAX_PAGE} post-mortems", field="limit")
    if query.offset < 0:
        raise ValidationFailed("the offset cannot be negative", field="offset")
    if query.since is not None and query.until is not None and query.since > query.until:
        raise ValidationFailed(
            f"the date range starts ({query.since}) after it ends ({query.until})", field="since"
        )


__all__ = [
    "MAX_PAGE",
    "PAGE_SIZE",
    "ItemsFilter",
    "ListedPostmortem",
    "ListingPage",
    "ListingQuery",
    "ListingStamp",
    "SortKey",
    "list_postmortems",
    "listing_stamp",
    "stamped_listing",
]
