"""Times and values never silently wrong (BF312, BF313).

BF312 shows each place where the parser read a value by a rule rather than from what was
written outright (``Postmortem.assumptions``: a bare time read in a zone carried over from
another line, a numeric date that reads both ways, ``2.000`` read as 2000). Over-long fields
are reported here too. BF313 compares each hand-written phase time, and the impact start,
with the key event of that phase in the Event Log.
"""

from __future__ import annotations

from collections.abc import Iterator

from blamefree.domain import values
from blamefree.domain.assumptions import Assumption
from blamefree.domain.derive import phase_event
from blamefree.domain.enums import TEMPLATE_PHASES, Phase
from blamefree.domain.metrics import DISAGREEMENT_SECONDS
from blamefree.lint.context import Document, finding
from blamefree.lint.finding import Finding, Level, Rule

ASSUMED, EVENT_TIME = "BF312", "BF313"

RULES: tuple[Rule, ...] = (
    Rule(
        id=ASSUMED,
        category="consistency.assumed-reading",
        severity=Level.WARNING,
        title="Value read by assumption",
        description="A time without a zone read in the zone another line names, a numeric date "
        "that reads both ways, or a number read with dots as thousands: the reading may not be "
        "what the writer meant.",
    ),
    Rule(
        id=EVENT_TIME,
        category="consistency.event-time",
        severity=Level.WARNING,
        title="Phase time disagrees with its key event",
        description="A phase time (or the impact start) written by hand is more than a minute "
        "off the key event of that phase in the Event Log.",
    ),
)
_RULES = {rule.id: rule for rule in RULES}


def _say_it(assumption: Assumption) -> str:
    """What to write so the value reads only the way it is meant."""
    if assumption.kind == "zone_assumed":
        return (
            f"Write the zone with the time ('{assumption.text} {assumption.zone}' if that is "
            "what was meant), or add a '**Time Zone:**' line (an IANA name such as "
            "Europe/Berlin) to the header."
        )
    if assumption.kind == "ambiguous_date":
        return (
            f"Write the date as YYYY-MM-DD ('{assumption.read_as}', or "
            f"'{assumption.other_reading}' if that is the day meant), so every reader takes "
            "the same day."
        )
    if assumption.kind == "dot_thousands":
        digits = (assumption.read_as or "").replace(",", "")
        return (
            f"Write it as plain digits ('{digits}') if that is the number meant; a value read "
            "one way in every document is safer than one read by convention."
        )
    if assumption.kind == "field_too_long":
        return (
            "Put the value first, in a few words, and move the rest to a note or a section of "
            "its own; the value is read from the first 1,000 characters only."
        )
    return "Write the value so it reads only one way."


def assumptions(document: Document) -> Iterator[Finding]:
    """BF312: every reading the parser assumed, at the field it was made for."""
    rule = _RULES[ASSUMED]
    for assumption in document.doc.assumptions:
        # The note ends with its own advice ("Write it as ..."); the suggestion says that.
        note = assumption.note.split(". Write ")[0].rstrip(".")
        yield finding(
            rule,
            document.span(assumption.field),
            note,
            _say_it(assumption),
            assumption.field,
        )


def _phases() -> Iterator[tuple[Phase, str, str]]:
    """(phase, label, field path) of the written times BF313 checks, impact start first."""
    yield Phase.IMPACT_START, "impact start", "impact_start"
    for phase in TEMPLATE_PHASES:
        yield phase, phase.value.replace("_", "-"), f"timeline.{phase.value}.time"


def event_times(document: Document) -> Iterator[Finding]:
    """BF313: a written phase time more than a minute off the key event of its phase."""
    doc = document.doc
    key_events = [event for event in doc.timeline.events if event.key]
    if not key_events:
        return
    blocks = dict(zip(TEMPLATE_PHASES, doc.timeline.blocks(), strict=True))
    for phase, label, path in _phases():
        written = doc.impact_start if phase is Phase.IMPACT_START else blocks[phase].time
        event = phase_event(key_events, phase)
        if written is None or event is None:
            continue
        off = abs((event.time - written).total_seconds())
        if off <= DISAGREEMENT_SECONDS:
            continue
        what = f" ('{event.text}')" if event.text else ""
        yield finding(
            _RULES[EVENT_TIME],
            document.span(path, document.locator.heading("timeline", phase.value)),
            f"{label} time {values.format_datetime(written)} is "
            f"{values.format_duration(int(off))} off the key {label} event at "
            f"{values.format_datetime(event.time)}{what}",
            "Check which one is right and correct the other: the Time line, or the event "
            "(`blamefree timeline edit ID EVENT --at ...`). If they are different moments, "
            "mark the event that stands for the phase as key (`--key` / `--no-key`).",
            path,
        )


def check(document: Document) -> list[Finding]:
    """Every BF312 and BF313 finding of one document."""
    return [*assumptions(document), *event_times(document)]
