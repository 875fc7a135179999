"""Timeline events kept beside the document, de-duplicated by their source (tool, id).

Events are added the one way the store takes them: an import, which makes a new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, insert, select, text

from blamefree.domain.enums import Phase
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import EventKind, EventRow, EventSource, TimelineEvent
from blamefree.errors import PostmortemNotFound
from blamefree.markdown.render import render
from blamefree.services.timeline_import import import_events
from blamefree.store import UnitOfWork, event_import
from blamefree.store.tables import PostmortemRow, TimelineEventRow

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


def test_the_event_standing_for_each_phase(engine: Engine, incident_id: str) -> None:
    def event(minute: int, phase: Phase | None, sid: str, *, key: bool = False) -> TimelineEvent:
        return TimelineEvent(
            time=dt.datetime(2024, 3, 14, 9, minute, tzinfo=dt.UTC),
            phase=phase,
            kind=EventKind.CUSTOM,
            text=sid,
            source=EventSource(tool="slack", id=sid),
            key=key,
        )

    events = [
        event(5, Phase.DETECTION, "det-late-key", key=True),
        event(2, Phase.DETECTION, "det-early"),
        event(7, Phase.DETECTION, "det-later-key", key=True),
        event(3, Phase.RESPONSE, "resp-b"),
        event(3, Phase.RESPONSE, "resp-a"),  # same time: the source id decides
        event(20, Phase.RESOLUTION, "res-early"),
        event(25, Phase.RESOLUTION, "res-late"),  # the latest stands for resolution
        event(30, Phase.POST_RESOLUTION, "post-key", key=True),
        event(40, Phase.POST_RESOLUTION, "post-late"),
        event(1, None, "no-phase", key=True),
    ]
    with UnitOfWork(engine) as uow:
        writing = uow.postmortems.event_import(incident_id)
        writing.add_stream(lambda: [[EventRow.of(e) for e in events]])
        standing = [(e.phase, e.text) for e in writing.standing_events()]
        writing.close()

    assert standing == [
        (Phase.DETECTION, "det-late-key"),
        (Phase.RESPONSE, "resp-a"),
        (Phase.RESOLUTION, "res-late"),
        (Phase.POST_RESOLUTION, "post-key"),
    ]


def test_import_totals_count_every_event_of_the_log(engine: Engine, incident_id: str) -> None:
    def event(n: int, sid: str | None, text: str = "x") -> TimelineEvent:
        return TimelineEvent(
            time=dt.datetime(2024, 3, 14, 9, n, tzinfo=dt.UTC),
            time_text=f"09:{n:02d}",
            kind=EventKind.MESSAGE,
            actor="Ana" if n % 2 else None,
            text=text * n,
            source=EventSource(tool="slack", id=sid),
            link="https://chat.example/1" if n == 3 else None,
        )

    def chars(events: list[TimelineEvent]) -> int:
        return sum(
            len(e.text)
            + len(e.actor or "")
            + len(e.link or "")
            + len(e.time_text or "")
            + len(e.source.id or "")
            for e in events
        )

    before = [event(1, "a"), event(2, None, "é")]
    with UnitOfWork(engine) as uow:
        _add(uow, incident_id, before)
    fresh = [event(3, "b"), event(4, "c", "ü"), event(5, None)]
    with UnitOfWork(engine) as uow:
        writing = uow.postmortems.event_import(incident_id)
        writing.add_stream(lambda: [[EventRow.of(e) for e in fresh[:2]], [EventRow.of(fresh[2])]])
        writing.add_tagged(event(6, "d"))
        assert writing.totals() == (6, chars([*before, *fresh, event(6, "d")]))
        # A repeat (already stored, or twice in the import) is counted in the database.
        writing.add_stream(lambda: [[EventRow.of(event(1, "a")), EventRow.of(event(7, "e"))]])
        assert writing.totals() == (7, chars([*before, *fresh, event(6, "d"), event(7, "e")]))
        writing.close()


def test_a_long_batch_is_written_in_parts(
    engine: Engine, incident_id: str, make_event: MakeEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_import, "BATCH_ROWS", 2)
    monkeypatch.setattr(event_import, "COPY_ROWS", 2)
    events = [make_event(n, f"m{n}", source_id=f"m{n}") for n in range(1, 6)]
    with UnitOfWork(engine) as uow:
        writing = uow.postmortems.event_import(incident_id)
        writing.add_stream(lambda: [[EventRow.of(e) for e in [*events, events[1]]]])
        assert (writing.added, writing.skipped, writing.repeated) == (5, 0, 1)
        writing.close()
        assert [e.text for e in uow.postmortems.list_events(incident_id)] == [
            "m1",
            "m2",
            "m3",
            "m4",
            "m5",
        ]


def test_an_import_stores_what_the_table_class_stores(
    engine: Engine, incident_id: str, make_doc: Callable[[str], Postmortem]
) -> None:
    # The import binds its own values (kind and phase as text, key as 0/1, a NULL literal for
    # a batch without phases or links); the stored rows equal those SQLAlchemy writes.
    def event(n: int, **fields: object) -> TimelineEvent:
        values: dict[str, object] = {
            "time": dt.datetime(2024, 3, 14, 9, n, n, n, tzinfo=dt.UTC),
            "time_text": f"09:{n:02d}",
            "kind": EventKind.MESSAGE,
            "actor": "Ana",
            "text": f"message {n}",
            "source": EventSource(tool="slack", id=f"C1:{n}"),
            **fields,
        }
        return TimelineEvent.model_validate(values)

    chat = [event(1), event(2, key=True, actor=None), event(3, time_text=None)]
    other = [
        event(4, phase=Phase.RESOLUTION, kind=EventKind.RESOLVED, key=True),
        event(5, link="https://chat.example/5", kind=EventKind.CHANNEL_EVENT),
        event(
            6, time=dt.datetime(2024, 3, 14, 10, 6, 6, 6, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        ),
    ]
    with UnitOfWork(engine) as uow:
        writing = uow.postmortems.event_import(incident_id, by="ana")
        writing.add_stream(lambda: [[EventRow.of(e) for e in chat]])
        writing.add_stream(lambda: [[EventRow.of(e) for e in other]])
        assert writing.added == 6
        writing.close()
        written = make_doc("INC-ORM")
        uow.postmortems.create(written, markdown=render(written))
        row_id = uow.session.execute(
            select(PostmortemRow.id).where(PostmortemRow.incident_id == "INC-ORM")
        ).scalar_one()
        for e in [*chat, *other]:
            uow.session.execute(
                insert(TimelineEventRow).values(
                    postmortem_id=row_id,
                    time=e.time,
                    time_text=e.time_text,
                    phase=e.phase.value if e.phase else None,
                    kind=e.kind.value,
                    actor=e.actor,
                    text=e.text,
                    source_tool=e.source.tool,
                    source_id=e.source.id,
                    key=e.key,
                    link=e.link,
                    recorded_by="ana",
                )
            )

    # Raw values (text(): no column types), as each backend keeps them.
    columns = ", ".join(f'"{c}"' for c in event_import._COLUMNS[1:])
    query = text(f"SELECT {columns} FROM timeline_events WHERE postmortem_id = :pid ORDER BY id")
    with engine.connect() as connection:
        ids = dict(connection.execute(select(PostmortemRow.incident_id, PostmortemRow.id)).all())
        imported = connection.execute(query, {"pid": ids[incident_id]}).all()
        orm = connection.execute(query, {"pid": ids["INC-ORM"]}).all()
    assert len(imported) == 6
    assert imported == orm
    with UnitOfWork(engine) as uow:
        assert uow.postmortems.list_events(incident_id) == [*chat, *other]
