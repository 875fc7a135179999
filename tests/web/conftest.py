"""The web app in-process: ``client`` is an httpx client on the ASGI app (SQLite and PostgreSQL).

``client`` sends writes as our own pages do (``Origin`` of the app) and knows the CSRF token of
its cookie (``client.csrf()``, ``client.post_form``); ``raw_client`` sends nothing extra. Both
are logged in as the admin ``Tester`` (a real session, ``support.web``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from blamefree.web.auth import SESSION_COOKIE
from support.web import BASE_URL, WebClient, make_app, session_cookie


@pytest.fixture
def web_app(engine: Engine) -> FastAPI:
    return make_app(engine)


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[WebClient]:
    with WebClient(web_app, base_url=BASE_URL, headers={"origin": BASE_URL}) as test_client:
        yield test_client


@pytest.fixture
def raw_client(web_app: FastAPI) -> Iterator[TestClient]:
    """Logged in as ``Tester`` (so a refusal it gets is about the request, not the login),
    but with no ``Origin`` and no CSRF token."""
    with TestClient(web_app, base_url=BASE_URL) as test_client:
        test_client.cookies.set(SESSION_COOKIE, session_cookie(web_app))
        yield test_client
