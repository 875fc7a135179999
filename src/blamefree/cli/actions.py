"""`blamefree actions ...`: action items across post-mortems, prevention measures, criteria."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from blamefree.cli import params
from blamefree.cli.app import app
from blamefree.cli.console import line, plain
from blamefree.cli.context import app_context, print_json
from blamefree.cli.criteria import criteria_table
from blamefree.domain import actions as rules
from blamefree.domain import values
from blamefree.domain.enums import ActionStatus, ActionType, Horizon, Priority, Severity
from blamefree.errors import UsageError
from blamefree.schemas import ActionItemRead, convert
from blamefree.services import actions as service

actions_app = typer.Typer(
    name="actions",
    help="Action items across all post-mortems: list, add, set status, assign, move.\n\n"
    "Ids look like A-7F3K2Q; `blamefree actions list` shows them.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(actions_app, name="actions")

JsonOption = params.JsonOption
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who makes the change, for the history. Default: --as / BLAMEFREE_USER, else "
        "your login.",
    ),
]
ActionId = params.ActionId
WIDE_TABLE = 120
SEVERITY_STYLE = {"P0": "bold white on red", "P1": "bold red", "P2": "yellow", "P3": "cyan"}


def parse_status(value: str) -> ActionStatus:
    """A status option: ``done``, ``in_progress``, ``in-progress``, ``won't do`` ..."""
    status = rules.parse_status(value)
    if status is None:
        known = ", ".join(s.value for s in ActionStatus)
        raise UsageError(f"--status {value!r} is not one of {known}")
    return status


def parse_days(value: str | None, option: str) -> int | None:
    """A window option like ``7d`` or ``2w``, in days."""
    if value is None:
        return None
    try:
        return rules.parse_window(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from exc


def parse_day(value: str | None, option: str) -> dt.date | None:
    """A date option (YYYY-MM-DD, or how the template's dates are written)."""
    if value is None:
        return None
    try:
        return values.parse_date(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from exc


def _due_text(item: ActionItemRead, today: dt.date) -> Text:
    if item.due_date is None:
        return Text("—")
    shown = item.due_date.isoformat() + ("*" if item.due_date_is_default else "")
    if item.overdue:
        return Text(f"{shown} ({(today - item.due_date).days}d late)", style="bold red")
    if not item.status.closed and item.due_date <= today + dt.timedelta(days=7):
        return Text(shown, style="yellow")
    return Text(shown)


def _status_text(status: ActionStatus) -> Text:
    style = {
        ActionStatus.DONE: "green",
        ActionStatus.WONT_DO: "dim",
        ActionStatus.IN_PROGRESS: "cyan",
        ActionStatus.PROPOSED: "magenta",
    }.get(status, "")
    return Text(status.label, style=style)


def actions_table(console: Console, views: Sequence[ActionItemRead], today: dt.date) -> None:
    """The action items as a table; ``*`` marks a due date that is the horizon's default."""
    if not views:
        console.print("No action items match.")
        return
    # Below WIDE_TABLE columns the incident and horizon go under the text, so nothing is cut off.
    wide = console.width >= WIDE_TABLE
    table = Table(title=f"Action items ({len(views)})", title_justify="left")
    table.add_column("ID", style="bold", no_wrap=True)
    if wide:
        table.add_column("Incident", no_wrap=True)
        table.add_column("Horizon", no_wrap=True)
    table.add_column("Action", min_width=16)
    table.add_column("Owner", min_width=8, max_width=18)
    table.add_column("Due", min_width=11, max_width=None if wide else 12, no_wrap=wide)
    table.add_column("Status", no_wrap=True)
    for r in views:
        severity = r.severity.value if r.severity else ""
        incident = plain(r.incident_id, SEVERITY_STYLE.get(severity, ""))
        text = line(r.text, (f" ({r.tracker.key})", "dim") if r.tracker else "")
        lead: list[Text | str] = [r.id]
        if wide:
            lead += [incident, r.horizon.value]
        else:
            text.append("\n").append_text(incident).append(f" · {r.horizon.value}", style="dim")
        table.add_row(
            *lead,
            text,
            r.owner or plain("unassigned", "dim"),
            _due_text(r, today),
            _status_text(r.status),
        )
    console.print(table)
    if any(v.due_date_is_default for v in views):
        console.print(plain("* no due date given: the end of its horizon (7/30/90 days)", "dim"))


FLAG_NOTES = {
    "before_incident": "the due date is before the incident",
    "after_horizon": "the due date is after the end of its horizon",
    "within_shorter_horizon": "the due date falls within a shorter horizon; consider moving it",
}
"""What a flag of an item read from a server says (the server's answer has only its code)."""


def _print_one(ctx: typer.Context, view: service.ActionView, as_json: bool, verb: str) -> None:
    _print_item(ctx, convert.action_read(view), [f.message for f in view.flags], as_json, verb)


def _print_item(
    ctx: typer.Context, r: ActionItemRead, notes: Sequence[str], as_json: bool, verb: str
) -> None:
    app_ctx = app_context(ctx)
    if as_json:
        print_json(r)
        return
    due = f", due {r.due_date}" if r.due_date else ""
    lead = f"{verb} " if verb else ""
    app_ctx.out.print(
        line(
            lead,
            (r.id, "bold"),
            f" ({r.incident_id}, {r.horizon.value}): {r.text} — ",
            f"{r.status.label}, {r.owner or 'unassigned'}{due}",
        ),
        soft_wrap=True,
    )
    for note in notes:
        app_ctx.err.print(line(("note:", "yellow"), " ", note))


@actions_app.command("list")
def list_(
    ctx: typer.Context,
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="Only this owner's items (case and a leading @ ignored)."),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="Only these statuses (repeatable): " + ", ".join(ActionStatus),
        ),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only items past due.")] = False,
    due_within: Annotated[
        str | None,
        typer.Option("--due-within", help="Only open items due within this window, e.g. 7d, 2w."),
    ] = None,
    severity: Annotated[
        list[Severity] | None,
        typer.Option(
            "--severity", "-s", help="Only these severities.", parser=params.choice(Severity)
        ),
    ] = None,
    incident_id: Annotated[
        str | None,
        typer.Option(
            "--incident",
            metavar="ID",
            help="Only this post-mortem's items.",
            parser=params.incident_id,
        ),
    ] = None,
    ids_only: Annotated[
        bool,
        typer.Option(
            "--ids", help="Print only the ids, one a line (for scripts: ID=$(... --ids))."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List action items across all post-mortems, newest incident first.

    Items without a due date are due at the end of their horizon (7, 30 or 90 days after the
    incident). Example: blamefree actions list --owner Dana --overdue
    """
    app_ctx = app_context(ctx)
    today = app_ctx.today()
    statuses = [parse_status(s) for s in status] if status else None
    within = parse_days(due_within, "--due-within")
    if app_ctx.remote is not None:
        items = app_ctx.remote.list_actions(
            owner=owner,
            statuses=statuses,
            severities=severity,
            overdue=overdue,
            due_within=within,
            incident_id=incident_id,
        )
    else:
        with app_ctx.unit_of_work() as uow:
            views = service.list_actions(
                uow,
                today=today,
                owner=owner,
                statuses=statuses,
                severities=severity,
                overdue=overdue,
                due_within=within,
                incident_id=incident_id,
            )
        items = [convert.action_read(v) for v in views]
    if as_json:
        print_json(items)
    elif ids_only:
        sys.stdout.write("".join(f"{item.id}\n" for item in items))
    else:
        actions_table(app_ctx.out, items, today)


@actions_app.command("show")
def show(ctx: typer.Context, action_id: ActionId, as_json: JsonOption = False) -> None:
    """Show one action item with its history of changes."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        detail = service.show_action(uow, action_id=action_id, today=app_ctx.today())
    if as_json:
        print_json(convert.action_detail_read(detail.action, detail.history))
        return
    _print_one(ctx, detail.action, False, "")
    table = Table(title="History", title_justify="left")
    for column in ("When (UTC)", "Field", "From", "To", "By"):
        table.add_column(column)
    for h in detail.history:
        table.add_row(f"{h.at:%Y-%m-%d %H:%M}", h.field, h.old or "—", h.new or "—", h.by or "—")
    app_ctx.out.print(table)


@actions_app.command("add")
def add(
    ctx: typer.Context,
    incident_id: params.IncidentId,
    text: Annotated[str, typer.Argument(help="What is to be done.")],
    horizon: Annotated[
        Horizon,
        typer.Option(
            "--horizon",
            help="immediate (7 days), short_term (30), long_term (90); short-term works too.",
            parser=params.choice(Horizon),
        ),
    ] = Horizon.SHORT_TERM,
    owner: Annotated[str | None, typer.Option("--owner", help="Who does it.")] = None,
    due: Annotated[
        str | None,
        typer.Option("--due", help="Due date (YYYY-MM-DD). Default: the horizon's end."),
    ] = None,
    priority: Annotated[
        Priority | None,
        typer.Option("--priority", help="High, Medium or Low.", parser=params.choice(Priority)),
    ] = None,
    type_: Annotated[
        ActionType | None,
        typer.Option("--type", help="What it does.", parser=params.choice(ActionType)),
    ] = None,
    status: Annotated[
        str, typer.Option("--status", help="open (committed to), proposed, or any other status.")
    ] = "open",
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add an action item to a post-mortem (a new revision of its document).

    Example: blamefree actions add INC-2024-0142 "Alert on pool saturation" --horizon immediate
    --owner Dana --type detect
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        added = service.add_action(
            uow,
            incident_id=incident_id,
            text=text,
            horizon=horizon,
            now=app_ctx.now(),
            owner=owner,
            due=parse_day(due, "--due"),
            priority=priority,
            type=type_,
            status=parse_status(status),
            by=app_ctx.actor_or(by),
        )
    _print_one(ctx, added.action, as_json, "Added")


@actions_app.command("set")
def set_(
    ctx: typer.Context,
    action_id: ActionId,
    status: Annotated[
        str | None, typer.Option("--status", help="proposed, open, in_progress, done, wont_do.")
    ] = None,
    due: Annotated[str | None, typer.Option("--due", help="New due date (YYYY-MM-DD).")] = None,
    priority: Annotated[
        Priority | None,
        typer.Option("--priority", help="High, Medium or Low.", parser=params.choice(Priority)),
    ] = None,
    type_: Annotated[
        ActionType | None,
        typer.Option("--type", help="What it does.", parser=params.choice(ActionType)),
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="New wording.")] = None,
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change an action item's status (its checkbox follows), due date, priority, type or text.

    Example: blamefree actions set A-7F3K2Q --status done
    """
    if all(v is None for v in (status, due, priority, type_, text)):
        raise UsageError("nothing to change: give --status, --due, --priority, --type or --text")
    app_ctx = app_context(ctx)
    if app_ctx.remote is not None:
        if by is not None:
            raise UsageError("--by: against a server, the change is recorded as the token's owner")
        item = app_ctx.remote.set_action(
            action_id=action_id,
            status=parse_status(status) if status is not None else None,
            due=parse_day(due, "--due"),
            priority=priority,
            type=type_,
            text=text,
        )
        _print_item(ctx, item, [FLAG_NOTES.get(f, f) for f in item.flags], as_json, "Updated")
        return
    with app_ctx.unit_of_work() as uow:
        view = service.set_action(
            uow,
            action_id=action_id,
            now=app_ctx.now(),
            by=app_ctx.actor_or(by),
            status=parse_status(status) if status is not None else None,
            due=parse_day(due, "--due"),
            priority=priority,
            type=type_,
            text=text,
        )
    _print_one(ctx, view, as_json, "Updated")


@actions_app.command("assign")
def assign(
    ctx: typer.Context,
    action_id: ActionId,
    owner: Annotated[str, typer.Argument(help="Who does it from now on.")],
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """Give an action item to someone. Example: blamefree actions assign A-7F3K2Q "Lee" """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        view = service.assign_action(
            uow, action_id=action_id, owner=owner, now=app_ctx.now(), by=app_ctx.actor_or(by)
        )
    _print_one(ctx, view, as_json, "Assigned")


@actions_app.command("move")
def move(
    ctx: typer.Context,
    action_id: ActionId,
    horizon: Annotated[
        Horizon,
        typer.Option("--horizon", help="The horizon to move it to.", parser=params.choice(Horizon)),
    ],
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move an action item to another horizon; a due date outside it is flagged, not changed.

    Example: blamefree actions move A-7F3K2Q --horizon long_term
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        view = service.move_action(
            uow,
            action_id=action_id,
            horizon=horizon,
            now=app_ctx.now(),
            by=app_ctx.actor_or(by),
        )
    _print_one(ctx, view, as_json, "Moved")


@actions_app.command("prevention")
def prevention(
    ctx: typer.Context,
    incident_id: params.IncidentId,
    category: Annotated[
        str | None, typer.Argument(help="technical, process or monitoring.")
    ] = None,
    number: Annotated[
        int | None, typer.Argument(help="Its number in the checklist (1, 2, ...).")
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help="The new status.")] = None,
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """List a post-mortem's prevention measures, or set one's status.

    Example: blamefree actions prevention INC-2024-0142 monitoring 1 --status done
    """
    app_ctx = app_context(ctx)
    given = (category, number, status)
    if any(v is not None for v in given) and any(v is None for v in given):
        raise UsageError("to change a measure give CATEGORY, NUMBER and --status")
    with app_ctx.unit_of_work() as uow:
        measures = service.change_measures(
            uow,
            incident_id=incident_id,
            category=category,
            number=number,
            status=parse_status(status) if status is not None else None,
            now=app_ctx.now(),
            by=app_ctx.actor_or(by),
        )
    if as_json:
        print_json([convert.measure_read(m) for m in measures])
        return
    table = Table(title=f"Prevention measures of {incident_id}", title_justify="left")
    for column in ("Category", "#", "Measure", "Status", "Closed (UTC)"):
        table.add_column(column)
    for m in measures:
        closed = f"{m.closed_at:%Y-%m-%d}" if m.closed_at else "—"
        table.add_row(m.category, str(m.number), m.item.text, _status_text(m.item.status), closed)
    app_ctx.out.print(table)


@actions_app.command("criteria")
def criteria(
    ctx: typer.Context,
    incident_id: params.IncidentId,
    add_text: Annotated[
        str | None, typer.Option("--add", help="Add a custom criterion with this text.")
    ] = None,
    check: Annotated[
        int | None, typer.Option("--check", help="Tick this (hand-checked) criterion by number.")
    ] = None,
    uncheck: Annotated[
        int | None, typer.Option("--uncheck", help="Untick this (hand-checked) criterion.")
    ] = None,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply", help="Tick the criteria the data decides as the data says (an edit)."
        ),
    ] = False,
    by: ByOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the success criteria: the tick as written beside what the data says; add or tick one.

    "All action items completed", "Prevention measures implemented" and "Monitoring improved"
    are evaluated from the items; the others are ticked by hand. A tick is never changed
    behind your back: --apply sets the evaluated ones from the data as a new revision.
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        states = service.change_criteria(
            uow,
            incident_id=incident_id,
            add=add_text,
            check=check,
            uncheck=uncheck,
            apply=apply,
            now=app_ctx.now(),
            by=app_ctx.actor_or(by),
        )
    if as_json:
        print_json(convert.criteria_read(states))
        return
    criteria_table(app_ctx.out, states, title=f"Success criteria of {incident_id}")
