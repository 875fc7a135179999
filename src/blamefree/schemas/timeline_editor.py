"""What the timeline editor page shows: events with who recorded them, phase times, metrics.

Read models only (built by ``services.timeline_editor``); times stay aware datetimes in UTC and
the page shows them in ``zone``. A value nobody knows is None, never 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from blamefree.domain.enums import Phase
from blamefree.domain.metrics import DISAGREEMENT_SECONDS, Metric, MetricName
from blamefree.domain.timeline import TimelineEvent

PHASE_LABELS: dict[Phase, str] = {
    Phase.IMPACT_START: "Impact start",
    Phase.DETECTION: "Detection",
    Phase.RESPONSE: "Response",
    Phase.INVESTIGATION: "Investigation",
    Phase.MITIGATION: "Mitigation",
    Phase.RESOLUTION: "Resolution",
    Phase.POST_RESOLUTION: "Post-resolution",
}
TOOL_LABELS: dict[str, str] = {
    "manual": "typed in",
    "slack": "Slack",
    "pagerduty": "PagerDuty",
    "alertmanager": "Alertmanager",
    "grafana": "Grafana",
    "opsgenie": "Opsgenie",
    "statuspage": "Statuspage",
    "csv": "CSV",
    "jsonl": "JSON Lines",
}
METRIC_LABELS: dict[MetricName, str] = {
    "detection_time": "Detection time",
    "response_time": "Response time",
    "mitigation_time": "Mitigation time",
    "resolution_time": "Resolution time",
    "total_duration": "Total duration",
}
METRIC_DEFINITIONS: dict[MetricName, str] = {
    "detection_time": "impact start to detection",
    "response_time": "detection to acknowledgement",
    "mitigation_time": "impact start to mitigation",
    "resolution_time": "impact start to resolution",
    "total_duration": "impact start to the end of post-resolution",
}


@dataclass(frozen=True)
class EditorEvent:
    """One event of the log as the editor lists it."""

    ref: str
    event: TimelineEvent
    recorded_by: str | None
    local: dt.datetime
    """The event's time in the post-mortem's zone."""

    @property
    def source_label(self) -> str:
        """Where it came from: ``from PagerDuty``, or ``typed in``."""
        tool = self.event.source.tool
        return TOOL_LABELS[tool] if tool == "manual" else f"from {TOOL_LABELS.get(tool, tool)}"

    @property
    def day(self) -> dt.date:
        """The day it happened on, in the post-mortem's zone."""
        return self.local.date()

    @property
    def local_input(self) -> str:
        """The time as a ``datetime-local`` input holds it (to the second)."""
        return self.local.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class PhaseTime:
    """When a phase began (ended, for resolution and post-resolution): as written and as the
    event log says; neither replaces the other."""

    phase: Phase
    written: dt.datetime | None
    written_text: str | None
    from_events: dt.datetime | None
    event_ref: str | None
    from_detection: bool = False
    """Impact start only: no event marks it, so the first detection stands in (as the
    metrics read it)."""

    @property
    def label(self) -> str:
        return PHASE_LABELS[self.phase]

    @property
    def disagrees(self) -> bool:
        """Both known and more than a minute apart."""
        return (
            self.written is not None
            and self.from_events is not None
            and abs((self.written - self.from_events).total_seconds()) > DISAGREEMENT_SECONDS
        )


@dataclass(frozen=True)
class MetricLine:
    """One metric: the value used, where it came from, and what the author wrote."""

    name: MetricName
    metric: Metric

    @property
    def label(self) -> str:
        return METRIC_LABELS[self.name]

    @property
    def definition(self) -> str:
        return METRIC_DEFINITIONS[self.name]


@dataclass(frozen=True)
class TimelineEditorRead:
    """The whole editor page's data."""

    incident_id: str
    title: str | None
    version: int
    zone: str
    tz: dt.tzinfo
    date: dt.date | None
    events: list[EditorEvent]
    """The events of this page."""
    total: int
    first: int
    """How many events come before this page."""
    page: int
    pages: int
    phases: list[PhaseTime]
    metrics: list[MetricLine]

    def clock(self, moment: dt.datetime) -> str:
        """A moment in the post-mortem's zone, short: ``15:01:10`` on the incident's date,
        ``13 Mar 01:05:00`` on another day."""
        local = moment.astimezone(self.tz)
        if self.date is not None and local.date() == self.date:
            return local.strftime("%H:%M:%S")
        return local.strftime("%-d %b %Y %H:%M:%S")

    def find(self, ref: str | None) -> EditorEvent | None:
        """The event with this ref on this page, if any."""
        return next((item for item in self.events if item.ref == ref), None) if ref else None
