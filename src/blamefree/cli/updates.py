"""`blamefree restore`, and the details of refused updates for `--json` output."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import app_context, print_json
from blamefree.errors import BlamefreeError, MergeConflict, WouldLoseWork
from blamefree.services import updates


def error_details(error: BlamefreeError | None) -> dict[str, Any]:
    """Extra JSON keys for an error that refused an update: its conflicts or losses."""
    if isinstance(error, MergeConflict):
        return {"conflicts": [conflict.to_json() for conflict in error.conflicts]}
    if isinstance(error, WouldLoseWork):
        return {"would_lose": [loss.to_json() for loss in error.losses]}
    return {}


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
    with app_ctx.unit_of_work() as uow:
        outcome = updates.restore_revision(
            uow,
            incident_id=incident_id,
            version=version,
            timezone=app_ctx.settings.timezone,
            by=app_ctx.actor,
        )
    if as_json:
        print_json(
            {
                "incident_id": outcome.stored.incident_id,
                "action": outcome.action,
                "restored_version": outcome.restored_version,
                "version": outcome.stored.version,
            }
        )
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
