"""What every command gets: settings, a lazily built engine, consoles and the clock."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import socket
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel
from sqlalchemy import Engine

from blamefree.cli.console import SafeConsole, line
from blamefree.config import Settings, default_database_url
from blamefree.domain.audit import Origin
from blamefree.errors import ConfigError, RemoteNotSupported
from blamefree.remote import ApiClient
from blamefree.schemas.convert import to_data
from blamefree.store import make_engine
from blamefree.store.engine import normalise_url
from blamefree.store.migrate import check_schema, ensure_schema
from blamefree.store.unit_of_work import UnitOfWork, with_clock
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


def prepare_schema(engine: Engine) -> None:
    """At start-up, never inside a unit of work: a SQLite store (one person's file) is brought
    up to date; a PostgreSQL store (a team's) is only checked, ``SchemaOutOfDate`` naming
    ``blamefree db upgrade`` when it is behind, so it is migrated once and on purpose."""
    if engine.dialect.name == "sqlite":
        ensure_schema(engine)
    else:
        check_schema(engine)


@dataclass
class AppContext:
    """Built once per command run by the root callback and passed to commands via ctx.obj."""

    settings: Settings
    out: SafeConsole = field(default_factory=SafeConsole)
    err: SafeConsole = field(default_factory=lambda: SafeConsole(stderr=True))
    _engine: Engine | None = None
    _remote: ApiClient | None = None

    @property
    def remote(self) -> ApiClient | None:
        """The server's API when the run works against one (``--server`` / BLAMEFREE_SERVER),
        with the token of BLAMEFREE_TOKEN; None on a local store."""
        if not self.settings.server:
            return None
        if self._remote is None:
            token = self.settings.token
            self._remote = ApiClient(
                self.settings.server, token=token.get_secret_value() if token else None
            )
        return self._remote

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

    @contextmanager
    def unit_of_work(self, *, create: bool = False) -> Iterator[UnitOfWork]:
        """The command's one unit of work: ``with app_ctx.unit_of_work() as uow:`` around the
        service call, which commits when the block ends without an error (``create``: the
        store file is made if there is none yet)."""
        engine = self.creating_engine() if create else self.engine
        # The audit log's "from where" of a command: the host it runs on.
        with UnitOfWork(engine, origin=Origin("cli", socket.gethostname() or None)) as uow:
            yield uow

    def schema_engine(self, *, create: bool = True) -> Engine:
        """The engine of the store as it is, its schema neither checked nor migrated (for
        ``db upgrade`` and ``db status``)."""
        return self._make_engine(create=create, schema=False)

    def _make_engine(self, *, create: bool, schema: bool = True) -> Engine:
        if self.settings.server:
            # A command that runs against a server never reaches here (the root refuses the
            # others); should one do so, it must not quietly use a local store instead.
            raise RemoteNotSupported("this works on a local store only, not against a server")
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
            if schema:
                prepare_schema(engine)
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

    @property
    def actor(self) -> str | None:
        """Who runs the command, for the history: ``--as``, BLAMEFREE_USER, else the login."""
        if self.settings.user and self.settings.user.strip():
            return self.settings.user.strip()
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return None

    def actor_or(self, by: str | None) -> str | None:
        """A command's own ``--by`` when given, else the actor of the run."""
        return by if by else self.actor

    def today(self) -> dt.date:
        return self.now().date()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self._remote is not None:
            self._remote.close()


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
