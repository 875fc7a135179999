"""What the event log adds to a document: phase blocks and the impact start filled from events.

A document keeps what the writer wrote. Its *effective* form fills every phase block the writer
left without a time from the key events of that phase (the earliest one's time and actor; for
resolution and post-resolution the latest), and the impact start from the earliest impact-start
event (else the earliest detection event). The rendered Markdown marks such values with
``(from event log)`` and unstated metrics computed from the timeline with ``(from timeline)``,
so reading a rendered file back gives the document it came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from blamefree.domain.enums import TEMPLATE_PHASES, Phase
from blamefree.domain.metrics import Metric, MetricName, compute_metrics
from blamefree.domain.postmortem import PhaseBlock, Postmortem
from blamefree.domain.timeline import TimelineEvent

FROM_EVENTS = "(from event log)"
FROM_TIMELINE = "(from timeline)"
_ACTOR_PHASES = (Phase.DETECTION, Phase.RESPONSE, Phase.INVESTIGATION, Phase.RESOLUTION)


def event_ref(event: TimelineEvent) -> str:
    """A short stable reference for an event, from its source tool and id."""
    if event.source.id:
        basis = f"{event.source.tool}:{event.source.id}"
    else:
        basis = repr((event.time.isoformat(), event.kind.value, event.actor, event.text))
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:8]


def phase_event(events: list[TimelineEvent], phase: Phase) -> TimelineEvent | None:
    """The event that stands for a phase: the earliest key event of it, else the earliest of it.

    For resolution and post-resolution the latest counts: an incident is resolved when its
    last open part is.
    """
    tagged = [event for event in events if event.phase == phase]
    chosen = [event for event in tagged if event.key] or tagged
    if not chosen:
        return None
    if phase in (Phase.RESOLUTION, Phase.POST_RESOLUTION):
        return max(chosen, key=lambda event: event.time)
    return min(chosen, key=lambda event: event.time)


def actor_field(block: PhaseBlock) -> str | None:
    """The block's person/team field (Detected By, Acknowledged By, ...), if it has one."""
    return block.labels[0][1] if block.phase in _ACTOR_PHASES else None


@dataclass(frozen=True)
class Derived:
    """A value the event log supplies for an empty phase block."""

    time: dt.datetime
    actor: str | None


def derived_blocks(doc: Postmortem) -> dict[Phase, Derived]:
    """For each phase block without a time, what the event log says."""
    events = doc.timeline.events
    found: dict[Phase, Derived] = {}
    if not events:
        return found
    for phase, block in zip(TEMPLATE_PHASES, doc.timeline.blocks(), strict=True):
        if block.time is not None or block.time_text is not None:
            continue
        event = phase_event(events, phase)
        if event is None:
            continue
        name = actor_field(block)
        actor = event.actor if name is not None and getattr(block, name) is None else None
        found[phase] = Derived(event.time, actor)
    return found


def derived_impact_start(doc: Postmortem) -> dt.datetime | None:
    """The impact start from events, when the writer gave none."""
    if doc.impact_start is not None or doc.impact_start_text is not None:
        return None
    events = doc.timeline.events
    start = phase_event(events, Phase.IMPACT_START) or phase_event(events, Phase.DETECTION)
    return start.time if start else None


def effective(doc: Postmortem) -> Postmortem:
    """The document with empty phase blocks and impact start filled from the event log."""
    derived = derived_blocks(doc)
    start = derived_impact_start(doc)
    if not derived and start is None:
        return doc
    blocks: dict[str, Any] = {}
    for phase, block in zip(TEMPLATE_PHASES, doc.timeline.blocks(), strict=True):
        if phase not in derived:
            continue
        update: dict[str, Any] = {"time": derived[phase].time}
        name = actor_field(block)
        if name is not None and derived[phase].actor:
            update[name] = derived[phase].actor
        blocks[phase.value] = block.model_copy(update=update)
    update_doc: dict[str, Any] = {"timeline": doc.timeline.model_copy(update=blocks)}
    if start is not None:
        update_doc["impact_start"] = start
    return doc.model_copy(update=update_doc)


def metrics_of(doc: Postmortem) -> dict[MetricName, Metric]:
    """The five incident metrics, from the effective timeline where possible."""
    return compute_metrics(effective(doc))


def document_json(doc: Postmortem) -> dict[str, Any]:
    """The JSON of a document as shown to people: phase blocks filled from its events."""
    return effective(doc).to_json_dict()
