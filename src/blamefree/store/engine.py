"""Engines for the store: SQLite in WAL mode, or PostgreSQL through psycopg 3."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, exc, make_url

from blamefree.errors import ConfigError, StoreBusy, StoreError
from blamefree.redact import MASK, redact, secret_forms

SQLITE_BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another one before giving up."""

_SECRET_PARAMETER = re.compile(r"(?i)pass|pwd|secret|token|key|auth|credential|sig")
"""Query parameters of a database URL whose values are masked (``?password=``, ``sslpassword``)."""


def normalise_url(url: str | URL) -> URL:
    """The URL parsed, with bare ``postgresql://`` mapped to the psycopg 3 driver."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (exc.ArgumentError, ValueError) as error:
        # The driver's words may quote the URL, password and all: name it masked instead.
        reason = "bad port" if isinstance(error, ValueError) else "not in the form scheme://..."
        raise ConfigError(f"not a database URL: {safe_url(url)} ({reason})") from error
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def safe_url(url: str | URL) -> str:
    """The URL as text for messages: the password hidden, wherever it is written.

    That is the userinfo password, query parameters that name a credential (``?password=``,
    ``sslpassword``, ``token``, ...) and anything else ``redact`` recognises.
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (exc.ArgumentError, ValueError):
        return "<unparseable database URL>"
    query = {
        name: (MASK if _SECRET_PARAMETER.search(name) else _redacted(value))
        for name, value in parsed.query.items()
    }
    shown = parsed.set(query=query).render_as_string(hide_password=True)
    shown = shown.replace("%2A%2A%2A", MASK)  # the mask, URL-encoded by the rendering
    return redact(shown, secrets=secret_forms(parsed.password, *_secret_values(parsed)))


def _redacted(value: str | tuple[str, ...]) -> str | tuple[str, ...]:
    # e.g. ?options=-c password=...: a credential inside another parameter's value
    return redact(value) if isinstance(value, str) else tuple(redact(v) for v in value)


def _secret_values(url: URL) -> list[str]:
    values: list[str] = []
    for name, value in url.query.items():
        if _SECRET_PARAMETER.search(name):
            values += [value] if isinstance(value, str) else list(value)
    return values


def make_engine(url: str | URL, **options: Any) -> Engine:
    """An engine for ``url``: SQLite gets WAL, a busy timeout and foreign keys on."""
    parsed = normalise_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        connect_args.update(options.pop("connect_args", {}))
        engine = _create(parsed, connect_args=connect_args, **options)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    if backend == "postgresql":
        options.setdefault("pool_pre_ping", True)
        return _create(parsed, **options)
    raise ConfigError(
        f"unsupported database {safe_url(parsed)}: use sqlite:///path or postgresql://..."
    )


def _create(url: URL, **options: Any) -> Engine:
    try:
        return create_engine(url, **options)
    except (exc.ArgumentError, exc.NoSuchModuleError) as error:
        raise ConfigError(f"cannot use database URL {safe_url(url)}: {error}") from error


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _use_wal(cursor: Any, attempts: int = 50) -> None:
    """Switch the file to WAL once. Switching needs an exclusive lock and SQLite answers
    "database is locked" at once, without the busy timeout, when two new connections race to
    do it; so read the mode first (cheap, usually WAL already) and retry the switch briefly."""
    for attempt in range(attempts):
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() == "wal" or cursor.execute("PRAGMA journal_mode = WAL"):
                return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


def store_error(url: str | URL, error: exc.SQLAlchemyError) -> StoreError:
    """A StoreError for a driver failure (StoreBusy for a pool timeout), naming the URL without
    its password."""
    original = getattr(error, "orig", None) or error
    detail = " ".join(str(original).split())
    try:
        parsed = make_url(url) if isinstance(url, str) else url
        secrets = secret_forms(parsed.password, *_secret_values(parsed))
    except (exc.ArgumentError, ValueError):
        secrets = []
    if isinstance(error, exc.TimeoutError):
        # The pool waited for a connection and none came free: busy, not broken; try again.
        return StoreBusy(
            f"the store at {safe_url(url)} is busy: every connection stayed in use "
            f"({redact(detail, secrets=secrets)}); try again in a moment"
        )
    return StoreError(f"the store at {safe_url(url)} failed: {redact(detail, secrets=secrets)}")


@contextmanager
def store_errors(url: str | URL) -> Iterator[None]:
    """Turn database driver errors raised inside the block into StoreError."""
    try:
        yield
    except (exc.DBAPIError, exc.TimeoutError, exc.ResourceClosedError) as error:
        raise store_error(url, error) from error
