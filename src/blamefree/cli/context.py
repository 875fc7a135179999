"""What every command gets: settings, a lazily built engine, consoles and the clock."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel
from sqlalchemy import Engine

from blamefree.cli.console import SafeConsole, line
from blamefree.config import Settings, default_database_url
from blamefree.errors import ConfigError
from blamefree.schemas.convert import to_data
from blamefree.store import make_engine
from blamefree.store.engine import normalise_url
from blamefree.store.unit_of_work import with_clock
from blamefree.terminal import json_text


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite store URL; None for PostgreSQL, in-memory and URI-style URLs."""
    parsed = normalise_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:") or parsed.query.get("uri"):
        return None
    return Path(database).expanduser()


EMPTY_STORE_URL = "sqlite://"
"""What a read command uses when the store file does not exist yet: an empty store in memory."""


def check_store_location(url: str, *, default: bool) -> bool:
    """Whether the store exists; ConfigError when it cannot be where the settings point.

    A folder that does not exist is an error for every command, read or write (a typo in
    ``--db`` fails loudly), except for the default store in the user data directory, whose
    folder the first write creates. Only writes that start a store (import, new --save,
    people add) create its file; a read of a store file that does not exist yet creates
    nothing. (A PostgreSQL database is the server's to check: it answers for itself.)
    """
    path = sqlite_file(url)
    if path is None:
        return True
    if not path.parent.is_dir():
        if default:
            return False  # the default store's folder is ours: a write makes it
        raise ConfigError(
            f"--db / BLAMEFREE_DATABASE_URL: the folder {path.parent} does not exist; create it "
            "first (Blamefree creates the store file, never folders you named)"
        )
    return path.exists()


@dataclass
class AppContext:
    """Built once per command run by the root callback and passed to commands via ctx.obj."""

    settings: Settings
    out: SafeConsole = field(default_factory=SafeConsole)
    err: SafeConsole = field(default_factory=lambda: SafeConsole(stderr=True))
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The engine of the store, built on first use (commands that need no store never touch
        it); an empty one in memory, with a note, when the store file does not exist yet."""
        return self._make_engine(create=False)

    def creating_engine(self) -> Engine:
        """The engine of the store, creating its file if needed (import, new --save, ...)."""
        return self._make_engine(create=True)

    def engine_if_stored(self) -> Engine | None:
        """The engine when the store exists, else None (to look for ids without creating)."""
        path = sqlite_file(self.settings.database_url)
        if path is not None and not path.exists():
            return None
        return self.engine

    def _make_engine(self, *, create: bool) -> Engine:
        if self._engine is None:
            url = self.settings.database_url
            exists = check_store_location(url, default=url == default_database_url())
            if not exists and not create:
                self.err.print(
                    line(
                        ("note:", "yellow"),
                        f" there is no store at {sqlite_file(url)} yet, so there is nothing to "
                        "show; a read creates none (`blamefree import FILE` or `blamefree new "
                        "--save` does)",
                    ),
                    soft_wrap=True,
                )
                url = EMPTY_STORE_URL
            engine = make_engine(url)
            # A fixed --now / BLAMEFREE_NOW also stamps what is stored (created, saved, closed).
            self._engine = with_clock(engine, self.now) if self.settings.now else engine
        return self._engine

    def now(self) -> dt.datetime:
        """The current time, or the fixed one from BLAMEFREE_NOW / --now."""
        if self.settings.now:
            try:
                moment = dt.datetime.fromisoformat(self.settings.now.replace("Z", "+00:00"))
            except ValueError as exc:
                raise ConfigError(
                    f"--now / BLAMEFREE_NOW {self.settings.now!r} is not an ISO-8601 time "
                    "(e.g. 2024-03-25T09:00:00Z)"
                ) from exc
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return self.now().date()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def app_context(ctx: typer.Context) -> AppContext:
    """The AppContext of the running command."""
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj


def print_json(data: BaseModel | Sequence[BaseModel] | Mapping[str, BaseModel]) -> None:
    """Read models as JSON for scripts on stdout: indented, UTF-8, no Rich formatting, no raw
    controls. Only schemas are printed, so every shape is published (`blamefree schema`)."""
    write_json(to_data(data))


def write_json(data: Any) -> None:
    """JSON-ready data on stdout as `print_json` writes it (for JSON Schemas themselves)."""
    encoded = json.dumps(data, indent=2, ensure_ascii=False)
    sys.stdout.write(json_text(encoded) + "\n")
