"""Pure follow-through rules: due dates, flags, status changes, reviews, success criteria."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from blamefree.domain import actions as rules
from blamefree.domain.enums import ActionStatus, ActionType, Horizon, ReviewKind, TrackerSystem
from blamefree.domain.postmortem import (
    ActionItem,
    ActionItems,
    CheckItem,
    FollowUp,
    Postmortem,
    PreventionMeasures,
    ReviewSchedule,
    TrackerLink,
)

INCIDENT = dt.date(2024, 3, 12)


def test_done_and_status_fill_each_other_and_must_agree() -> None:
    assert ActionItem(text="a", done=True).status is ActionStatus.DONE
    assert ActionItem(text="a").status is ActionStatus.OPEN
    wont = ActionItem(text="a", status=ActionStatus.WONT_DO)
    assert (wont.done, wont.closed) == (False, True)
    assert ActionItem(text="a", status="in_progress").done is False
    assert CheckItem(text="c", status="done").done is True
    with pytest.raises(ValidationError, match="contradicts status"):
        ActionItem(text="a", done=True, status=ActionStatus.OPEN)
    dumped = ActionItem(text="a", status="wont_do", type="detect").model_dump(mode="json")
    assert ActionItem.model_validate(dumped) == ActionItem(
        text="a", status=ActionStatus.WONT_DO, type=ActionType.DETECT
    )


@pytest.mark.parametrize(
    ("horizon", "expected"),
    [
        (Horizon.IMMEDIATE, dt.date(2024, 3, 19)),
        (Horizon.SHORT_TERM, dt.date(2024, 4, 11)),
        (Horizon.LONG_TERM, dt.date(2024, 6, 10)),
    ],
)
def test_default_due_date_is_the_horizon_end(horizon: Horizon, expected: dt.date) -> None:
    assert rules.default_due_date(INCIDENT, horizon) == expected
    assert rules.default_due_date(None, horizon) is None
    item = ActionItem(text="x")
    assert rules.effective_due_date(item, horizon, INCIDENT) == expected
    given = ActionItem(text="x", due_date=dt.date(2024, 3, 13))
    assert rules.effective_due_date(given, horizon, INCIDENT) == dt.date(2024, 3, 13)


def test_due_dates_outside_their_horizon_are_flagged_not_refused() -> None:
    flags = rules.due_date_flags
    assert flags(dt.date(2024, 3, 19), Horizon.IMMEDIATE, INCIDENT) == []
    late = flags(dt.date(2024, 3, 20), Horizon.IMMEDIATE, INCIDENT)
    assert [f.code for f in late] == ["after_horizon"]
    assert "after the end of the immediate horizon (2024-03-19" in late[0].message
    early = flags(dt.date(2024, 3, 11), Horizon.SHORT_TERM, INCIDENT)
    assert [f.code for f in early] == ["before_incident"]
    soon = flags(dt.date(2024, 4, 20), Horizon.LONG_TERM, INCIDENT)
    assert [f.code for f in soon] == []
    assert [f.code for f in flags(dt.date(2024, 4, 1), Horizon.LONG_TERM, INCIDENT)] == [
        "within_shorter_horizon"
    ]
    assert flags(None, Horizon.LONG_TERM, INCIDENT) == []
    assert flags(dt.date(2030, 1, 1), Horizon.LONG_TERM, None) == []


def test_status_transitions_and_closed_at() -> None:
    now = dt.datetime(2024, 3, 20, 10, 0, tzinfo=dt.UTC)
    earlier = now - dt.timedelta(days=2)
    assert rules.can_change_status(ActionStatus.OPEN, ActionStatus.DONE)
    assert rules.can_change_status(ActionStatus.DONE, ActionStatus.OPEN)
    assert not rules.can_change_status(ActionStatus.DONE, ActionStatus.PROPOSED)
    assert not rules.can_change_status(ActionStatus.OPEN, ActionStatus.OPEN)
    closes = rules.closed_at_after
    assert closes(ActionStatus.OPEN, ActionStatus.DONE, None, now) == now
    assert closes(ActionStatus.DONE, ActionStatus.WONT_DO, earlier, now) == earlier
    assert closes(ActionStatus.DONE, ActionStatus.IN_PROGRESS, earlier, now) is None
    assert closes(ActionStatus.OPEN, ActionStatus.IN_PROGRESS, None, now) is None
    done = rules.with_status(ActionItem(text="a"), ActionStatus.DONE)
    assert (done.status, done.done) == (ActionStatus.DONE, True)


def test_overdue_and_due_within_on_a_given_day() -> None:
    today = dt.date(2024, 3, 25)
    assert rules.is_overdue(dt.date(2024, 3, 24), ActionStatus.OPEN, today)
    assert not rules.is_overdue(dt.date(2024, 3, 25), ActionStatus.OPEN, today)
    assert not rules.is_overdue(dt.date(2024, 3, 1), ActionStatus.DONE, today)
    assert not rules.is_overdue(None, ActionStatus.OPEN, today)
    assert rules.is_due_within(dt.date(2024, 4, 1), ActionStatus.IN_PROGRESS, today, 7)
    assert not rules.is_due_within(dt.date(2024, 4, 2), ActionStatus.OPEN, today, 7)
    assert rules.is_due_within(dt.date(2024, 3, 1), ActionStatus.OPEN, today, 7)
    assert not rules.is_due_within(dt.date(2024, 3, 26), ActionStatus.WONT_DO, today, 7)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("in progress", ActionStatus.IN_PROGRESS),
        ("In-Progress", ActionStatus.IN_PROGRESS),
        ("won't do", ActionStatus.WONT_DO),
        ("wont_do", ActionStatus.WONT_DO),
        ("Done", ActionStatus.DONE),
        ("proposed", ActionStatus.PROPOSED),
        ("pending", None),
    ],
)
def test_status_words(text: str, status: ActionStatus | None) -> None:
    assert rules.parse_status(text) is status


def test_tracker_ids_and_windows() -> None:
    assert rules.parse_tracker("Jira [PROJ-12](https://x.atlassian.net/browse/PROJ-12)") == (
        TrackerLink(
            system=TrackerSystem.JIRA, key="PROJ-12", url="https://x.atlassian.net/browse/PROJ-12"
        )
    )
    assert rules.parse_tracker("github #7") == TrackerLink(system=TrackerSystem.GITHUB, key="#7")
    assert rules.parse_tracker("Trello card") is None
    assert rules.parse_action_id(" a-7f3k2q ") == "A-7F3K2Q"
    assert rules.parse_action_id("not an id") is None
    assert rules.parse_window("14d") == 14
    assert rules.parse_window("2w") == 14
    assert rules.parse_window("10") == 10
    with pytest.raises(ValueError, match="like 7d"):
        rules.parse_window("soon")


def test_review_dates_come_from_the_schedule_else_the_incident_date() -> None:
    schedule = ReviewSchedule(one_month=dt.date(2024, 4, 15))
    due = [rules.review_due_date(INCIDENT, schedule, kind) for kind in ReviewKind]
    assert due == [dt.date(2024, 3, 19), dt.date(2024, 4, 15), dt.date(2024, 6, 10)]
    assert rules.review_due_date(None, ReviewSchedule(), ReviewKind.ONE_WEEK) is None


def _doc(
    items: list[ActionItem], measures: PreventionMeasures, criteria: list[CheckItem] | None = None
) -> Postmortem:
    follow_up = FollowUp() if criteria is None else FollowUp(success_criteria=criteria)
    return Postmortem(
        date=INCIDENT,
        action_items=ActionItems(immediate=items),
        prevention_measures=measures,
        follow_up=follow_up,
    )


def test_success_criteria_are_evaluated_from_the_data() -> None:
    doc = _doc(
        [
            ActionItem(text="a", status=ActionStatus.DONE),
            ActionItem(text="b", status=ActionStatus.WONT_DO),
            ActionItem(text="c", status=ActionStatus.PROPOSED),  # not committed: ignored
            ActionItem(text="d", status=ActionStatus.OPEN, type=ActionType.DETECT),
        ],
        PreventionMeasures(
            technical=[CheckItem(text="t", status="done")],
            monitoring=[CheckItem(text="m", status="wont_do")],
        ),
    )
    states = rules.evaluate_success_criteria(doc)
    assert [(s.text, s.met, s.evaluated) for s in states] == [
        ("All action items completed", False, True),
        ("Prevention measures implemented", True, True),
        ("Monitoring improved", False, True),
        ("Team trained on new procedures", False, False),
    ]
    assert states[0].reason == "1 of 3 committed action items still open"
    assert states[2].reason == "2 of 2 monitoring items not done"

    finished = doc.model_copy(deep=True)
    finished.action_items.immediate[3] = rules.with_status(
        finished.action_items.immediate[3], ActionStatus.DONE
    )
    finished.prevention_measures.monitoring = [CheckItem(text="m", done=True)]
    applied = rules.apply_success_criteria(finished)
    assert [c.done for c in applied.follow_up.success_criteria] == [True, True, True, False]


def test_evaluated_criteria_need_something_to_evaluate_and_custom_ones_stay_manual() -> None:
    doc = _doc(
        [],
        PreventionMeasures(),
        [
            CheckItem(text="All action items completed", done=True),
            CheckItem(text="Custom", done=True),
        ],
    )
    applied = rules.apply_success_criteria(doc)
    assert [(c.text, c.done) for c in applied.follow_up.success_criteria] == [
        ("All action items completed", False),
        ("Custom", True),
    ]
