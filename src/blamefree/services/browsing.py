"""The post-mortem listing of the pages: filters, order and a page of rows, in two queries."""

from __future__ import annotations

import datetime as dt

from blamefree.errors import ValidationFailed
from blamefree.store import UnitOfWork
from blamefree.store.browsing import ListingPage, ListingQuery, list_page


def search_postmortems(uow: UnitOfWork, *, query: ListingQuery, today: dt.date) -> ListingPage:
    """The page of post-mortems ``query`` asks for; overdue is counted as of ``today``."""
    if query.since is not None and query.until is not None and query.since > query.until:
        raise ValidationFailed(
            f"the date range starts ({query.since}) after it ends ({query.until})", field="from"
        )
    return list_page(uow.session, query, today=today)
