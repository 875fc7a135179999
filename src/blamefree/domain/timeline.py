"""Timeline events: the phase-tagged event log behind the Timeline section."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

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


def first_of_each(
    events: Iterable[TimelineEvent], seen: set[tuple[str, str]] | None = None
) -> Iterator[TimelineEvent]:
    """The events with each source (tool, id) once, the first kept; events without a source id
    are all kept. ``seen`` carries the keys met so far across calls (e.g. across files)."""
    met = set() if seen is None else seen
    for event in events:
        key = event.dedupe_key()
        if key is not None:
            if key in met:
                continue
            met.add(key)
        yield event
