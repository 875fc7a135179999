"""Create, get, list, save, delete: whole documents through the repository."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select

from blamefree.domain.enums import Priority, Severity
from blamefree.domain.postmortem import ActionItem, CheckItem, Postmortem
from blamefree.domain.timeline import TimelineEvent
from blamefree.errors import DuplicatePostmortem, PostmortemNotFound, ValidationFailed
from blamefree.store import UnitOfWork
from blamefree.store.tables import (
    ActionItemRow,
    ContributingFactorRow,
    PostmortemRow,
    PreventionMeasureRow,
    RevisionRow,
    TimelineEventRow,
)

T0 = dt.datetime(2024, 3, 20, 8, 0, 0, 250_000, tzinfo=dt.UTC)


def fixed_clock(at: dt.datetime = T0) -> Callable[[], dt.datetime]:
    return lambda: at


def test_create_then_get_returns_an_equal_document(engine: Engine, doc: Postmortem) -> None:
    with UnitOfWork(engine, clock=fixed_clock()) as uow:
        created = uow.postmortems.create(doc, markdown="# v1", message="first")
    assert created.version == 1
    assert created.created_at == T0

    with UnitOfWork(engine) as uow:
        stored = uow.postmortems.get("INC-2024-031")

    assert stored.doc == doc
    assert stored.doc.model_dump() == doc.model_dump()
    assert stored.version == 1
    assert stored.created_at == T0
    assert stored.updated_at == T0
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == dt.timedelta(0)


def test_times_come_back_aware_utc_with_microseconds(engine: Engine, doc: Postmortem) -> None:
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(doc, markdown="# v1")
    with UnitOfWork(engine) as uow:
        back = uow.postmortems.get(doc.incident_id or "").doc

    assert back.impact_start == dt.datetime(2024, 3, 14, 8, 58, 1, 123_456, tzinfo=dt.UTC)
    assert back.impact_start is not None
    assert back.impact_start.utcoffset() == dt.timedelta(0)
    assert back.timeline.detection.time == dt.datetime(2024, 3, 14, 9, 2, 3, 999_999, tzinfo=dt.UTC)


def test_parts_are_stored_as_rows(engine: Engine, doc: Postmortem) -> None:
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(doc, markdown="# v1")
        session = uow.session
        header = session.execute(select(PostmortemRow)).scalar_one()
        factors = session.execute(
            select(ContributingFactorRow.text).order_by(ContributingFactorRow.position)
        ).scalars()
        actions = session.execute(
            select(ActionItemRow.horizon, ActionItemRow.text, ActionItemRow.priority).order_by(
                ActionItemRow.horizon, ActionItemRow.position
            )
        ).all()
        measures = session.execute(
            select(PreventionMeasureRow.category, PreventionMeasureRow.text).order_by(
                PreventionMeasureRow.category, PreventionMeasureRow.position
            )
        ).all()

        assert (header.incident_id, header.severity, header.duration_seconds) == (
            "INC-2024-031",
            "P1",
            5_430,
        )
        assert header.date == dt.date(2024, 3, 14)
        assert "action_items" not in header.body
        assert "contributing_factors" not in header.body["root_cause_analysis"]
        assert list(factors) == ["No load test", "Alert threshold too high", "Friday deploy"]
        assert [tuple(a) for a in actions] == [
            ("immediate", "Raise pool size", "High"),
            ("immediate", "Add pool dashboard", None),
            ("long_term", "Config schema validation", "Low"),
            ("short_term", "Load test checkout", "Medium"),
        ]
        assert [tuple(m) for m in measures] == [
            ("monitoring", "Pool saturation alert"),
            ("process", "No Friday deploys"),
            ("technical", "Validate config"),
            ("technical", "Pool lint"),
        ]


def test_an_almost_empty_document_round_trips(engine: Engine) -> None:
    bare = Postmortem(incident_id="INC-1")
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(bare, markdown="")
    with UnitOfWork(engine) as uow:
        assert uow.postmortems.get("INC-1").doc == bare


def test_duplicate_incident_id_is_refused(engine: Engine, doc: Postmortem) -> None:
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(doc, markdown="# v1")
    with pytest.raises(DuplicatePostmortem, match="INC-2024-031"), UnitOfWork(engine) as uow:
        uow.postmortems.create(doc.model_copy(update={"title": "Other"}), markdown="# other")
    with UnitOfWork(engine) as uow:
        assert uow.postmortems.get("INC-2024-031").doc.title == doc.title
        assert len(uow.postmortems.list()) == 1


def test_a_document_without_incident_id_cannot_be_stored(engine: Engine) -> None:
    with pytest.raises(ValidationFailed, match="incident id"), UnitOfWork(engine) as uow:
        uow.postmortems.create(Postmortem(title="No id"), markdown="")


def test_get_unknown_raises_not_found(engine: Engine) -> None:
    with pytest.raises(PostmortemNotFound, match="INC-404"), UnitOfWork(engine) as uow:
        uow.postmortems.get("INC-404")


def test_list_orders_by_date_desc_and_filters_by_severity(
    engine: Engine, make_doc: Callable[[str], Postmortem]
) -> None:
    old = make_doc("INC-OLD").model_copy(
        update={"date": dt.date(2023, 1, 5), "severity": Severity.P2}
    )
    new = make_doc("INC-NEW")
    undated = Postmortem(incident_id="INC-UNDATED", title="Draft")
    with UnitOfWork(engine, clock=fixed_clock()) as uow:
        for d in (old, undated, new):
            uow.postmortems.create(d, markdown="")

    with UnitOfWork(engine) as uow:
        everything = uow.postmortems.list()
        p2 = uow.postmortems.list(severity=Severity.P2)
        p1_or_p2 = uow.postmortems.list(severity=[Severity.P1, Severity.P2])
        first = uow.postmortems.list(limit=1)

    assert [s.incident_id for s in everything] == ["INC-NEW", "INC-OLD", "INC-UNDATED"]
    assert [s.incident_id for s in p2] == ["INC-OLD"]
    assert [s.incident_id for s in p1_or_p2] == ["INC-NEW", "INC-OLD"]
    assert [s.incident_id for s in first] == ["INC-NEW"]
    summary = everything[0]
    assert (summary.title, summary.severity, summary.date, summary.version) == (
        "Checkout outage: connection pool exhausted",
        Severity.P1,
        dt.date(2024, 3, 14),
        1,
    )
    assert summary.updated_at == T0
    assert (summary.action_items_total, summary.action_items_done) == (4, 1)
    assert summary.action_items_open == 3
    assert (everything[2].action_items_total, everything[2].action_items_done) == (0, 0)


def test_save_replaces_the_document_and_keeps_action_item_ids(
    engine: Engine, doc: Postmortem
) -> None:
    with UnitOfWork(engine, clock=fixed_clock()) as uow:
        uow.postmortems.create(doc, markdown="# v1")
        ids_before = list(
            uow.session.execute(select(ActionItemRow.id).order_by(ActionItemRow.id)).scalars()
        )

    edited = doc.model_copy(deep=True)
    edited.title = "Checkout outage (final)"
    edited.action_items.immediate[1] = ActionItem(text="Add pool dashboard", done=True)
    edited.action_items.short_term = []
    edited.action_items.long_term.append(ActionItem(text="Chaos test", priority=Priority.LOW))
    edited.root_cause_analysis.contributing_factors = ["No load test"]
    edited.prevention_measures.process = [CheckItem(text="Change review", done=True)]

    later = T0 + dt.timedelta(hours=1)
    with UnitOfWork(engine, clock=fixed_clock(later)) as uow:
        saved = uow.postmortems.save(edited, expected_version=1, markdown="# v2", message="fix")
    assert (saved.version, saved.created_at, saved.updated_at) == (2, T0, later)

    with UnitOfWork(engine) as uow:
        stored = uow.postmortems.get(doc.incident_id or "")
        ids_after = list(
            uow.session.execute(
                select(ActionItemRow.id).order_by(ActionItemRow.horizon, ActionItemRow.position)
            ).scalars()
        )
    assert stored.doc == edited
    assert (stored.version, stored.updated_at) == (2, later)
    # immediate[0], immediate[1], long_term[0] kept their rows; short_term's row went away.
    assert ids_after[:3] == [ids_before[0], ids_before[1], ids_before[3]]
    assert len(ids_after) == 4
    assert ids_before[2] not in ids_after


def test_save_can_rename_the_incident_id(engine: Engine, doc: Postmortem) -> None:
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(doc, markdown="# v1")
        uow.postmortems.create(Postmortem(incident_id="INC-TAKEN"), markdown="")

    taken = doc.model_copy(update={"incident_id": "INC-TAKEN"})
    with pytest.raises(DuplicatePostmortem, match="INC-TAKEN"), UnitOfWork(engine) as uow:
        uow.postmortems.save(taken, expected_version=1, markdown="# v2", incident_id="INC-2024-031")

    renamed = doc.model_copy(update={"incident_id": "INC-2024-031-B"})
    with UnitOfWork(engine) as uow:
        uow.postmortems.save(
            renamed, expected_version=1, markdown="# v2", incident_id="INC-2024-031"
        )
    with UnitOfWork(engine) as uow:
        assert uow.postmortems.get("INC-2024-031-B").doc == renamed
        assert uow.postmortems.exists("INC-2024-031") is False
        assert [r.version for r in uow.postmortems.history("INC-2024-031-B")] == [1, 2]


def test_save_of_unknown_raises_not_found(engine: Engine, doc: Postmortem) -> None:
    with pytest.raises(PostmortemNotFound), UnitOfWork(engine) as uow:
        uow.postmortems.save(doc, expected_version=1, markdown="")


def test_delete_cascades_to_every_part(
    engine: Engine,
    doc: Postmortem,
    make_doc: Callable[[str], Postmortem],
    make_event: Callable[..., TimelineEvent],
) -> None:
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(doc, markdown="# v1")
        uow.postmortems.create(make_doc("INC-KEEP"), markdown="# keep")
        uow.postmortems.save(doc, expected_version=1, markdown="# v2")
        event = make_event(1, "hi", source_id="1")
        uow.postmortems.save(
            doc.model_copy(
                update={"timeline": doc.timeline.model_copy(update={"events": [event]})}
            ),
            expected_version=2,
            markdown="# v3",
        )

    with UnitOfWork(engine) as uow:
        uow.postmortems.delete(doc.incident_id or "")

    with UnitOfWork(engine) as uow:
        assert uow.postmortems.exists(doc.incident_id or "") is False
        counts = {
            table.__tablename__: uow.session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in (ActionItemRow, ContributingFactorRow, PreventionMeasureRow, RevisionRow)
        }
        events = uow.session.execute(
            select(func.count()).select_from(TimelineEventRow)
        ).scalar_one()
    # What is left belongs to INC-KEEP alone.
    assert counts == {
        "action_items": 4,
        "contributing_factors": 3,
        "prevention_measures": 4,
        "revisions": 1,
    }
    assert events == 0
    with pytest.raises(PostmortemNotFound), UnitOfWork(engine) as uow:
        uow.postmortems.delete(doc.incident_id or "")


def test_an_error_inside_the_unit_of_work_rolls_back(engine: Engine, doc: Postmortem) -> None:
    with pytest.raises(RuntimeError), UnitOfWork(engine) as uow:
        uow.postmortems.create(doc, markdown="# v1")
        raise RuntimeError("boom")
    with UnitOfWork(engine) as uow:
        assert uow.postmortems.list() == []
