"""Browser tests: Debian's Chromium driven by Playwright against a live server on SQLite.

``live_server`` serves a fresh app on a SQLite file; ``page`` is a new browser context's page
(one per test, so cookies never leak between tests). Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.store.engine import make_engine
from blamefree.store.migrate import ensure_schema
from support.browser import CHROMIUM, LiveServer, LoggedInBrowser
from support.web import make_app


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = "no /usr/bin/chromium (apt-get install chromium); .ci/run installs it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield LoggedInBrowser(launched)  # contexts start logged in (support/browser.py)
        finally:
            launched.close()


@pytest.fixture
def browser_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'browser.sqlite3'}")
    ensure_schema(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def live_server(browser_engine: Engine) -> Iterator[LiveServer]:
    with LiveServer(make_app(browser_engine)) as server:
        yield server


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()
