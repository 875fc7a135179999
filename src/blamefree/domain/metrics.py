"""Incident metrics: detection, response, mitigation, resolution time and total duration.

Definitions (also in docs/metrics.md), all measured from the start of impact except response:
- detection time  = detected - impact start
- response time   = acknowledged - detected
- mitigation time = mitigated - impact start
- resolution time = resolved - impact start
- total duration  = end of the post-resolution phase (or resolved) - impact start

A metric comes from the timeline when the times it needs are known, otherwise from the value the
writer stated in the Metrics section; where both are known and differ by more than a minute, the
timeline wins and the stated value is reported beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from blamefree.domain import values
from blamefree.domain.postmortem import Postmortem

DISAGREEMENT_SECONDS = 60
MetricName = Literal[
    "detection_time", "response_time", "mitigation_time", "resolution_time", "total_duration"
]
METRIC_NAMES: tuple[MetricName, ...] = (
    "detection_time",
    "response_time",
    "mitigation_time",
    "resolution_time",
    "total_duration",
)


@dataclass(frozen=True)
class Anchors:
    """The moments the metrics are measured between."""

    impact_start: dt.datetime | None
    detected: dt.datetime | None
    acknowledged: dt.datetime | None
    mitigated: dt.datetime | None
    resolved: dt.datetime | None
    ended: dt.datetime | None


@dataclass(frozen=True)
class Metric:
    """One metric: its value in seconds, where it came from, and a readable form."""

    seconds: int | None
    source: Literal["timeline", "stated"] | None
    text: str | None
    stated_seconds: int | None = None
    stated_text: str | None = None

    @property
    def disagrees(self) -> bool:
        """True when the writer stated a value more than a minute off the timeline's."""
        return (
            self.source == "timeline"
            and self.seconds is not None
            and self.stated_seconds is not None
            and abs(self.seconds - self.stated_seconds) > DISAGREEMENT_SECONDS
        )


def anchors_from_document(doc: Postmortem) -> Anchors:
    """The anchors as the Timeline section gives them."""
    timeline = doc.timeline
    resolved = timeline.resolution.time
    return Anchors(
        impact_start=doc.impact_start,
        detected=timeline.detection.time,
        acknowledged=timeline.response.time,
        mitigated=timeline.mitigation.time,
        resolved=resolved,
        ended=timeline.post_resolution.time or resolved,
    )


def _between(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds())


def timeline_seconds(anchors: Anchors) -> dict[MetricName, int | None]:
    """Each metric from the anchors alone, None where a needed moment is unknown."""
    start = anchors.impact_start
    return {
        "detection_time": _between(start, anchors.detected),
        "response_time": _between(anchors.detected, anchors.acknowledged),
        "mitigation_time": _between(start, anchors.mitigated),
        "resolution_time": _between(start, anchors.resolved),
        "total_duration": _between(start, anchors.ended),
    }


def stated_seconds(doc: Postmortem) -> dict[MetricName, tuple[int | None, str | None]]:
    """The metrics as written in the Metrics section (and the header Duration), with their text."""
    stated = doc.metrics.incident_metrics

    def pick(seconds: int | None, text: str | None) -> tuple[int | None, str | None]:
        if seconds is None:
            return None, text
        return seconds, text if text is not None else values.format_duration(seconds)

    total = pick(stated.total_duration, stated.total_duration_text)
    if total[0] is None and doc.duration is not None:
        total = pick(doc.duration, doc.duration_text)
    return {
        "detection_time": pick(stated.detection_time, stated.detection_time_text),
        "response_time": pick(stated.response_time, stated.response_time_text),
        "mitigation_time": (None, None),
        "resolution_time": pick(stated.resolution_time, stated.resolution_time_text),
        "total_duration": total,
    }


def compute_metrics(doc: Postmortem, anchors: Anchors | None = None) -> dict[MetricName, Metric]:
    """The five metrics of a document; ``anchors`` overrides the Timeline section's times."""
    computed = timeline_seconds(anchors or anchors_from_document(doc))
    stated = stated_seconds(doc)
    result: dict[MetricName, Metric] = {}
    for name in METRIC_NAMES:
        seconds = computed[name]
        stated_value, stated_text = stated[name]
        if seconds is not None and seconds >= 0:
            result[name] = Metric(
                seconds, "timeline", values.format_duration(seconds), stated_value, stated_text
            )
        elif stated_value is not None:
            result[name] = Metric(stated_value, "stated", stated_text, stated_value, stated_text)
        else:
            result[name] = Metric(None, None, None)
    return result
