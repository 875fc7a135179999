from __future__ import annotations

import datetime as dt
from itertools import chain

import pytest

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind, EventRow, EventSource, TimelineEvent
from blamefree.errors import UsageError
from blamefree.importers import PhaseTagger, parse_phase_map, read_events, sort_events, tag_phases

from .conftest import DATA


def _ev(minute: int, kind: EventKind, ident: str, phase: Phase | None = None) -> TimelineEvent:
    return TimelineEvent(
        time=dt.datetime(2024, 3, 12, 14, minute, tzinfo=dt.UTC),
        kind=kind,
        phase=phase,
        source=EventSource(tool="t", id=ident),
    )


def _phases(events: list[TimelineEvent]) -> dict[str, tuple[Phase | None, bool]]:
    return {e.source.id or "": (e.phase, e.key) for e in events}


def test_alert_and_page_give_impact_start_and_detection() -> None:
    events = [
        _ev(9, EventKind.ACKNOWLEDGED, "ack2"),
        _ev(5, EventKind.PAGE_TRIGGERED, "page"),
        _ev(3, EventKind.ALERT_FIRED, "alert2"),
        _ev(1, EventKind.ALERT_FIRED, "alert1"),
        _ev(7, EventKind.ACKNOWLEDGED, "ack1"),
        _ev(30, EventKind.ALERT_RESOLVED, "alert-res"),
        _ev(35, EventKind.RESOLVED, "res1"),
        _ev(40, EventKind.RESOLVED, "res2"),
        _ev(8, EventKind.MESSAGE, "msg"),
    ]
    tagged = list(tag_phases(events))
    assert len(tagged) == len(events)
    assert _phases(tagged) == {
        "alert1": (Phase.IMPACT_START, True),
        "alert2": (None, False),
        "page": (Phase.DETECTION, True),
        "ack1": (Phase.RESPONSE, True),
        "ack2": (None, False),
        "alert-res": (None, False),
        "res1": (None, False),
        "res2": (Phase.RESOLUTION, True),
        "msg": (None, False),
    }


def test_alerts_only_first_alert_is_detection_and_last_alert_resolve_is_resolution() -> None:
    events = [
        _ev(1, EventKind.ALERT_FIRED, "a1"),
        _ev(2, EventKind.ALERT_FIRED, "a2"),
        _ev(20, EventKind.ALERT_RESOLVED, "r1"),
        _ev(25, EventKind.ALERT_RESOLVED, "r2"),
    ]
    assert _phases(list(tag_phases(events))) == {
        "a1": (Phase.DETECTION, True),
        "a2": (None, False),
        "r1": (None, False),
        "r2": (Phase.RESOLUTION, True),
    }


def test_an_alert_after_the_page_is_not_impact_start() -> None:
    events = [_ev(5, EventKind.ALERT_FIRED, "late"), _ev(1, EventKind.PAGE_TRIGGERED, "page")]
    assert _phases(list(tag_phases(events))) == {
        "late": (None, False),
        "page": (Phase.DETECTION, True),
    }


def test_given_phases_are_kept() -> None:
    events = [_ev(1, EventKind.PAGE_TRIGGERED, "p", Phase.INVESTIGATION)]
    assert _phases(list(tag_phases(events))) == {"p": (Phase.INVESTIGATION, False)}


def test_phase_map_overrides_per_kind() -> None:
    mapping = parse_phase_map("deploy=mitigation, acknowledged=none,page_triggered=investigation")
    assert mapping == {
        EventKind.DEPLOY: Phase.MITIGATION,
        EventKind.ACKNOWLEDGED: None,
        EventKind.PAGE_TRIGGERED: Phase.INVESTIGATION,
    }
    events = [
        _ev(1, EventKind.ALERT_FIRED, "alert"),
        _ev(2, EventKind.PAGE_TRIGGERED, "page"),
        _ev(3, EventKind.ACKNOWLEDGED, "ack"),
        _ev(12, EventKind.DEPLOY, "deploy2"),
        _ev(10, EventKind.DEPLOY, "deploy1"),
    ]
    assert _phases(list(tag_phases(events, mapping))) == {
        "alert": (Phase.DETECTION, True),
        "page": (Phase.INVESTIGATION, True),
        "ack": (None, False),
        "deploy1": (Phase.MITIGATION, True),
        "deploy2": (Phase.MITIGATION, False),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("deploy", "not of the form kind=phase"),
        ("deploys=mitigation", "unknown event kind 'deploys'"),
        ("deploy=fixing", "unknown phase 'fixing'"),
        ("deploy=mitigation,deploy=resolution", "appears twice"),
    ],
)
def test_phase_map_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_phase_map(text)


def test_merged_sources_give_one_coherent_set_of_anchors() -> None:
    merged = chain(
        read_events("alertmanager", [DATA / "alertmanager"], phase_map=""),
        read_events("pagerduty", [DATA / "pagerduty"]),
    )
    # Tag again across both sources: per-import tags are redone over the merged stream.
    plain = [e.model_copy(update={"phase": None, "key": False}) for e in merged]
    anchors = {
        e.phase: (e.time.isoformat(), e.source.id)
        for e in sort_events(tag_phases(plain))
        if e.phase is not None
    }
    assert anchors == {
        Phase.IMPACT_START: (
            "2024-03-12T14:00:05.123456+00:00",
            "5f0e3c7a1b2d4e6f@2024-03-12T14:00:05.123456Z:firing",
        ),
        Phase.DETECTION: ("2024-03-12T14:01:10+00:00", "R0TRIGGER01"),
        Phase.RESPONSE: ("2024-03-12T14:03:42+00:00", "R2ACK000001"),
        Phase.RESOLUTION: ("2024-03-12T14:35:00+00:00", "R5RESOLVE01"),
    }


def test_read_events_accepts_a_phase_map_string() -> None:
    events = list(read_events("csv", [DATA / "manual.csv"], phase_map="deploy=mitigation"))
    assert sorted((e.source.id or "", e.phase) for e in events) == [
        ("de86c84ca398f6cd9a8a", Phase.POST_RESOLUTION),
        ("deploy-2024.03.12-3", Phase.MITIGATION),
        ("eb70befbebb99804f645", Phase.MITIGATION),
    ]


@pytest.mark.parametrize("phase_map", ["", "deploy=mitigation,acknowledged=none,message=response"])
def test_tagging_rows_in_batches_equals_tagging_events(phase_map: str) -> None:
    mapping = parse_phase_map(phase_map)
    events = [
        _ev(5, EventKind.MESSAGE, "m1"),
        _ev(3, EventKind.ALERT_FIRED, "alert2"),
        _ev(1, EventKind.ALERT_FIRED, "alert1"),
        _ev(4, EventKind.PAGE_TRIGGERED, "page"),
        _ev(6, EventKind.ACKNOWLEDGED, "ack"),
        _ev(2, EventKind.MESSAGE, "m0"),
        _ev(12, EventKind.DEPLOY, "deploy2"),
        _ev(10, EventKind.DEPLOY, "deploy1"),
        _ev(30, EventKind.RESOLVED, "res1"),
        _ev(40, EventKind.RESOLVED, "res2"),
        _ev(50, EventKind.ALERT_RESOLVED, "ares", phase=Phase.POST_RESOLUTION),
        _ev(7, EventKind.MESSAGE, "m2"),
    ]
    tagger = PhaseTagger(mapping)
    batches = [events[:2], events[2:6], events[6:6], events[6:11], events[11:]]
    passed = [row.event() for b in batches for row in tagger.rows([EventRow.of(e) for e in b])]
    through_rows = passed + tagger.finish()
    through_events = list(tag_phases(events, mapping))
    assert through_rows == through_events
    assert [e.source.id for e in passed] == [e.source.id for e in through_events[: len(passed)]]
    assert len(passed) == len(events) - len(through_rows[len(passed) :])


def test_a_batch_without_watched_kinds_passes_as_it_is() -> None:
    rows = [EventRow.of(_ev(n, EventKind.MESSAGE, f"m{n}")) for n in range(3)]
    tagger = PhaseTagger()
    assert tagger.rows(rows) is rows
    assert tagger.finish() == []
