"""Who a request acts for, and what an anonymous visitor or a viewer may do (docs/accounts.md).

``guard`` runs before every route of the app (an app-wide dependency):

- ``/hooks/...`` (webhook receivers, verified by their own tokens and signatures) and
  ``/healthz`` are left alone: no session is looked at.
- Anyone may open ``/login``, single sign-on's ``/login/oidc`` and its callback, and
  ``/first-admin`` (the one-time link to make the first admin).
- Everything else needs a login: an anonymous page request is sent to ``/login?next=...``; an
  anonymous write or API request is refused with ``LoginRequired`` (401, the JSON error shape
  under ``/api``).
- A write (POST, PUT, PATCH, DELETE) needs a role that writes (author or above) through a
  session or a token whose scope writes; a viewer, or a read token, is refused (403). A
  person's own account (``/account``, ``/logout``) is theirs to change whatever their role.

A browser is recognised by its session cookie (signed, HttpOnly, SameSite=Lax, Secure over
https); under ``/api`` a script by ``Authorization: Bearer <token>``. Either is checked in a
short transaction of its own before the route's unit of work starts (and only when the request
carries one), so a route that reads from a memo keeps doing so in one worker thread. The most
read routes (``checks_own_login``) check it themselves, first thing in their own unit of work:
one transaction and one worker thread for the whole request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from fastapi import Request, Response
from itsdangerous import BadSignature

from blamefree.domain.accounts import ANONYMOUS, Principal, Role, TokenScope
from blamefree.domain.visibility import viewer_of
from blamefree.errors import Forbidden, LoginRequired
from blamefree.services import sessions
from blamefree.services.sessions import NewSession
from blamefree.store.unit_of_work import UnitOfWork
from blamefree.web.security import UNSAFE
from blamefree.web.state import WebState, state_of

SESSION_COOKIE = "blamefree_session"
SESSION_LIFETIME = dt.timedelta(days=14)
"""How long a login lasts (there is no sliding renewal: log in again after two weeks)."""

UNGUARDED_PREFIXES = ("/hooks/",)
UNGUARDED_PATHS = frozenset({"/healthz"})
PUBLIC_PATHS = frozenset(
    {"/login", "/login/oidc", "/login/oidc/callback", "/first-admin", "/api/openapi.json"}
)
"""Open to anyone; the session is still read, so the page knows who is logged in."""
OWN_ACCOUNT_PATHS = ("/logout", "/account")
"""Writes a logged-in person of any role may make: their own session, password and tokens."""


def secure_cookies(request: Request, state: WebState) -> bool:
    """Cookies get ``Secure`` when the request came over https (also as a trusted proxy says,
    through uvicorn's ``--forwarded-allow-ips``) or the public address is https."""
    public = state.settings.public_url or ""
    return request.url.scheme == "https" or public.startswith("https://")


def set_session_cookie(
    response: Response, request: Request, state: WebState, new: NewSession
) -> None:
    """Hand the browser its new session (replacing any it had: a login always rotates it)."""
    value = state.signer(SESSION_COOKIE).dumps([new.account.id, new.generation, new.session_id])
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, state),
        path="/",
    )


def clear_session_cookie(response: Response, request: Request, state: WebState) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, state),
    )


def session_values(request: Request, state: WebState) -> tuple[int, int, str] | None:
    """(user id, generation, session id) from this browser's cookie, when it is ours."""
    signed = request.cookies.get(SESSION_COOKIE)
    if not signed or len(signed) > 500:
        return None
    try:
        value: Any = state.signer(SESSION_COOKIE).loads(signed)
    except BadSignature:
        return None
    if (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(part, int) and not isinstance(part, bool) for part in value[:2])
        and isinstance(value[2], str)
    ):
        return value[0], value[1], value[2]
    return None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None or not request.url.path.startswith("/api/"):
        return None
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise LoginRequired("the API takes `Authorization: Bearer <token>`; this header is not one")
    return credentials.strip()


def _principal_in(
    uow: UnitOfWork,
    state: WebState,
    token: str | None,
    values: tuple[int, int, str] | None,
) -> Principal:
    """Who a bearer token or a session cookie's values log in, read in ``uow``."""
    if token is not None:
        found = sessions.token_principal(uow, token=token, now=state.now())
        if found is None:
            raise LoginRequired("this API token is unknown or revoked, or its account is disabled")
        return found  # the last-used time, when it was due, is written in ``uow``
    assert values is not None
    user_id, generation, session_id = values
    found = sessions.session_principal(
        uow, user_id=user_id, generation=generation, session_id=session_id, now=state.now()
    )
    return found or ANONYMOUS


def _resolve(state: WebState, token: str | None, values: tuple[int, int, str] | None) -> Principal:
    with UnitOfWork(state.engine, clock=state.clock) as uow:
        found = _principal_in(uow, state, token, values)
        if token is None:
            # A session check only reads: let it go, so that a request still commits once
            # (its own unit of work) or never.
            uow.rollback()
        return found  # a token's last-used time is committed as the block ends


_CHECKS_OWN_LOGIN: set[Callable[..., Any]] = set()
F = TypeVar("F", bound=Callable[..., Any])


def checks_own_login(endpoint: F) -> F:
    """Mark a read route that confirms the request's session or token itself, in its own unit
    of work (``confirm_login``), rather than the guard doing so in a transaction and worker
    thread of its own first: for the most read routes, so that each takes one transaction in
    one worker thread. Such a route must call ``confirm_login`` before it reads anything
    (``tests/web/test_auth_guard.py`` sends each a revoked session and an unknown token)."""
    _CHECKS_OWN_LOGIN.add(endpoint)
    return endpoint


def confirm_login(request: Request, uow: UnitOfWork) -> Principal:
    """Who the request acts for, checked in ``uow`` when the guard left that to the route;
    ``LoginRequired`` when nobody (the guard's own answer for an anonymous request). From
    here on ``uow`` reads with that person's eyes (``domain.visibility``): open it reading as
    an anonymous reader would (``deps.request_viewer`` before this call)."""
    pending = getattr(request.state, "pending_login", None)
    if pending is not None:
        request.state.pending_login = None
        token, values = pending
        request.state.principal = _principal_in(uow, state_of(request), token, values)
    principal = principal_of(request)
    if principal.is_anonymous:
        _refuse_anonymous(request)
    uow.read_as(viewer_of(principal))
    return principal


def _refuse_anonymous(request: Request) -> None:
    if request.url.path.startswith("/api"):
        raise LoginRequired(
            "the API needs a login: send `Authorization: Bearer <token>` (an API token "
            "from your account page or `blamefree token create`)"
        )
    raise LoginRequired(
        "log in to see this page"
        if request.method in ("GET", "HEAD")
        else "log in first; nothing was saved"
    )


async def guard(request: Request) -> None:
    """The app-wide dependency: recognise who acts, then apply the rules above."""
    path = request.url.path
    request.state.principal = ANONYMOUS
    request.state.pending_login = None
    if path in UNGUARDED_PATHS or path.startswith(UNGUARDED_PREFIXES):
        return
    state = state_of(request)
    token = _bearer(request)
    values = session_values(request, state) if token is None else None
    principal = ANONYMOUS
    if token is not None or values is not None:
        route = request.scope.get("route")
        if (
            request.method in ("GET", "HEAD")
            and path not in PUBLIC_PATHS
            and getattr(route, "endpoint", None) in _CHECKS_OWN_LOGIN
        ):
            # A read that checks the login in its own unit of work (checks_own_login).
            request.state.pending_login = (token, values)
            return
        principal = await anyio.to_thread.run_sync(_resolve, state, token, values)
    request.state.principal = principal
    if path in PUBLIC_PATHS:
        return
    if principal.is_anonymous:
        _refuse_anonymous(request)
    if (
        request.method in UNSAFE
        and not path.startswith(OWN_ACCOUNT_PATHS)
        and not principal.can_write()
    ):
        if principal.scope is TokenScope.READ and principal.role.at_least(Role.AUTHOR):
            why = "this API token may only read"
        else:
            why = f"your role ({principal.role.value}) may read but not change anything"
        raise Forbidden(f"{why}; nothing was saved")


def principal_of(request: Request) -> Principal:
    """Who this request acts for (set by ``guard``; anonymous before it ran)."""
    found = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else ANONYMOUS
