"""The board's pages over the two post-mortems of ``support.board_docs`` (app clock 2026-11-20)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.config import load_settings
from blamefree.web.app import create_app
from support.board_docs import NOW, store_board_docs
from support.board_pages import ClientWith
from support.web import BASE_URL, SECRET, WebClient


@pytest.fixture
def ids(engine: Engine, tmp_path: Path) -> dict[str, str]:
    """Action item ids by text, of the two stored post-mortems."""
    return store_board_docs(engine, tmp_path)


@pytest.fixture
def client_with(engine: Engine) -> Iterator[ClientWith]:
    """``with client_with(github_token=..., ...) as client:`` an app with those settings."""

    @contextmanager
    def make(**settings: Any) -> Iterator[WebClient]:
        loaded = load_settings(
            database_url=str(engine.url), secret_key=SECRET, user="Tester", **settings
        )
        app = create_app(loaded, engine=engine, clock=lambda: NOW, prepare=False)
        with WebClient(app, base_url=BASE_URL, headers={"origin": BASE_URL}) as client:
            yield client

    yield make
