"""Default phase tagging of imported events, and the `--phase-map` override.

The default rules, applied over all events of one import (only to events without a phase):

- detection: the first page triggered; when nothing was paged, the first alert fired.
- impact_start: the first alert fired, when a page also exists and the alert did not fire after
  it (the alert's start is when the trouble began; the page is when people were told).
- response: the first acknowledgement.
- resolution: the last incident resolve; when there is none, the last alert resolved.
- everything else: no phase.

Events tagged by these rules become key events, so they fill the document's phase blocks.

A phase map (`kind=phase` pairs, comma-separated, e.g. ``acknowledged=response,deploy=mitigation``)
overrides the rules for the kinds it names: every event of such a kind gets that phase (``none``
gives no phase), and the earliest event of each mapped kind becomes a key event.

Tagging streams: it holds one candidate per rule, never the whole import, so it suits exports of
millions of messages. Events come out in input order except the few held candidates, which come
last; sort afterwards when order matters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from operator import itemgetter

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind, EventRow, TimelineEvent
from blamefree.errors import UsageError

PhaseMap = Mapping[EventKind, Phase | None]

_NO_PHASE = {"none", "-", ""}
_KIND = itemgetter(EventRow._fields.index("kind"))


def parse_phase_map(text: str | None) -> dict[EventKind, Phase | None]:
    """Parse ``kind=phase,kind=phase`` into a map; unknown kinds or phases raise UsageError."""
    result: dict[EventKind, Phase | None] = {}
    if text is None or not text.strip():
        return result
    kinds = ", ".join(k.value for k in EventKind)
    phases = ", ".join(p.value for p in Phase)
    for pair in text.split(","):
        if not pair.strip():
            continue
        if "=" not in pair:
            raise UsageError(f"phase map entry {pair.strip()!r} is not of the form kind=phase")
        kind_text, phase_text = (
            part.strip().lower().replace("-", "_") for part in pair.split("=", 1)
        )
        try:
            kind = EventKind(kind_text)
        except ValueError:
            raise UsageError(
                f"unknown event kind {kind_text!r} in phase map; use one of: {kinds}"
            ) from None
        if kind in result:
            raise UsageError(f"event kind {kind_text!r} appears twice in the phase map")
        if phase_text in _NO_PHASE:
            result[kind] = None
            continue
        try:
            result[kind] = Phase(phase_text)
        except ValueError:
            raise UsageError(
                f"unknown phase {phase_text!r} in phase map; use one of: {phases}, none"
            ) from None
    return result


def _earlier(a: TimelineEvent, b: TimelineEvent) -> bool:
    return a.time < b.time


def _later(a: TimelineEvent, b: TimelineEvent) -> bool:
    return a.time > b.time


_DEFAULT_SLOTS: dict[EventKind, bool] = {
    # kind -> True when the earliest event wins, False when the latest does
    EventKind.ALERT_FIRED: True,
    EventKind.PAGE_TRIGGERED: True,
    EventKind.ACKNOWLEDGED: True,
    EventKind.RESOLVED: False,
    EventKind.ALERT_RESOLVED: False,
}


def _tag(event: TimelineEvent, phase: Phase | None, key: bool) -> TimelineEvent:
    return event.model_copy(update={"phase": phase, "key": event.key or key})


def tag_phases(
    events: Iterable[TimelineEvent], phase_map: PhaseMap | None = None
) -> Iterator[TimelineEvent]:
    """Give events their default phases (see the module docstring), streaming."""
    tagger = PhaseTagger(phase_map)
    watched = tagger.watched
    offer = tagger.offer
    for event in events:
        if event.phase is not None or event.kind not in watched:
            yield event
            continue
        passed = offer(event)
        if passed is not None:
            yield passed
    yield from tagger.finish()


class PhaseTagger:
    """`tag_phases` one event (or one batch of rows) at a time: `offer` each, then `finish`."""

    def __init__(self, phase_map: PhaseMap | None = None) -> None:
        self.mapping = dict(phase_map or {})
        self.held: dict[EventKind, TimelineEvent] = {}
        self.watched = frozenset(self.mapping) | frozenset(_DEFAULT_SLOTS)
        """The kinds the rules look at; events of other kinds pass untouched."""

    def offer(self, event: TimelineEvent) -> TimelineEvent | None:
        """The event to pass on now (this one, tagged, or one it displaced), or None when it
        is held back as the best candidate of its rule so far."""
        kind = event.kind
        if event.phase is not None:
            return event
        held = self.held
        if kind in self.mapping:
            tagged = _tag(event, self.mapping[kind], False)
            current = held.get(kind)
            if current is None or _earlier(tagged, current):
                held[kind] = tagged
                return current
            return tagged
        earliest = _DEFAULT_SLOTS.get(kind)
        if earliest is None:
            return event
        current = held.get(kind)
        better = _earlier if earliest else _later
        if current is None or better(event, current):
            held[kind] = event
            return current
        return event

    def rows(self, rows: list[EventRow]) -> list[EventRow]:
        """`offer` for a batch of rows: the rows to pass on now, in order."""
        watched = self.watched
        if watched.isdisjoint(map(_KIND, rows)):
            return rows  # the common case (chat messages): nothing for the rules
        passed: list[EventRow] = []
        for row in rows:
            if row.phase is None and row.kind in watched:
                event = self.offer(row.event())
                if event is None:
                    continue
                row = EventRow.of(event)
            passed.append(row)
        return passed

    def finish(self) -> list[TimelineEvent]:
        """The events held back, now tagged: call once the input has ended."""
        held, self.held = self.held, {}
        return list(_decide(held, self.mapping))


def _decide(
    held: dict[EventKind, TimelineEvent], mapping: dict[EventKind, Phase | None]
) -> Iterator[TimelineEvent]:
    phases: dict[EventKind, Phase] = {}
    alert = held.get(EventKind.ALERT_FIRED) if EventKind.ALERT_FIRED not in mapping else None
    page = held.get(EventKind.PAGE_TRIGGERED) if EventKind.PAGE_TRIGGERED not in mapping else None
    if page is not None:
        phases[EventKind.PAGE_TRIGGERED] = Phase.DETECTION
        if alert is not None and alert.time <= page.time:
            phases[EventKind.ALERT_FIRED] = Phase.IMPACT_START
    elif alert is not None:
        phases[EventKind.ALERT_FIRED] = Phase.DETECTION
    if EventKind.ACKNOWLEDGED not in mapping:
        phases[EventKind.ACKNOWLEDGED] = Phase.RESPONSE
    if EventKind.RESOLVED not in mapping and EventKind.RESOLVED in held:
        phases[EventKind.RESOLVED] = Phase.RESOLUTION
    elif EventKind.ALERT_RESOLVED not in mapping:
        phases[EventKind.ALERT_RESOLVED] = Phase.RESOLUTION
    for kind, event in held.items():
        if kind in mapping:
            yield event.model_copy(update={"key": True}) if mapping[kind] is not None else event
        elif kind in phases:
            yield _tag(event, phases[kind], True)
        else:
            yield event


def sort_events(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Events in time order; ties keep a stable order by source tool and id."""
    return sorted(events, key=lambda e: (e.time, e.source.tool, e.source.id or ""))
