"""Until accounts exist (issue 11): the name this browser writes as, kept in a signed cookie."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from blamefree.errors import ValidationFailed
from blamefree.web.deps import NAME_COOKIE, State
from blamefree.web.security import require_csrf

router = APIRouter()

NAME_MAX = 200


@router.post("/me", dependencies=[Depends(require_csrf)])
def set_name(
    request: Request,
    state: State,
    name: Annotated[str, Form(max_length=NAME_MAX)] = "",
    back: Annotated[str, Form()] = "/",
) -> RedirectResponse:
    """Remember the name this browser's changes are recorded under (empty: forget it)."""
    clean = " ".join(name.split())
    if any(ord(ch) < 32 for ch in name if ch not in "\t\n\r"):
        raise ValidationFailed("a name cannot hold control characters", field="name")
    target = back if local_path(back) else "/"
    response = RedirectResponse(target, status_code=303)
    if clean:
        response.set_cookie(
            NAME_COOKIE,
            state.signer(NAME_COOKIE).dumps(clean),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            max_age=400 * 86_400,
        )
    else:
        response.delete_cookie(NAME_COOKIE)
    return response


def local_path(path: str) -> bool:
    """Only a path on this site (no scheme, no host, no //): never an open redirect."""
    parts = urlsplit(path)
    return (
        path.startswith("/") and not path.startswith("//") and not parts.scheme and not parts.netloc
    )
