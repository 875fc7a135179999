"""`blamefree restore`: bring back an earlier version."""

from __future__ import annotations

from typing import Annotated

import typer

from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import app_context, print_json
from blamefree.schemas import convert
from blamefree.services import updates


@app.command()
def restore(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(metavar="ID", help="Incident ID.")],
    version: Annotated[int, typer.Argument(metavar="VERSION", help="The version to bring back.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON for scripts instead of a sentence.")
    ] = False,
) -> None:
    """Bring back an earlier version of a post-mortem as its next version.

    Later versions stay in the history ("restored version N"); action items that are the same
    items keep their ids and history. Example: blamefree restore INC-2024-0142 3
    """
    app_ctx = app_context(ctx)
    outcome = updates.restore_revision(
        app_ctx.engine,
        incident_id=incident_id,
        version=version,
        timezone=app_ctx.settings.timezone,
    )
    if as_json:
        print_json(convert.restore_read(outcome))
    elif outcome.action == "unchanged":
        app_ctx.err.print(
            f"{outcome.stored.incident_id} is the same as version {version} already; nothing saved."
        )
    else:
        app_ctx.err.print(
            line(
                f"Restored version {version} of ",
                (outcome.stored.incident_id, "bold"),
                f" as version {outcome.stored.version}.",
            )
        )
