"""`blamefree lint`: blaming language, missing and inconsistent content in post-mortems."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

import blamefree
from blamefree.cli import params
from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import AppContext, app_context
from blamefree.errors import InputError, NotFound, UsageError
from blamefree.lint import formats
from blamefree.lint.api import RULES, FileReport, read_markdown, report_stored, report_text
from blamefree.lint.config import LintConfig, load_config
from blamefree.lint.finding import Level
from blamefree.services import postmortems as service

_PATH_SUFFIXES = (".md", ".markdown", ".mdown", ".txt")


def _looks_like_path(target: str) -> bool:
    return target.lower().endswith(_PATH_SUFFIXES) or "/" in target or "\\" in target


def _report(app_ctx: AppContext, target: str, config: LintConfig, stdin_name: str) -> FileReport:
    timezone = app_ctx.settings.timezone
    if target == "-":
        return report_text(sys.stdin.read(), source=stdin_name, config=config, timezone=timezone)
    path = Path(target)
    if path.is_file() or _looks_like_path(target):
        text = read_markdown(path)
        return report_text(text, source=target, config=config, timezone=timezone)
    if app_ctx.remote is not None:
        # The server's text, linted here: this project's lint config applies, as on a store.
        shown = app_ctx.remote.show_postmortem(incident_id=target)
        text = app_ctx.remote.stored_text(incident_id=target)
        return report_stored(text, shown.document, source=target, config=config)
    with app_ctx.unit_of_work() as uow:
        stored, text = service.stored_document(uow, incident_id=target)
    return report_stored(text, stored.doc, source=target, config=config)


def _expand(targets: list[str]) -> list[str]:
    """Directories become the Markdown files under them, sorted."""
    expanded: list[str] = []
    for target in targets:
        folder = Path(target)
        if target != "-" and folder.is_dir():
            expanded.extend(str(path) for path in sorted(folder.rglob("*.md")) if path.is_file())
        else:
            expanded.append(target)
    return expanded


@app.command("lint")
def lint_(
    ctx: typer.Context,
    targets: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE_OR_ID...",
            help="Markdown files or folders (every *.md below), '-' for stdin, or IDs of "
            "stored post-mortems.",
        ),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, json, sarif or github.")
    ] = "text",
    threshold: Annotated[
        Level | None,
        typer.Option(
            "--severity-threshold",
            help="Exit 1 when a finding is at or above this (error, warning, info). "
            "Default: the config's, else warning.",
            parser=params.choice(Level),
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Only these rules (ids or prefixes: BF1, BF203)."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Skip these rules (ids or prefixes), on top of the config."),
    ] = None,
    config_path: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="blamefree.toml or pyproject.toml to use. Default: the nearest one found "
            "from the current directory up.",
        ),
    ] = None,
    stdin_name: Annotated[
        str, typer.Option("--stdin-filename", help="File name to report for '-'.")
    ] = "<stdin>",
) -> None:
    """Check post-mortems for blaming language and missing or inconsistent content.

    Exit 0 when clean, 1 when a finding is at or above the threshold, 2 on a usage error, 3 when
    a file cannot be read or parsed and 4 when an id is not stored (the others are still
    checked and printed).
    Example: blamefree lint postmortems/*.md --format github
    """
    app_ctx = app_context(ctx)
    if fmt not in formats.FORMATS:
        raise UsageError(f"--format must be one of {', '.join(formats.FORMATS)}, not {fmt!r}")
    config = load_config(config_path).with_options(select=select, ignore=ignore)
    level = threshold or config.severity_threshold
    reports: list[FileReport] = []
    failed: list[InputError | NotFound] = []
    for target in _expand(targets):
        try:
            reports.append(_report(app_ctx, target, config, stdin_name))
        except (InputError, NotFound) as error:
            failed.append(error)
            app_ctx.err.print(line(("error:", "bold red"), " ", str(error)), soft_wrap=True)
    if fmt == "json":
        sys.stdout.write(formats.to_json(reports))
    elif fmt == "sarif":
        sys.stdout.write(formats.to_sarif(reports, RULES, version=blamefree.__version__))
    elif fmt == "github":
        sys.stdout.write(formats.to_github(reports))
    else:
        formats.print_text(app_ctx.out, reports)
    if failed:
        # The README's codes: 3 for input that cannot be read or parsed, 4 for an unknown id.
        raise typer.Exit(failed[0].exit_code)
    if any(f.severity.rank >= level.rank for report in reports for f in report.findings):
        raise typer.Exit(1)
