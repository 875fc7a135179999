"""Commands over whole post-mortems: new, import, list, show, render, export, edit, delete,
history, diff, parse, metrics, schema, template."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from blamefree import schemas
from blamefree.cli import output, params
from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import app_context, print_json, write_json
from blamefree.cli.hints import described
from blamefree.domain import ids, values
from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import InputError, UsageError
from blamefree.markdown.base_marker import with_marker
from blamefree.markdown.render import render
from blamefree.schemas import convert
from blamefree.services import exporting
from blamefree.services import postmortems as service

EDIT_FILE_NAME = "postmortem.md"
"""The file `edit` opens in the editor, inside a private temporary folder."""

JsonOption = params.JsonOption


def template_text() -> str:
    """The spec template exactly as shipped in the package."""
    return resources.files("blamefree").joinpath("spec/postmortem-template.md").read_text("utf-8")


def _date_option(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return values.parse_date(value)
    except ValueError as exc:
        raise UsageError(f"--date: {exc}") from exc


@app.command()
def template() -> None:
    """Print the post-mortem template, byte for byte."""
    sys.stdout.write(template_text())


@app.command()
def schema(
    name: Annotated[
        str,
        typer.Argument(
            metavar="[NAME]",
            help="Which schema, e.g. PostmortemRead or EventCreate (docs/schemas.md lists them).",
        ),
    ] = "Postmortem",
    every: Annotated[
        bool, typer.Option("--all", help="Print every schema, by name, as one JSON document.")
    ] = False,
) -> None:
    """Print a JSON Schema: of a post-mortem document (the default), or of any input or output.

    Every --json output is one of these schemas. Example: blamefree schema ActionItemRead
    """
    if every:
        write_json(schemas.all_json_schemas())
        return
    if name not in schemas.SCHEMAS:
        known = ", ".join(schemas.SCHEMAS)
        raise UsageError(f"no schema {name!r}; the schemas are: {known}")
    write_json(schemas.json_schema(name))


@app.command()
def new(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", "-t", help="What happened, in a few words.")],
    severity: Annotated[
        Severity,
        typer.Option(
            "--severity",
            "-s",
            help="P0 (worst) to P3; p1, sev1 and SEV-1 work too.",
            parser=params.choice(Severity),
        ),
    ],
    incident_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Incident ID. Default: INC-<date>, or INC-<date>-2, -3, ... when the store "
            "has that one already.",
            parser=params.incident_id,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="Incident date (YYYY-MM-DD). Default: today."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")
    ] = None,
    save: Annotated[bool, typer.Option("--save", help="Also put it into the store.")] = False,
) -> None:
    """Start a post-mortem from the template with its ID, date and severity filled.

    Example: blamefree new --title "Checkout outage" --severity P1 -o inc-142.md
    """
    app_ctx = app_context(ctx)
    if out is not None and out.exists():
        raise UsageError(f"{out} exists already; choose another file or remove it first")
    day = _date_option(date) or app_ctx.today()
    with (
        app_ctx.unit_of_work(create=True)
        if save or app_ctx.engine_if_stored() is not None
        else contextlib.nullcontext()
    ) as uow:
        started = service.start_postmortem(
            uow,
            title=title,
            severity=severity,
            day=day,
            incident_id=incident_id,
            save=save,
            by=app_ctx.actor,
        )
    text = started.text
    if started.stored is not None:
        app_ctx.err.print(
            line(
                "Stored ",
                (started.stored.incident_id, "bold"),
                f" (version {started.stored.version}).",
            )
        )
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    app_ctx.err.print(
        line(
            "Wrote ",
            (str(out), "bold"),
            f". Fill it in, then: blamefree import {shlex.quote(str(out))}",
        ),
        soft_wrap=True,
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Markdown post-mortems to import.")],
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Save a file whose ID is stored already as its next version, merged with what "
            "was stored since the version the file was made from.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="With --update: save even where the store changed the same fields (the file's "
            "values win) or, for a file that names no version, even if it drops events or "
            "action-item state.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import Markdown post-mortems into the store, each file all-or-nothing.

    A bad file is reported at the end and does not stop the others. An update never silently
    drops what was added since the file was made: a file made by export or edit names its version
    on its first line and is merged; conflicts and a file that would lose work stop with exit 5
    and store nothing. See docs/updates.md.
    Example: blamefree import --update postmortems/*.md
    """
    app_ctx = app_context(ctx)
    progress = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=app_ctx.err,
        transient=True,
        # Progress is for people at a terminal; a log or a pipe gets only the report.
        disable=len(files) < 2 or as_json or not app_ctx.err.is_terminal,
    )
    with progress:
        task = progress.add_task("Importing", total=len(files))
        if app_ctx.remote is not None:
            outcomes: Sequence[output.ImportedFile] = app_ctx.remote.import_files(
                paths=files,
                update=update,
                force=force,
                on_file=lambda _outcome: progress.advance(task),
            )
        else:
            with app_ctx.unit_of_work(create=True) as uow:
                outcomes = service.import_files(
                    uow,
                    paths=files,
                    timezone=app_ctx.settings.timezone,
                    update=update,
                    force=force,
                    today=app_ctx.today(),
                    on_file=lambda _outcome: progress.advance(task),
                    by=app_ctx.actor,
                ).outcomes
    failed = [o for o in outcomes if o.error is not None]
    if as_json:
        print_json(
            [
                convert.import_outcome_read(
                    file=str(o.path),
                    incident_id=o.incident_id,
                    action=o.action,
                    version=o.version,
                    error=o.error,
                    message=described(o.error, "import") if o.error else None,
                )
                for o in outcomes
            ]
        )
    else:
        output.import_report(app_ctx.out, app_ctx.err, outcomes)
    if failed:
        first = failed[0].error
        assert first is not None
        raise typer.Exit(first.exit_code)


@app.command("list")
def list_(
    ctx: typer.Context,
    severity: Annotated[
        list[Severity] | None,
        typer.Option(
            "--severity", "-s", help="Only these severities.", parser=params.choice(Severity)
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List stored post-mortems, newest incident first."""
    app_ctx = app_context(ctx)
    if app_ctx.remote is not None:
        summaries = app_ctx.remote.list_postmortems(severity=severity)
    else:
        with app_ctx.unit_of_work() as uow:
            stored = service.list_postmortems(uow, severity=severity)
        summaries = [convert.summary_read(s) for s in stored]
    if as_json:
        print_json(summaries)
    else:
        output.summaries_table(app_ctx.out, summaries)


@app.command()
def show(
    ctx: typer.Context,
    incident_id: params.IncidentId,
    as_json: JsonOption = False,
) -> None:
    """Show one stored post-mortem: header, metrics, timeline and action items."""
    app_ctx = app_context(ctx)
    if app_ctx.remote is not None:
        shown = app_ctx.remote.show_postmortem(incident_id=incident_id)
    else:
        with app_ctx.unit_of_work() as uow:
            view = service.show_postmortem(uow, incident_id=incident_id)
        shown = convert.postmortem_read(view.stored, view.criteria)
    if as_json:
        print_json(shown)
    else:
        output.show_postmortem(app_ctx.out, shown)


def _document(ctx: typer.Context, file_or_id: str) -> Postmortem:
    app_ctx = app_context(ctx)
    if file_or_id != "-" and not Path(file_or_id).is_file() and not ids.is_incident_id(file_or_id):
        # Not a file, and it cannot be an id either: say so, do not look in the store.
        raise InputError("no such file", file=file_or_id)
    return service.resolve_document(
        app_ctx.unit_of_work,
        file_or_id=file_or_id,
        text=sys.stdin.read() if file_or_id == "-" else None,
        timezone=app_ctx.settings.timezone,
    )


FileOrId = Annotated[
    str,
    typer.Argument(metavar="FILE_OR_ID", help="A Markdown file, '-' for stdin, or a stored ID."),
]


@app.command("render")
def render_(
    ctx: typer.Context,
    file_or_id: FileOrId,
    no_base: Annotated[
        bool, typer.Option("--no-base", help="Leave out the line naming the stored version.")
    ] = False,
) -> None:
    """Print a post-mortem as Markdown in the template's canonical layout.

    Every section is written, unknown values as the template's placeholders, and values
    derived from the event log are filled in; `export` gives the text as its author wrote it.
    A stored post-mortem (or a file made from one) starts with the line naming its version, so
    that importing the printed file with --update merges safely.
    """
    app_ctx = app_context(ctx)
    doc, base = service.resolve_document_and_base(
        app_ctx.unit_of_work,
        file_or_id=file_or_id,
        text=sys.stdin.read() if file_or_id == "-" else None,
        timezone=app_ctx.settings.timezone,
    )
    text = render(doc)
    if base is not None and not no_base:
        text = with_marker(text, base.incident_id, base.version)
    sys.stdout.write(text)


def _write_bytes(data: bytes, out: Path | None) -> None:
    """Write bytes exactly (no newline translation) to a file or stdout."""
    if out is not None:
        out.write_bytes(data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@app.command()
def export(
    ctx: typer.Context,
    incident_id: params.IncidentId,
    fmt: Annotated[str, typer.Option("--format", "-f", help="html, pdf, md, json or csv.")] = "md",
    of: Annotated[
        str | None,
        typer.Option("--of", metavar="TABLE", help="CSV: actions or events (needed with csv)."),
    ] = None,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
    no_base: Annotated[
        bool,
        typer.Option(
            "--no-base", help="Markdown: leave out the first line naming the stored version."
        ),
    ] = False,
) -> None:
    """Export a stored post-mortem: its Markdown as the author wrote it, or HTML, PDF, JSON, CSV.

    md (the default) is the current version's text byte for byte (an imported file comes back
    as it was; changes made by commands touch only their lines), after one comment line naming
    the version it was made from: keep it, and `blamefree import --update FILE` merges your
    changes with what was stored since. --no-base leaves that line out.

    html is one standalone file (styles inline, the timeline picture inline, nothing loaded
    from anywhere); pdf is drawn from it (A4, fonts embedded; to --output or a pipe, never a
    terminal); json is PostmortemRead, as the API answers; csv is the action items
    (--of actions) or the timeline events (--of events), with every cell a spreadsheet would
    run as a formula neutralised. See docs/export.md.

    Example: blamefree export INC-7 --format pdf -o INC-7.pdf
    """
    app_ctx = app_context(ctx)
    choices = ", ".join(f.value for f in exporting.ExportFormat)
    try:
        format_ = exporting.ExportFormat(fmt)
    except ValueError:
        raise UsageError(f"--format must be one of {choices}, not {fmt!r}") from None
    table: exporting.CsvTable | None = None
    if of is not None:
        try:
            table = exporting.CsvTable(of)
        except ValueError:
            raise UsageError(f"--of must be actions or events, not {of!r}") from None
    if format_ is exporting.ExportFormat.CSV and table is None:
        raise UsageError("--format csv needs --of actions or --of events")
    if table is not None and format_ is not exporting.ExportFormat.CSV:
        raise UsageError(f"--of is for --format csv, not {format_.value}")
    if no_base and format_ is not exporting.ExportFormat.MD:
        raise UsageError(f"--no-base is for --format md, not {format_.value}")
    if format_ is exporting.ExportFormat.PDF and out is None and sys.stdout.isatty():
        raise UsageError("a PDF is not for a terminal: give --output FILE or pipe it to a file")
    if app_ctx.remote is not None:
        content = app_ctx.remote.export(
            incident_id=incident_id,
            format=format_.value,
            table=table.value if table is not None else None,
            with_base=not no_base,
        )
    else:
        with app_ctx.unit_of_work() as uow:
            content = exporting.export(
                uow,
                incident_id=incident_id,
                format=format_,
                table=table,
                with_base=not no_base,
                today=app_ctx.today(),
            ).content
    _write_bytes(content, out)
    if out is not None:
        app_ctx.err.print(line("Wrote ", (str(out), "bold"), "."), soft_wrap=True)


@app.command()
def parse(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="A Markdown file, or '-' for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the document JSON.")] = True,
) -> None:
    """Read a post-mortem file and print its document JSON (nothing is stored)."""
    if file != "-" and not Path(file).is_file():
        raise InputError("no such file", file=file)
    doc = _document(ctx, file)
    if as_json:
        print_json(convert.document_read(doc))
    else:
        output.show_document(app_context(ctx).out, doc)


@app.command()
def metrics(
    ctx: typer.Context,
    file_or_id: FileOrId,
    as_json: JsonOption = False,
) -> None:
    """Detection, response, mitigation, resolution time and total duration.

    Computed from the timeline where the times are known, else taken from the Metrics section.
    """
    doc = _document(ctx, file_or_id)
    result = service.metrics_of(doc)
    if as_json:
        print_json(convert.metrics_read(result))
    else:
        output.metrics_table(app_context(ctx).out, result)


@app.command()
def delete(
    ctx: typer.Context,
    incident_id: params.IncidentId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a stored post-mortem with its history."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        deleted = service.delete_postmortem(
            uow,
            incident_id=incident_id,
            confirm=None if yes else _confirm_delete,
            by=app_ctx.actor,
        )
    if deleted is None:
        raise typer.Exit(1)
    app_ctx.err.print(line("Deleted ", (incident_id, "bold"), "."))


def _confirm_delete(deletion: service.Deletion) -> bool:
    return typer.confirm(f"Delete {deletion.incident_id} and all its revisions?")


@app.command("history")
def history_(
    ctx: typer.Context,
    incident_id: params.IncidentId,
    as_json: JsonOption = False,
) -> None:
    """List the saved versions of a post-mortem."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        revisions = service.history(uow, incident_id=incident_id)
    if as_json:
        print_json([convert.revision_read(r) for r in revisions])
    else:
        output.history_table(app_ctx.out, incident_id, revisions)


@app.command("diff")
def diff_(
    ctx: typer.Context,
    incident_id: params.IncidentId,
    rev_a: Annotated[int | None, typer.Argument(help="Older version (default: previous).")] = None,
    rev_b: Annotated[int | None, typer.Argument(help="Newer version (default: latest).")] = None,
) -> None:
    """Show a unified diff of the Markdown of two versions."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        text = service.diff(uow, incident_id=incident_id, rev_a=rev_a, rev_b=rev_b)
    if not text:
        app_ctx.err.print("No differences.")
        return
    if sys.stdout.isatty():
        output.colour_diff(app_ctx.out, text)
    else:
        sys.stdout.write(text)


def _editor_command(configured: str | None) -> list[str]:
    editor = configured or os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return shlex.split(editor)


@app.command()
def edit(
    ctx: typer.Context,
    incident_id: params.IncidentId,
) -> None:
    """Edit a stored post-mortem's Markdown in $EDITOR; it is validated before it is saved.

    If the text does not parse, the editor opens again with the error at the top; close it
    without changes to give up (exit 3, nothing saved). Closing the first time without changes
    saves nothing and exits 0. What others saved while you edited is merged with your edit;
    where both changed the same field, the editor opens again with the conflicts at the top
    (closing it unchanged gives up: exit 5, nothing saved).
    """
    app_ctx = app_context(ctx)
    command = _editor_command(app_ctx.settings.editor)

    def run_editor(text: str) -> str:
        # A private folder (mode 0700) and a fixed name: the id never becomes part of a path.
        with tempfile.TemporaryDirectory(prefix="blamefree-edit-") as folder:
            path = Path(folder) / EDIT_FILE_NAME
            # Bytes in and out: the author's line endings and BOM survive the round trip.
            path.write_bytes(text.encode("utf-8"))
            try:
                completed = subprocess.run([*command, str(path)], check=False)
            except OSError as exc:
                raise UsageError(f"cannot start editor {command[0]!r}: {exc}") from exc
            if completed.returncode != 0:
                raise UsageError(f"editor exited with status {completed.returncode}; nothing saved")
            try:
                return path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from exc

    with app_ctx.unit_of_work() as uow:
        saved = service.edit_postmortem(
            uow,
            incident_id=incident_id,
            run_editor=run_editor,
            timezone=app_ctx.settings.timezone,
            by=app_ctx.actor,
        )
    if saved is None:
        app_ctx.err.print("No changes; nothing saved.")
    else:
        app_ctx.err.print(
            line("Saved ", (saved.incident_id, "bold"), f" as version {saved.version}.")
        )
