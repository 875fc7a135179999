"""``create_app(settings)``: the ASGI app of the web shell, built on demand, never at import."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from blamefree import __version__
from blamefree.config import Settings
from blamefree.errors import Forbidden, LoginRequired
from blamefree.sso.oidc import OidcProvider
from blamefree.store import make_engine
from blamefree.web import errors
from blamefree.web.api import api_router
from blamefree.web.api import openapi as api_openapi
from blamefree.web.auth import guard
from blamefree.web.hooks import router as hooks_router
from blamefree.web.pages import first_router, pages_router
from blamefree.web.security import SecurityMiddleware
from blamefree.web.state import Clock, WebState, real_clock
from blamefree.web.templating import make_templates

API_DESCRIPTION = """\
The JSON API of Blamefree: everything the command line can do, over the same store and the
same use cases. Bodies are the published schemas (`blamefree schema --all`); every error
answers `{"error": {"type", "status", "message", "field"?}}` with the status of its class
(docs/errors.md). Post-mortems are about learning, not blame.
"""


def _sign_on_provider(settings: Settings) -> OidcProvider | None:
    """The OpenID Connect provider the settings name (nothing is asked of it yet)."""
    if not settings.sign_on_configured:
        return None
    assert settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret
    return OidcProvider(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
    )


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    demo: bool = False,
    prepare: bool = True,
) -> FastAPI:
    """The web app over the store ``settings`` names (or ``engine``).

    ``prepare``: bring a SQLite store's schema up to date / check a PostgreSQL one now, as a
    command does at start-up (``blamefree serve`` does it once before starting its workers).
    """
    from blamefree.cli.context import prepare_schema

    own_engine = engine or make_engine(settings.database_url)
    if prepare:
        prepare_schema(own_engine)
    key = settings.secret_key.get_secret_value() if settings.secret_key else secrets.token_hex(32)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if engine is None:  # ours to close; a caller's engine is the caller's
            own_engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Blamefree",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(guard)],  # who acts, and the login rules (web/auth.py)
    )
    app.state.blamefree = WebState(
        settings=settings,
        engine=own_engine,
        templates=make_templates(),
        clock=clock or real_clock,
        secret=key,
        demo=demo,
        sign_on=_sign_on_provider(settings),
    )
    app.add_middleware(SecurityMiddleware)
    errors.install(app)
    static = str(resources.files("blamefree.web").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.include_router(first_router)  # the post-mortem page: the most read route of all
    app.include_router(api_router, responses=errors.error_responses(LoginRequired, Forbidden))
    app.include_router(hooks_router)
    app.include_router(pages_router)
    api_openapi.install(app)
    return app
