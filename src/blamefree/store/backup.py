"""Backups of the whole store: one zip file, a JSON Lines entry per table and a manifest.

The file (format `FORMAT`, version `FORMAT_VERSION`) holds ``manifest.json`` (format version,
schema revision, Blamefree version, when and from which backend it was made, and per table its
columns, row count and the SHA-256 of its entry) and ``tables/<table>.jsonl``: one JSON object
per row, keyed by column, in primary-key order. Values are written the same way from either
backend (`column_kind`): times as ISO 8601 UTC with microseconds and ``+00:00``, dates as
``YYYY-MM-DD``, booleans as ``true``/``false``, JSON columns as JSON; so a backup of SQLite
restores into PostgreSQL and back with every value the same.

Two tables are not in it (`SKIPPED`): ``search_documents`` is rebuilt from the restored
post-mortems (so the FTS5 table or the ``tsvector`` column follows the rows the way every save
keeps it), and ``leases`` are locks of processes running on the old store.

Rows are read and written in batches (`BATCH_ROWS`), so memory stays bounded whatever the size
of the store; the file is written to a temporary file (mode 0600: it holds password and token
hashes) and renamed into place, so a failed backup never leaves a half-written file. What the
backup and the restore do in the database (snapshot, lock, inserts, sequences) is
`store.backup_db`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from sqlalchemy import JSON, Boolean, Column, Date, Integer, String, Table, func, select
from sqlalchemy.orm import Session

from blamefree.errors import BackupIncompatible, BackupInvalid, UsageError
from blamefree.store.tables import Base, UtcDateTime

FORMAT = "blamefree-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
BATCH_ROWS = 1_000
"""Rows read, or inserted, at a time."""
MAX_LINE_BYTES = 512 * 1024 * 1024
"""The longest row line read back (a revision's Markdown or a body can be large, not endless)."""
MAX_MANIFEST_BYTES = 1024 * 1024

SKIPPED: dict[str, str] = {
    "search_documents": "rebuilt from the restored post-mortems",
    "leases": "locks held by processes of the old store",
}
"""Tables a backup leaves out, and why."""

Kind = Literal["int", "bool", "text", "date", "datetime", "json"]
Progress = Callable[[int, int], None]
"""Called with (rows done, rows in all) as the work goes on."""


def backup_tables() -> list[Table]:
    """The tables a backup holds, parents before children (the order a restore inserts)."""
    return [table for table in Base.metadata.sorted_tables if table.name not in SKIPPED]


def entry_name(table: str) -> str:
    """The name of a table's entry in the zip file."""
    return f"tables/{table}.jsonl"


def column_kind(column: Column[Any]) -> Kind:
    """How a column's values are written in a backup."""
    kind = column.type
    if isinstance(kind, UtcDateTime):
        return "datetime"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Integer):
        return "int"
    if isinstance(kind, String):
        return "text"
    if isinstance(kind, JSON):
        return "json"
    raise TypeError(f"no backup form for column {column} of type {kind!r}")


# --- the manifest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableEntry:
    """One table of a backup: its columns, how many rows, and the SHA-256 of its entry."""

    name: str
    columns: tuple[str, ...]
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What a backup says about itself."""

    format_version: int
    schema_revision: str
    blamefree_version: str
    created_at: dt.datetime
    backend: str
    tables: tuple[TableEntry, ...]

    @property
    def rows(self) -> int:
        return sum(entry.rows for entry in self.tables)

    def entry(self, table: str) -> TableEntry:
        for entry in self.tables:
            if entry.name == table:
                return entry
        raise KeyError(table)

    def to_data(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "schema_revision": self.schema_revision,
            "blamefree_version": self.blamefree_version,
            "created_at": self.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "backend": self.backend,
            "skipped": SKIPPED,
            "tables": [
                {
                    "name": e.name,
                    "file": entry_name(e.name),
                    "columns": list(e.columns),
                    "rows": e.rows,
                    "sha256": e.sha256,
                }
                for e in self.tables
            ],
        }


def _manifest_of(data: Any, file: str) -> Manifest:
    def bad(reason: str) -> BackupInvalid:
        return BackupInvalid(f"{MANIFEST_NAME} {reason}", file=file)

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupInvalid(
            f"not a Blamefree backup ({MANIFEST_NAME} does not say {FORMAT!r})", file=file
        )
    version = data.get("format_version")
    if type(version) is not int:
        raise bad("has no whole-number format_version")
    if version != FORMAT_VERSION:
        raise BackupIncompatible(
            f"backup format version {version}; this Blamefree reads version {FORMAT_VERSION} "
            f"(the backup was made by Blamefree {data.get('blamefree_version', '?')})",
            file=file,
        )
    for key in ("schema_revision", "blamefree_version", "created_at", "backend"):
        if not isinstance(data.get(key), str):
            raise bad(f"has no {key}")
    try:
        created = dt.datetime.fromisoformat(data["created_at"])
    except ValueError as error:
        raise bad(f"has a created_at that is not an ISO 8601 time ({error})") from error
    tables = data.get("tables")
    if not isinstance(tables, list):
        raise bad("has no list of tables")
    entries = []
    for item in tables:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("columns"), list)
            and all(isinstance(c, str) for c in item["columns"])
            and type(item.get("rows")) is int
            and item["rows"] >= 0
            and isinstance(item.get("sha256"), str)
        ):
            raise bad(f"has a table entry without name, columns, rows and sha256: {item!r:.200}")
        entries.append(
            TableEntry(item["name"], tuple(item["columns"]), item["rows"], item["sha256"].lower())
        )
    return Manifest(
        format_version=version,
        schema_revision=data["schema_revision"],
        blamefree_version=data["blamefree_version"],
        created_at=created if created.tzinfo else created.replace(tzinfo=dt.UTC),
        backend=data["backend"],
        tables=tuple(entries),
    )


# --- writing -----------------------------------------------------------------------------------


def _encoded(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if kind == "date":
        return value.isoformat()
    return value


@contextmanager
def _atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A new file for ``path``, mode 0600, renamed into place only when the block succeeds."""
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise UsageError(f"cannot write the backup {path}: {error.strerror or error}") from error
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        _sync_folder(path.parent)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (where the system lets a folder be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_backup(
    session: Session,
    path: Path,
    *,
    schema_revision: str,
    blamefree_version: str,
    now: dt.datetime,
    progress: Progress | None = None,
) -> Manifest:
    """Write every table of `backup_tables` to ``path`` as read by ``session`` (which should see
    one snapshot); returns the manifest written."""
    tables = backup_tables()
    total = sum(
        int(session.execute(select(func.count()).select_from(table)).scalar_one())
        for table in tables
    )
    done = 0
    entries: list[TableEntry] = []

    def on_row() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % BATCH_ROWS == 0:
            progress(done, total)

    try:
        with (
            _atomic_file(path) as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
        ):
            for table in tables:
                with archive.open(entry_name(table.name), "w", force_zip64=True) as out:
                    entries.append(_write_table(session, table, out, on_row))
            manifest = Manifest(
                format_version=FORMAT_VERSION,
                schema_revision=schema_revision,
                blamefree_version=blamefree_version,
                created_at=now,
                backend=session.get_bind().dialect.name,
                tables=tuple(entries),
            )
            text = json.dumps(manifest.to_data(), indent=2, ensure_ascii=False) + "\n"
            archive.writestr(MANIFEST_NAME, text.encode("utf-8"))
    except OSError as error:
        raise UsageError(f"cannot write the backup {path}: {error.strerror or error}") from error
    if progress is not None:
        progress(done, done)
    return manifest


def _write_table(
    session: Session, table: Table, out: IO[bytes], on_row: Callable[[], None]
) -> TableEntry:
    kinds = [(column.name, column_kind(column)) for column in table.columns]
    digest = hashlib.sha256()
    rows = 0
    query = select(table).order_by(*table.primary_key.columns)
    for row in session.execute(query, execution_options={"yield_per": BATCH_ROWS}):
        data = {name: _encoded(kind, v) for (name, kind), v in zip(kinds, row, strict=True)}
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        out.write(line + b"\n")
        digest.update(line + b"\n")
        rows += 1
        on_row()
    return TableEntry(table.name, tuple(name for name, _ in kinds), rows, digest.hexdigest())


# --- reading -----------------------------------------------------------------------------------


class _BadValue(Exception):
    pass


def _decoded(kind: Kind, value: Any, *, nullable: bool) -> Any:
    if value is None:
        # A JSON column's null is JSON's own null, which such a column holds as a value.
        if not nullable and kind != "json":
            raise _BadValue("is null, and the column needs a value")
        return None
    if kind == "int":
        if type(value) is not int:
            raise _BadValue(f"{value!r:.60} is not a whole number")
        return value
    if kind == "bool":
        if type(value) is not bool:
            raise _BadValue(f"{value!r:.60} is not true or false")
        return value
    if kind == "json":
        return value
    if not isinstance(value, str):
        raise _BadValue(f"{value!r:.60} is not text")
    if kind == "text":
        return value
    try:
        if kind == "date":
            return dt.date.fromisoformat(value)
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise _BadValue(f"{value!r:.60} is not an ISO 8601 {kind}") from error
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _BadValue(f"{value!r:.60} has no time zone")
    return moment.astimezone(dt.UTC)


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class BackupReader:
    """An open backup file: its manifest, checked against this Blamefree's tables, and its rows.

    ``with BackupReader(path) as backup:``; every problem is a `BackupInvalid` (or
    `BackupIncompatible`) naming the file, and the table, line and column when it is in one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        try:
            self._archive = zipfile.ZipFile(path)
        except FileNotFoundError as error:
            raise BackupInvalid("no such file", file=self.file) from error
        except zipfile.BadZipFile as error:
            raise BackupInvalid(
                "not a Blamefree backup, or a truncated one: it does not end in a zip directory",
                file=self.file,
            ) from error
        except OSError as error:
            raise BackupInvalid(error.strerror or str(error), file=self.file) from error
        try:
            self.manifest = self._read_manifest()
        except BaseException:
            self._archive.close()
            raise

    def __enter__(self) -> BackupReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()

    def _read_manifest(self) -> Manifest:
        try:
            info = self._archive.getinfo(MANIFEST_NAME)
        except KeyError as error:
            raise BackupInvalid(
                f"not a Blamefree backup: the zip file has no {MANIFEST_NAME}", file=self.file
            ) from error
        if info.file_size > MAX_MANIFEST_BYTES:
            raise BackupInvalid(f"{MANIFEST_NAME} is too large to be a manifest", file=self.file)
        try:
            raw = self._archive.read(info)
            data = json.loads(raw.decode("utf-8"))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise BackupInvalid(f"{MANIFEST_NAME} is damaged ({error})", file=self.file) from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BackupInvalid(f"{MANIFEST_NAME} is not JSON ({error})", file=self.file) from error
        return _manifest_of(data, self.file)

    def check_tables(self) -> None:
        """The manifest's tables and columns are this Blamefree's (BackupInvalid if not)."""
        wanted = {table.name: table for table in backup_tables()}
        named = [entry.name for entry in self.manifest.tables]
        if sorted(named) != sorted(wanted) or len(set(named)) != len(named):
            missing = sorted(set(wanted) - set(named))
            extra = sorted(set(named) - set(wanted))
            raise BackupInvalid(
                f"{MANIFEST_NAME} lists other tables than schema revision "
                f"{self.manifest.schema_revision} has (missing: {', '.join(missing) or 'none'}; "
                f"unknown: {', '.join(extra) or 'none'})",
                file=self.file,
            )
        for entry in self.manifest.tables:
            columns = tuple(column.name for column in wanted[entry.name].columns)
            if sorted(entry.columns) != sorted(columns):
                raise BackupInvalid(
                    f"{MANIFEST_NAME} gives the table other columns than schema revision "
                    f"{self.manifest.schema_revision} has",
                    file=self.file,
                    table=entry.name,
                )

    def _lines(self, entry: TableEntry) -> Iterator[tuple[int, bytes]]:
        """The entry's lines with their numbers; at the end its row count and checksum are
        compared with the manifest."""
        digest = hashlib.sha256()
        count = 0
        try:
            handle = self._archive.open(entry_name(entry.name))
        except KeyError as error:
            raise BackupInvalid(
                f"the zip file has no {entry_name(entry.name)}", file=self.file, table=entry.name
            ) from error
        try:
            with handle:
                while True:
                    try:
                        line = handle.readline(MAX_LINE_BYTES + 1)
                    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
                        raise BackupInvalid(
                            f"the data is damaged or cut short ({error})",
                            file=self.file,
                            table=entry.name,
                            line=count + 1,
                        ) from error
                    if not line:
                        break
                    count += 1
                    if len(line) > MAX_LINE_BYTES or not line.endswith(b"\n"):
                        raise BackupInvalid(
                            "the line is too long or does not end",
                            file=self.file,
                            table=entry.name,
                            line=count,
                        )
                    digest.update(line)
                    yield count, line
        except zipfile.BadZipFile as error:  # the CRC of the entry, checked at its end
            raise BackupInvalid(
                f"the data is damaged ({error})", file=self.file, table=entry.name
            ) from error
        if count != entry.rows or digest.hexdigest() != entry.sha256:
            found = "rows" if count != entry.rows else "SHA-256"
            raise BackupInvalid(
                f"the {found} do{'es' if found == 'SHA-256' else ''} not match the manifest "
                f"({count} rows, SHA-256 {digest.hexdigest()[:12]}...; the manifest says "
                f"{entry.rows} rows, {entry.sha256[:12]}...): the file was changed or damaged",
                file=self.file,
                table=entry.name,
            )

    def verify(self, progress: Progress | None = None) -> None:
        """Read every table's entry and compare its rows and checksum with the manifest."""
        done = 0
        total = self.manifest.rows
        for entry in self.manifest.tables:
            for _number, _line in self._lines(entry):
                done += 1
                if progress is not None and done % BATCH_ROWS == 0:
                    progress(done, total)
        if progress is not None:
            progress(done, total)

    def rows(self, table: Table, *, refuse_nul: bool = False) -> Iterator[dict[str, Any]]:
        """The table's rows as values to insert, each checked against its column.

        ``refuse_nul``: a NUL character in text or JSON (which PostgreSQL cannot hold) is a
        `BackupIncompatible` naming the row, before anything is sent to the database.
        """
        entry = self.manifest.entry(table.name)
        columns = {
            column.name: (column_kind(column), bool(column.nullable)) for column in table.columns
        }
        for number, line in self._lines(entry):
            yield self._row(table.name, number, line, columns, refuse_nul=refuse_nul)

    def _row(
        self,
        table: str,
        number: int,
        line: bytes,
        columns: dict[str, tuple[Kind, bool]],
        *,
        refuse_nul: bool,
    ) -> dict[str, Any]:
        def bad(message: str, column: str | None = None) -> BackupInvalid:
            return BackupInvalid(message, file=self.file, table=table, line=number, column=column)

        try:
            data = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise bad(f"not a JSON row ({error})") from error
        if not isinstance(data, dict) or set(data) != set(columns):
            raise bad("the row does not have the table's columns")
        values = {}
        for name, value in data.items():
            kind, nullable = columns[name]
            try:
                values[name] = _decoded(kind, value, nullable=nullable)
            except _BadValue as error:
                raise bad(str(error), name) from error
            if refuse_nul and kind in ("text", "json") and _holds_nul(value):
                raise BackupIncompatible(
                    "the value holds a NUL character (\\x00), which PostgreSQL cannot store; "
                    "restore this backup into SQLite, or remove the character there first",
                    file=self.file,
                    table=table,
                    line=number,
                    column=name,
                )
        return values
