"""Consistency rules (BF301-BF307): facts in one part of a post-mortem that contradict another."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from blamefree.domain import values
from blamefree.domain.derive import effective
from blamefree.domain.metrics import (
    DISAGREEMENT_SECONDS,
    MetricName,
    anchors_from_document,
    compute_metrics,
    timeline_seconds,
)
from blamefree.lint.context import Document, finding
from blamefree.lint.finding import Finding, Level, Rule

ORDER, METRIC, DURATION, PERCENTAGE, HORIZON, DUE_BEFORE, SIGN_OFF = (
    "BF301",
    "BF302",
    "BF303",
    "BF304",
    "BF305",
    "BF306",
    "BF307",
)

RULES: tuple[Rule, ...] = (
    Rule(
        id=ORDER,
        category="consistency.timeline-order",
        severity=Level.ERROR,
        title="Timeline phases out of order",
        description="Impact start <= detection <= response <= mitigation <= resolution <= "
        "post-resolution must hold for the times given.",
    ),
    Rule(
        id=METRIC,
        category="consistency.metric",
        severity=Level.WARNING,
        title="Stated metric disagrees with the timeline",
        description="A detection, response or resolution time (or total duration) in Metrics is "
        "more than a minute off the one the timeline gives.",
    ),
    Rule(
        id=DURATION,
        category="consistency.duration",
        severity=Level.WARNING,
        title="Stated duration disagrees with the timeline",
        description="The header's Duration matches neither impact start -> resolution nor "
        "impact start -> end of post-resolution.",
    ),
    Rule(
        id=PERCENTAGE,
        category="consistency.percentage",
        severity=Level.ERROR,
        title="Percentage of users does not add up",
        description="Percentage differs from affected / total users beyond rounding, or more "
        "users are affected than there are.",
    ),
    Rule(
        id=HORIZON,
        category="consistency.due-date-horizon",
        severity=Level.WARNING,
        title="Due date outside its horizon",
        description="An Immediate / Short-term / Long-term item due later than 7 / 30 / 90 days "
        "after the incident.",
    ),
    Rule(
        id=DUE_BEFORE,
        category="consistency.due-date-before-incident",
        severity=Level.ERROR,
        title="Due date before the incident",
        description="An action item due before the incident happened.",
    ),
    Rule(
        id=SIGN_OFF,
        category="consistency.sign-off-date",
        severity=Level.ERROR,
        title="Sign-off dated before the incident",
        description="The post-mortem was signed off before the incident it describes.",
    ),
)
_RULES = {rule.id: rule for rule in RULES}

_PHASES: tuple[tuple[str, str, str], ...] = (
    ("impact start", "impact_start", "impact_start"),
    ("detection", "detection", "timeline.detection.time"),
    ("response", "response", "timeline.response.time"),
    ("mitigation", "mitigation", "timeline.mitigation.time"),
    ("resolution", "resolution", "timeline.resolution.time"),
    ("post-resolution", "post_resolution", "timeline.post_resolution.time"),
)
_METRIC_LABELS: dict[MetricName, str] = {
    "detection_time": "detection time",
    "response_time": "response time",
    "resolution_time": "resolution time",
    "total_duration": "total duration",
}


_UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60}
_UNIT_SECONDS |= {"h": 3600, "hr": 3600, "hour": 3600, "d": 86400, "day": 86400}
_SINGLE = re.compile(
    # Possessive blanks: a run of them is read once, never split between two quantifiers.
    r"^\s*+(?:(?P<approx>~|≈|about|approx\.?|approximately|around|roughly|nearly)\s*+)?"
    r"(?P<whole>\d++)(?:[.,](?P<decimals>\d++))?\s*+(?P<unit>[a-z]++)\s*+$",
    re.IGNORECASE,
)


def stated_tolerance(text: str | None) -> float:
    """How far a stated duration may be off the timeline: a minute; half a unit of the last
    written decimal ('17.5 hours': 3 minutes); 5 % when approximate ('~3 hours')."""
    match = _SINGLE.match(text or "")
    if match is None:
        return DISAGREEMENT_SECONDS
    unit = match["unit"].lower()
    seconds = _UNIT_SECONDS.get(unit) or _UNIT_SECONDS.get(unit.rstrip("s"))
    if seconds is None:
        return DISAGREEMENT_SECONDS
    tolerance = 0.0
    if match["decimals"]:
        tolerance = 0.5 * seconds * 10 ** -len(match["decimals"])
    if match["approx"]:
        value = float(f"{match['whole']}.{match['decimals'] or 0}") * seconds
        tolerance = max(tolerance, 0.05 * value)
    return max(float(DISAGREEMENT_SECONDS), tolerance)


def _clock(moment: dt.datetime) -> str:
    return values.format_datetime(moment)


def timeline_order(document: Document) -> Iterator[Finding]:
    """BF301: each known phase time is at or after the known phase before it."""
    doc = document.doc
    timeline = doc.timeline
    times = {
        "impact_start": doc.impact_start,
        "detection": timeline.detection.time,
        "response": timeline.response.time,
        "mitigation": timeline.mitigation.time,
        "resolution": timeline.resolution.time,
        "post_resolution": timeline.post_resolution.time,
    }
    previous: tuple[str, dt.datetime] | None = None
    for label, key, path in _PHASES:
        moment = times[key]
        if moment is None:
            continue
        if previous is not None and moment < previous[1]:
            phase = key if key != "impact_start" else None
            heading = document.locator.heading("timeline", phase) if phase else None
            yield finding(
                _RULES[ORDER],
                document.span(path, heading),
                f"{label} ({_clock(moment)}) is before {previous[0]} ({_clock(previous[1])})",
                f"Check both times and their dates and time zones: {label} cannot come before "
                f"{previous[0]}. A time after midnight needs its date.",
                path,
            )
        else:
            previous = (label, moment)


def stated_metrics(document: Document) -> Iterator[Finding]:
    """BF302: stated detection/response/resolution time and total duration vs the timeline.

    The timeline is the one ``metrics`` measures: phase times and impact start as written,
    else as the event log gives them.
    """
    stated = document.doc.metrics.incident_metrics
    metrics = compute_metrics(effective(document.doc))
    for name, label in _METRIC_LABELS.items():
        if getattr(stated, name) is None:
            continue  # the header Duration (a fallback for total duration) is BF303's
        metric = metrics[name]
        if not metric.disagrees or metric.seconds is None or metric.stated_seconds is None:
            continue
        if abs(metric.seconds - metric.stated_seconds) <= stated_tolerance(metric.stated_text):
            continue
        path = f"metrics.incident_metrics.{name}"
        yield finding(
            _RULES[METRIC],
            document.span(path, document.locator.heading("metrics", "incident_metrics")),
            f"stated {label} {metric.stated_text} disagrees with the timeline's {metric.text}",
            f"Correct the {label} to {metric.text}, or fix the timeline times it is measured "
            "between (see docs/metrics.md for the definitions).",
            path,
        )


def stated_duration(document: Document) -> Iterator[Finding]:
    """BF303: the header Duration matches neither resolution time nor total duration."""
    doc = document.doc
    if doc.duration is None:
        return
    computed = timeline_seconds(anchors_from_document(effective(doc)))
    candidates = [
        seconds
        for seconds in (computed["resolution_time"], computed["total_duration"])
        if seconds is not None and seconds >= 0
    ]
    if not candidates or any(abs(doc.duration - s) <= DISAGREEMENT_SECONDS for s in candidates):
        return
    written = doc.duration_text or values.format_duration(doc.duration)
    options = " or ".join(dict.fromkeys(values.format_duration(s) for s in candidates))
    yield finding(
        _RULES[DURATION],
        document.span("duration"),
        f"duration {written} disagrees with the timeline, which gives {options}",
        f"Set Duration to {options} (impact start to resolution), or correct the timeline.",
        "duration",
    )


_APPROX = re.compile(r"~|≈|\babout\b|\bapprox|\baround\b|\broughly\b|<|>|\bnearly\b", re.I)
_DECIMALS = re.compile(r"\d+(?:[.,](\d+))?")


def _tolerance(text: str) -> float:
    """Half a unit in the last written digit; at least a point for approximate values."""
    match = _DECIMALS.search(text)
    decimals = len(match.group(1)) if match and match.group(1) else 0
    tolerance: float = 0.5 * 10.0**-decimals + 1e-9
    return max(tolerance, 1.0) if _APPROX.search(text) else tolerance


def percentage(document: Document) -> Iterator[Finding]:
    """BF304: affected <= total, and the percentage matches affected / total up to rounding."""
    users = document.doc.impact_assessment.users_affected
    rule = _RULES[PERCENTAGE]
    prefix = "impact_assessment.users_affected"
    heading = document.locator.heading("impact_assessment", "users_affected")
    if users.total_users is None or users.affected_users is None:
        return
    if users.affected_users > users.total_users:
        path = f"{prefix}.affected_users"
        yield finding(
            rule,
            document.span(path, heading),
            f"affected users ({users.affected_users:,}) exceed total users ({users.total_users:,})",
            "Check both numbers: are they counted over the same population and period?",
            path,
        )
        return
    if users.percentage is None or users.total_users == 0:
        return
    computed = users.affected_users / users.total_users * 100
    written = users.percentage_text or values.format_percentage(users.percentage)
    if abs(computed - users.percentage) <= _tolerance(written):
        return
    path = f"{prefix}.percentage"
    shown = f"{computed:.2f}".rstrip("0").rstrip(".")
    yield finding(
        rule,
        document.span(path, heading),
        f"percentage {written} does not match affected / total users "
        f"({users.affected_users:,} / {users.total_users:,} = {shown}%)",
        f"Write {shown}% or correct the user counts.",
        path,
    )


def due_dates(document: Document) -> Iterator[Finding]:
    """BF305 (due after the item's horizon) and BF306 (due before the incident)."""
    incident = document.doc.date
    if incident is None:
        return
    for horizon, items in document.doc.action_items.by_horizon():
        for index, item in enumerate(items):
            if item.due_date is None:
                continue
            path = f"action_items.{horizon.value}[{index}].due_date"
            spans = document.locator.action_items[horizon.value]
            span = document.span(path, spans[index] if index < len(spans) else None)
            days = (item.due_date - incident).days
            name = horizon.value.replace("_", "-")
            if days < 0:
                yield finding(
                    _RULES[DUE_BEFORE],
                    span,
                    f"due date {item.due_date} is {-days} days before the incident ({incident})",
                    "Check the year and month of the due date; it must be after the incident.",
                    path,
                )
            elif days > horizon.days:
                yield finding(
                    _RULES[HORIZON],
                    span,
                    f"due date {item.due_date} is {days} days after the incident, outside the "
                    f"{name} horizon ({horizon.days} days)",
                    "Move the item under the horizon its date belongs to, or bring the date "
                    f"forward to {incident + dt.timedelta(days=horizon.days)} or earlier.",
                    path,
                )


def sign_off(document: Document) -> Iterator[Finding]:
    """BF307: a sign-off dated before the incident."""
    incident = document.doc.date
    signed = document.doc.sign_off.date
    if incident is None or signed is None or signed >= incident:
        return
    yield finding(
        _RULES[SIGN_OFF],
        document.span("sign_off.date", document.locator.heading("sign_off")),
        f"sign-off date {signed} is before the incident ({incident})",
        "Use the date the post-mortem was reviewed and approved.",
        "sign_off.date",
    )


def check(document: Document) -> list[Finding]:
    """Every consistency finding of one document."""
    return [
        *timeline_order(document),
        *stated_metrics(document),
        *stated_duration(document),
        *percentage(document),
        *due_dates(document),
        *sign_off(document),
    ]
