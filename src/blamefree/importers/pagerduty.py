"""PagerDuty: REST API incident log entries and V3 webhook bodies.

Log entries come as a `{"log_entries": [...]}` page (as the API returns them, newest first), a
bare array of entries, one entry, or a folder of such files. The id is the log entry's id.
V3 webhooks come as `{"event": {...}}` (or a bare event object); the id is the event's id.
"""

from __future__ import annotations

from typing import Any

from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.errors import SourceFormatError
from blamefree.importers._common import (
    ImportOptions,
    JsonPayloadImporter,
    as_dict,
    optional_str,
    parse_iso_time,
    require,
)

LOG_ENTRY_KINDS: dict[str, EventKind] = {
    "trigger_log_entry": EventKind.PAGE_TRIGGERED,
    "acknowledge_log_entry": EventKind.ACKNOWLEDGED,
    "acknowledgement_log_entry": EventKind.ACKNOWLEDGED,
    "resolve_log_entry": EventKind.RESOLVED,
    "annotate_log_entry": EventKind.ANNOTATION,
    "notify_log_entry": EventKind.NOTIFIED,
    "assign_log_entry": EventKind.ASSIGNED,
    "escalate_log_entry": EventKind.ESCALATED,
    "repeat_escalation_path_log_entry": EventKind.ESCALATED,
    "exhaust_escalation_path_log_entry": EventKind.ESCALATED,
    "delegate_log_entry": EventKind.ASSIGNED,
    "reassign_log_entry": EventKind.ASSIGNED,
}

WEBHOOK_KINDS: dict[str, EventKind] = {
    "incident.triggered": EventKind.PAGE_TRIGGERED,
    "incident.acknowledged": EventKind.ACKNOWLEDGED,
    "incident.resolved": EventKind.RESOLVED,
    "incident.annotated": EventKind.ANNOTATION,
    "incident.escalated": EventKind.ESCALATED,
    "incident.reassigned": EventKind.ASSIGNED,
    "incident.delegated": EventKind.ASSIGNED,
    "incident.responder.added": EventKind.ASSIGNED,
}


def _summary(obj: Any) -> str | None:
    if isinstance(obj, dict):
        return optional_str(obj, "summary") or optional_str(obj, "name")
    return None


def log_entry_event(entry: Any, *, file: str, record: str | int) -> TimelineEvent:
    """One REST API log entry as an event."""
    if not isinstance(entry, dict):
        raise SourceFormatError("expected a log entry object", file=file, record=record)
    entry_id = require(entry, "id", str, file=file, record=record)
    record = entry_id
    kind_text = require(entry, "type", str, file=file, record=record)
    if not kind_text.endswith("_log_entry"):
        raise SourceFormatError(
            f"not a PagerDuty log entry type: {kind_text!r}", file=file, record=record, field="type"
        )
    created = require(entry, "created_at", str, file=file, record=record)
    when = parse_iso_time(created, file=file, record=record, field_name="created_at")
    kind = LOG_ENTRY_KINDS.get(kind_text, EventKind.CUSTOM)
    channel = as_dict(entry.get("channel"))
    text = optional_str(entry, "summary") or kind_text.removesuffix("_log_entry")
    if kind is EventKind.ANNOTATION:
        note = optional_str(channel, "summary")
        text = note or text
    elif kind is EventKind.PAGE_TRIGGERED:
        description = optional_str(as_dict(entry.get("event_details")), "description")
        incident = _summary(entry.get("incident"))
        text = description or incident or text
    actor = _summary(entry.get("agent"))
    if kind is EventKind.NOTIFIED:
        actor = _summary(entry.get("user")) or actor
    link = optional_str(entry, "html_url") or optional_str(
        as_dict(entry.get("incident")), "html_url"
    )
    return TimelineEvent(
        time=when,
        time_text=created,
        kind=kind,
        actor=actor,
        text=text,
        source=EventSource(tool="pagerduty", id=entry_id),
        link=link,
    )


def webhook_event(event: dict[str, Any], *, file: str, record: str | int) -> TimelineEvent:
    """One V3 webhook event object as an event."""
    event_id = require(event, "id", str, file=file, record=record)
    record = event_id
    event_type = require(event, "event_type", str, file=file, record=record)
    occurred = require(event, "occurred_at", str, file=file, record=record)
    when = parse_iso_time(occurred, file=file, record=record, field_name="occurred_at")
    data = as_dict(event.get("data"))
    kind = WEBHOOK_KINDS.get(event_type, EventKind.CUSTOM)
    incident = as_dict(data.get("incident")) or data
    title = optional_str(incident, "title") or _summary(incident)
    number = incident.get("number")
    label = f"#{number} {title}" if isinstance(number, int) and title else title
    verb = event_type.removeprefix("incident.").replace("_", " ").replace(".", " ")
    if kind is EventKind.ANNOTATION:
        text = optional_str(data, "content") or f"annotated {label or ''}".strip()
    elif kind is EventKind.PAGE_TRIGGERED:
        text = f"Triggered: {label}" if label else "Triggered"
    else:
        text = f"{verb.capitalize()}: {label}" if label else verb.capitalize()
    return TimelineEvent(
        time=when,
        time_text=occurred,
        kind=kind,
        actor=_summary(event.get("agent")),
        text=text,
        source=EventSource(tool="pagerduty", id=event_id),
        link=optional_str(incident, "html_url"),
    )


class PagerDutyImporter(JsonPayloadImporter):
    """Log entry pages, arrays or single entries, and V3 webhook bodies."""

    name = "pagerduty"
    stream_prefixes = ("log_entries.item",)

    def parse_item(
        self, item: Any, *, index: int, file: str, options: ImportOptions
    ) -> list[TimelineEvent]:
        """One entry or webhook body of a streamed array."""
        return [self._one(item, file, index)]

    def parse(self, doc: Any, *, file: str, options: ImportOptions) -> list[TimelineEvent]:
        """Events of one PagerDuty document, whichever of the accepted shapes it has."""
        if isinstance(doc, list):
            return [self._one(item, file, index) for index, item in enumerate(doc)]
        if not isinstance(doc, dict):
            raise SourceFormatError(
                "expected a PagerDuty log entry page, entry or webhook body", file=file
            )
        if "log_entries" in doc:
            entries = doc["log_entries"]
            if not isinstance(entries, list):
                raise SourceFormatError("expected an array", file=file, field="log_entries")
            return [log_entry_event(e, file=file, record=i) for i, e in enumerate(entries)]
        if "log_entry" in doc and isinstance(doc["log_entry"], dict):
            return [log_entry_event(doc["log_entry"], file=file, record=0)]
        if "messages" in doc and isinstance(doc["messages"], list):
            raise SourceFormatError(
                "this is a V2 webhook body, which PagerDuty no longer supports; "
                "use V3 webhook bodies or the REST API log entries",
                file=file,
                field="messages",
            )
        return [self._one(doc, file, 0)]

    def _one(self, item: Any, file: str, index: int) -> TimelineEvent:
        if not isinstance(item, dict):
            raise SourceFormatError(
                "expected a PagerDuty log entry or webhook event object", file=file, record=index
            )
        if isinstance(item.get("event"), dict):
            return webhook_event(item["event"], file=file, record=index)
        if "event_type" in item:
            return webhook_event(item, file=file, record=index)
        if "type" in item or "created_at" in item:
            return log_entry_event(item, file=file, record=index)
        raise SourceFormatError(
            "not a PagerDuty log entry (no 'type'/'created_at') nor a V3 webhook body "
            "(no 'event'); is this a file of another tool?",
            file=file,
            record=index,
        )
