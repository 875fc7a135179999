"""`blamefree reviews ...`: the 1-week, 1-month and 3-month follow-up reviews."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from blamefree.cli import params
from blamefree.cli.actions import by_default, parse_day, parse_days
from blamefree.cli.app import app
from blamefree.cli.console import line, plain
from blamefree.cli.context import app_context, print_json
from blamefree.domain.enums import ReviewKind
from blamefree.errors import UsageError
from blamefree.schemas import convert
from blamefree.services import reviews as service

reviews_app = typer.Typer(
    name="reviews",
    help="Follow-up reviews: each post-mortem is reviewed 1 week, 1 month and 3 months after "
    "its incident (or on the dates its Follow-Up section gives).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(reviews_app, name="reviews")

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")
]
IncidentId = params.IncidentId
Kind = Annotated[
    ReviewKind,
    typer.Argument(
        metavar="KIND",
        help="1w, 1m or 3m ('1 week', 'month', 'quarter' work too).",
        parser=params.choice(ReviewKind),
    ),
]


def reviews_table(console: Console, views: list[service.ReviewView], today: dt.date) -> None:
    """Reviews as a table; ``*`` marks a date counted from the incident date."""
    if not views:
        console.print("No reviews match.")
        return
    table = Table(title=f"Reviews ({len(views)})", title_justify="left")
    for column in ("Due", "Incident", "Review", "Title", "Held"):
        table.add_column(column, no_wrap=column != "Title")
    for v in views:
        due = Text("—")
        if v.due_date is not None:
            shown = v.due_date.isoformat() + ("*" if v.due_is_default else "")
            late = f" ({(today - v.due_date).days}d late)" if v.overdue else ""
            due = Text(shown + late, style="bold red" if v.overdue else "")
        held = f"{v.done_at:%Y-%m-%d}" if v.done_at else "—"
        table.add_row(due, v.incident_id, v.name, v.title or "—", held)
    console.print(table)
    if any(v.due_is_default for v in views):
        console.print(plain("* counted from the incident date (7/30/90 days)", "dim"))


@reviews_app.command("list")
def list_(
    ctx: typer.Context,
    upcoming: Annotated[
        str | None, typer.Option("--upcoming", help="Only reviews due within this window (14d).")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only reviews past due.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Include reviews already held.")] = False,
    incident_id: Annotated[
        str | None,
        typer.Option(
            "--incident",
            metavar="ID",
            help="Only this post-mortem's reviews.",
            parser=params.incident_id,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List reviews not held yet, by due date. Example: blamefree reviews list --upcoming 14d"""
    app_ctx = app_context(ctx)
    today = app_ctx.today()
    views = service.list_reviews(
        app_ctx.engine,
        today=today,
        upcoming=parse_days(upcoming, "--upcoming"),
        overdue=overdue,
        include_done=all_,
        incident_id=incident_id,
    )
    if as_json:
        print_json([convert.review_read(v) for v in views])
    else:
        reviews_table(app_ctx.out, views, today)


@reviews_app.command("record")
def record(
    ctx: typer.Context,
    incident_id: IncidentId,
    kind: Kind,
    notes: Annotated[str | None, typer.Option("--notes", help="What the review found.")] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who held it. Default: your login.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a review was held. Example: blamefree reviews record INC-1 1w --notes "..." """
    app_ctx = app_context(ctx)
    view = service.record_review(
        app_ctx.engine,
        incident_id=incident_id,
        kind=kind,
        now=app_ctx.now(),
        notes=notes,
        by=by_default(by),
    )
    if as_json:
        print_json(convert.review_read(view))
    else:
        app_ctx.out.print(line(f"Recorded the {view.name} of ", (incident_id, "bold"), "."))


@reviews_app.command("schedule")
def schedule(
    ctx: typer.Context,
    incident_id: IncidentId,
    kind: Kind,
    date: Annotated[str, typer.Option("--date", help="The new date (YYYY-MM-DD).")],
    by: Annotated[
        str | None, typer.Option("--by", help="Who moves it. Default: your login.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Move a review to another date (written into the Follow-Up section)."""
    app_ctx = app_context(ctx)
    day = parse_day(date, "--date")
    if day is None:
        raise UsageError("--date is required")
    view = service.schedule_review(
        app_ctx.engine,
        incident_id=incident_id,
        kind=kind,
        date=day,
        now=app_ctx.now(),
        by=by_default(by),
    )
    if as_json:
        print_json(convert.review_read(view))
    else:
        app_ctx.out.print(
            line(f"The {view.name} of ", (incident_id, "bold"), f" is due {view.due_date}.")
        )
