"""FastAPI dependencies every route uses: the request's unit of work, who acts, the clock.

Who acts is the ``Principal`` that ``web.auth.guard`` recognised from the session cookie or
the API token; ``Actor`` is its user name, which history records as the author of a change.

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

from blamefree.domain.accounts import Principal
from blamefree.domain.audit import Origin
from blamefree.domain.visibility import EVERYTHING, Viewer, viewer_of
from blamefree.store.unit_of_work import UnitOfWork
from blamefree.web.auth import UNGUARDED_PREFIXES, principal_of
from blamefree.web.state import WebState, state_of

# The dependencies are coroutines: FastAPI runs a plain function dependency in the threadpool,
# a hop per dependency per request that costs more than these do. Only the unit of work's end
# (commit or rollback: database I/O) goes to a thread, as FastAPI would send it.


async def request_state(request: Request) -> WebState:
    return state_of(request)


async def unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    state = state_of(request)
    # Entering opens no connection (the session connects on its first statement, in the
    # route's thread), so it needs no thread of its own.
    uow = UnitOfWork(
        state.engine,
        clock=state.clock,
        origin=request_origin(request),
        viewer=request_viewer(request),
    ).__enter__()
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


def request_viewer(request: Request) -> Viewer:
    """Whose eyes the request's unit of work reads with (``domain.visibility``): the
    principal's; a webhook receiver (no login, its own tokens) files events as the app does."""
    if request.url.path.startswith(UNGUARDED_PREFIXES):
        return EVERYTHING
    return viewer_of(principal_of(request))


def current_actor(request: Request) -> str | None:
    """Who makes this request's changes, for the history: the logged-in user name (None for
    an anonymous reader; every write needs a login)."""
    return principal_of(request).name


async def request_principal(request: Request) -> Principal:
    return principal_of(request)


async def request_actor(request: Request) -> str | None:
    return current_actor(request)


def request_origin(request: Request) -> Origin:
    """Where a request's changes come from, for the audit log: the web, and the client's
    address (as the server sees it: behind a proxy, the proxy's unless it forwards it)."""
    return Origin("web", request.client.host if request.client else None)


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
