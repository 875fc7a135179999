"""``/api/v1/postmortems/{id}/comments``: review comments, their threads, resolve and reopen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from blamefree.errors import (
    CommentNotFound,
    Forbidden,
    PostmortemNotFound,
    ValidationFailed,
)
from blamefree.schemas.comments import (
    CommentAddedRead,
    CommentCreate,
    CommentThreadRead,
    CommentThreadsRead,
    added_read,
    thread_read,
    threads_read,
)
from blamefree.services import comments
from blamefree.web.deps import CurrentPrincipal, Now, UoW
from blamefree.web.errors import error_responses

router = APIRouter(prefix="/postmortems/{incident_id}/comments", tags=["comments"])


@router.get(
    "",
    response_model=CommentThreadsRead,
    responses=error_responses(PostmortemNotFound),
    summary="The comment threads of a post-mortem, in section order (open ones unless all)",
)
def list_comments(
    incident_id: str,
    uow: UoW,
    all: Annotated[bool, Query(description="Resolved threads too")] = False,
) -> CommentThreadsRead:
    found = comments.list_comments(uow, incident_id=incident_id, include_resolved=all)
    return threads_read(found)


@router.post(
    "",
    status_code=201,
    response_model=CommentAddedRead,
    responses=error_responses(PostmortemNotFound, CommentNotFound, ValidationFailed, Forbidden),
    summary="Comment on a section (or a line of it), or reply; @name mentions notify people",
)
def add_comment(
    incident_id: str, comment_in: CommentCreate, uow: UoW, principal: CurrentPrincipal, now: Now
) -> CommentAddedRead:
    added = comments.add_comment(
        uow,
        incident_id=incident_id,
        body=comment_in.body,
        section=comment_in.section,
        line=comment_in.line,
        reply_to=comment_in.reply_to,
        by=principal,
        now=now,
    )
    return added_read(added)


@router.post(
    "/{comment_id}/resolve",
    response_model=CommentThreadRead,
    responses=error_responses(PostmortemNotFound, CommentNotFound, Forbidden),
    summary="Resolve the thread of a comment (already resolved: unchanged)",
)
def resolve_comment(
    incident_id: str, comment_id: int, uow: UoW, principal: CurrentPrincipal, now: Now
) -> CommentThreadRead:
    thread, _ = comments.resolve_comment(
        uow, comment_id=comment_id, incident_id=incident_id, by=principal, now=now
    )
    return thread_read(thread)


@router.post(
    "/{comment_id}/reopen",
    response_model=CommentThreadRead,
    responses=error_responses(PostmortemNotFound, CommentNotFound, Forbidden),
    summary="Open the thread of a comment again (already open: unchanged)",
)
def reopen_comment(
    incident_id: str, comment_id: int, uow: UoW, principal: CurrentPrincipal
) -> CommentThreadRead:
    thread, _ = comments.reopen_comment(
        uow, comment_id=comment_id, incident_id=incident_id, by=principal
    )
    return thread_read(thread)
