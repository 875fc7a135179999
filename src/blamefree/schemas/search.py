"""What `blamefree search --json` prints and ``GET /api/v1/search`` returns."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from blamefree.domain.enums import Severity
from blamefree.domain.search import SearchFilters, SearchHit, SearchPage, Snippet
from blamefree.schemas.base import ReadModel


class SnippetSegmentRead(ReadModel):
    """A piece of a snippet; ``hit`` when it matched the query."""

    text: str
    hit: bool


class SnippetRead(ReadModel):
    """The passage of one section that best matches the query."""

    section: str = Field(description="The section it comes from (`section:` of the query)")
    text: str = Field(description="The passage as plain text")
    highlight: str = Field(
        description="The passage as HTML: the text escaped, matched words in <mark>; "
        "never the author's own HTML"
    )
    segments: list[SnippetSegmentRead]

    @classmethod
    def of(cls, snippet: Snippet) -> SnippetRead:
        return cls(
            section=snippet.section,
            text=snippet.text,
            highlight=snippet.html,
            segments=[SnippetSegmentRead(text=s.text, hit=s.hit) for s in snippet.segments],
        )


class SearchHitRead(ReadModel):
    """One post-mortem found."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    score: float | None = Field(
        description="Rank score, higher is better (backend-specific scale); null when the "
        "query has no words"
    )
    snippet: SnippetRead | None

    @classmethod
    def of(cls, hit: SearchHit) -> SearchHitRead:
        return cls(
            incident_id=hit.incident_id,
            title=hit.title,
            severity=hit.severity,
            date=hit.date,
            score=hit.score,
            snippet=SnippetRead.of(hit.snippet) if hit.snippet is not None else None,
        )


class SearchFiltersRead(ReadModel):
    """The filters the search applied (the query's ``field:value`` and the parameters)."""

    severity: list[Severity]
    owner: list[str]
    section: list[str]
    service: list[str]
    tag: list[str]
    since: dt.date | None
    until: dt.date | None
    open_actions: bool | None

    @classmethod
    def of(cls, filters: SearchFilters) -> SearchFiltersRead:
        return cls(
            severity=sorted(filters.severities),
            owner=list(filters.owners),
            section=list(filters.sections),
            service=list(filters.services),
            tag=list(filters.tags),
            since=filters.since,
            until=filters.until,
            open_actions=filters.open_actions,
        )


class SearchPageRead(ReadModel):
    """One page of search results, best first."""

    query: str
    words: list[str] = Field(description="The words and phrases that must match")
    excluded: list[str] = Field(description="The words and phrases that must not")
    filters: SearchFiltersRead
    total: int = Field(description="How many post-mortems match in all")
    offset: int
    limit: int
    next_offset: int | None = Field(description="The offset of the next page; null on the last")
    hits: list[SearchHitRead]

    @classmethod
    def of(cls, page: SearchPage) -> SearchPageRead:
        return cls(
            query=page.query.text,
            words=[t.text for t in page.query.terms],
            excluded=[t.text for t in page.query.excluded],
            filters=SearchFiltersRead.of(page.query.filters),
            total=page.total,
            offset=page.offset,
            limit=page.limit,
            next_offset=page.offset + len(page.hits) if page.has_more else None,
            hits=[SearchHitRead.of(h) for h in page.hits],
        )


class ReindexRead(ReadModel):
    """What `blamefree reindex --json` prints."""

    reindexed: int = Field(description="Post-mortems whose search row was rewritten")
