"""Shared fixtures: real stores on SQLite and PostgreSQL.

``store_url`` runs a test once on a SQLite file and once on PostgreSQL. PostgreSQL tests use a
database created for this test session (one per xdist worker) and a fresh schema per test, so
tests may commit freely and run concurrently. Set ``BLAMEFREE_TEST_POSTGRES_URL`` to point at
another server. Without a server the PostgreSQL runs are skipped, loudly; with ``CI=true`` they
fail instead.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import URL, Engine, create_engine, exc, make_url, text
from sqlalchemy.pool import NullPool

from blamefree.store.engine import make_engine
from blamefree.store.migrate import ensure_schema

# CI must be reproducible: the same examples on every run (locally, hypothesis keeps exploring).
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, database=None)
if os.environ.get("CI", "").lower() == "true":
    hypothesis_settings.load_profile("ci")

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _admin_url() -> URL:
    raw = os.environ.get("BLAMEFREE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _admin_engine(url: URL) -> Engine:
    return create_engine(
        url, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args={"connect_timeout": 5}
    )


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL]:
    """URL of a database created for this session (and xdist worker), dropped at the end."""
    admin_url = _admin_url()
    admin = _admin_engine(admin_url)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"blamefree_test_{worker}_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except exc.OperationalError as error:
        admin.dispose()
        shown = admin_url.render_as_string(hide_password=True)
        message = (
            f"PostgreSQL at {shown} does not answer ({type(error.orig).__name__}); "
            "the postgresql store tests cannot run. Start it or set BLAMEFREE_TEST_POSTGRES_URL."
        )
        if _in_ci():
            pytest.fail(f"CI=true: {message}", pytrace=False)
        warnings.warn(message, stacklevel=1)
        pytest.skip(f"!!! SKIPPED: {message}")
    try:
        yield admin_url.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_schema_url(postgres_database: URL) -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(postgres_database)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = postgres_database.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.connect() as connection:
            # Close what the test left open so the drop does not wait on its locks.
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLAlchemy URL of an empty store: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        # The folder exists, as a user's would: the CLI creates store files, not folders.
        (tmp_path / "store").mkdir(exist_ok=True)
        return f"sqlite:///{tmp_path / 'store' / 'blamefree.sqlite3'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture
def database_url(store_url: str) -> str:
    """A value for BLAMEFREE_DATABASE_URL or ``--db`` (``postgresql+psycopg://`` form on PG).

    A PostgreSQL store is upgraded first, as `blamefree db upgrade` does once for a team (a
    SQLite store is brought up to date by the command that starts on it)."""
    if store_url.startswith("postgresql"):
        engine = make_engine(store_url)
        try:
            ensure_schema(engine)
        finally:
            engine.dispose()
    return store_url


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """An engine on the test's store, its schema brought to head as a shell does at start-up."""
    engine = make_engine(store_url)
    ensure_schema(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def empty_engine(store_url: str) -> Iterator[Engine]:
    """An engine on the test's store with no schema at all (for migration tests)."""
    engine = make_engine(store_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def _no_user_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Who acts is the login name unless a test says otherwise (BLAMEFREE_USER, --as)."""
    monkeypatch.delenv("BLAMEFREE_USER", raising=False)
