"""Timeline events kept beside the document, de-duplicated by their source (tool, id).

Events are added the one way the store takes them: an import, which makes a new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import Phase
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.errors import PostmortemNotFound
from blamefree.markdown.render import render
from blamefree.services.timeline_import import import_events
from blamefree.store import UnitOfWork

MakeEvent = Callable[..., TimelineEvent]


def _add(uow: UnitOfWork, incident_id: str, events: list[TimelineEvent]) -> int:
    return import_events(uow, incident_id=incident_id, events=events, source="test").added


@pytest.fixture
def incident_id(engine: Engine, doc: Postmortem) -> str:
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(doc, markdown=render(doc))
    return doc.incident_id or ""


def test_events_round_trip_in_time_order(
    engine: Engine, incident_id: str, make_event: MakeEvent
) -> None:
    late = make_event(30, "resolved", source_id="c", micro=999_999)
    early = make_event(1, "paged", source_id="a", micro=1)
    manual = TimelineEvent(
        time=dt.datetime(2024, 3, 14, 9, 15, tzinfo=dt.UTC),
        time_text="10:15 CET",
        phase=Phase.DETECTION,
        kind=EventKind.CUSTOM,
        text="Noticed by a customer",
    )
    with UnitOfWork(engine) as uow:
        added = _add(uow, incident_id, [late, early, manual])
    with UnitOfWork(engine) as uow:
        events = uow.postmortems.list_events(incident_id)

    assert added == 3
    assert events == [early, manual, late]
    assert events[0].time == dt.datetime(2024, 3, 14, 9, 1, 0, 1, tzinfo=dt.UTC)
    assert events[2].time.microsecond == 999_999
    assert events[1].source == EventSource(tool="manual", id=None)


def test_reimport_skips_events_seen_before(
    engine: Engine, incident_id: str, make_event: MakeEvent
) -> None:
    first = [make_event(1, "a", source_id="m1"), make_event(2, "b", source_id="m2")]
    with UnitOfWork(engine) as uow:
        assert _add(uow, incident_id, first) == 2
    again = [
        make_event(1, "a edited", source_id="m1"),
        make_event(3, "c", source_id="m3"),
        make_event(3, "c twice in one batch", source_id="m3"),
        make_event(2, "same id, other tool", tool="pagerduty", source_id="m2"),
        make_event(4, "no id: always added"),
        make_event(4, "no id: always added"),
    ]
    with UnitOfWork(engine) as uow:
        assert _add(uow, incident_id, again) == 4
    with UnitOfWork(engine) as uow:
        texts = [(e.source.tool, e.text) for e in uow.postmortems.list_events(incident_id)]
        assert _add(uow, incident_id, first) == 0
        assert _add(uow, incident_id, []) == 0

    assert texts == [
        ("slack", "a"),
        ("slack", "b"),
        ("pagerduty", "same id, other tool"),
        ("slack", "c"),
        ("slack", "no id: always added"),
        ("slack", "no id: always added"),
    ]


def test_events_are_per_postmortem(
    engine: Engine, incident_id: str, make_event: MakeEvent, make_doc: Callable[[str], Postmortem]
) -> None:
    with UnitOfWork(engine) as uow:
        other = make_doc("INC-OTHER")
        uow.postmortems.create(other, markdown=render(other))
        assert _add(uow, incident_id, [make_event(1, "x", source_id="1")]) == 1
        assert _add(uow, "INC-OTHER", [make_event(1, "x", source_id="1")]) == 1
        assert len(uow.postmortems.list_events("INC-OTHER")) == 1


def test_events_of_unknown_postmortem(engine: Engine, make_event: MakeEvent) -> None:
    with pytest.raises(PostmortemNotFound), UnitOfWork(engine) as uow:
        _add(uow, "INC-NOPE", [make_event(1, "x")])
