"""`db upgrade` and `db status`; a store whose schema is behind says so and names the command."""

from __future__ import annotations

import json

import pytest
from alembic import command
from typer.testing import CliRunner

from blamefree.cli import app
from blamefree.store import make_engine
from blamefree.store.migrate import alembic_config, current_revision, head_revision
from support.cli import Run

OLDER = "0003_delivery"


def _run(url: str, *args: str) -> Run:
    result = CliRunner().invoke(
        app, ["--db", url, *args], env={"COLUMNS": "200"}, catch_exceptions=False
    )
    return Run(result.exit_code, result.stdout, result.stderr)


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def _migrate_to(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_upgrade_creates_the_tables_then_says_it_is_up_to_date(store_url: str) -> None:
    first = _run(store_url, "db", "upgrade")
    assert first.exit_code == 0, first.stderr
    assert f"from an empty database to {head_revision()}." in _flat(first.stderr)
    assert _revision(store_url) == head_revision()
    again = _run(store_url, "db", "upgrade")
    assert again.exit_code == 0
    assert f"is up to date (revision {head_revision()})." in _flat(again.stderr)


def test_status_shows_the_current_and_the_head_revision(store_url: str) -> None:
    _migrate_to(store_url, OLDER)
    behind = _run(store_url, "db", "status", "--json")
    assert behind.exit_code == 7
    shown = json.loads(behind.stdout)
    assert (shown["current"], shown["head"], shown["up_to_date"]) == (
        OLDER,
        head_revision(),
        False,
    )
    assert _run(store_url, "db", "upgrade").exit_code == 0
    current = _run(store_url, "db", "status")
    assert current.exit_code == 0
    assert f"current: {head_revision()}" in _flat(current.stdout)
    assert "status: up to date" in _flat(current.stdout)


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_postgresql_store_behind_is_refused_until_db_upgrade(store_url: str) -> None:
    empty = _run(store_url, "list")
    assert empty.exit_code == 7
    assert "has no Blamefree tables yet; run `blamefree db upgrade` to create them" in _flat(
        empty.stderr
    )
    assert _revision(store_url) is None  # a command never migrates a team's store
    _migrate_to(store_url, OLDER)
    behind = _run(store_url, "list")
    assert behind.exit_code == 7
    assert (
        f"is at schema revision {OLDER}, behind this version of Blamefree ({head_revision()}); "
        "run `blamefree db upgrade` to bring it up to date" in _flat(behind.stderr)
    )
    assert _revision(store_url) == OLDER
    assert _run(store_url, "db", "upgrade").exit_code == 0
    listed = _run(store_url, "list", "--json")
    assert (listed.exit_code, json.loads(listed.stdout)) == (0, [])


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_sqlite_store_behind_is_brought_up_to_date_when_a_command_starts(
    store_url: str,
) -> None:
    _migrate_to(store_url, OLDER)
    listed = _run(store_url, "list", "--json")
    assert (listed.exit_code, json.loads(listed.stdout)) == (0, [])
    assert _revision(store_url) == head_revision()
