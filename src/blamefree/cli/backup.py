"""Commands for backups of the whole store: backup and restore-backup."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import AppContext, app_context, print_json, sqlite_file
from blamefree.cli.params import JsonOption
from blamefree.errors import ConfigError, UsageError
from blamefree.schemas.backup import BackupRead, BackupRestoreRead
from blamefree.services import backup as service
from blamefree.store import safe_url

SENSITIVE = (
    "The file holds the accounts' password hashes and the hashes of API tokens and sessions: "
    "keep it where only you can read it (it is written with mode 0600)."
)

FileArgument = Annotated[Path, typer.Argument(metavar="FILE", help="The backup file.")]


@contextmanager
def _progress(app_ctx: AppContext, *, quiet: bool) -> Iterator[service.PhaseProgress]:
    """A progress bar on stderr for people at a terminal; nothing for a pipe, a log or --json."""
    progress = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=app_ctx.err,
        transient=True,
        disable=quiet or not app_ctx.err.is_terminal,
    )
    tasks: dict[str, TaskID] = {}

    def step(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = progress.add_task(phase, total=total)
        progress.update(tasks[phase], completed=done, total=total)

    with progress:
        yield step


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    size = count / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@app.command()
def backup(ctx: typer.Context, file: FileArgument, as_json: JsonOption = False) -> None:
    """Back up the whole store to one file: every post-mortem and revision, event, action item,
    review, comment, workflow step, person, user, token and audit entry.

    Read as one snapshot, so the store may stay in use; a SQLite file that does not exist is
    an error (exit 6), not an empty backup. FILE is replaced atomically (a failed
    backup leaves any earlier one as it was) and written with mode 0600: it holds password and
    token hashes. The search index is not in it; a restore rebuilds it. See docs/store.md.
    Example: blamefree backup backups/blamefree-$(date +%F).zip
    """
    app_ctx = app_context(ctx)
    if app_ctx.engine_if_stored() is None:
        # An empty backup of a store that is not there would look like a good one.
        raise ConfigError(
            f"--db / BLAMEFREE_DATABASE_URL: there is no store at "
            f"{sqlite_file(app_ctx.settings.database_url)}, so there is nothing to back up"
        )
    store_file = sqlite_file(app_ctx.settings.database_url)
    if store_file is not None and file.resolve() == store_file.resolve():
        raise UsageError(f"{file} is the store itself; write the backup to another file")
    with _progress(app_ctx, quiet=as_json) as step, app_ctx.unit_of_work() as uow:
        made = service.back_up(uow, path=file, now=app_ctx.now(), progress=step)
    if as_json:
        print_json(BackupRead.of(made))
        return
    manifest = made.manifest
    app_ctx.err.print(
        line(
            f"Backed up {manifest.rows} rows of {len(manifest.tables)} tables from the store at ",
            (safe_url(app_ctx.engine.url), "bold"),
            " to ",
            (str(file), "bold"),
            f" ({_size(made.size)}, schema revision {manifest.schema_revision}).",
        ),
        soft_wrap=True,
    )
    app_ctx.err.print(line(("note:", "yellow"), " ", SENSITIVE), soft_wrap=True)


@app.command("restore-backup")
def restore_backup(
    ctx: typer.Context,
    file: FileArgument,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Only read the file through (manifest, every row, every checksum); the store "
            "is not opened.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Restore a backup made by `blamefree backup` into the store, which must be empty.

    All or nothing: the file is read through and its checksums compared before anything is
    written, and one transaction loads every table and rebuilds the search index. A store that
    holds any row is refused (exit 5): restore into a new SQLite file or an empty PostgreSQL
    database (after `blamefree db upgrade`). The backup must be of this Blamefree's schema
    revision; a damaged, truncated or foreign file exits 3 naming the table and line.
    Example: blamefree --db postgresql://pm@db.internal/pm restore-backup blamefree.zip
    """
    app_ctx = app_context(ctx)
    if check:
        with _progress(app_ctx, quiet=as_json) as step:
            checked = service.check_backup(path=file, progress=step)
        if as_json:
            print_json(BackupRead.of(checked))
            return
        manifest = checked.manifest
        app_ctx.err.print(
            line(
                (str(file), "bold"),
                f" is sound: {manifest.rows} rows of {len(manifest.tables)} tables, schema "
                f"revision {manifest.schema_revision}, made by Blamefree "
                f"{manifest.blamefree_version} on {manifest.created_at.isoformat()}.",
            ),
            soft_wrap=True,
        )
        return
    with _progress(app_ctx, quiet=as_json) as step, app_ctx.unit_of_work(create=True) as uow:
        restored = service.restore_backup(uow, path=file, progress=step)
    where = safe_url(app_ctx.engine.url)
    if as_json:
        print_json(BackupRestoreRead.of(restored, database_url=where))
        return
    app_ctx.err.print(
        line(
            f"Restored {sum(restored.rows.values())} rows of {len(restored.rows)} tables from ",
            (str(file), "bold"),
            " into the store at ",
            (where, "bold"),
            f" and indexed {restored.reindexed} post-mortem"
            f"{'s' if restored.reindexed != 1 else ''} for search.",
        ),
        soft_wrap=True,
    )
