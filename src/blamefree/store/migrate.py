"""Schema migrations: Alembic, driven from code, run at start-up or by ``blamefree db upgrade``.

Never inside a unit of work: ``ensure_schema(engine)`` reads the database's revision (one cheap
query) and upgrades to head only when it differs; the CLI calls it when a command starts on a
SQLite store, and ``blamefree db upgrade`` calls it for any store. ``check_schema(engine)`` only
reads the revision and raises ``SchemaOutOfDate`` when the store is behind: what a command on a
PostgreSQL store does at start-up, so a team's store is migrated once, on purpose, by whoever
upgrades Blamefree. Two processes migrating at once serialise on a lock: a PostgreSQL advisory
lock, or SQLite's write lock (``BEGIN IMMEDIATE``); whoever comes second finds the schema at head.

Alembic itself (with Mako and every dialect's DDL) is imported only to migrate, or when the
migration files are not the plain linear chain they are: checking that a store is at head, what
every command does at start-up, reads the version table and the files' revision lines.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from blamefree.errors import SchemaOutOfDate, StoreError
from blamefree.store.engine import safe_url, store_errors

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# An arbitrary constant: the advisory lock id that serialises Blamefree migrations on PostgreSQL.
_PG_LOCK_ID = 0x626C616D65

_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


_VERSION_TABLE = "alembic_version"
_REVISION_LINE = re.compile(r"^revision(?:: *str)? *= *[\"']([\w.-]+)[\"'] *$", re.M)
_DOWN_LINE = re.compile(
    r"^down_revision(?:: *str *\| *None)? *= *(?:None|[\"']([\w.-]+)[\"']) *$", re.M
)
_EXTRA_LINE = re.compile(r"^(?:branch_labels|depends_on)(?::[^=]*)? *= *(?!None *$)[^ ]", re.M)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, optionally bound to a connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision of the packaged migrations."""
    head = _linear_head() or _alembic_head()
    if head is None:
        raise StoreError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def _alembic_head() -> str | None:
    from alembic.script import ScriptDirectory

    head: str | None = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return head


def _linear_head() -> str | None:
    """The head of the migration files read as text, when they form one plain chain (each a
    ``revision`` and a ``down_revision`` line, no branch labels or dependencies); else None,
    and Alembic reads them. A test checks both give the same head."""
    links: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revisions = _REVISION_LINE.findall(source)
        downs = _DOWN_LINE.findall(source)
        if len(revisions) != 1 or len(downs) != 1 or _EXTRA_LINE.search(source):
            return None
        if revisions[0] in links:
            return None
        links[revisions[0]] = downs[0] or None
    named = set(links.values())
    heads = [revision for revision in links if revision not in named]
    roots = [revision for revision, down in links.items() if down is None]
    if len(heads) != 1 or len(roots) != 1 or not named - {None} <= set(links):
        return None
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; None for an empty database."""
    if not inspect(connection).has_table(_VERSION_TABLE):
        return None
    found = connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).all()
    if len(found) <= 1:
        return str(found[0][0]) if found else None
    from alembic.runtime.migration import MigrationContext

    # Several heads (never written by these migrations): Alembic's own error.
    revision: str | None = MigrationContext.configure(connection).get_current_revision()
    return revision


@dataclass(frozen=True)
class SchemaStatus:
    """Where a store's schema is, and where this version of Blamefree wants it."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_status(engine: Engine) -> SchemaStatus:
    """The store's schema revision (None for an empty database) and the packaged head."""
    with store_errors(engine.url), engine.connect() as connection:
        current = current_revision(connection)
    return SchemaStatus(current=current, head=head_revision())


def check_schema(engine: Engine) -> None:
    """Nothing when the store is at head; else ``SchemaOutOfDate`` naming the command that
    upgrades it (a revision newer than this code is a ``StoreError`` saying so)."""
    if engine in _ready:
        return
    status = schema_status(engine)
    if not status.up_to_date:
        _check_known(engine, status.current)
        where = f"the store at {safe_url(engine.url)}"
        if status.current is None:
            raise SchemaOutOfDate(
                f"{where} has no Blamefree tables yet; run `blamefree db upgrade` to create "
                f"them (schema revision {status.head})"
            )
        raise SchemaOutOfDate(
            f"{where} is at schema revision {status.current}, behind this version of "
            f"Blamefree ({status.head}); run `blamefree db upgrade` to bring it up to date"
        )
    _ready.add(engine)


def ensure_schema(engine: Engine) -> None:
    """Bring the database to the newest schema if it is not there yet; cheap when it is."""
    if engine in _ready:
        return
    head = head_revision()
    with store_errors(engine.url):
        with engine.connect() as connection:
            current = current_revision(connection)
        if current != head:
            _upgrade(engine, head)
    _ready.add(engine)


def _upgrade(engine: Engine, head: str) -> None:
    with engine.connect() as connection:
        _lock(connection)
        current = current_revision(connection)
        if current == head:
            connection.rollback()
            return
        _check_known(engine, current)
        from alembic import command

        command.upgrade(alembic_config(connection), "head")
        # Imported here: the index module reads through the table classes of the head schema.
        from blamefree.store.search_index import fill_missing

        fill_missing(connection)
        connection.commit()


def _lock(connection: Connection) -> None:
    """Take a lock held until the transaction ends, so one process migrates at a time."""
    backend = connection.dialect.name
    if backend == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
    elif backend == "sqlite":
        # Takes the write lock now; a second process waits (busy timeout), then sees head.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _check_known(engine: Engine, current: str | None) -> None:
    if current is None:
        return
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise StoreError(
            f"the store at {safe_url(engine.url)} has schema revision {current!r}, which this "
            "version of Blamefree does not know; it was written by a newer Blamefree, so upgrade"
        )
