"""The timeline editor's read: a post-mortem's events, phase times and metrics in one view.

The changes the editor makes are the event log's own use cases (``services.timeline``); this
module only reads, so the page shows exactly what the store holds after each change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from blamefree.domain.derive import event_ref, phase_event
from blamefree.domain.enums import TEMPLATE_PHASES, Phase
from blamefree.domain.metrics import METRIC_NAMES
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import TimelineEvent
from blamefree.domain.zones import zone
from blamefree.schemas.timeline_editor import (
    EditorEvent,
    MetricLine,
    PhaseTime,
    TimelineEditorRead,
)
from blamefree.services.postmortems import metrics_of
from blamefree.store import UnitOfWork

PAGE_SIZE = 50
"""Events listed on one page of the editor (the phase times and metrics count them all)."""


def timeline_editor(
    uow: UnitOfWork,
    *,
    incident_id: str,
    default_tz: str | None = None,
    page: int = 1,
    around: str | None = None,
    page_size: int = PAGE_SIZE,
) -> TimelineEditorRead:
    """The editor's view of a post-mortem: one page of its events (with who recorded them) in
    time order, in the post-mortem's zone (else ``default_tz``, else UTC), and the phase times
    and metrics of the whole log. ``around``: the page that holds this event (else ``page``)."""
    stored = uow.postmortems.get(incident_id, events=False)
    recorded = uow.postmortems.recorded_events(incident_id)
    events = [event for event, _ in recorded]
    refs = [event_ref(event) for event in events]
    pages = max(1, -(-len(events) // page_size))
    if around is not None and around in refs:
        page = refs.index(around) // page_size + 1
    page = min(max(page, 1), pages)
    first = (page - 1) * page_size
    doc = stored.doc.model_copy(
        update={"timeline": stored.doc.timeline.model_copy(update={"events": events})}
    )
    zone_name = doc.timezone or default_tz or "UTC"
    tz = zone(zone_name)
    metrics = metrics_of(doc)
    return TimelineEditorRead(
        incident_id=stored.incident_id,
        title=doc.title,
        version=stored.version,
        zone=zone_name,
        tz=tz,
        date=doc.date,
        events=[
            EditorEvent(ref=ref, event=event, recorded_by=by, local=event.time.astimezone(tz))
            for ref, (event, by) in zip(
                refs[first : first + page_size], recorded[first : first + page_size], strict=True
            )
        ],
        total=len(events),
        first=first,
        page=page,
        pages=pages,
        phases=phase_times(doc),
        metrics=[MetricLine(name, metrics[name]) for name in METRIC_NAMES],
    )


def phase_times(doc: Postmortem) -> list[PhaseTime]:
    """Impact start and the six phases: the time the author wrote beside the event log's."""
    events = doc.timeline.events
    start_event = phase_event(events, Phase.IMPACT_START)
    start = _phase_time(Phase.IMPACT_START, doc.impact_start, doc.impact_start_text, start_event)
    detection = phase_event(events, Phase.DETECTION)
    if start_event is None and detection is not None:  # as derive.derived_impact_start reads it
        start = replace(
            start, from_events=detection.time, event_ref=event_ref(detection), from_detection=True
        )
    rows = [start]
    for phase, block in zip(TEMPLATE_PHASES, doc.timeline.blocks(), strict=True):
        rows.append(_phase_time(phase, block.time, block.time_text, phase_event(events, phase)))
    return rows


def _phase_time(
    phase: Phase,
    written: dt.datetime | None,
    written_text: str | None,
    event: TimelineEvent | None,
) -> PhaseTime:
    return PhaseTime(
        phase=phase,
        written=written,
        written_text=written_text,
        from_events=event.time if event is not None else None,
        event_ref=event_ref(event) if event is not None else None,
    )
