"""services.saving: what Blamefree derives is derived when a post-mortem is read, after any save.

Success criteria (from the items) and phase times and metrics (from the event log) are never
written into the stored document or text by a save; every read gives them as the data then
says, beside what the author wrote.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from blamefree.domain.derive import event_ref
from blamefree.domain.enums import ActionStatus, Phase, ReviewKind
from blamefree.domain.postmortem import Postmortem
from blamefree.schemas import EventUpdate
from blamefree.services import actions, postmortems, reviews, timeline
from support.uow import in_uow
from support.updates_doc import NOW

ID = "INC-2025-0050"
OPENED = dt.datetime(2025, 2, 4, 6, 0, tzinfo=dt.UTC)


def _stored(engine: Engine) -> str:
    doc = Postmortem.model_validate(
        {
            "incident_id": ID,
            "date": "2025-02-04",
            "timeline": {
                "events": [
                    {
                        "time": "2025-02-04T06:00:00Z",
                        "phase": "impact_start",
                        "text": "Export job stalls",
                        "source": {"tool": "manual", "id": "stall"},
                    },
                    {
                        "time": "2025-02-04T06:40:00Z",
                        "phase": "detection",
                        "key": True,
                        "actor": "Finance analyst",
                        "text": "Report missing",
                        "source": {"tool": "manual", "id": "report"},
                    },
                ]
            },
            "action_items": {
                "immediate": [{"text": "Alert on long exports", "status": "done", "done": True}]
            },
        }
    )
    in_uow(engine, postmortems.create_postmortem, postmortem_in=doc, by="Kim")
    return ID


def _derived(engine: Engine) -> tuple[dt.datetime | None, str | None, int | None, bool, bool]:
    """What a read shows: detection time and who detected, detection time in seconds, and the
    first success criterion ("All action items completed") as written and as the data says."""
    view = in_uow(engine, postmortems.show_postmortem, incident_id=ID)
    detection = view.document.timeline.detection
    first = view.criteria[0]
    assert first.text == "All action items completed"
    assert first.derived is not None
    return (
        detection.time,
        detection.detected_by,
        view.metrics["detection_time"].seconds,
        first.written,
        first.derived,
    )


def _written(engine: Engine) -> tuple[dt.datetime | None, bool, str, list[str]]:
    """What the store holds as written: the Detection block's time and the first criterion's
    box in the document; in the current text, that criterion's line and the lines that show
    derived values (marked, refreshed by each save, never read back as written)."""
    stored = in_uow(engine, postmortems.get_postmortem, incident_id=ID)
    text = in_uow(engine, postmortems.export_markdown, incident_id=ID)
    (box,) = [line for line in text.splitlines() if line.endswith("] All action items completed")]
    marked = [line for line in text.splitlines() if line.endswith(("log)", "timeline)"))]
    return (
        stored.doc.timeline.detection.time,
        stored.doc.follow_up.success_criteria[0].done,
        box,
        marked,
    )


def _text_shows(clock: str, who: str, minutes: int) -> list[str]:
    return [
        "**Impact Start:** 2025-02-04 06:00 UTC (from event log)",
        f"- **Time:** 2025-02-04 {clock} UTC (from event log)",
        f"- **Detected By:** {who} (from event log)",
        f"- **Detection Time:** {minutes}m (from timeline)",
    ]


def test_every_read_derives_phase_times_metrics_and_criteria_after_any_save(
    engine: Engine,
) -> None:
    _stored(engine)
    at = dt.datetime(2025, 2, 4, 6, 40, tzinfo=dt.UTC)
    assert _derived(engine) == (at, "Finance analyst", 40 * 60, False, True)
    unticked = (None, False, "- [ ] All action items completed")
    assert _written(engine) == (*unticked, _text_shows("06:40", "Finance analyst", 40))

    # An earlier detection added to the event log: the next read detects then.
    added = in_uow(
        engine,
        timeline.add_event,
        incident_id=ID,
        at="2025-02-04T06:20:00Z",
        text="Duration alert fires",
        actor="Ops bot",
        key=True,
        phase=Phase.DETECTION,
        by="Noor",
    )
    at = dt.datetime(2025, 2, 4, 6, 20, tzinfo=dt.UTC)
    assert _derived(engine) == (at, "Ops bot", 20 * 60, False, True)
    assert _written(engine) == (*unticked, _text_shows("06:20", "Ops bot", 20))

    # The event moved: the read follows it.
    ref = event_ref(added)
    in_uow(
        engine,
        timeline.edit_event,
        incident_id=ID,
        ref=ref,
        changes=EventUpdate(),
        at="2025-02-04T06:30:00Z",
        by="Noor",
    )
    at = dt.datetime(2025, 2, 4, 6, 30, tzinfo=dt.UTC)
    assert _derived(engine) == (at, "Ops bot", 30 * 60, False, True)
    assert _written(engine) == (*unticked, _text_shows("06:30", "Ops bot", 30))

    # A review scheduled: another part of the document saved; nothing derived is frozen.
    in_uow(
        engine,
        reviews.schedule_review,
        incident_id=ID,
        kind=ReviewKind.ONE_WEEK,
        date=dt.date(2025, 2, 12),
        now=NOW,
        by="Noor",
    )
    view = in_uow(engine, postmortems.show_postmortem, incident_id=ID)
    assert view.document.follow_up.review_schedule.one_week == dt.date(2025, 2, 12)
    assert _derived(engine) == (at, "Ops bot", 30 * 60, False, True)
    assert _written(engine) == (*unticked, _text_shows("06:30", "Ops bot", 30))

    # The item reopened: the criterion's verdict follows on the next read, with no extra call.
    (item,) = in_uow(engine, actions.list_actions, today=NOW.date(), incident_id=ID)
    in_uow(
        engine,
        actions.set_action,
        action_id=item.uid,
        status=ActionStatus.IN_PROGRESS,
        now=NOW,
        by="Noor",
    )
    assert _derived(engine) == (at, "Ops bot", 30 * 60, False, False)
    assert _written(engine) == (*unticked, _text_shows("06:30", "Ops bot", 30))
    history = in_uow(engine, postmortems.history, incident_id=ID)
    assert [(h.version, h.author) for h in history] == [
        (1, "Kim"),
        (2, "Noor"),
        (3, "Noor"),
        (4, "Noor"),
        (5, "Noor"),
    ]


def test_a_written_value_is_kept_and_the_derived_one_shown_beside_when_they_disagree(
    engine: Engine,
) -> None:
    doc = Postmortem.model_validate(
        {
            "incident_id": ID,
            "date": "2025-02-04",
            "impact_start": "2025-02-04T06:00:00Z",
            "timeline": {"detection": {"time": "2025-02-04T06:50:00Z", "detected_by": "Dana"}},
            "metrics": {"incident_metrics": {"detection_time": 3600, "detection_time_text": "1h"}},
            "follow_up": {
                "success_criteria": [{"text": "All action items completed", "done": True}]
            },
            "action_items": {"immediate": [{"text": "Alert on long exports"}]},
        }
    )
    in_uow(engine, postmortems.create_postmortem, postmortem_in=doc, by="Kim")
    in_uow(
        engine,
        timeline.add_event,
        incident_id=ID,
        at="2025-02-04T06:20:00Z",
        text="Duration alert fires",
        actor="Ops bot",
        key=True,
        phase=Phase.DETECTION,
    )
    view = in_uow(engine, postmortems.show_postmortem, incident_id=ID)
    detection = view.document.timeline.detection
    assert (detection.time, detection.detected_by) == (
        dt.datetime(2025, 2, 4, 6, 50, tzinfo=dt.UTC),
        "Dana",
    )
    metric = view.metrics["detection_time"]
    assert (metric.seconds, metric.source, metric.stated_text, metric.disagrees) == (
        50 * 60,
        "timeline",
        "1h",
        True,
    )
    (criterion,) = view.criteria
    assert (criterion.written, criterion.derived, criterion.disagrees) == (True, False, True)
