"""Atlassian Statuspage incident webhook bodies: the incident's creation and each of its updates.

A webhook carries the incident with all its updates so far, so later webhooks repeat earlier
ones; ids (the update's id, ``<incident id>:created`` for the creation) make them one event.

An update's time is when it was posted, `created_at`. Statuspage lets a writer back-date the
time the page shows (`display_at`); when that differs it is kept beside the posting time in
`time_text` (``<created_at> (display_at <display_at>)``), so neither is lost and the timeline
says when people were told. The incident's own `created_at` is an event too (with its
`started_at` beside it when the incident was opened as having started earlier).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.errors import SourceFormatError
from blamefree.importers._common import (
    ImportOptions,
    JsonPayloadImporter,
    optional_str,
    parse_iso_time,
    require,
    stable_id,
)


def _beside(
    raw: str, when: dt.datetime, other: Any, name: str, *, file: str, record: str | int
) -> str:
    """`raw`, with the other time of the record kept beside it when it is a different instant."""
    if not isinstance(other, str) or not other.strip():
        return raw
    moment = parse_iso_time(other, file=file, record=record, field_name=name)
    return raw if moment == when else f"{raw} ({name} {other})"


def update_event(
    update: Any, incident: dict[str, Any], *, file: str, record: str | int
) -> TimelineEvent:
    """One incident update as an event, at the time it was posted."""
    if not isinstance(update, dict):
        raise SourceFormatError("expected an incident update object", file=file, record=record)
    update_id = require(update, "id", str, file=file, record=record)
    record = update_id
    if update.get("created_at") is not None:
        raw = require(update, "created_at", str, file=file, record=record)
        when = parse_iso_time(raw, file=file, record=record, field_name="created_at")
        time_text = _beside(
            raw, when, update.get("display_at"), "display_at", file=file, record=record
        )
    else:  # only the shown time is known
        raw = require(update, "display_at", str, file=file, record=record)
        when = parse_iso_time(raw, file=file, record=record, field_name="display_at")
        time_text = f"display_at {raw}"
    status = optional_str(update, "status") or "update"
    body = optional_str(update, "body") or ""
    name = optional_str(incident, "name")
    heading = status.replace("_", " ").capitalize()
    text = f"{heading}: {body}" if body else f"{heading}: {name or ''}".rstrip(": ")
    return TimelineEvent(
        time=when,
        time_text=time_text,
        kind=EventKind.STATUS_UPDATE,
        actor="Statuspage",
        text=text,
        source=EventSource(tool="statuspage", id=update_id),
        link=optional_str(incident, "shortlink"),
    )


def created_event(incident: dict[str, Any], *, file: str) -> TimelineEvent | None:
    """The incident's creation on the status page, when the payload says when it was."""
    raw = incident.get("created_at")
    if raw is None:
        return None
    incident_id = optional_str(incident, "id")
    record = incident_id or "incident"
    if not isinstance(raw, str):
        raise SourceFormatError(
            "expected an ISO-8601 time string", file=file, record=record, field="created_at"
        )
    when = parse_iso_time(raw, file=file, record=record, field_name="created_at")
    name = optional_str(incident, "name")
    impact = optional_str(incident, "impact")
    text = f"Incident created: {name}" if name else "Incident created"
    if impact and impact != "none":
        text += f" (impact {impact})"
    return TimelineEvent(
        time=when,
        time_text=_beside(
            raw, when, incident.get("started_at"), "started_at", file=file, record=record
        ),
        kind=EventKind.STATUS_UPDATE,
        actor="Statuspage",
        text=text,
        source=EventSource(
            tool="statuspage",
            id=f"{incident_id}:created" if incident_id else f"{stable_id(raw, name)}:created",
        ),
        link=optional_str(incident, "shortlink"),
    )


class StatuspageImporter(JsonPayloadImporter):
    """Incident webhook bodies (`{"meta", "page", "incident": {..., "incident_updates"}}`)."""

    name = "statuspage"

    def parse(self, doc: Any, *, file: str, options: ImportOptions) -> list[TimelineEvent]:
        """Events of one webhook body (or of a bare incident object)."""
        if isinstance(doc, list):
            return [e for item in doc for e in self.parse(item, file=file, options=options)]
        if not isinstance(doc, dict):
            raise SourceFormatError("expected a Statuspage webhook body object", file=file)
        if "incident" not in doc and "incident_updates" not in doc:
            kind = "a component update" if "component_update" in doc else "not an incident webhook"
            raise SourceFormatError(
                f"{kind}; this importer reads incident webhook bodies", file=file, field="incident"
            )
        incident = doc.get("incident", doc)
        if not isinstance(incident, dict):
            raise SourceFormatError("expected an object", file=file, field="incident")
        updates = require(incident, "incident_updates", list, file=file, record="incident")
        events = [
            update_event(update, incident, file=file, record=index)
            for index, update in enumerate(updates)
        ]
        created = created_event(incident, file=file)
        return [created, *events] if created is not None else events
