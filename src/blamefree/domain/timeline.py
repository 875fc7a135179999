"""Timeline events: the phase-tagged event log behind the Timeline section."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import NamedTuple

from pydantic import Field

from blamefree.domain.base import Model, UtcDatetime
from blamefree.domain.enums import Phase


class EventKind(StrEnum):
    ALERT_FIRED = "alert_fired"
    ALERT_RESOLVED = "alert_resolved"
    PAGE_TRIGGERED = "page_triggered"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    ESCALATED = "escalated"
    ASSIGNED = "assigned"
    NOTIFIED = "notified"
    ANNOTATION = "annotation"
    MESSAGE = "message"
    CHANNEL_EVENT = "channel_event"
    STATUS_UPDATE = "status_update"
    DEPLOY = "deploy"
    CUSTOM = "custom"


class EventSource(Model):
    """Where an event came from: the tool and a stable id of the original record."""

    tool: str
    id: str | None = None


class TimelineEvent(Model):
    """One thing that happened, normalised from any source."""

    time: UtcDatetime
    time_text: str | None = Field(default=None, description="The time as the source wrote it")
    phase: Phase | None = None
    kind: EventKind = EventKind.CUSTOM
    actor: str | None = None
    text: str = ""
    source: EventSource = Field(default_factory=lambda: EventSource(tool="manual"))
    key: bool = False
    link: str | None = None

    def dedupe_key(self) -> tuple[str, str] | None:
        """(tool, id) when the source gave a stable id; re-imports with the same key add nothing."""
        return (self.source.tool, self.source.id) if self.source.id is not None else None


_new = object.__new__
_set = object.__setattr__
_SOURCE_FIELDS = frozenset(EventSource.model_fields)
_EVENT_FIELDS = frozenset(TimelineEvent.model_fields)


class EventRow(NamedTuple):
    """A TimelineEvent's values as a plain tuple (the source flattened into `tool` and
    `source_id`): what imports stream by the million instead of a model per event.

    Whoever builds one vouches for its types, as a validated TimelineEvent has them (`time`
    an aware UTC datetime); `event()` makes the model without validating again.
    """

    time: dt.datetime
    time_text: str | None
    phase: Phase | None
    kind: EventKind
    actor: str | None
    text: str
    tool: str
    source_id: str | None
    key: bool
    link: str | None

    @classmethod
    def of(cls, event: TimelineEvent) -> EventRow:
        """The row of a (validated) event."""
        source = event.source
        return cls(
            event.time,
            event.time_text,
            event.phase,
            event.kind,
            event.actor,
            event.text,
            source.tool,
            source.id,
            event.key,
            event.link,
        )

    def event(self) -> TimelineEvent:
        """The TimelineEvent of this row, built as pydantic's `model_construct` would (at a
        third of its cost); tests check it equals the validated model."""
        time, time_text, phase, kind, actor, text, tool, source_id, key, link = self
        source = _new(EventSource)
        _set(source, "__dict__", {"tool": tool, "id": source_id})
        _set(source, "__pydantic_fields_set__", set(_SOURCE_FIELDS))
        _set(source, "__pydantic_extra__", None)
        _set(source, "__pydantic_private__", None)
        event = _new(TimelineEvent)
        _set(
            event,
            "__dict__",
            {
                "time": time,
                "time_text": time_text,
                "phase": phase,
                "kind": kind,
                "actor": actor,
                "text": text,
                "source": source,
                "key": key,
                "link": link,
            },
        )
        _set(event, "__pydantic_fields_set__", set(_EVENT_FIELDS))
        _set(event, "__pydantic_extra__", None)
        _set(event, "__pydantic_private__", None)
        return event
