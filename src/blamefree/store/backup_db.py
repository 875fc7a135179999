"""What a backup and a restore do in the database: one snapshot to read, the lock and the
emptiness check of a restore, the inserts in batches, and the id sequences after them.

The file itself (manifest, rows, checksums) is `store.backup`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from blamefree.store.backup import BATCH_ROWS, BackupReader, Progress, backup_tables
from blamefree.store.tables import Base


def load_rows(
    session: Session, backup: BackupReader, *, progress: Progress | None = None
) -> dict[str, int]:
    """Insert every table of the backup, parents first, in batches; returns rows per table.

    On PostgreSQL the id sequences are then moved past the restored ids, so the next insert
    gets a new one."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    counts: dict[str, int] = {}
    done = 0
    total = backup.manifest.rows
    for table in backup_tables():
        batch: list[dict[str, Any]] = []
        count = 0
        for values in backup.rows(table, refuse_nul=postgresql):
            batch.append(values)
            if len(batch) >= BATCH_ROWS:
                session.execute(insert(table), batch)
                count += len(batch)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress(done, total)
        if batch:
            session.execute(insert(table), batch)
            count += len(batch)
            done += len(batch)
        counts[table.name] = count
    if postgresql:
        advance_sequences(session)
    if progress is not None:
        progress(done, total)
    return counts


def advance_sequences(session: Session) -> None:
    """Set each id sequence (PostgreSQL) to follow the largest id stored."""
    for table in backup_tables():
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = func.pg_get_serial_sequence(table.name, column.name)
        largest = func.coalesce(select(func.max(column)).scalar_subquery(), 0)
        session.execute(select(func.setval(sequence, largest + 1, False)))


def stored_tables(session: Session) -> dict[str, int]:
    """Tables of the store that hold rows, with how many (every table, skipped ones too)."""
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        count = int(session.execute(select(func.count()).select_from(table)).scalar_one())
        if count:
            found[table.name] = count
    return found


# --- transactions ------------------------------------------------------------------------------

_PG_RESTORE_LOCK = 0x626C616D66
"""The advisory lock id that serialises restores on PostgreSQL."""


def begin_snapshot(session: Session) -> None:
    """Make the session's transaction one snapshot of the whole store (call before any read):
    REPEATABLE READ, read only, on PostgreSQL; a read transaction begun at once on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        connection = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        return
    connection = session.connection()
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        # pysqlite begins a transaction only before a write; each read would see its own state.
        connection.exec_driver_sql("BEGIN")


def lock_for_restore(session: Session) -> None:
    """Hold the store for a restore (call before any read): SQLite's write lock; on PostgreSQL
    an advisory lock (one restore at a time) and every table locked against writes."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_RESTORE_LOCK})")
        quote = connection.dialect.identifier_preparer.quote
        names = ", ".join(quote(table.name) for table in Base.metadata.sorted_tables)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")
