"""``/api/v1/search``: full-text search across post-mortems (syntax: docs/search.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from blamefree.domain.search import make_filters
from blamefree.errors import SearchQueryInvalid, ValidationFailed
from blamefree.schemas.search import SearchPageRead
from blamefree.services import search as service
from blamefree.web.deps import UoW
from blamefree.web.errors import error_responses

router = APIRouter(prefix="/search", tags=["search"])

Many = Annotated[list[str], Query()]


@router.get(
    "",
    response_model=SearchPageRead,
    responses=error_responses(SearchQueryInvalid, ValidationFailed),
    summary="Search every section, the timeline and the action items, best match first",
)
def search(
    uow: UoW,
    q: Annotated[
        str, Query(max_length=500, description='Words, "phrases", -exclude, field:value')
    ] = "",
    severity: Many = [],  # noqa: B006 (FastAPI copies the default)
    owner: Many = [],  # noqa: B006
    section: Many = [],  # noqa: B006
    service_name: Annotated[list[str], Query(alias="service")] = [],  # noqa: B006
    tag: Many = [],  # noqa: B006
    since: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    open_actions: Annotated[
        bool | None, Query(description="true: with an open action item; false: without")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = service.DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SearchPageRead:
    """The query's ``field:value`` filters and these parameters both apply. A query that
    cannot be read answers 422 with the character it fails at."""
    filters = make_filters(
        severity=severity,
        owner=owner,
        section=section,
        service=service_name,
        tag=tag,
        since=since,
        until=until,
        open_actions=open_actions,
    )
    page = service.search_postmortems(uow, query=q, filters=filters, limit=limit, offset=offset)
    return SearchPageRead.of(page)
