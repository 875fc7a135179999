"""One-shot messages across a redirect (post, redirect, get), kept in a signed cookie.

A form route says what it did (``flash(response, state, ...)``); the page it redirects to
shows it once (``take_flash``) and forgets it. Nothing is kept on the server, so any worker
can show it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Response
from itsdangerous import BadSignature

from blamefree.web.state import WebState

FLASH_COOKIE = "blamefree_flash"
FLASH_MAX_AGE = 120
"""Seconds a message waits for its page; a stale one is not worth showing."""


@dataclass(frozen=True)
class Flash:
    """What a change did, and the id of the element it concerns (to scroll and focus to)."""

    message: str
    focus: str | None = None


def flash(
    response: Response, request: Request, state: WebState, note: Flash, *, path: str = "/"
) -> None:
    """Have the next page under ``path`` show ``note`` once."""
    response.set_cookie(
        FLASH_COOKIE,
        state.signer(FLASH_COOKIE).dumps([note.message, note.focus]),
        max_age=FLASH_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path=path,
    )


def take_flash(request: Request, state: WebState) -> Flash | None:
    """The message waiting for this page, if any (a forged or mangled one is none)."""
    signed = request.cookies.get(FLASH_COOKIE)
    if not signed:
        return None
    try:
        value = state.signer(FLASH_COOKIE).loads(signed)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)):
        return None
    focus = value[1] if isinstance(value[1], str) else None
    return Flash(value[0], focus)


def forget_flash(response: Response, *, path: str = "/") -> None:
    response.delete_cookie(FLASH_COOKIE, path=path)
