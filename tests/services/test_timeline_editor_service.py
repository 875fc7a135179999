"""The timeline editor's read: events in the post-mortem's zone, phase times written beside
the event log's, metrics recomputed from what is stored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from blamefree.domain.enums import Phase
from blamefree.domain.postmortem import Postmortem
from blamefree.services import postmortems, timeline
from blamefree.services.timeline_editor import timeline_editor
from support.timeline_data import INCIDENT, checkout_postmortem
from support.uow import in_uow

UTC = dt.UTC


def _add(engine: Engine, at: str, text: str, phase: Phase | None, key: bool = False) -> None:
    in_uow(
        engine,
        timeline.add_event,
        incident_id=INCIDENT,
        at=at,
        text=text,
        phase=phase,
        key=key,
        by="Ana",
    )


def test_events_come_in_time_order_in_the_post_mortem_s_zone_with_who_recorded_them(
    engine: Engine,
) -> None:
    in_uow(engine, postmortems.create_postmortem, postmortem_in=checkout_postmortem())
    _add(engine, "2024-03-12T15:02", "Alert fired", Phase.DETECTION, key=True)
    _add(engine, "2024-03-12T14:55", "Errors begin", Phase.IMPACT_START)
    view = in_uow(engine, timeline_editor, incident_id=INCIDENT, default_tz="Asia/Tokyo")
    assert (view.zone, view.version, view.title) == (
        "Europe/Berlin",
        3,
        "Checkout errors after the payments deploy",
    )
    assert [(item.event.text, item.local_input, item.recorded_by) for item in view.events] == [
        ("Errors begin", "2024-03-12T14:55:00", "Ana"),
        ("Alert fired", "2024-03-12T15:02:00", "Ana"),
    ]
    assert view.events[0].event.time == dt.datetime(2024, 3, 12, 13, 55, tzinfo=UTC)
    assert view.find(view.events[1].ref) == view.events[1]
    assert view.find("0badc0de") is None


def test_phase_times_and_metrics_come_from_the_stored_log(engine: Engine) -> None:
    in_uow(engine, postmortems.create_postmortem, postmortem_in=checkout_postmortem())
    view = in_uow(engine, timeline_editor, incident_id=INCIDENT)
    assert [(p.phase, p.written, p.from_events) for p in view.phases][:2] == [
        (Phase.IMPACT_START, None, None),
        (Phase.DETECTION, None, None),
    ]
    metrics = {line.name: line.metric for line in view.metrics}
    assert (metrics["detection_time"].seconds, metrics["detection_time"].source) == (900, "stated")
    assert metrics["response_time"].seconds is None  # unknown, never 0
    _add(engine, "2024-03-12T15:02", "Alert fired", Phase.DETECTION, key=True)
    view = in_uow(engine, timeline_editor, incident_id=INCIDENT)
    start = view.phases[0]
    # no event marks the impact start: the first detection stands in, as the metrics read it
    assert (start.from_events, start.from_detection) == (
        dt.datetime(2024, 3, 12, 14, 2, tzinfo=UTC),
        True,
    )
    metrics = {line.name: line.metric for line in view.metrics}
    assert (metrics["detection_time"].seconds, metrics["detection_time"].disagrees) == (0, True)
    _add(engine, "2024-03-12T14:50", "Errors begin", Phase.IMPACT_START, key=True)
    view = in_uow(engine, timeline_editor, incident_id=INCIDENT)
    metrics = {line.name: line.metric for line in view.metrics}
    assert metrics["detection_time"].seconds == 12 * 60
    assert metrics["detection_time"].stated_text == "15 minutes"
    assert view.phases[0].from_detection is False


def test_a_written_phase_time_is_kept_beside_a_differing_event_log_time(engine: Engine) -> None:
    doc = checkout_postmortem()
    written = doc.timeline.model_copy(
        update={
            "response": doc.timeline.response.model_copy(
                update={"time": dt.datetime(2024, 3, 12, 14, 10, tzinfo=UTC)}
            )
        }
    )
    in_uow(
        engine,
        postmortems.create_postmortem,
        postmortem_in=doc.model_copy(update={"timeline": written}),
    )
    _add(engine, "2024-03-12T15:05", "Ana acknowledged", Phase.RESPONSE, key=True)
    view = in_uow(engine, timeline_editor, incident_id=INCIDENT)
    response = next(p for p in view.phases if p.phase is Phase.RESPONSE)
    assert (response.written, response.from_events, response.disagrees) == (
        dt.datetime(2024, 3, 12, 14, 10, tzinfo=UTC),
        dt.datetime(2024, 3, 12, 14, 5, tzinfo=UTC),
        True,
    )
    assert view.clock(response.written) == "15:10:00"
    assert view.clock(dt.datetime(2024, 3, 13, 0, 5, tzinfo=UTC)) == "13 Mar 2024 01:05:00"


def test_a_post_mortem_without_a_zone_is_shown_in_the_default_one(engine: Engine) -> None:
    in_uow(
        engine,
        postmortems.create_postmortem,
        postmortem_in=Postmortem(incident_id="INC-9", date=dt.date(2024, 3, 12)),
    )
    assert in_uow(engine, timeline_editor, incident_id="INC-9", default_tz="Asia/Tokyo").zone == (
        "Asia/Tokyo"
    )
    assert in_uow(engine, timeline_editor, incident_id="INC-9").zone == "UTC"
