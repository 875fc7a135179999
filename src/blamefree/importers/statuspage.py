"""Atlassian Statuspage incident webhook bodies: one `status_update` event per incident update.

A webhook carries the incident with all its updates so far, so later webhooks repeat earlier
updates; the id is the update's id, which makes them one event. The time is the update's
`display_at` (the time shown on the page, which a writer may backdate), else its `created_at`.
"""

from __future__ import annotations

from typing import Any

from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.errors import SourceFormatError
from blamefree.importers._common import (
    ImportOptions,
    JsonPayloadImporter,
    optional_str,
    parse_iso_time,
    require,
)


def update_event(
    update: Any, incident: dict[str, Any], *, file: str, record: str | int
) -> TimelineEvent:
    """One incident update as an event."""
    if not isinstance(update, dict):
        raise SourceFormatError("expected an incident update object", file=file, record=record)
    update_id = require(update, "id", str, file=file, record=record)
    record = update_id
    field = "display_at" if update.get("display_at") is not None else "created_at"
    raw = require(update, field, str, file=file, record=record)
    when = parse_iso_time(raw, file=file, record=record, field_name=field)
    status = optional_str(update, "status") or "update"
    body = optional_str(update, "body") or ""
    name = optional_str(incident, "name")
    heading = status.replace("_", " ").capitalize()
    text = f"{heading}: {body}" if body else f"{heading}: {name or ''}".rstrip(": ")
    return TimelineEvent(
        time=when,
        time_text=raw,
        kind=EventKind.STATUS_UPDATE,
        actor="Statuspage",
        text=text,
        source=EventSource(tool="statuspage", id=update_id),
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
        return [
            update_event(update, incident, file=file, record=index)
            for index, update in enumerate(updates)
        ]
