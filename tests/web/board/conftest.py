"""The board's pages over the two post-mortems of ``support.board_docs`` (app clock 2026-11-20),
and a small reader of what the pages show (rows, groups, notices), from the HTML."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.config import load_settings
from blamefree.web.app import create_app
from support.board_docs import NOW, store_board_docs
from support.web import BASE_URL, SECRET, WebClient


@pytest.fixture
def ids(engine: Engine, tmp_path: Path) -> dict[str, str]:
    """Action item ids by text, of the two stored post-mortems."""
    return store_board_docs(engine, tmp_path)


ClientWith = Callable[..., Any]


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


@dataclass
class Row:
    """One table row of the board: its id, classes and each cell's text."""

    id: str
    classes: list[str]
    cells: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    """Rows with an id (``item-A-...``), group headings (h2 text) and notices (role=status)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, Row] = {}
        self.headings: list[str] = []
        self.notices: list[str] = []
        self._row: Row | None = None
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self._notice: list[str] | None = None
        self._notice_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and (found.get("id") or "").startswith("item-"):
            self._row = Row(str(found["id"])[5:], (found.get("class") or "").split())
            self.rows[self._row.id] = self._row
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "h2":
            self._heading = []
        elif found.get("role") == "status" and tag == "p":
            self._notice = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "h2" and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        elif tag == "p" and self._notice is not None:
            self.notices.append(" ".join("".join(self._notice).split()))
            self._notice = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._heading, self._notice):
            if part is not None:
                part.append(data)


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    return reader
