"""Commands for the store's schema: db upgrade and db status."""

from __future__ import annotations

import typer

from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import app_context, print_json
from blamefree.cli.params import JsonOption
from blamefree.schemas import StoreStatusRead
from blamefree.store import safe_url
from blamefree.store.migrate import ensure_schema, schema_status

db_app = typer.Typer(
    help="The store's schema: see which revision it is at, bring it up to date.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command()
def upgrade(ctx: typer.Context) -> None:
    """Bring the store's schema up to date (on a new database: create its tables).

    A SQLite store is brought up to date by any command anyway; a PostgreSQL store is
    upgraded only by this command, run once by whoever installs a new Blamefree (the other
    commands say so while it is behind). Two upgrades at once are safe: one waits for the other.
    Example: blamefree --db postgresql://pm@db.internal/pm db upgrade
    """
    app_ctx = app_context(ctx)
    engine = app_ctx.schema_engine()
    before = schema_status(engine)
    ensure_schema(engine)
    after = schema_status(engine)
    where = safe_url(engine.url)
    if before.current == after.current:
        app_ctx.err.print(
            line("The store at ", (where, "bold"), f" is up to date (revision {after.current})."),
            soft_wrap=True,
        )
        return
    start = "an empty database" if before.current is None else f"revision {before.current}"
    app_ctx.err.print(
        line("Upgraded the store at ", (where, "bold"), f" from {start} to {after.current}."),
        soft_wrap=True,
    )


@db_app.command()
def status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show the store's schema revision and the one this Blamefree needs (exit 7 when behind)."""
    app_ctx = app_context(ctx)
    engine = app_ctx.schema_engine(create=False)
    found = schema_status(engine)
    if as_json:
        print_json(
            StoreStatusRead(
                database_url=safe_url(engine.url),
                current=found.current,
                head=found.head,
                up_to_date=found.up_to_date,
            )
        )
    else:
        app_ctx.out.print(line("store:    ", safe_url(engine.url)), soft_wrap=True)
        app_ctx.out.print(line("current:  ", found.current or "(none: no tables yet)"))
        app_ctx.out.print(line("head:     ", found.head))
        state = (
            ("up to date", "green")
            if found.up_to_date
            else ("behind: run `blamefree db upgrade`", "yellow")
        )
        app_ctx.out.print(line("status:   ", state))
    if not found.up_to_date:
        raise typer.Exit(7)
