"""Backups of the whole store, and restoring one into an empty store.

`back_up` writes every table (revisions, events, items, reviews, comments, workflow, users,
tokens, sessions, audit log, ...) from one snapshot to one file (`store.backup` has the format);
`restore_backup` loads such a file into an empty store at the same schema revision, all or
nothing, and rebuilds the search index from what it loaded; `check_backup` only reads the file.

A restore fills an **empty** store only: the audit log is append-only (its triggers refuse
UPDATE and DELETE), so a restore never has to change or remove an entry, and no protection is
switched off; rows are inserted parents first, with their own ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from blamefree import __version__
from blamefree.errors import BackupIncompatible, StoreNotEmpty
from blamefree.store import UnitOfWork, backup_db, safe_url
from blamefree.store import backup as store_backup
from blamefree.store.backup import BackupReader, Manifest
from blamefree.store.migrate import current_revision
from blamefree.store.search_index import reindex

PhaseProgress = Callable[[str, int, int], None]
"""Called with (phase, done, in all): ``Backing up``, ``Checking``, ``Restoring``,
``Indexing``."""


@dataclass(frozen=True)
class BackupMade:
    """A backup written: where, its manifest and its size in bytes."""

    path: Path
    manifest: Manifest
    size: int


@dataclass(frozen=True)
class BackupChecked:
    """A backup file read through and found sound."""

    path: Path
    manifest: Manifest
    size: int


@dataclass(frozen=True)
class BackupRestored:
    """A backup loaded into the store: rows per table, and post-mortems indexed."""

    path: Path
    manifest: Manifest
    rows: dict[str, int]
    reindexed: int


def _phase(progress: PhaseProgress | None, name: str) -> store_backup.Progress | None:
    if progress is None:
        return None
    return lambda done, total: progress(name, done, total)


def back_up(
    uow: UnitOfWork, *, path: Path, now: dt.datetime, progress: PhaseProgress | None = None
) -> BackupMade:
    """Write the whole store, as one snapshot, to ``path`` (replaced atomically, mode 0600)."""
    session = uow.session
    backup_db.begin_snapshot(session)
    revision = current_revision(session.connection()) or ""
    manifest = store_backup.write_backup(
        session,
        path,
        schema_revision=revision,
        blamefree_version=__version__,
        now=now,
        progress=_phase(progress, "Backing up"),
    )
    return BackupMade(path=path, manifest=manifest, size=path.stat().st_size)


def check_backup(*, path: Path, progress: PhaseProgress | None = None) -> BackupChecked:
    """Read a backup through: its manifest, every table's rows and checksum (no store needed)."""
    with BackupReader(path) as backup:
        backup.check_tables()
        backup.verify(progress=_phase(progress, "Checking"))
        return BackupChecked(path=path, manifest=backup.manifest, size=path.stat().st_size)


def restore_backup(
    uow: UnitOfWork, *, path: Path, progress: PhaseProgress | None = None
) -> BackupRestored:
    """Load the backup at ``path`` into the (empty) store, all or nothing.

    The file is read through and its checksums compared before anything is written; a store
    that holds any row is refused (`StoreNotEmpty`), as is a backup of another schema revision
    (`BackupIncompatible`). The search index is rebuilt from the restored post-mortems.
    """
    session = uow.session
    where = f"the store at {safe_url(uow.engine.url)}"
    with BackupReader(path) as backup:
        manifest = backup.manifest
        backup_db.lock_for_restore(session)
        revision = current_revision(session.connection())
        if manifest.schema_revision != revision:
            raise BackupIncompatible(
                f"the backup was made at schema revision {manifest.schema_revision} (Blamefree "
                f"{manifest.blamefree_version}); {where} is at {revision}. Restore it with the "
                "Blamefree that made it, then upgrade that store and back it up again",
                file=backup.file,
            )
        backup.check_tables()
        held = backup_db.stored_tables(session)
        if held:
            listed = ", ".join(f"{name} ({count})" for name, count in held.items())
            raise StoreNotEmpty(
                f"{where} already holds data: {listed}. A backup is restored only into an empty "
                "store, so nothing in it is overwritten or merged"
            )
        backup.verify(progress=_phase(progress, "Checking"))
        rows = backup_db.load_rows(session, backup, progress=_phase(progress, "Restoring"))
        compose = uow.postmortems.compose_bare
        indexed = reindex(session, compose, progress=_phase(progress, "Indexing"))
    return BackupRestored(path=path, manifest=manifest, rows=rows, reindexed=indexed)
