"""Engines, migrations and driver errors."""

from __future__ import annotations

import subprocess
import sys
import threading
from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from blamefree.errors import ConfigError, SchemaOutOfDate, StoreError
from blamefree.store import UnitOfWork, ensure_schema, make_engine
from blamefree.store.migrate import (
    SchemaStatus,
    alembic_config,
    check_schema,
    current_revision,
    head_revision,
    schema_status,
)
from blamefree.store.search_index import BACKEND_OBJECTS
from blamefree.store.tables import Base

TABLES = {
    "action_item_history",
    "action_items",
    "alembic_version",
    "api_tokens",
    "contributing_factors",
    "inbox_items",
    "leases",
    "mention_deliveries",
    "login_failures",
    "people",
    "postmortems",
    "prevention_measures",
    "reminder_deliveries",
    "review_comments",
    "revisions",
    "reviews",
    "search_documents",
    "setup_tokens",
    "sign_offs",
    "timeline_events",
    "user_identities",
    "users",
    "web_sessions",
    "webhook_threads",
    "workflows",
    "workflow_members",
    "workflow_transitions",
    "workflow_approvals",
    "audit_log",
    "restrictions",
    "restriction_members",
}


def test_ensure_schema_creates_the_tables_and_is_idempotent(empty_engine: Engine) -> None:
    engine = empty_engine
    assert set(inspect(engine).get_table_names()) == set()
    ensure_schema(engine)
    ensure_schema(engine)
    # A second engine on the same database takes the cheap path: already at head.
    other = make_engine(engine.url)
    try:
        ensure_schema(other)
        with other.connect() as connection:
            assert current_revision(connection) == head_revision()
    finally:
        other.dispose()
    assert _tables(engine) == TABLES
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert [v[0] for v in versions] == [head_revision()]


def test_a_unit_of_work_never_migrates(empty_engine: Engine) -> None:
    engine = empty_engine
    with pytest.raises(StoreError), UnitOfWork(engine) as uow:
        uow.postmortems.list()
    with engine.connect() as connection:
        assert current_revision(connection) is None


def test_migrations_match_the_table_classes(empty_engine: Engine) -> None:
    engine = empty_engine
    ensure_schema(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _declared}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrations_downgrade_and_upgrade_again(empty_engine: Engine) -> None:
    engine = empty_engine
    ensure_schema(engine)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert _tables(engine) == TABLES


def _tables(engine: Engine) -> set[str]:
    """The tables, without the search index's backend-only ones (SQLite's FTS5 table)."""
    return set(inspect(engine).get_table_names()) - BACKEND_OBJECTS


def _declared(name: object, type_: str, *args: object) -> bool:
    """Whether autogenerate compares this object: the search index's backend-only objects
    (FTS5 table, generated ``tsvector`` column, its GIN index) are made by the migration."""
    return name not in BACKEND_OBJECTS


def test_two_processes_migrating_at_once(store_url: str) -> None:
    engines = [make_engine(store_url), make_engine(store_url)]
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def start(engine: Engine) -> None:
        try:
            barrier.wait()
            ensure_schema(engine)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        with engines[0].connect() as connection:
            assert current_revision(connection) == head_revision()
            count = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar()
        assert count == 1
    finally:
        for engine in engines:
            engine.dispose()


def test_a_schema_newer_than_this_code_is_refused(empty_engine: Engine) -> None:
    engine = empty_engine
    ensure_schema(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    fresh = make_engine(engine.url)
    try:
        with pytest.raises(StoreError, match="9999_future"):
            ensure_schema(fresh)
    finally:
        fresh.dispose()


def test_migration_files_ship_inside_the_package() -> None:
    root = resources.files("blamefree.store") / "migrations"
    assert root.joinpath("env.py").is_file()
    assert root.joinpath("script.py.mako").is_file()
    assert root.joinpath("versions", "0001_initial.py").is_file()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'pm.sqlite3'}")
    try:
        with engine.connect() as connection:
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            foreign = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    finally:
        engine.dispose()
    assert (journal, busy, foreign) == ("wal", 10_000, 1)
    assert (tmp_path / "a" / "b" / "pm.sqlite3").is_file()


def test_postgresql_urls_use_psycopg_3() -> None:
    engine = make_engine("postgresql://u:secret@db.example:5432/pm")
    try:
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


def test_unsupported_or_malformed_urls_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unsupported"):
        make_engine("mysql://u@h/db")
    with pytest.raises(ConfigError, match="not a database URL"):
        make_engine("::not a url::")


def test_an_unreachable_server_is_a_store_error_without_the_password() -> None:
    engine = make_engine(
        "postgresql://blame:hunter2@127.0.0.1:1/pm", connect_args={"connect_timeout": 2}
    )
    try:
        with pytest.raises(StoreError) as caught, UnitOfWork(engine) as uow:
            uow.postmortems.list()
    finally:
        engine.dispose()
    message = str(caught.value)
    assert "hunter2" not in message
    assert "postgresql+psycopg://blame:***@127.0.0.1:1/pm" in message
    assert caught.value.exit_code == 7


def test_an_unopenable_sqlite_file_is_a_store_error(tmp_path: Path) -> None:
    directory = tmp_path / "is-a-directory.sqlite3"
    directory.mkdir()
    engine = make_engine(f"sqlite:///{directory}")
    try:
        with pytest.raises(StoreError, match="is-a-directory"), UnitOfWork(engine) as uow:
            uow.postmortems.list()
    finally:
        engine.dispose()


def test_check_schema_names_the_upgrade_command_and_never_migrates(empty_engine: Engine) -> None:
    with pytest.raises(SchemaOutOfDate, match=r"run `blamefree db upgrade`") as caught:
        check_schema(empty_engine)
    assert caught.value.exit_code == 7
    assert schema_status(empty_engine) == SchemaStatus(current=None, head=head_revision())
    ensure_schema(empty_engine)
    check_schema(empty_engine)  # at head: nothing to say
    assert schema_status(empty_engine).up_to_date is True


def test_the_head_and_revision_read_without_alembic_are_alembics(empty_engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    with empty_engine.connect() as connection:
        assert current_revision(connection) is None
    for revision in ("0003_delivery", head_revision()):
        with empty_engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
        with empty_engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert current_revision(connection) == context.get_current_revision() == revision


def test_checking_an_up_to_date_store_imports_no_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    ensure_schema(make_engine(url))
    code = (
        "import sys\n"
        "from blamefree.store import make_engine\n"
        "from blamefree.store.migrate import check_schema, ensure_schema\n"
        f"engine = make_engine({url!r})\n"
        "check_schema(engine)\n"
        "ensure_schema(engine)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
