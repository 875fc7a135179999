"""Closed vocabularies of the template."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TypeVar


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


class SignOffRole(StrEnum):
    """Who signs a post-mortem off, as the Sign-Off section names them."""

    PREPARED = "prepared"
    REVIEWED = "reviewed"
    APPROVED = "approved"

    @property
    def field(self) -> str:
        """The field of ``SignOff`` that holds the name (``prepared_by``, ...)."""
        return f"{self.value}_by"

    @property
    def label(self) -> str:
        """``Prepared By`` and so on, as the section writes it."""
        return f"{self.value.capitalize()} By"


class ReviewKind(StrEnum):
    """The three follow-up reviews, named by how long after the incident they fall."""

    ONE_WEEK = "1w"
    ONE_MONTH = "1m"
    THREE_MONTHS = "3m"

    @property
    def days(self) -> int:
        """Days after the incident date."""
        return {"1w": 7, "1m": 30, "3m": 90}[self.value]


# --- what people type ----------------------------------------------------------------------

E = TypeVar("E", bound=StrEnum)
_SEPARATORS = re.compile(r"[\s_\-'’.]+")
_SEVERITY_TYPED = re.compile(r"(?:p|sev|severity|s)?(?P<n>[0-3])")

_ALIASES: dict[type[StrEnum], dict[str, str]] = {
    Priority: {
        "hi": "High",
        "critical": "High",
        "urgent": "High",
        "med": "Medium",
        "normal": "Medium",
        "lo": "Low",
        "minor": "Low",
    },
    Horizon: {
        "now": "immediate",
        "thisweek": "immediate",
        "7d": "immediate",
        "short": "short_term",
        "30d": "short_term",
        "long": "long_term",
        "90d": "long_term",
    },
    Phase: {"impact": "impact_start", "start": "impact_start", "post": "post_resolution"},
    ReviewKind: {
        "week": "1w",
        "1week": "1w",
        "oneweek": "1w",
        "7d": "1w",
        "month": "1m",
        "1month": "1m",
        "onemonth": "1m",
        "30d": "1m",
        "3months": "3m",
        "threemonths": "3m",
        "quarter": "3m",
        "90d": "3m",
    },
}


def _squash(text: str) -> str:
    """Case, spaces, hyphens, underscores and apostrophes do not count: 'Short-term' is
    'short_term'."""
    return _SEPARATORS.sub("", text.strip().casefold())


def allowed_values(kind: type[StrEnum]) -> str:
    """The values of an enumeration as a user would type them, for messages and help."""
    return ", ".join(member.value for member in kind)


def parse_choice(kind: type[E], text: str | E) -> E:
    """A member of ``kind`` from how people type it (any case, '-', '_' or ' ' alike, common
    aliases such as ``sev1`` or ``med``); ValueError naming the allowed values otherwise."""
    if isinstance(text, kind):
        return text
    key = _squash(str(text))
    if kind is Severity:
        match = _SEVERITY_TYPED.fullmatch(key)
        if match is not None:
            return kind(f"P{match['n']}")
    for member in kind:
        if key in (_squash(member.value), _squash(member.name)):
            return member
    alias = _ALIASES.get(kind, {}).get(key)
    if alias is not None:
        return kind(alias)
    raise ValueError(f"{str(text)!r} is not one of {allowed_values(kind)}")
