"""Closed vocabularies of the template."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """P0 is the most severe."""

    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class Priority(StrEnum):
    """An action item's priority as the template spells it."""

    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"


class Horizon(StrEnum):
    """The three action-item horizons of the template, with their length in days."""

    IMMEDIATE = "immediate"
    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"

    @property
    def days(self) -> int:
        return {"immediate": 7, "short_term": 30, "long_term": 90}[self.value]


class Phase(StrEnum):
    """Phases of an incident, in the order they happen."""

    IMPACT_START = "impact_start"
    DETECTION = "detection"
    RESPONSE = "response"
    INVESTIGATION = "investigation"
    MITIGATION = "mitigation"
    RESOLUTION = "resolution"
    POST_RESOLUTION = "post_resolution"


TEMPLATE_PHASES: tuple[Phase, ...] = (
    Phase.DETECTION,
    Phase.RESPONSE,
    Phase.INVESTIGATION,
    Phase.MITIGATION,
    Phase.RESOLUTION,
    Phase.POST_RESOLUTION,
)
