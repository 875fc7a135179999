"""services.actions: list, set, assign, move, add, prevention measures and success criteria."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import ActionStatus, Horizon, Priority
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import ActionItemNotFound, MeasureNotFound, NotFound, ValidationFailed
from blamefree.services import actions, postmortems
from support.uow import in_uow
from support.updates_doc import NOW


def _ids(engine: Engine, incident_id: str) -> dict[str, str]:
    views = in_uow(engine, actions.list_actions, today=NOW.date(), incident_id=incident_id)
    return {v.record.text: v.uid for v in views}


def test_items_are_listed_with_their_due_dates(engine: Engine, ledger: str) -> None:
    views = in_uow(engine, actions.list_actions, today=NOW.date(), incident_id=ledger)
    assert [(v.record.text, v.record.owner, v.due, v.due_is_default, v.overdue) for v in views] == [
        (
            "Alert when the export runs longer than two hours",
            "Noor",
            dt.date(2025, 2, 11),
            False,
            False,
        ),
        ("Clean temporary files after each run", "Ines", dt.date(2025, 2, 11), True, False),
        (
            "Move temporary files to their own volume",
            "Platform team",
            dt.date(2025, 3, 6),
            True,
            False,
        ),
    ]
    mine = in_uow(engine, actions.list_actions, today=NOW.date(), owner="@noor")
    assert [v.record.owner for v in mine] == ["Noor"]


def test_set_assign_and_move_each_make_a_version_with_history(engine: Engine, ledger: str) -> None:
    uid = _ids(engine, ledger)["Clean temporary files after each run"]
    done = in_uow(
        engine,
        actions.set_action,
        action_id=uid,
        now=NOW,
        by="Ines",
        status=ActionStatus.DONE,
        priority=Priority.HIGH,
    )
    assert (done.record.status, done.record.priority, done.record.closed_at) == (
        ActionStatus.DONE,
        Priority.HIGH,
        NOW,
    )
    lee = in_uow(engine, actions.assign_action, action_id=uid, owner=" Lee ", now=NOW, by="Ines")
    moved = in_uow(
        engine, actions.move_action, action_id=uid, horizon=Horizon.LONG_TERM, now=NOW, by="Ines"
    )
    assert (lee.record.owner, moved.record.horizon) == ("Lee", Horizon.LONG_TERM)
    history = in_uow(engine, actions.action_history, action_id=uid)
    assert [(h.field, h.old, h.new, h.by) for h in history] == [
        ("created", None, "open", "Kim"),
        ("status", "open", "done", "Ines"),
        ("priority", "Medium", "High", "Ines"),
        ("owner", "Ines", "Lee", "Ines"),
        ("horizon", "immediate", "long_term", "Ines"),
    ]
    revisions = in_uow(engine, postmortems.history, incident_id=ledger)
    assert [(r.version, r.author) for r in revisions] == [
        (1, "Kim"),
        (2, "Ines"),
        (3, "Ines"),
        (4, "Ines"),
    ]
    with pytest.raises(ValidationFailed, match="cannot go from done to proposed"):
        in_uow(engine, actions.set_action, action_id=uid, now=NOW, status=ActionStatus.PROPOSED)


def test_an_added_item_gets_its_horizons_due_date_and_an_id(engine: Engine, ledger: str) -> None:
    added = in_uow(
        engine,
        actions.add_action,
        incident_id=ledger,
        text="Page on export failures",
        horizon=Horizon.SHORT_TERM,
        now=NOW,
        by="Noor",
    )
    assert (added.action.record.text, added.action.due, added.flags) == (
        "Page on export failures",
        dt.date(2025, 3, 6),
        [],
    )
    assert _ids(engine, ledger)["Page on export failures"] == added.action.uid
    with pytest.raises(ValidationFailed, match="needs some text"):
        in_uow(
            engine,
            actions.add_action,
            incident_id=ledger,
            text=" ",
            horizon=Horizon.LONG_TERM,
            now=NOW,
        )


def test_criteria_change_in_one_call_and_a_bad_number_stores_nothing(
    engine: Engine, ledger: str
) -> None:
    before = in_uow(engine, actions.evaluate_criteria, incident_id=ledger)
    added = len(before) + 1
    states = in_uow(
        engine,
        actions.change_criteria,
        incident_id=ledger,
        add="Exports finish by 07:00",
        check=added,
        now=NOW,
        by="Noor",
    )
    assert [(s.text, s.written, s.evaluated) for s in states[len(before) :]] == [
        ("Exports finish by 07:00", True, False)
    ]
    # The criterion added first counts in the message; the call is one transaction, and the
    # error takes the addition back with it.
    with pytest.raises(NotFound, match=f"has {added + 1} success criteria, not 99"):
        in_uow(
            engine,
            actions.change_criteria,
            incident_id=ledger,
            add="Never stored",
            check=99,
            now=NOW,
        )
    texts = [s.text for s in in_uow(engine, actions.evaluate_criteria, incident_id=ledger)]
    assert texts[len(before) :] == ["Exports finish by 07:00"]
    assert "Never stored" not in texts


def test_showing_an_item_gives_it_with_its_history_in_one_call(engine: Engine, ledger: str) -> None:
    uid = _ids(engine, ledger)["Clean temporary files after each run"]
    in_uow(engine, actions.assign_action, action_id=uid, owner="Lee", now=NOW, by="Ines")
    detail = in_uow(engine, actions.show_action, action_id=uid.lower(), today=NOW.date())
    assert (detail.action.uid, detail.action.record.owner, detail.action.due) == (
        uid,
        "Lee",
        dt.date(2025, 2, 11),
    )
    assert [(h.field, h.old, h.new, h.by) for h in detail.history] == [
        ("created", None, "open", "Kim"),
        ("owner", "Ines", "Lee", "Ines"),
    ]
    with pytest.raises(ActionItemNotFound):
        in_uow(engine, actions.show_action, action_id="A-NOPE99", today=NOW.date())


def _with_measures(engine: Engine) -> str:
    doc = Postmortem.model_validate(
        {
            "incident_id": "INC-2025-0040",
            "date": "2025-02-04",
            "prevention_measures": {
                "technical": [{"text": "Own volume for temporary files"}],
                "monitoring": [{"text": "Export duration alert"}, {"text": "Disk space alert"}],
            },
        }
    )
    return in_uow(engine, postmortems.create_postmortem, postmortem_in=doc, by="Kim").incident_id


def test_measures_are_listed_or_one_is_set_and_all_listed_in_one_call(engine: Engine) -> None:
    incident_id = _with_measures(engine)
    listed = in_uow(engine, actions.change_measures, incident_id=incident_id, now=NOW)
    assert [(m.category, m.number, m.item.text, m.item.status, m.closed_at) for m in listed] == [
        ("technical", 1, "Own volume for temporary files", ActionStatus.OPEN, None),
        ("monitoring", 1, "Export duration alert", ActionStatus.OPEN, None),
        ("monitoring", 2, "Disk space alert", ActionStatus.OPEN, None),
    ]
    changed = in_uow(
        engine,
        actions.change_measures,
        incident_id=incident_id,
        category="monitoring",
        number=2,
        status=ActionStatus.DONE,
        now=NOW,
        by="Noor",
    )
    assert [(m.category, m.number, m.item.status, m.closed_at) for m in changed] == [
        ("technical", 1, ActionStatus.OPEN, None),
        ("monitoring", 1, ActionStatus.OPEN, None),
        ("monitoring", 2, ActionStatus.DONE, NOW),
    ]
    revisions = in_uow(engine, postmortems.history, incident_id=incident_id)
    assert [(r.version, r.author, r.message) for r in revisions] == [
        (1, "Kim", None),
        (2, "Noor", "prevention monitoring 2: done"),
    ]
    with pytest.raises(MeasureNotFound, match="has 1 technical prevention measure"):
        in_uow(
            engine,
            actions.change_measures,
            incident_id=incident_id,
            category="technical",
            number=2,
            status=ActionStatus.DONE,
            now=NOW,
        )
    with pytest.raises(ValidationFailed, match="give its category, number and status") as caught:
        in_uow(
            engine, actions.change_measures, incident_id=incident_id, category="process", now=NOW
        )
    assert caught.value.field == "number"
    assert len(in_uow(engine, postmortems.history, incident_id=incident_id)) == 2
