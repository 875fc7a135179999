"""Review comments from the post-mortem page: add one or a reply, resolve, reopen (forms with
CSRF, no JavaScript needed); each answers with a redirect back to the thread on the page."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from blamefree.services import comments
from blamefree.web.deps import CurrentPrincipal, Now, UoW
from blamefree.web.flash import Flash, flash, forget_flash, take_flash
from blamefree.web.security import require_csrf
from blamefree.web.state import state_of

router = APIRouter()
CSRF = [Depends(require_csrf)]
NOTE_MARK = b"<!--bf-comment-note-->"
"""Where the post-mortem page shows what a comment form did (filled in per request: the page
itself is memoised). No user text can spell it: Markdown loses comments to nh3, text is escaped."""


def page_url(incident_id: str) -> str:
    return f"/postmortems/{incident_id}"


def _back(request: Request, incident_id: str, target: str, message: str) -> Response:
    response = RedirectResponse(f"{page_url(incident_id)}#{target}", status_code=303)
    note = Flash(message, target)
    flash(response, request, state_of(request), note, path=page_url(incident_id))
    return response


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.post("/postmortems/{incident_id}/comments", dependencies=CSRF, response_model=None)
def add_comment(
    request: Request,
    incident_id: str,
    uow: UoW,
    principal: CurrentPrincipal,
    now: Now,
    body: Annotated[str, Form(max_length=20_000)] = "",
    section: Annotated[str, Form(max_length=100)] = "",
    line: Annotated[str, Form(max_length=10)] = "",
    reply_to: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    added = comments.add_comment(
        uow,
        incident_id=incident_id,
        body=body,
        section=section or None,
        line=_optional_int(line),
        reply_to=_optional_int(reply_to),
        by=principal,
        now=now,
    )
    comment = added.comment
    message = f"Reply {comment.id} added." if comment.parent_id else f"Comment {comment.id} added."
    if comment.mentions:
        message += f" {', '.join(comment.mentions)} will be told by the next reminder run."
    if added.mentions.unknown:
        unknown = ", ".join(f"@{word}" for word in added.mentions.unknown)
        message += f" {unknown}: no one of that name in the people directory, nobody was told."
    return _back(request, incident_id, f"thread-{comment.parent_id or comment.id}", message)


@router.post(
    "/postmortems/{incident_id}/comments/{comment_id}/resolve",
    dependencies=CSRF,
    response_model=None,
)
def resolve_comment(
    request: Request,
    incident_id: str,
    comment_id: int,
    uow: UoW,
    principal: CurrentPrincipal,
    now: Now,
) -> Response:
    thread, changed = comments.resolve_comment(
        uow, comment_id=comment_id, incident_id=incident_id, by=principal, now=now
    )
    said = "resolved" if changed else "was already resolved"
    # Back to the section, not the thread: a browser opens the fold a fragment points into.
    target = f"comments-{thread.root.section}"
    return _back(request, incident_id, target, f"Thread {thread.root.id} {said}.")


@router.post(
    "/postmortems/{incident_id}/comments/{comment_id}/reopen",
    dependencies=CSRF,
    response_model=None,
)
def reopen_comment(
    request: Request, incident_id: str, comment_id: int, uow: UoW, principal: CurrentPrincipal
) -> Response:
    thread, changed = comments.reopen_comment(
        uow, comment_id=comment_id, incident_id=incident_id, by=principal
    )
    said = "reopened" if changed else "was already open"
    return _back(
        request, incident_id, f"thread-{thread.root.id}", f"Thread {thread.root.id} {said}."
    )


def with_note(request: Request, incident_id: str, body: bytes) -> tuple[bytes, bool]:
    """The page with what the last comment form did filled in, and whether there was one."""
    note = take_flash(request, state_of(request))
    if note is None:
        return body.replace(NOTE_MARK, b""), False
    shown = f'<p class="notice comment-note" role="status">{escape(note.message)}</p>'
    return body.replace(NOTE_MARK, shown.encode()), True


def forget_note(response: Response, incident_id: str) -> None:
    forget_flash(response, path=page_url(incident_id))
