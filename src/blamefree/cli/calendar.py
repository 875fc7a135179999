"""`blamefree calendar`: due dates and reviews as an iCalendar feed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from blamefree.cli.app import app
from blamefree.cli.context import app_context
from blamefree.services.calendar import build_calendar


@app.command("calendar")
def calendar(
    ctx: typer.Context,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only this person's items (and their reviews).")
    ] = None,
    reviews: Annotated[
        bool, typer.Option("--reviews/--no-reviews", help="Include follow-up reviews.")
    ] = True,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Export open action items' due dates and upcoming reviews as iCalendar (.ics).

    Events are all-day with stable UIDs, so importing or subscribing again updates them.
    Example: blamefree calendar --owner Dana > dana.ics
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        data = build_calendar(uow, now=app_ctx.now(), owner=owner, reviews=reviews)
    if out is not None:
        out.write_bytes(data)
        app_ctx.err.print(f"Wrote {out}.", highlight=False)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
