"""Search across post-mortems, and rebuilding the search index for repair."""

from __future__ import annotations

from collections.abc import Callable

from blamefree.domain.search import SearchFilters, SearchPage, parse_query
from blamefree.errors import ValidationFailed
from blamefree.store import UnitOfWork
from blamefree.store import search as store_search
from blamefree.store.search_index import reindex as rebuild

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


def search_postmortems(
    uow: UnitOfWork,
    *,
    query: str,
    filters: SearchFilters | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> SearchPage:
    """One page of the post-mortems matching ``query`` (the syntax of docs/search.md) and
    ``filters``, best first; `SearchQueryInvalid` when the query cannot be read."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            f"limit must be between 1 and {MAX_LIMIT}, not {limit}", field="limit"
        )
    if offset < 0:
        raise ValidationFailed(f"offset must be 0 or more, not {offset}", field="offset")
    typed = parse_query(query)
    if filters is not None:
        typed = typed.with_filters(filters)
    return store_search.search(uow.session, typed, limit=limit, offset=offset)


def reindex(uow: UnitOfWork, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the search row of every stored post-mortem; returns how many were written."""
    repository = uow.postmortems
    return rebuild(uow.session, lambda row: repository.compose_bare(row), progress=progress)
