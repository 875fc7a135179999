"""The web app in-process for tests: ``make_app`` on a test engine and a client that acts like
our own pages (same-origin writes, the CSRF token at hand)."""

from __future__ import annotations

import datetime as dt
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from blamefree.config import load_settings
from blamefree.web.app import create_app

BASE_URL = "http://testserver"
FIXED_NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
SECRET = "s" * 40


def make_app(engine: Engine, *, now: dt.datetime = FIXED_NOW, demo: bool = False) -> FastAPI:
    settings = load_settings(database_url=str(engine.url), secret_key=SECRET, user="Tester")
    return create_app(settings, engine=engine, clock=lambda: now, demo=demo, prepare=False)


class WebClient(TestClient):
    """A TestClient that behaves like a page of the app: same-origin writes, CSRF at hand."""

    def csrf(self) -> str:
        page = self.get("/")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found is not None, "the page has no CSRF field"
        return found.group(1)

    def post_form(self, url: str, data: dict[str, object], **kwargs: object):  # type: ignore[no-untyped-def]
        return self.post(url, data={"csrf_token": self.csrf(), **data}, **kwargs)  # type: ignore[arg-type]
