"""`blamefree timeline ...`: the event log of a post-mortem, by hand or from tools."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from blamefree import schemas
from blamefree.cli import params
from blamefree.cli.app import app
from blamefree.cli.console import line, plain
from blamefree.cli.context import AppContext, app_context, print_json
from blamefree.domain import values
from blamefree.domain.derive import event_ref
from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind, TimelineEvent
from blamefree.errors import UsageError
from blamefree.importers import SOURCES
from blamefree.schemas import convert
from blamefree.services import timeline as service

timeline_app = typer.Typer(
    name="timeline",
    help="The event log of a post-mortem: add events by hand or import them from Slack, "
    "PagerDuty, Alertmanager, Grafana, Opsgenie, Statuspage, CSV or JSONL.",
    no_args_is_help=True,
)
app.add_typer(timeline_app)

IncidentId = params.StoredIncidentId
EventRef = params.EventRef
PHASE = params.choice(Phase)
KIND = params.choice(EventKind)
JsonOption = params.JsonOption
SOURCE_HELP = f"One of: {', '.join(SOURCES)}."


def _time_option(app_ctx: AppContext, text: str | None, what: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"{what} {text!r} is not an ISO-8601 time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=values.zone(app_ctx.settings.timezone))
    return moment.astimezone(dt.UTC)


WIDE_TABLE = 120
"""Below this many columns the phase, kind, actor and source go under the event's text."""


def _event_time(moment: dt.datetime) -> str:
    """UTC to the second; milliseconds only when the source had them."""
    shown = moment.astimezone(dt.UTC)
    text = shown.strftime("%Y-%m-%d %H:%M:%S")
    return text + f".{shown.microsecond // 1000:03d}" if shown.microsecond else text


def _events_table(app_ctx: AppContext, incident_id: str, events: list[TimelineEvent]) -> None:
    if not events:
        app_ctx.out.print(line(incident_id, " has no timeline events yet."))
        return
    wide = app_ctx.out.width >= WIDE_TABLE
    table = Table(title=f"Timeline of {incident_id} ({len(events)} events)", title_justify="left")
    table.add_column("Ref", no_wrap=True)
    table.add_column("Time (UTC)", no_wrap=True)
    table.add_column("Key", no_wrap=True)
    if wide:
        table.add_column("Phase", max_width=15)
        table.add_column("Kind", max_width=14)
        table.add_column("Actor", max_width=18)
    table.add_column("Event", ratio=1)
    if wide:
        table.add_column("Source", max_width=12)
    for event in events:
        phase = event.phase.value if event.phase else ""
        lead = [event_ref(event), _event_time(event.time), "★" if event.key else ""]
        if wide:
            row = [*lead, phase, event.kind.value, plain(event.actor or ""), plain(event.text)]
            table.add_row(*row, event.source.tool)
            continue
        about = " · ".join(
            part for part in (phase, event.kind.value, event.actor, event.source.tool) if part
        )
        table.add_row(*lead, line(event.text, "\n", (about, "dim")))
    app_ctx.out.print(table)


@timeline_app.command("list")
def list_(ctx: typer.Context, incident_id: IncidentId, as_json: JsonOption = False) -> None:
    """List a post-mortem's events in time order."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        recorded = service.list_recorded_events(uow, incident_id=incident_id)
    if as_json:
        print_json([convert.event_read(event, recorded_by=by) for event, by in recorded])
    else:
        _events_table(app_ctx, incident_id, [event for event, _ in recorded])


@timeline_app.command()
def add(
    ctx: typer.Context,
    incident_id: IncidentId,
    at: Annotated[
        str,
        typer.Option("--at", help="When: 2024-03-12T14:32:00Z, or 14:32 UTC on the incident date."),
    ],
    text: Annotated[str, typer.Option("--text", help="What happened.")],
    phase: Annotated[
        Phase | None, typer.Option("--phase", help="Phase it belongs to.", parser=PHASE)
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who or what acted.")] = None,
    key: Annotated[bool, typer.Option("--key", help="A key event: fills its phase block.")] = False,
    kind: Annotated[
        EventKind, typer.Option("--kind", help="Kind of event.", parser=KIND)
    ] = EventKind.CUSTOM,
    link: Annotated[str | None, typer.Option("--link", help="Link to the original record.")] = None,
) -> None:
    """Add an event by hand.

    Example: blamefree timeline add INC-7 --at "14:32 UTC" --phase detection --key
    --text "Alert fired"
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        event = service.add_event(
            uow,
            incident_id=incident_id,
            at=at,
            text=text,
            phase=phase,
            actor=actor,
            key=key,
            kind=kind,
            link=link,
            default_tz=app_ctx.settings.timezone,
            by=app_ctx.actor,
        )
    app_ctx.err.print(
        line(
            "Added event ", (event_ref(event), "bold"), f" at {values.format_datetime(event.time)}."
        )
    )


@timeline_app.command()
def edit(
    ctx: typer.Context,
    incident_id: IncidentId,
    event: EventRef,
    at: Annotated[str | None, typer.Option("--at", help="New time.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="New text.")] = None,
    phase: Annotated[Phase | None, typer.Option("--phase", help="New phase.", parser=PHASE)] = None,
    no_phase: Annotated[bool, typer.Option("--no-phase", help="Clear the phase.")] = False,
    actor: Annotated[str | None, typer.Option("--actor", help="New actor.")] = None,
    kind: Annotated[EventKind | None, typer.Option("--kind", help="New kind.", parser=KIND)] = None,
    key: Annotated[bool | None, typer.Option("--key/--no-key", help="Key event or not.")] = None,
    link: Annotated[str | None, typer.Option("--link", help="New link.")] = None,
) -> None:
    """Change an event's time, text, phase, actor, kind, key flag or link."""
    app_ctx = app_context(ctx)
    changes: dict[str, Any] = {}  # only what was given: EventUpdate tells "clear" from "keep"
    for name, value in (
        ("text", text),
        ("actor", actor),
        ("kind", kind),
        ("key", key),
        ("link", link),
    ):
        if value is not None:
            changes[name] = value
    if phase is not None and no_phase:
        raise UsageError("--phase and --no-phase contradict each other")
    if phase is not None or no_phase:
        changes["phase"] = phase
    if not changes and at is None:
        raise UsageError("nothing to change: give at least one of --at, --text, --phase, ...")
    with app_ctx.unit_of_work() as uow:
        edited = service.edit_event(
            uow,
            incident_id=incident_id,
            ref=event,
            changes=schemas.parse_input(schemas.EventUpdate, changes),
            at=at,
            default_tz=app_ctx.settings.timezone,
            by=app_ctx.actor,
        )
    app_ctx.err.print(line("Edited event ", (event_ref(edited), "bold"), "."))


@timeline_app.command()
def remove(ctx: typer.Context, incident_id: IncidentId, event: EventRef) -> None:
    """Remove an event."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        removed = service.remove_event(uow, incident_id=incident_id, ref=event, by=app_ctx.actor)
    app_ctx.err.print(line("Removed event ", (event_ref(removed), "bold"), f": {removed.text}"))


@timeline_app.command()
def mark(
    ctx: typer.Context,
    incident_id: IncidentId,
    event: EventRef,
    phase: Annotated[
        Phase | None, typer.Option("--phase", help="Phase to tag it with.", parser=PHASE)
    ] = None,
    key: Annotated[bool, typer.Option("--key/--no-key", help="Pin it as a key event.")] = True,
) -> None:
    """Tag an event with a phase and pin it as a key event (it then fills its phase block)."""
    app_ctx = app_context(ctx)
    changes = schemas.EventUpdate(key=key, phase=phase) if phase else schemas.EventUpdate(key=key)
    with app_ctx.unit_of_work() as uow:
        edited = service.edit_event(
            uow, incident_id=incident_id, ref=event, changes=changes, by=app_ctx.actor
        )
    state = "key" if edited.key else "not key"
    app_ctx.err.print(
        line(
            "Event ",
            (event_ref(edited), "bold"),
            f" is now {state}, phase {edited.phase or 'none'}.",
        )
    )


def _progress(app_ctx: AppContext, quiet: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("Reading {task.description}: {task.completed:,.0f} bytes", markup=False),
        TimeElapsedColumn(),
        console=app_ctx.err,
        transient=True,
        disable=quiet or not app_ctx.err.is_terminal,
    )


def _file_zone(app_ctx: AppContext, tz: str | None) -> str | None:
    """The zone for times a file writes without an offset: --tz here, else an explicit global
    --tz / BLAMEFREE_TIMEZONE; none by default, so such times are refused, not guessed."""
    if tz is not None:
        return tz
    if "timezone" in app_ctx.settings.model_fields_set:
        return app_ctx.settings.timezone
    return None


def _source_options(
    app_ctx: AppContext,
    *,
    since: str | None,
    until: str | None,
    channel: list[str] | None,
    phase_map: str | None,
    reaction: str,
    tz: str | None,
) -> dict[str, Any]:
    """The options `timeline from` and `timeline import` share, read once, as the services'
    keyword arguments."""
    return {
        "since": _time_option(app_ctx, since, "--since"),
        "until": _time_option(app_ctx, until, "--until"),
        "channel": channel,
        "phase_map": phase_map,
        "key_reaction": reaction,
        "default_tz": _file_zone(app_ctx, tz),
    }


def _read(
    app_ctx: AppContext, source: str, paths: list[Path], options: dict[str, Any], *, quiet: bool
) -> list[TimelineEvent]:
    progress = _progress(app_ctx, quiet)
    with progress:
        task = progress.add_task(source, total=None)
        return service.read_source(
            source,
            paths,
            **options,
            progress=lambda amount: progress.advance(task, amount),
        )


SinceOption = Annotated[
    str | None, typer.Option("--since", help="Only events at or after this ISO time.")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Only events at or before this ISO time.")
]
ChannelOption = Annotated[
    list[str] | None, typer.Option("--channel", help="Slack: only these channels (name or id).")
]
PhaseMapOption = Annotated[
    str | None,
    typer.Option(
        "--phase-map",
        help="Override phase tagging, e.g. 'acknowledged=response,deploy=mitigation'.",
    ),
]
ReactionOption = Annotated[
    str, typer.Option("--reaction", help="Slack: messages with this reaction become key events.")
]
TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="CSV/JSONL: the zone (IANA name) of times written without an offset; without it "
        "(or a global --tz / BLAMEFREE_TIMEZONE) such times are an error.",
    ),
]


@timeline_app.command("from")
def from_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help=SOURCE_HELP)],
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH...", help="Files or folders (Slack: export folder or zip)."),
    ],
    since: SinceOption = None,
    until: UntilOption = None,
    channel: ChannelOption = None,
    phase_map: PhaseMapOption = None,
    reaction: ReactionOption = "pushpin",
    tz: TzOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the events as JSON.")] = True,
) -> None:
    """Read events from a tool's export or payloads and print them; nothing is stored."""
    app_ctx = app_context(ctx)
    options = _source_options(
        app_ctx,
        since=since,
        until=until,
        channel=channel,
        phase_map=phase_map,
        reaction=reaction,
        tz=tz,
    )
    events = _read(app_ctx, source, paths, options, quiet=as_json)
    if as_json:
        print_json([convert.event_read(event) for event in events])
    else:
        _events_table(app_ctx, f"{source} ({', '.join(map(str, paths))})", events)


@timeline_app.command("import")
def import_(
    ctx: typer.Context,
    incident_id: IncidentId,
    source: Annotated[str, typer.Argument(help=SOURCE_HELP)],
    paths: Annotated[
        list[Path] | None, typer.Argument(metavar="[PATH]...", help="Files or folders to read.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    channel: ChannelOption = None,
    phase_map: PhaseMapOption = None,
    reaction: ReactionOption = "pushpin",
    tz: TzOption = None,
    pagerduty_incident: Annotated[
        str | None,
        typer.Option(
            "--pagerduty-incident",
            help="Fetch this PagerDuty incident's log entries live "
            "(token from BLAMEFREE_PAGERDUTY_TOKEN).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Add events from a tool to a post-mortem; re-importing the same records adds nothing.

    The whole import is one transaction: a bad file stores nothing. Files of any size are
    read and stored in bounded chunks.
    Example: blamefree timeline import INC-7 slack ./slack-export.zip --channel inc-7
    """
    app_ctx = app_context(ctx)
    if pagerduty_incident is not None:
        if source != "pagerduty":
            raise UsageError("--pagerduty-incident goes with the pagerduty source")
        if app_ctx.remote is not None:
            raise UsageError(
                "--pagerduty-incident fetches from PagerDuty here, not on the server; against a "
                "server, upload the incident's log entries files instead"
            )
        token = app_ctx.settings.pagerduty_token
        events = service.fetch_pagerduty(
            pagerduty_incident,
            token=token.get_secret_value() if token else None,
            base_url=app_ctx.settings.pagerduty_api_url,
            phase_map=phase_map,
        )
        with app_ctx.unit_of_work() as uow:
            fetched = service.import_events(
                uow, incident_id=incident_id, events=events, source=source, by=app_ctx.actor
            )
        result = convert.event_import_read(fetched)
    else:
        if not paths:
            raise UsageError("give the files or folders to import (or --pagerduty-incident)")
        options = _source_options(
            app_ctx,
            since=since,
            until=until,
            channel=channel,
            phase_map=phase_map,
            reaction=reaction,
            tz=tz,
        )
        if app_ctx.remote is not None:
            result = app_ctx.remote.import_events(
                incident_id=incident_id, source=source, paths=paths, **options
            )
        else:
            progress = _progress(app_ctx, as_json)
            with progress:
                task = progress.add_task(source, total=None)
                with app_ctx.unit_of_work() as uow:
                    imported = service.import_files(
                        uow,
                        incident_id=incident_id,
                        source=source,
                        paths=paths,
                        **options,
                        progress=lambda amount: progress.advance(task, amount),
                        by=app_ctx.actor,
                    )
            result = convert.event_import_read(imported)
    if as_json:
        print_json(result)
    elif result.added == 0:
        app_ctx.err.print(
            f"Read {result.read:,} events from {source}: nothing new "
            f"({result.skipped:,} already there). {incident_id} stays at version "
            f"{result.version}."
        )
    else:
        app_ctx.err.print(
            f"Read {result.read:,} events from {source}: added {result.added:,}, "
            f"{result.skipped:,} already there. {incident_id} is now version {result.version}."
        )
