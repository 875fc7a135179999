"""Commands over the search index: search and reindex."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from blamefree.cli import params
from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import app_context, print_json
from blamefree.cli.params import JsonOption
from blamefree.domain.enums import Severity
from blamefree.domain.search import SECTIONS, SearchPage, Snippet, make_filters
from blamefree.schemas.search import ReindexRead, SearchPageRead
from blamefree.services import search as service


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            help='Words, "phrases", -exclude and field:value (severity:P1, owner:ana, '
            "section:root_cause, since:2026-01-01, has:open_actions); see docs/search.md."
        ),
    ] = "",
    severity: Annotated[
        list[Severity] | None,
        typer.Option(
            "--severity", "-s", help="Only these severities.", parser=params.choice(Severity)
        ),
    ] = None,
    owner: Annotated[
        list[str] | None, typer.Option("--owner", help="With an action item this person owns.")
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option("--section", help=f"Words only in these sections: {', '.join(SECTIONS)}."),
    ] = None,
    service_name: Annotated[
        list[str] | None,
        typer.Option("--service", help="Naming this service (for now: a feature affected)."),
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="With this tag.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Incident date on or after (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Incident date on or before (YYYY-MM-DD).")
    ] = None,
    open_actions: Annotated[
        bool | None,
        typer.Option(
            "--open-actions/--no-open-actions",
            help="Only those with (or without) an action item still open.",
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Results per page (1-100).")] = 20,
    offset: Annotated[int, typer.Option("--offset", help="Skip this many results.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Search every section, the timeline and the action items of all post-mortems.

    Best matches first, each with the passage that matched. Example:
    blamefree search '"connection pool" -staging severity:P1' --open-actions
    """
    app_ctx = app_context(ctx)
    filters = make_filters(
        severity=[s.value for s in severity or ()],
        owner=owner or (),
        section=section or (),
        service=service_name or (),
        tag=tag or (),
        since=since,
        until=until,
        open_actions=open_actions,
    )
    with app_ctx.unit_of_work() as uow:
        page = service.search_postmortems(
            uow, query=query, filters=filters, limit=limit, offset=offset
        )
    if as_json:
        print_json(SearchPageRead.of(page))
    else:
        results_table(app_ctx.out, page)


def _snippet_text(snippet: Snippet | None) -> Text:
    if snippet is None:
        return Text("—", style="dim")
    shown = Text()
    for segment in snippet.segments:
        shown.append(segment.text, style="bold yellow" if segment.hit else "")
    shown.append(f"  ({snippet.section})", style="dim")
    return shown


def results_table(console: Console, page: SearchPage) -> None:
    """The results as a table: id, date, severity, title and the matching passage."""
    if not page.hits:
        where = "" if page.offset == 0 else f" after the first {page.offset}"
        console.print(f"No post-mortem matches{where}.")
        return
    last = page.offset + len(page.hits)
    title = f"Search results {page.offset + 1}-{last} of {page.total}"
    table = Table(title=title, title_justify="left")
    table.add_column("ID", style="bold", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Sev")
    table.add_column("Title")
    table.add_column("Match")
    for hit in page.hits:
        table.add_row(
            hit.incident_id,
            hit.date.isoformat() if hit.date else "—",
            hit.severity.value if hit.severity else "—",
            hit.title or "—",
            _snippet_text(hit.snippet),
        )
    console.print(table)
    if page.has_more:
        console.print(line("More: ", (f"--offset {last}", "bold")), soft_wrap=True)


@app.command()
def reindex(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Rebuild the search index from the stored post-mortems (a repair; saves keep it current).

    Example: blamefree reindex
    """
    app_ctx = app_context(ctx)
    progress = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=app_ctx.err,
        transient=True,
        disable=as_json or not app_ctx.err.is_terminal,
    )
    with progress:
        task = progress.add_task("Reindexing", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        with app_ctx.unit_of_work() as uow:
            count = service.reindex(uow, progress=advance)
    if as_json:
        print_json(ReindexRead(reindexed=count))
    else:
        app_ctx.err.print(f"Reindexed {count} post-mortem{'s' if count != 1 else ''}.")
