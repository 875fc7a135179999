"""Tracked action items in the store: public ids, status history, closed_at, migration 0002."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from alembic import command
from sqlalchemy import Engine, select, text

from blamefree.domain.enums import ActionStatus, Horizon, ReviewKind, TrackerSystem
from blamefree.domain.postmortem import ActionItem, Postmortem, TrackerLink
from blamefree.store import UnitOfWork
from blamefree.store.follow_through import FollowThroughRepository, Person
from blamefree.store.migrate import alembic_config
from blamefree.store.tables import ActionItemRow, PreventionMeasureRow

T0 = dt.datetime(2024, 3, 20, 8, 0, tzinfo=dt.UTC)
UID = re.compile(r"^A-[0-9A-HJKMNP-TV-Z]{6}$")


def at(hours: int) -> Callable[[], dt.datetime]:
    return lambda: T0 + dt.timedelta(hours=hours)


def _rows(engine: Engine) -> list[ActionItemRow]:
    with UnitOfWork(engine) as uow:
        return list(
            uow.session.execute(
                select(ActionItemRow).order_by(ActionItemRow.horizon, ActionItemRow.position)
            ).scalars()
        )


def test_new_items_get_hidden_public_ids_and_the_document_round_trips(
    engine: Engine, doc: Postmortem
) -> None:
    with UnitOfWork(engine, clock=at(0)) as uow:
        uow.postmortems.create(doc, markdown="# v1", by="dana")
    rows = _rows(engine)
    assert [bool(UID.match(r.uid)) for r in rows] == [True, True, True, True]
    assert len({r.uid for r in rows}) == 4
    assert [r.uid_in_document for r in rows] == [False] * 4
    assert [r.status for r in rows] == ["done", "open", "open", "open"]
    assert [r.created_at for r in rows] == [T0] * 4
    assert [r.closed_at for r in rows] == [T0, None, None, None]
    with UnitOfWork(engine) as uow:
        assert uow.postmortems.get(doc.incident_id or "").doc == doc
        records = FollowThroughRepository(uow.session).list_actions()
    assert [(r.horizon, r.position) for r in records] == [
        (Horizon.IMMEDIATE, 0),
        (Horizon.IMMEDIATE, 1),
        (Horizon.SHORT_TERM, 0),
        (Horizon.LONG_TERM, 0),
    ]


def test_items_with_ids_keep_their_rows_when_moved_and_history_is_kept(
    engine: Engine, doc: Postmortem
) -> None:
    with UnitOfWork(engine, clock=at(0)) as uow:
        uow.postmortems.create(doc, markdown="# v1")
    before = {r.text: (r.id, r.uid) for r in _rows(engine)}

    edited = doc.model_copy(deep=True)
    items = edited.action_items
    dashboard = items.immediate.pop(1).model_copy(
        update={
            "id": before["Add pool dashboard"][1],
            "owner": "Sam",
            "status": ActionStatus.IN_PROGRESS,
        }
    )
    items.long_term.insert(0, dashboard)  # moved and reordered in one edit
    items.immediate[0] = items.immediate[0].model_copy(
        update={"id": before["Raise pool size"][1], "status": ActionStatus.OPEN, "done": False}
    )
    with UnitOfWork(engine, clock=at(1)) as uow:
        uow.postmortems.save(edited, expected_version=1, markdown="# v2", by="lee")

    after = {r.text: r for r in _rows(engine)}
    moved = after["Add pool dashboard"]
    assert (moved.id, moved.uid, moved.horizon, moved.position) == (
        before["Add pool dashboard"][0],
        before["Add pool dashboard"][1],
        "long_term",
        0,
    )
    assert after["Config schema validation"].position == 1
    assert after["Config schema validation"].id == before["Config schema validation"][0]
    assert (moved.uid_in_document, after["Load test checkout"].uid_in_document) == (True, False)
    reopened = after["Raise pool size"]
    assert (reopened.status, reopened.closed_at) == ("open", None)

    with UnitOfWork(engine) as uow:
        repo = FollowThroughRepository(uow.session)
        moved_history = repo.history(moved.uid)
        reopened_history = repo.history(reopened.uid)
        stored = uow.postmortems.get(doc.incident_id or "").doc
    assert [(h.field, h.old, h.new, h.by) for h in moved_history] == [
        ("created", None, "open", None),
        ("status", "open", "in_progress", "lee"),
        ("owner", "Lee", "Sam", "lee"),
        ("horizon", "immediate", "long_term", "lee"),
    ]
    assert moved_history[1].at == T0 + dt.timedelta(hours=1)
    assert [(h.field, h.old, h.new) for h in reopened_history[1:]] == [("status", "done", "open")]
    assert stored == edited


def test_closing_sets_closed_at_once_and_reopening_clears_it(
    engine: Engine, doc: Postmortem
) -> None:
    with UnitOfWork(engine, clock=at(0)) as uow:
        uow.postmortems.create(doc, markdown="# v1")
    closed = doc.model_copy(deep=True)
    closed.action_items.short_term[0] = closed.action_items.short_term[0].model_copy(
        update={"status": ActionStatus.WONT_DO}
    )
    with UnitOfWork(engine, clock=at(2)) as uow:
        uow.postmortems.save(closed, expected_version=1, markdown="# v2")
    done = closed.model_copy(deep=True)
    done.action_items.short_term[0] = done.action_items.short_term[0].model_copy(
        update={"status": ActionStatus.DONE, "done": True}
    )
    with UnitOfWork(engine, clock=at(5)) as uow:
        uow.postmortems.save(done, expected_version=2, markdown="# v3")
    row = next(r for r in _rows(engine) if r.horizon == "short_term")
    # Still closed: closed_at stays when it was first closed.
    assert (row.status, row.done, row.closed_at) == ("done", True, T0 + dt.timedelta(hours=2))


def test_a_copied_document_gets_fresh_ids_and_shows_them(engine: Engine, doc: Postmortem) -> None:
    with_ids = doc.model_copy(deep=True)
    with_ids.action_items.immediate[0] = with_ids.action_items.immediate[0].model_copy(
        update={"id": "A-AAAAAA"}
    )
    copy = with_ids.model_copy(update={"incident_id": "INC-COPY"})
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(with_ids, markdown="")
        uow.postmortems.create(copy, markdown="")
    with UnitOfWork(engine) as uow:
        first = uow.postmortems.get(with_ids.incident_id or "").doc.action_items.immediate[0]
        second = uow.postmortems.get("INC-COPY").doc.action_items.immediate[0]
    assert first.id == "A-AAAAAA"
    assert second.id is not None
    assert UID.match(second.id)
    assert second.id != "A-AAAAAA"


def test_a_tracker_link_survives_a_document_without_one(engine: Engine, doc: Postmortem) -> None:
    link = TrackerLink(system=TrackerSystem.JIRA, key="OPS-7", url="https://j.example/OPS-7")
    linked = doc.model_copy(deep=True)
    linked.action_items.long_term[0] = linked.action_items.long_term[0].model_copy(
        update={"tracker": link}
    )
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(linked, markdown="")
    with UnitOfWork(engine) as uow:
        uow.postmortems.save(doc, expected_version=1, markdown="")  # an older file, re-imported
    with UnitOfWork(engine) as uow:
        item = uow.postmortems.get(doc.incident_id or "").doc.action_items.long_term[0]
    assert item.tracker == link


def test_prevention_measures_keep_closed_at_while_their_text_stays(
    engine: Engine, doc: Postmortem
) -> None:
    with UnitOfWork(engine, clock=at(0)) as uow:
        uow.postmortems.create(doc, markdown="")
    edited = doc.model_copy(deep=True)
    edited.prevention_measures.technical.reverse()  # order changes, texts stay
    edited.prevention_measures.process[0] = edited.prevention_measures.process[0].model_copy(
        update={"status": ActionStatus.DONE, "done": True}
    )
    with UnitOfWork(engine, clock=at(3)) as uow:
        uow.postmortems.save(edited, expected_version=1, markdown="")
    with UnitOfWork(engine) as uow:
        rows = uow.session.execute(
            select(
                PreventionMeasureRow.text,
                PreventionMeasureRow.status,
                PreventionMeasureRow.closed_at,
            ).order_by(PreventionMeasureRow.category, PreventionMeasureRow.position)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("Pool saturation alert", "done", T0),
        ("No Friday deploys", "done", T0 + dt.timedelta(hours=3)),
        ("Pool lint", "open", None),
        ("Validate config", "done", T0),
    ]


def test_reviews_and_people_rows(engine: Engine, doc: Postmortem) -> None:
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(doc, markdown="")
        repo = FollowThroughRepository(uow.session)
        row_id = repo.postmortem_row_id(doc.incident_id or "")
        assert row_id is not None
        repo.put_review(row_id, ReviewKind.ONE_WEEK, done_at=T0, notes="ok", by="dana")
        repo.put_review(row_id, ReviewKind.ONE_WEEK, notes="better notes")
        assert repo.put_person(Person("Dana", "dana@example.com", "@dana")) is True
        assert repo.put_person(Person("Dana", None, "@dana.k")) is False
    with UnitOfWork(engine) as uow:
        repo = FollowThroughRepository(uow.session)
        [review] = repo.reviews()
        assert (review.kind, review.done_at, review.notes, review.by) == (
            ReviewKind.ONE_WEEK,
            T0,
            "better notes",
            "dana",
        )
        assert repo.people() == [Person("Dana", "dana@example.com", "@dana.k")]
        assert repo.person("dana") == Person("Dana", "dana@example.com", "@dana.k")
        [source] = repo.review_sources()
        assert source.schedule.one_week == dt.date(2024, 3, 21)
    with UnitOfWork(engine) as uow:
        uow.postmortems.delete(doc.incident_id or "")
    with UnitOfWork(engine) as uow:
        assert FollowThroughRepository(uow.session).reviews() == []


def test_migration_0002_fills_existing_rows(empty_engine: Engine) -> None:
    engine = empty_engine
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.execute(
            text(
                "INSERT INTO postmortems (id, incident_id, version, created_at, updated_at, body) "
                "VALUES (1, 'INC-OLD', 1, :t, :t, '{}')"
            ),
            {"t": dt.datetime(2023, 1, 2, 3, 4, 5)},
        )
        for position, done in ((0, True), (1, False)):
            connection.execute(
                text(
                    "INSERT INTO action_items (postmortem_id, horizon, position, text, done, "
                    "extra) VALUES (1, 'immediate', :p, :text, :done, '[]')"
                ),
                {"p": position, "text": f"item {position}", "done": done},
            )
        connection.execute(
            text(
                "INSERT INTO prevention_measures (postmortem_id, category, position, text, done) "
                "VALUES (1, 'technical', 0, 'lint', true)"
            )
        )
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    rows = _rows(engine)
    assert [(r.status, r.done, r.uid_in_document, r.closed_at) for r in rows] == [
        ("done", True, False, None),
        ("open", False, False, None),
    ]
    assert [r.created_at for r in rows] == [dt.datetime(2023, 1, 2, 3, 4, 5, tzinfo=dt.UTC)] * 2
    assert all(UID.match(r.uid) for r in rows)
    with UnitOfWork(engine) as uow:
        status = uow.session.execute(select(PreventionMeasureRow.status)).scalar_one()
        doc = uow.postmortems.get("INC-OLD").doc
    assert status == "done"
    assert [(i.text, i.status) for i in doc.action_items.immediate] == [
        ("item 0", ActionStatus.DONE),
        ("item 1", ActionStatus.OPEN),
    ]
    assert doc.action_items.immediate[0] == ActionItem(text="item 0", done=True)
