"""What `blamefree backup --json` and `blamefree restore-backup --json` print."""

from __future__ import annotations

from pydantic import Field

from blamefree.schemas.base import ReadModel, Timestamp
from blamefree.services.backup import BackupChecked, BackupMade, BackupRestored
from blamefree.store.backup import Manifest


class BackupTableRead(ReadModel):
    """One table of a backup."""

    name: str
    rows: int = Field(description="Rows of the table in the backup")
    sha256: str = Field(description="SHA-256 of the table's JSON Lines entry in the file")


class BackupRead(ReadModel):
    """A backup file: what `backup --json` wrote, or `restore-backup --check --json` read."""

    file: str = Field(description="The backup file, as given")
    bytes: int = Field(description="Size of the file")
    format_version: int = Field(description="Version of the backup format (1)")
    schema_revision: str = Field(description="The store's schema revision when it was made")
    blamefree_version: str = Field(description="The Blamefree that made it")
    created_at: Timestamp = Field(description="When the backup was made")
    backend: str = Field(description="The database it was made from: sqlite or postgresql")
    rows: int = Field(description="Rows in all tables")
    tables: list[BackupTableRead]

    @classmethod
    def of(cls, made: BackupMade | BackupChecked) -> BackupRead:
        manifest = made.manifest
        return cls(
            file=str(made.path),
            bytes=made.size,
            format_version=manifest.format_version,
            schema_revision=manifest.schema_revision,
            blamefree_version=manifest.blamefree_version,
            created_at=manifest.created_at,
            backend=manifest.backend,
            rows=manifest.rows,
            tables=_tables(manifest),
        )


class BackupRestoreRead(ReadModel):
    """What `blamefree restore-backup --json` prints: what was loaded into the store."""

    file: str = Field(description="The backup file, as given")
    database_url: str = Field(description="The store restored into, its password hidden")
    schema_revision: str = Field(description="The schema revision of the backup and the store")
    blamefree_version: str = Field(description="The Blamefree that made the backup")
    created_at: Timestamp = Field(description="When the backup was made")
    rows: int = Field(description="Rows restored in all tables")
    tables: list[BackupTableRead]
    reindexed: int = Field(description="Post-mortems whose search row was rebuilt")

    @classmethod
    def of(cls, restored: BackupRestored, *, database_url: str) -> BackupRestoreRead:
        manifest = restored.manifest
        return cls(
            file=str(restored.path),
            database_url=database_url,
            schema_revision=manifest.schema_revision,
            blamefree_version=manifest.blamefree_version,
            created_at=manifest.created_at,
            rows=sum(restored.rows.values()),
            tables=_tables(manifest),
            reindexed=restored.reindexed,
        )


def _tables(manifest: Manifest) -> list[BackupTableRead]:
    return [BackupTableRead(name=e.name, rows=e.rows, sha256=e.sha256) for e in manifest.tables]
