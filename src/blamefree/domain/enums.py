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


class ActionStatus(StrEnum):
    """Where an action item or prevention measure stands; ``[x]`` in Markdown means DONE."""

    PROPOSED = "proposed"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"

    @property
    def closed(self) -> bool:
        """Done or won't do: nothing more to do."""
        return self in (ActionStatus.DONE, ActionStatus.WONT_DO)

    @property
    def label(self) -> str:
        """How the Markdown writes it: ``in progress``, ``won't do``."""
        return {"in_progress": "in progress", "wont_do": "won't do"}.get(self.value, self.value)


class ActionType(StrEnum):
    """What an action item does about the incident."""

    DETECT = "detect"
    MITIGATE = "mitigate"
    PREVENT = "prevent"
    PROCESS = "process"
    OTHER = "other"


class TrackerSystem(StrEnum):
    """An outside issue tracker an action item can be linked to."""

    JIRA = "jira"
    GITHUB = "github"

    @property
    def label(self) -> str:
        """The tracker's own spelling of its name."""
        return {"jira": "Jira", "github": "GitHub"}[self.value]


class ReviewKind(StrEnum):
    """The three follow-up reviews, named by how long after the incident they fall."""

    ONE_WEEK = "1w"
    ONE_MONTH = "1m"
    THREE_MONTHS = "3m"

    @property
    def days(self) -> int:
        """Days after the incident date."""
        return {"1w": 7, "1m": 30, "3m": 90}[self.value]
