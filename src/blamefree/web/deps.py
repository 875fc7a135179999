"""FastAPI dependencies every route uses: the request's unit of work, who acts, the clock.

``UoW`` opens one unit of work per request; it commits when the route function returns (before
the response is sent, so a failed commit is the answer, never a silent loss) and rolls back
when the route raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from itsdangerous import BadSignature

from blamefree.domain.accounts import ANONYMOUS, Principal, Role
from blamefree.domain.audit import Origin
from blamefree.store.unit_of_work import UnitOfWork
from blamefree.web.state import WebState, state_of

NAME_COOKIE = "blamefree_name"
"""Until accounts exist (issue 11): the name a browser said it writes as, signed."""


# The dependencies are coroutines: FastAPI runs a plain function dependency in the threadpool,
# a hop per dependency per request that costs more than these do. Only the unit of work's end
# (commit or rollback: database I/O) goes to a thread, as FastAPI would send it.


async def request_state(request: Request) -> WebState:
    return state_of(request)


async def unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    state = state_of(request)
    # Entering opens no connection (the session connects on its first statement, in the
    # route's thread), so it needs no thread of its own.
    uow = UnitOfWork(state.engine, clock=state.clock, origin=request_origin(request)).__enter__()
    # The end waits on no free worker thread of the pool the routes use (as FastAPI does it:
    # a commit must never wait behind routes that wait for a connection it holds).
    limiter = anyio.CapacityLimiter(1)
    try:
        yield uow
    except BaseException as error:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(
                uow.__exit__, type(error), error, error.__traceback__, limiter=limiter
            )
        raise
    else:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(uow.__exit__, None, None, None, limiter=limiter)


def current_actor(request: Request) -> str | None:
    """Who makes this request's changes, for the history.

    Before accounts: the name this browser gave (a signed cookie set from the page header),
    else ``BLAMEFREE_USER`` of the server, else unknown (None), never invented.
    """
    state = state_of(request)
    signed = request.cookies.get(NAME_COOKIE)
    if signed:
        try:
            name = state.signer(NAME_COOKIE).loads(signed)
        except BadSignature:  # a forged or stale cookie names nobody
            name = None
        if isinstance(name, str) and name.strip():
            return name.strip()
    if state.settings.user and state.settings.user.strip():
        return state.settings.user.strip()
    return None


async def request_actor(request: Request) -> str | None:
    return current_actor(request)


def request_origin(request: Request) -> Origin:
    """Where a request's changes come from, for the audit log: the web, and the client's
    address (as the server sees it: behind a proxy, the proxy's unless it forwards it)."""
    return Origin("web", request.client.host if request.client else None)


# --- who acts: REPLACED BY THE ACCOUNTS BRANCH (issue 11) -----------------------------------
# Until sessions exist, the principal of a request is the name the browser gave (``Actor``)
# with the admin role, as on a local store. The accounts branch replaces this one function
# with the session's or API token's principal; every workflow route and page depends on it.


async def request_principal(request: Request) -> Principal:
    """Who acts in this request (see the note above: a stand-in until accounts exist)."""
    name = current_actor(request)
    if name is None:
        return ANONYMOUS
    return Principal(name=name, role=Role.ADMIN, display_name=name, via="session")


async def request_now(request: Request) -> dt.datetime:
    return state_of(request).now()


async def request_today(request: Request) -> dt.date:
    return state_of(request).today()


State = Annotated[WebState, Depends(request_state)]
UoW = Annotated[UnitOfWork, Depends(unit_of_work, scope="function")]
Actor = Annotated[str | None, Depends(request_actor)]
CurrentPrincipal = Annotated[Principal, Depends(request_principal)]
Now = Annotated[dt.datetime, Depends(request_now)]
Today = Annotated[dt.date, Depends(request_today)]
