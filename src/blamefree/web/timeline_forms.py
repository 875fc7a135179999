"""Reading the timeline editor's forms into the event log's service arguments.

Only parsing: which phase a select names, which fields of an edit form the person changed
(an edit sends only those, so it never undoes someone else's change to another field).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from blamefree.domain.enums import Phase
from blamefree.errors import ValidationFailed
from blamefree.schemas.timeline_editor import PHASE_LABELS

SOURCE_LABELS: dict[str, str] = {
    "slack": "Slack export (.zip of the export folder)",
    "pagerduty": "PagerDuty log entries or V3 webhooks (JSON)",
    "alertmanager": "Alertmanager webhook payloads (JSON)",
    "grafana": "Grafana Alerting notifications (JSON)",
    "opsgenie": "Opsgenie alert webhooks (JSON or JSON Lines)",
    "statuspage": "Statuspage incident webhooks (JSON)",
    "csv": "CSV timeline (time, text, phase, ...)",
    "jsonl": "JSON Lines timeline",
}
TEXT_MAX = 10_000
ACTOR_MAX = 200


def phase_choice(text: str, *, field_name: str = "phase") -> Phase | None:
    """The phase a select sent; empty is none; anything else is a ValidationFailed."""
    value = text.strip()
    if not value:
        return None
    try:
        return Phase(value)
    except ValueError:
        allowed = ", ".join(PHASE_LABELS[p] for p in Phase)
        raise ValidationFailed(
            f"{value!r} is not a phase; choose one of {allowed}", field=field_name
        ) from None


def checked(value: str | None) -> bool:
    """A checkbox: sent (any value but 0/empty) is on, absent is off."""
    return value is not None and value not in ("", "0", "false", "off")


def _lines(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; the log keeps LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def event_text(text: str) -> str:
    """What happened, as typed; empty or too long is a ValidationFailed."""
    text = _lines(text)
    if not text.strip():
        raise ValidationFailed("say what happened", field="text")
    if len(text) > TEXT_MAX:
        raise ValidationFailed(f"keep it under {TEXT_MAX:,} characters", field="text")
    return text.strip()


def event_time(text: str) -> str:
    """The time as typed (read by the service in the post-mortem's zone); empty is refused."""
    if not text.strip():
        raise ValidationFailed("give the time it happened", field="time")
    return text.strip()


def actor_name(text: str) -> str | None:
    if len(text) > ACTOR_MAX:
        raise ValidationFailed(f"keep it under {ACTOR_MAX} characters", field="actor")
    return text.strip() or None


@dataclass
class EditForm:
    """An edit form as sent: the new values and the ones the page showed (``was_*``)."""

    time: str
    text: str
    phase: str
    actor: str
    key: str | None
    was_time: str
    was_text: str
    was_phase: str
    was_actor: str
    was_key: str
    typed: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.typed = {
            "time": self.time,
            "text": self.text,
            "phase": self.phase,
            "actor": self.actor,
            "key": checked(self.key),
        }

    def changes(self) -> tuple[dict[str, Any], str | None]:
        """(the fields to change, the new time as typed or None): only what differs from
        what the page showed."""
        changed: dict[str, Any] = {}
        if _lines(self.text).strip() != _lines(self.was_text).strip():
            changed["text"] = event_text(self.text)
        if self.phase != self.was_phase:
            changed["phase"] = phase_choice(self.phase)
        if self.actor.strip() != self.was_actor.strip():
            changed["actor"] = actor_name(self.actor)
        if checked(self.key) != checked(self.was_key):
            changed["key"] = checked(self.key)
        at = None if same_moment(self.time, self.was_time) else event_time(self.time)
        return changed, at


def same_moment(typed: str, shown: str) -> bool:
    """True when a ``datetime-local`` value is the one the page showed (browsers drop
    ``:00`` seconds, so ``14:32`` and ``14:32:00`` are the same)."""
    if typed.strip() == shown.strip():
        return True
    try:
        return dt.datetime.fromisoformat(typed.strip()) == dt.datetime.fromisoformat(shown.strip())
    except ValueError:
        return False
