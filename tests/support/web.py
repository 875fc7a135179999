"""The web app in-process for tests: ``make_app`` on a test engine and a client that acts like
our own pages (same-origin writes, the CSRF token at hand), logged in.

Every page and the API need a login (docs/accounts.md), so ``WebClient`` starts logged in as
the admin ``Tester`` (the name the history records for its changes) through a real session in
the test's store; ``WebClient(app, user=None)`` is an anonymous browser and
``client.login_as(name, role)`` switches account. The accounts get one password hash made once
per test process (argon2 is slow on purpose); ``TEST_PASSWORD`` logs in through the form.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from blamefree.config import load_settings
from blamefree.domain.accounts import Role
from blamefree.services import sessions
from blamefree.services.accounts import hash_password
from blamefree.store.accounts import Account, AccountsRepository
from blamefree.store.unit_of_work import UnitOfWork
from blamefree.web.app import create_app
from blamefree.web.auth import SESSION_COOKIE, SESSION_LIFETIME
from blamefree.web.state import WebState

BASE_URL = "http://testserver"
FIXED_NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
SECRET = "s" * 40
TESTER = "Tester"
TEST_PASSWORD = "tester-password-1"


def make_app(
    engine: Engine, *, now: dt.datetime = FIXED_NOW, demo: bool = False, **settings_in: object
) -> FastAPI:
    """The app on ``engine``, with more settings if given (e.g. single sign-on's)."""
    settings = load_settings(
        database_url=str(engine.url), secret_key=SECRET, user="Tester", **settings_in
    )
    return create_app(settings, engine=engine, clock=lambda: now, demo=demo, prepare=False)


@lru_cache(maxsize=1)
def test_password_hash() -> str:
    return hash_password(TEST_PASSWORD)


def app_state(app: FastAPI) -> WebState:
    state = app.state.blamefree
    assert isinstance(state, WebState)
    return state


def ensure_account(
    engine: Engine,
    name: str = TESTER,
    *,
    role: Role = Role.ADMIN,
    display_name: str | None = None,
    now: dt.datetime = FIXED_NOW,
) -> Account:
    """The account ``name`` (made with ``TEST_PASSWORD`` if it is not there yet)."""
    with UnitOfWork(engine) as uow:
        accounts = AccountsRepository(uow.session)
        found = accounts.user(name)
        if found is None:
            found = accounts.add_user(
                name=name,
                display_name=display_name,
                email=None,
                role=role,
                password_hash=test_password_hash(),
                now=now,
            )
        elif found.role is not role:
            accounts.set_role(found.id, role)
            found = accounts.user(name)
            assert found is not None
        return found


def session_cookie(app: FastAPI, name: str = TESTER, *, role: Role = Role.ADMIN) -> str:
    """A signed session cookie value for ``name`` (a real session in the app's store)."""
    state = app_state(app)
    account = ensure_account(state.engine, name, role=role, now=state.now())
    with UnitOfWork(state.engine) as uow:
        new = sessions.start_session(
            uow, account=account, now=state.now(), lifetime=SESSION_LIFETIME
        )
    return state.signer(SESSION_COOKIE).dumps([new.account.id, new.generation, new.session_id])


class WebClient(TestClient):
    """A TestClient that behaves like a page of the app: same-origin writes, CSRF at hand,
    logged in as ``user`` (default the admin ``Tester``; None: nobody)."""

    def __init__(
        self,
        app: FastAPI,
        *args: Any,
        user: str | None = TESTER,
        role: Role = Role.ADMIN,
        **kwargs: Any,
    ) -> None:
        super().__init__(app, *args, **kwargs)
        if user is not None:
            self.login_as(user, role=role)

    def login_as(self, name: str, *, role: Role = Role.ADMIN) -> None:
        """Switch this client to a session of ``name`` (the account is made if needed)."""
        assert isinstance(self.app, FastAPI)
        self.cookies.delete(SESSION_COOKIE)
        # The domain the server's own Set-Cookie gets in httpx's jar, so a later login through
        # the form replaces this cookie instead of standing beside it.
        host = self.base_url.host
        domain = host if "." in host else f"{host}.local"
        self.cookies.set(SESSION_COOKIE, session_cookie(self.app, name, role=role), domain=domain)

    def csrf(self) -> str:
        page = self.get("/login") if SESSION_COOKIE not in self.cookies else self.get("/")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found is not None, "the page has no CSRF field"
        return found.group(1)

    def post_form(self, url: str, data: dict[str, object], **kwargs: object):  # type: ignore[no-untyped-def]
        return self.post(url, data={"csrf_token": self.csrf(), **data}, **kwargs)  # type: ignore[arg-type]
