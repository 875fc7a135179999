"""The web app in-process: ``client`` is an httpx client on the ASGI app (SQLite and PostgreSQL).

``client`` sends writes as our own pages do (``Origin`` of the app) and knows the CSRF token of
its cookie (``client.csrf()``, ``client.post_form``); ``raw_client`` sends nothing extra.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from support.web import BASE_URL, WebClient, make_app


@pytest.fixture
def web_app(engine: Engine) -> FastAPI:
    return make_app(engine)


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[WebClient]:
    with WebClient(web_app, base_url=BASE_URL, headers={"origin": BASE_URL}) as test_client:
        yield test_client


@pytest.fixture
def raw_client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, base_url=BASE_URL) as test_client:
        yield test_client
