"""Use cases for the event log: add, edit, remove and mark events; read and import from tools."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from uuid import uuid4

from blamefree.domain import values
from blamefree.domain.derive import event_ref
from blamefree.domain.enums import Phase
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent, first_of_each
from blamefree.errors import EventNotFound, UsageError, ValidationFailed
from blamefree.importers import (
    ImportInput,
    fetch_pagerduty_log_entries,
    read_events,
    sort_events,
    tag_phases,
)
from blamefree.importers.phases import parse_phase_map
from blamefree.markdown.events import format_event_time
from blamefree.schemas import EventCreate, EventUpdate, parse_input
from blamefree.services.saving import check_version, save_revision
from blamefree.services.timeline_import import ImportResult as ImportResult
from blamefree.services.timeline_import import import_events as import_events
from blamefree.services.timeline_import import import_files as import_files
from blamefree.services.timeline_import import source_zone
from blamefree.store import StoredPostmortem, UnitOfWork


def parse_moment(text: str, *, doc: Postmortem | None, default_tz: str | None) -> dt.datetime:
    """A time given on the command line: ISO-8601, or e.g. ``14:32 UTC`` on the incident date."""
    zone_name = doc.timezone if doc is not None and doc.timezone else default_tz
    try:
        moment = values.parse_time(
            text, reference=doc.date if doc is not None else None, tz=values.zone(zone_name)
        )
    except ValueError as exc:
        raise ValidationFailed(f"time {text!r}: {exc}", field="time") from exc
    if moment is None and doc is not None and doc.date is not None:
        raise ValidationFailed(
            f"time {text!r} is not a time: write it like 14:32 UTC or 2024-03-12T14:32:00Z",
            field="time",
        )
    if moment is None:
        raise ValidationFailed(
            f"time {text!r} needs a date: write it like 2024-03-12T14:32:00Z "
            "(or give the post-mortem a Date)",
            field="time",
        )
    return moment


def _save_events(
    uow: UnitOfWork,
    *,
    incident_id: str,
    change: Callable[[Postmortem], list[TimelineEvent] | None],
    message: str,
    by: str | None,
    based_on: int | None = None,
) -> StoredPostmortem:
    """Load, change the event log, save as a new version based on the loaded one; a change
    that returns None leaves the post-mortem as it was (no new version). ``based_on``: the
    version the caller saw (``StaleEdit`` if another was saved since)."""
    stored = uow.postmortems.get(incident_id)
    check_version(stored, based_on)
    changed = change(stored.doc)
    if changed is None:
        return stored
    events = sort_events(changed)
    doc = stored.doc.model_copy(
        update={"timeline": stored.doc.timeline.model_copy(update={"events": events})}
    )
    return save_revision(
        uow,
        incident_id=incident_id,
        doc=doc,
        expected_version=stored.version,
        message=message,
        by=by,
    )


def list_events(uow: UnitOfWork, *, incident_id: str) -> list[TimelineEvent]:
    """The post-mortem's events in time order."""
    return uow.postmortems.list_events(incident_id)


def list_recorded_events(
    uow: UnitOfWork, *, incident_id: str
) -> list[tuple[TimelineEvent, str | None]]:
    """The post-mortem's events in time order, each with who recorded it (None if unknown)."""
    return uow.postmortems.recorded_events(incident_id)


def get_document(uow: UnitOfWork, *, incident_id: str) -> Postmortem:
    """The stored document (for reading times against its date and zone)."""
    return uow.postmortems.get(incident_id).doc


def add_event(
    uow: UnitOfWork,
    *,
    incident_id: str,
    at: str,
    text: str,
    phase: Phase | None = None,
    actor: str | None = None,
    key: bool = False,
    kind: EventKind = EventKind.CUSTOM,
    link: str | None = None,
    default_tz: str | None = None,
    by: str | None = None,
) -> TimelineEvent:
    """Add one event a person typed in: ``at`` is ISO-8601 or, e.g., ``14:32 UTC`` on the
    incident date (read in the post-mortem's zone, else ``default_tz``)."""
    doc = uow.postmortems.get(incident_id).doc
    moment = parse_moment(at, doc=doc, default_tz=default_tz)
    event = manual_event(
        at=moment, text=text, phase=phase, actor=actor, key=key, kind=kind, link=link, at_text=at
    )
    return append_event(uow, incident_id=incident_id, event=event, by=by)


def record_event(
    uow: UnitOfWork,
    *,
    incident_id: str,
    event_in: EventCreate,
    based_on: int | None = None,
    by: str | None = None,
) -> TimelineEvent:
    """Add one event a person gave as an ``EventCreate`` (its time already has a zone);
    ``based_on``: the version they saw (``StaleEdit`` if another was saved since)."""
    event = typed_event(event_in)
    return append_event(uow, incident_id=incident_id, event=event, based_on=based_on, by=by)


def typed_event(event_in: EventCreate) -> TimelineEvent:
    """The event a person gave as an ``EventCreate``, with a stable manual id."""
    return manual_event(
        at=event_in.time,
        text=event_in.text,
        phase=event_in.phase,
        actor=event_in.actor,
        key=event_in.key,
        kind=event_in.kind,
        link=event_in.link,
        at_text=event_in.time_text or format_event_time(event_in.time),
    )


def append_event(
    uow: UnitOfWork,
    *,
    incident_id: str,
    event: TimelineEvent,
    based_on: int | None = None,
    by: str | None = None,
) -> TimelineEvent:
    """Add one event as given; one without a source id gets a stable manual id."""
    if event.source.id is None:
        event = event.model_copy(update={"source": EventSource(tool="manual", id=uuid4().hex[:12])})
    _save_events(
        uow,
        incident_id=incident_id,
        change=lambda doc: [*doc.timeline.events, event],
        message=f"timeline: added event {event_ref(event)}",
        by=by,
        based_on=based_on,
    )
    return event


def _find(events: Iterable[TimelineEvent], ref: str) -> TimelineEvent:
    matches = [event for event in events if event_ref(event).startswith(ref.lower())]
    if not matches:
        raise EventNotFound(f"no event {ref!r}")
    if len(matches) > 1:
        raise UsageError(f"{ref!r} matches {len(matches)} events; give more characters")
    return matches[0]


def edit_event(
    uow: UnitOfWork,
    *,
    incident_id: str,
    ref: str,
    changes: EventUpdate,
    at: str | None = None,
    default_tz: str | None = None,
    based_on: int | None = None,
    by: str | None = None,
) -> TimelineEvent:
    """Change the fields of one event that ``changes`` sets (time, phase, kind, actor, text, key,
    link); ``at`` is a new time as typed (read like ``add_event``'s, against the stored
    post-mortem). ValidationFailed names a bad field."""
    edited: list[TimelineEvent] = []

    def change(doc: Postmortem) -> list[TimelineEvent]:
        fields = changes.model_dump(exclude_unset=True)
        if at is not None:
            fields["time"] = parse_moment(at, doc=doc, default_tz=default_tz)
            fields["time_text"] = at
        target = _find(doc.timeline.events, ref)
        new = parse_input(TimelineEvent, {**target.model_dump(), **fields})
        edited.append(new)
        return [new if event is target else event for event in doc.timeline.events]

    _save_events(
        uow,
        incident_id=incident_id,
        change=change,
        message=f"timeline: edited {ref}",
        by=by,
        based_on=based_on,
    )
    return edited[0]


def remove_event(
    uow: UnitOfWork,
    *,
    incident_id: str,
    ref: str,
    based_on: int | None = None,
    by: str | None = None,
) -> TimelineEvent:
    """Remove one event (``based_on``: as for ``edit_event``)."""
    removed: list[TimelineEvent] = []

    def change(doc: Postmortem) -> list[TimelineEvent]:
        target = _find(doc.timeline.events, ref)
        removed.append(target)
        return [event for event in doc.timeline.events if event is not target]

    _save_events(
        uow,
        incident_id=incident_id,
        change=change,
        message=f"timeline: removed {ref}",
        by=by,
        based_on=based_on,
    )
    return removed[0]


def read_source(
    source: str,
    paths: Sequence[ImportInput],
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    channel: Sequence[str] | None = None,
    phase_map: str | None = None,
    key_reaction: str = "pushpin",
    default_tz: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[TimelineEvent]:
    """Events from files of a tool, phase-tagged and sorted; nothing is stored."""
    events = read_events(
        source,
        list(paths),
        since=since,
        until=until,
        channel=channel or None,
        phase_map=phase_map,
        key_reaction=key_reaction,
        default_tz=source_zone(default_tz),
        progress=progress,
    )
    return list(first_of_each(sort_events(events)))  # a record repeated across files once


def fetch_pagerduty(
    pagerduty_incident: str,
    *,
    token: str | None,
    base_url: str,
    phase_map: str | None = None,
    transport: Any = None,
) -> list[TimelineEvent]:
    """Events of one PagerDuty incident fetched live, phase-tagged and de-duplicated."""
    fetched = fetch_pagerduty_log_entries(
        pagerduty_incident, token=token or "", base_url=base_url, transport=transport
    )
    unique = list(first_of_each(fetched))
    return sort_events(tag_phases(unique, parse_phase_map(phase_map)))


_ALERT_TOOLS = frozenset({"alertmanager", "grafana"})


def merge_resolution(events: Sequence[TimelineEvent]) -> list[TimelineEvent]:
    """Across imports, as within one: an incident resolve outranks alert resolves.

    Each import tags its own last alert resolve as the resolution when it holds no incident
    resolve. Once the log also holds a `resolved` event in the resolution phase (PagerDuty,
    Opsgenie, ...), those alert resolves lose the phase and the pin again, so a late-clearing
    alert does not move the resolution, whichever source was imported first.
    """
    if not any(e.kind is EventKind.RESOLVED and e.phase is Phase.RESOLUTION for e in events):
        return list(events)
    return [
        event.model_copy(update={"phase": None, "key": False})
        if event.kind is EventKind.ALERT_RESOLVED
        and event.phase is Phase.RESOLUTION
        and event.key
        and event.source.tool in _ALERT_TOOLS
        else event
        for event in events
    ]


def manual_event(
    *,
    at: dt.datetime,
    text: str,
    phase: Phase | None,
    actor: str | None,
    key: bool,
    kind: EventKind,
    link: str | None,
    at_text: str,
) -> TimelineEvent:
    """An event typed in by a person."""
    return TimelineEvent(
        time=at,
        time_text=None if at_text == format_event_time(at) else at_text,
        phase=phase,
        kind=kind,
        actor=actor,
        text=text,
        key=key,
        link=link,
        source=EventSource(tool="manual", id=uuid4().hex[:12]),
    )
