"""What a post-mortem's page shows besides its document, as one small stamp: the memo of the
page (``web.memo``) keys on it, so every read of the page asks for it, twice on a miss.

One Core statement built once: the version of the document, and as scalar subqueries what
changes with every comment (count, highest id, latest resolution, how many resolved), with
every workflow step (state and its time) and with its restriction (who restricted it when, and
its extra members), and with every follow-up review recorded (kind, when, notes, by, one line
each: recording one is no new version of the document).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, String, bindparam, cast, func, select
from sqlalchemy.orm import Session

from blamefree.store.records import VersionStamp
from blamefree.store.tables import (
    PostmortemRow,
    RestrictionMemberRow,
    RestrictionRow,
    ReviewCommentRow,
    ReviewRow,
    WorkflowRow,
)
from blamefree.store.visibility import hidden_clause, params_of


@dataclass(frozen=True)
class PageStamp:
    """The parts of a post-mortem's page that change without a new version of its document
    beside the version itself; equal stamps mean the page would render the same."""

    version: VersionStamp
    comments: tuple[int, int, str]
    """(how many, highest id, latest resolution / how many resolved)."""
    workflow: tuple[str, dt.datetime] | None
    """(state, when it last changed); None before the workflow started."""
    restriction: tuple[str | None, dt.datetime | None, str | None]
    """(restricted by, restricted at, the extra members one per line); all None when it is
    not restricted."""
    reviews: str | None
    """The follow-up reviews held, one line each; None when none is recorded."""


def page_stamp(session: Session, incident_id: str) -> PageStamp | None:
    """The stamp of the post-mortem with that id, or None when there is none or the session's
    viewer may not see it (``store.visibility``)."""
    found = (
        session.connection()
        .execute(_query(), {"incident_id": incident_id, **params_of(session)})
        .one_or_none()
    )
    if found is None:
        return None
    (row_id, version, created_at, updated_at, count, top, resolved, unresolved, state, moved) = (
        found[:10]
    )
    restricted_by, restricted_at, members, held = found[10:]
    return PageStamp(
        version=VersionStamp(incident_id, row_id, version, created_at, updated_at),
        comments=(int(count), int(top or 0), f"{resolved}/{unresolved}"),
        workflow=(state, moved) if state is not None and moved is not None else None,
        restriction=(restricted_by, restricted_at, members),
        reviews=held,
    )


def _review_line() -> Any:
    """A review held as one line of text, every part of it (a NULL part as empty)."""
    parts = [
        ReviewRow.kind,
        cast(ReviewRow.done_at, String),
        ReviewRow.notes,
        ReviewRow.by,
    ]
    line: Any = None
    for part in parts:
        text = func.coalesce(part, "")
        line = text if line is None else line + "\x1f" + text
    return line


@lru_cache(maxsize=1)
def _query() -> Select[Any]:
    comment = ReviewCommentRow

    def about(table: Any, column: Any) -> Any:
        return (
            select(column)
            .where(table.postmortem_id == PostmortemRow.id)
            .correlate(PostmortemRow)
            .scalar_subquery()
        )

    return (
        select(
            PostmortemRow.id,
            PostmortemRow.version,
            PostmortemRow.created_at,
            PostmortemRow.updated_at,
            about(comment, func.count(comment.id)),
            about(comment, func.max(comment.id)),
            about(comment, func.max(comment.resolved_at)),
            about(comment, func.count(comment.resolved_at)),
            WorkflowRow.state,
            WorkflowRow.updated_at,
            about(RestrictionRow, RestrictionRow.restricted_by),
            about(RestrictionRow, RestrictionRow.restricted_at),
            about(RestrictionMemberRow, func.aggregate_strings(RestrictionMemberRow.name, "\n")),
            about(ReviewRow, func.aggregate_strings(_review_line(), "\x1e")),
        )
        .outerjoin(WorkflowRow, WorkflowRow.postmortem_id == PostmortemRow.id)
        .where(
            PostmortemRow.incident_id == bindparam("incident_id"), hidden_clause(PostmortemRow.id)
        )
    )
