"""Reading the board's pages in tests: rows, group headings and notices, from the HTML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

ClientWith = Callable[..., Any]
"""``client_with(**settings)``: a context manager giving a client on an app with those settings."""


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
