"""Opsgenie alert webhook bodies (the "alert action data" of the Webhook integration).

The time of an action is `alert.updatedAt`, in nanoseconds since the epoch; for `Create` it is
`alert.createdAt`, in milliseconds. Both are read as integers and truncated to microseconds, and
`time_text` keeps the integer as written. The id is ``<alertId>:<action>:<updatedAt>`` (for
`Create`: ``<alertId>:Create``), so a redelivered webhook is the same event.
"""

from __future__ import annotations

from typing import Any

from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.errors import SourceFormatError
from blamefree.importers._common import (
    ImportOptions,
    JsonPayloadImporter,
    epoch_int_time,
    optional_str,
    require,
)

ACTION_KINDS: dict[str, EventKind] = {
    "Create": EventKind.PAGE_TRIGGERED,
    "Acknowledge": EventKind.ACKNOWLEDGED,
    "Close": EventKind.RESOLVED,
    "AddNote": EventKind.ANNOTATION,
    "Escalate": EventKind.ESCALATED,
    "EscalateNext": EventKind.ESCALATED,
    "AssignOwnership": EventKind.ASSIGNED,
    "TakeOwnership": EventKind.ASSIGNED,
    "AddRecipient": EventKind.ASSIGNED,
    "AddResponder": EventKind.ASSIGNED,
    "AddTeam": EventKind.ASSIGNED,
    "Notify": EventKind.NOTIFIED,
}


def _time_text(value: Any) -> str:
    return str(value)


def opsgenie_event(doc: Any, *, file: str, record: str | int) -> TimelineEvent:
    """One webhook body as an event."""
    if not isinstance(doc, dict):
        raise SourceFormatError(
            "expected an Opsgenie webhook body object", file=file, record=record
        )
    if "action" not in doc or "alert" not in doc:
        raise SourceFormatError(
            "not an Opsgenie alert webhook body (needs 'action' and 'alert'); "
            "is this a file of another tool?",
            file=file,
            record=record,
            field="action" if "action" not in doc else "alert",
        )
    action = require(doc, "action", str, file=file, record=record)
    alert = require(doc, "alert", dict, file=file, record=record)
    alert_id = require(alert, "alertId", str, file=file, record=f"{record} alert")
    where = f"{record} ({alert_id})"
    if action == "Create":
        raw = alert.get("createdAt")
        if raw is None:
            raise SourceFormatError("missing", file=file, record=where, field="alert.createdAt")
        when = epoch_int_time(raw, unit="ms", file=file, record=where, field_name="alert.createdAt")
        event_id = f"{alert_id}:Create"
    else:
        raw = alert.get("updatedAt")
        if raw is None:
            raise SourceFormatError("missing", file=file, record=where, field="alert.updatedAt")
        when = epoch_int_time(raw, unit="ns", file=file, record=where, field_name="alert.updatedAt")
        event_id = f"{alert_id}:{action}:{raw}"
    kind = ACTION_KINDS.get(action, EventKind.CUSTOM)
    message = optional_str(alert, "message") or ""
    tiny = optional_str(alert, "tinyId")
    label = f"#{tiny} {message.strip()}" if tiny else message.strip()
    if kind is EventKind.ANNOTATION:
        text = optional_str(alert, "note") or f"Note on {label}"
    elif kind is EventKind.PAGE_TRIGGERED:
        text = f"Alert created: {label}"
    else:
        extra = optional_str(alert, "note")
        owner = optional_str(alert, "owner")
        text = f"{action}: {label}"
        if kind is EventKind.ASSIGNED and owner:
            text += f" (to {owner})"
        if extra:
            text += f" — {extra}"
    return TimelineEvent(
        time=when,
        time_text=_time_text(raw),
        kind=kind,
        actor=optional_str(alert, "username") or optional_str(alert, "userId"),
        text=text.strip(),
        source=EventSource(tool="opsgenie", id=event_id),
    )


class OpsgenieImporter(JsonPayloadImporter):
    """Opsgenie webhook bodies: one per file, an array of them, or one per line."""

    name = "opsgenie"

    def parse_item(
        self, item: Any, *, index: int, file: str, options: ImportOptions
    ) -> list[TimelineEvent]:
        """One webhook body of a streamed array."""
        return [opsgenie_event(item, file=file, record=index)]

    def parse(self, doc: Any, *, file: str, options: ImportOptions) -> list[TimelineEvent]:
        """Events of one document."""
        if isinstance(doc, list):
            return [opsgenie_event(item, file=file, record=i) for i, item in enumerate(doc)]
        return [opsgenie_event(doc, file=file, record=0)]
