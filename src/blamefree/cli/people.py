"""`blamefree people ...`: the directory of owners and how to reach them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import app_context, print_json
from blamefree.schemas import convert
from blamefree.services import people as service

people_app = typer.Typer(
    name="people",
    help="Who owns action items and how to reach them (for reminders).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(people_app, name="people")

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")
]


@people_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name as owners are written in post-mortems.")],
    email: Annotated[str | None, typer.Option("--email", help="Email address.")] = None,
    slack: Annotated[str | None, typer.Option("--slack", help="Slack handle, e.g. @dana.")] = None,
) -> None:
    """Add someone, or update their addresses. Example: blamefree people add Dana --email d@x.io"""
    app_ctx = app_context(ctx)
    person, new = service.add_person(app_ctx.creating_engine(), name=name, email=email, slack=slack)
    verb = "Added" if new else "Updated"
    app_ctx.out.print(
        line(
            f"{verb} ",
            (person.name, "bold"),
            f" ({person.email or 'no email'}, {person.slack or 'no Slack'}).",
        )
    )


@people_app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List everyone in the directory."""
    app_ctx = app_context(ctx)
    people = service.list_people(app_ctx.engine)
    if as_json:
        print_json([convert.person_read(p) for p in people])
        return
    if not people:
        app_ctx.out.print(
            line(
                "Nobody yet. Add someone with ",
                ("blamefree people add NAME --email E", "bold"),
                ".",
            )
        )
        return
    table = Table(title=f"People ({len(people)})", title_justify="left")
    for column in ("Name", "Email", "Slack"):
        table.add_column(column)
    for p in people:
        table.add_row(p.name, p.email or "—", p.slack or "—")
    app_ctx.out.print(table)


@people_app.command("remove")
def remove(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Their name.")]) -> None:
    """Take someone out of the directory."""
    app_ctx = app_context(ctx)
    service.remove_person(app_ctx.engine, name=name)
    app_ctx.out.print(line("Removed ", (name, "bold"), "."))
