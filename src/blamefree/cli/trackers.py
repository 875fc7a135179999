"""`blamefree actions push` and `actions pull`: action items as Jira or GitHub issues."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from blamefree.cli import params
from blamefree.cli.actions import ByOption, JsonOption, actions_app, by_default
from blamefree.cli.console import plain
from blamefree.cli.context import app_context, print_json
from blamefree.domain.enums import ActionStatus, TrackerSystem
from blamefree.domain.postmortem import TrackerLink
from blamefree.errors import ExternalServiceError, UsageError, ValidationFailed
from blamefree.schemas import convert
from blamefree.services import actions as actions_service
from blamefree.services import trackers as service

OUTCOME_STYLE = {
    service.CREATED: "green",
    service.FOUND: "cyan",
    service.LINKED: "dim",
    service.FAILED: "bold red",
    service.NOT_TRIED: "yellow",
    service.UPDATED: "green",
    service.UNCHANGED: "dim",
    service.REOPENED_THERE: "yellow",
    service.REFUSED: "bold yellow",
}

ActionIds = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="ACTION...", help="Action item ids, e.g. A-7F3K2Q.", parser=params.action_id
    ),
]


@actions_app.command("push")
def push(
    ctx: typer.Context,
    action_ids: ActionIds = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every open, in-progress or proposed item.")
    ] = False,
    to: Annotated[
        TrackerSystem | None,
        typer.Option(
            "--to", help="The tracker: jira or github.", parser=params.choice(TrackerSystem)
        ),
    ] = None,
    milestone: Annotated[
        int | None, typer.Option("--milestone", help="GitHub milestone number for new issues.")
    ] = None,
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a Jira or GitHub issue for each action item that has none yet, and link it.

    Settings: BLAMEFREE_JIRA_URL, _EMAIL, _TOKEN, _PROJECT (and _API_VERSION 2 for Jira
    Server), or BLAMEFREE_GITHUB_TOKEN, _REPO (and _API_URL for GitHub Enterprise). Safe to run
    again after an interruption: issues already filed are found and linked, not duplicated.

    Example: blamefree actions push --all --to github
    """
    if to is None:
        raise UsageError("--to is required: jira or github")
    if bool(action_ids) == every:
        raise UsageError("give action item ids or --all, not both and not neither")
    if milestone is not None and to is not TrackerSystem.GITHUB:
        raise UsageError("--milestone is for --to github")
    app_ctx = app_context(ctx)
    now = app_ctx.now()
    who = by_default(by)

    def write_link(engine: Any, uid: str, link: TrackerLink) -> None:
        actions_service.link_tracker(engine, action_id=uid, link=link, now=now, by=who)

    tracker = service.make_tracker(app_ctx.settings, to, milestone=milestone)
    try:
        results = service.push_actions(
            app_ctx.engine, to=to, tracker=tracker, uids=action_ids, write_link=write_link
        )
    finally:
        tracker.close()
    if as_json:
        print_json([convert.push_read(r) for r in results])
    else:
        push_table(app_ctx.out, results, to)
    failed = [r for r in results if r.outcome == service.FAILED]
    if failed:
        untried = sum(r.outcome == service.NOT_TRIED for r in results)
        rest = f"; {untried} not tried, run the push again" if untried else ""
        raise ExternalServiceError(f"{failed[0].uid}: {failed[0].error}{rest}")


@actions_app.command("pull")
def pull(
    ctx: typer.Context,
    action_ids: ActionIds = None,
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """Refresh linked items' status from Jira / GitHub: resolved or closed there -> done here.

    Jira: status category Done or a resolution set (Won't Do / Won't Fix -> wont_do).
    GitHub: closed as completed -> done, closed as not planned -> wont_do. An item done here
    but open in the tracker is reported, not reopened. Only issues of the configured Jira
    project / GitHub repository are read: any other Tracker line is refused (exit 3).

    Example: blamefree actions pull
    """
    app_ctx = app_context(ctx)
    now = app_ctx.now()
    who = by_default(by) or "tracker sync"

    def write_status(engine: Any, uid: str, status: ActionStatus) -> None:
        actions_service.set_action(engine, action_id=uid, now=now, by=who, status=status)

    def trackers(system: TrackerSystem) -> Any:
        return service.make_tracker(app_ctx.settings, system)

    results = service.pull_actions(
        app_ctx.engine, trackers=trackers, uids=action_ids, write_status=write_status
    )
    if as_json:
        print_json([convert.pull_read(r) for r in results])
    else:
        pull_table(app_ctx.out, results)
    failed = [r for r in results if r.outcome == service.FAILED]
    refused = [r for r in results if r.outcome == service.REFUSED]
    also = f"; {len(refused)} refused ({refused[0].uid}: {refused[0].error})" if refused else ""
    if failed:
        raise ExternalServiceError(
            f"{len(failed)} of {len(results)} items could not be refreshed: "
            f"{failed[0].uid}: {failed[0].error}{also}"
        )
    if refused:
        raise ValidationFailed(
            f"{len(refused)} of {len(results)} items were not pulled: {refused[0].uid}: "
            f"{refused[0].error}; fix the item's Tracker line (see docs/trackers.md)"
        )


def push_table(console: Console, results: list[service.PushResult], to: TrackerSystem) -> None:
    """What push did, one line per item."""
    if not results:
        console.print("No action items to push.")
        return
    table = Table(title=f"Push to {to.label}", title_justify="left")
    for column in ("ID", "Incident", "Action item", "Result", "Issue"):
        table.add_column(column, no_wrap=column in ("ID", "Result"))
    for r in results:
        issue = f"{r.key} {r.url}" if r.key else (r.error or "")
        table.add_row(
            r.uid,
            plain(r.incident_id),
            plain(r.text),
            plain(r.outcome, OUTCOME_STYLE.get(r.outcome, "")),
            plain(issue),
        )
    console.print(table)


def pull_table(console: Console, results: list[service.PullResult]) -> None:
    """What pull learned, one line per linked item."""
    if not results:
        console.print("No action item is linked to a tracker yet (see `actions push`).")
        return
    table = Table(title="Pull from trackers", title_justify="left")
    for column in ("ID", "Issue", "In tracker", "Status", "Result"):
        table.add_column(column)
    for r in results:
        status = r.before if r.before == r.after else f"{r.before} → {r.after}"
        table.add_row(
            r.uid,
            plain(f"{r.system} {r.key}"),
            plain(r.remote if r.outcome != service.FAILED else (r.error or "")),
            plain(status),
            plain(r.outcome, OUTCOME_STYLE.get(r.outcome, "")),
        )
    console.print(table)
