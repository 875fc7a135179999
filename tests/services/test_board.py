"""services.board, services.follow_up and the bulk and review use cases behind the web board."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import ActionStatus, ReviewKind, Severity
from blamefree.errors import ActionItemNotFound, CriterionNotFound, ValidationFailed
from blamefree.services import actions, board, follow_up, postmortems, reviews
from support.board_docs import CHECKOUT, NOW, SEARCH, store_board_docs
from support.uow import in_uow

TODAY = NOW.date()


@pytest.fixture
def ids(engine: Engine, tmp_path: Path) -> dict[str, str]:
    return store_board_docs(engine, tmp_path)


def _texts(found: board.ActionBoard) -> dict[str, list[str]]:
    return {g.title: [v.record.text for v in g.items] for g in found.groups}


def test_the_board_groups_by_due_date_with_overdue_first(
    engine: Engine, ids: dict[str, str]
) -> None:
    found = in_uow(engine, board.action_board, today=TODAY, group="due")
    assert _texts(found) == {
        "Overdue": [
            "Alert on cache hit ratio below 80%",
            "Page when the indexer lags by 15 minutes",
        ],
        "Due within a week": ["Load test the checkout path every week"],
        "Due within 30 days": ["Write the reindex runbook"],
        "Later": ["Split the session cache from the catalogue cache"],
        "Closed": ["Restore the cache memory limit in the deploy template"],
    }
    assert (found.shown, found.total, found.overdue) == (6, 6, 2)
    assert found.owners == ["Dana", "Ines Carvalho", "Noor Haddad", "Platform team"]
    assert [i for i, _ in found.incidents] == [SEARCH, CHECKOUT]


def test_the_board_groups_by_owner_and_by_status(engine: Engine, ids: dict[str, str]) -> None:
    by_owner = in_uow(engine, board.action_board, today=TODAY, group="owner", sort="postmortem")
    assert {g.title: len(g.items) for g in by_owner.groups} == {
        "Dana": 2,  # "Dana" and "@dana" are one person
        "Ines Carvalho": 1,
        "Noor Haddad": 1,
        "Platform team": 1,
        "Unassigned": 1,
    }
    by_status = in_uow(engine, board.action_board, today=TODAY)
    assert [(g.title, len(g.items), g.closed, g.overdue) for g in by_status.groups] == [
        ("Open", 5, False, 2),
        ("Done", 1, True, 0),
    ]


def test_the_board_filters_combine(engine: Engine, ids: dict[str, str]) -> None:
    def shown(**kwargs: object) -> list[str]:
        filters = board.BoardFilters(**kwargs)  # type: ignore[arg-type]
        found = in_uow(engine, board.action_board, today=TODAY, filters=filters, group="due")
        return sorted(v.record.text for g in found.groups for v in g.items)

    assert shown(owner="dana") == [
        "Load test the checkout path every week",
        "Page when the indexer lags by 15 minutes",
    ]
    assert shown(owner="unassigned") == ["Write the reindex runbook"]
    assert shown(severities=(Severity.P3,), overdue=True) == [
        "Page when the indexer lags by 15 minutes"
    ]
    assert shown(statuses=(ActionStatus.DONE,)) == [
        "Restore the cache memory limit in the deploy template"
    ]
    assert shown(incident_id=CHECKOUT, text="CACHE split") == [
        "Split the session cache from the catalogue cache"
    ]
    assert shown(text="nothing like this") == []
    with pytest.raises(ValidationFailed) as raised:
        in_uow(engine, board.action_board, today=TODAY, group="colour")
    assert raised.value.field == "group"


def test_prevention_measures_across_post_mortems(engine: Engine, ids: dict[str, str]) -> None:
    found = in_uow(engine, board.measure_board)
    assert [
        (g.title, [(m.incident_id, m.number, m.status) for m in g.items]) for g in found.groups
    ] == [
        ("Technical", [(SEARCH, 1, ActionStatus.OPEN), (CHECKOUT, 1, ActionStatus.OPEN)]),
        ("Process", [(CHECKOUT, 1, ActionStatus.DONE)]),
        ("Monitoring", [(CHECKOUT, 1, ActionStatus.OPEN)]),
    ]
    assert (found.shown, found.total, found.open) == (4, 4, 3)
    only_open = board.MeasureFilters(
        statuses=(ActionStatus.OPEN,), category="technical", text="malformed"
    )
    narrowed = in_uow(engine, board.measure_board, filters=only_open)
    assert [m.text for g in narrowed.groups for m in g.items] == [
        "Skip malformed records instead of stalling"
    ]


def test_a_bulk_update_changes_each_item_with_who_did_it(
    engine: Engine, ids: dict[str, str]
) -> None:
    chosen = [ids["Alert on cache hit ratio below 80%"], ids["Write the reindex runbook"]]
    changed = in_uow(
        engine,
        actions.update_actions,
        action_ids=chosen,
        now=NOW,
        by="Chiara",
        status=ActionStatus.IN_PROGRESS,
        owner="Mateus",
        due=dt.date(2026, 12, 4),
    )
    assert [(v.uid, v.record.status, v.record.owner, v.due, v.overdue) for v in changed] == [
        (chosen[0], ActionStatus.IN_PROGRESS, "Mateus", dt.date(2026, 12, 4), False),
        (chosen[1], ActionStatus.IN_PROGRESS, "Mateus", dt.date(2026, 12, 4), False),
    ]
    first = in_uow(engine, actions.action_history, action_id=chosen[0])
    assert [(h.field, h.old, h.new, h.by) for h in first[1:]] == [
        ("status", "open", "in_progress", "Chiara"),
        ("owner", "Noor Haddad", "Mateus", "Chiara"),
        ("due_date", "2026-11-09", "2026-12-04", "Chiara"),
    ]
    second = in_uow(engine, actions.action_history, action_id=chosen[1])
    assert [(h.field, h.old, h.new, h.by) for h in second[1:]] == [
        ("status", "open", "in_progress", "Chiara"),
        ("owner", None, "Mateus", "Chiara"),
        ("due_date", "2026-12-01", "2026-12-04", "Chiara"),
    ]
    revisions = in_uow(engine, postmortems.history, incident_id=CHECKOUT)
    assert [(r.version, r.author) for r in revisions] == [(1, "Kim"), (2, "Chiara")]


def test_a_bulk_update_is_all_or_nothing(engine: Engine, ids: dict[str, str]) -> None:
    done = ids["Restore the cache memory limit in the deploy template"]
    open_one = ids["Alert on cache hit ratio below 80%"]
    with pytest.raises(ValidationFailed) as raised:
        in_uow(
            engine,
            actions.update_actions,
            action_ids=[open_one, done],
            now=NOW,
            status=ActionStatus.PROPOSED,  # a done item is reopened as open, never proposed
        )
    assert done in raised.value.message
    assert in_uow(
        engine, actions.show_action, action_id=open_one, today=TODAY
    ).action.record.status is (ActionStatus.OPEN)
    with pytest.raises(ActionItemNotFound):
        in_uow(engine, actions.update_actions, action_ids=[open_one, "A-NOPE"], now=NOW, owner="Li")
    assert in_uow(
        engine, actions.show_action, action_id=open_one, today=TODAY
    ).action.record.owner == ("Noor Haddad")
    with pytest.raises(ValidationFailed) as nothing:
        in_uow(engine, actions.update_actions, action_ids=[open_one], now=NOW)
    assert nothing.value.field == "status"
    with pytest.raises(ValidationFailed) as none_chosen:
        in_uow(engine, actions.update_actions, action_ids=[], now=NOW, owner="Li")
    assert none_chosen.value.field == "action_ids"


def test_holding_a_review_keeps_its_notes_and_the_criteria_outcome(
    engine: Engine, ids: dict[str, str]
) -> None:
    held = in_uow(
        engine,
        reviews.hold_review,
        incident_id=CHECKOUT,
        kind=ReviewKind.ONE_WEEK,
        now=NOW,
        notes="Hit-ratio alert still missing; **training** done.",
        met=[4],
        by="Ines",
    )
    assert (held.review.done_at, held.review.notes, held.review.by) == (
        NOW,
        "Hit-ratio alert still missing; **training** done.",
        "Ines",
    )
    assert [(c.text, c.met, c.evaluated, c.written) for c in held.criteria] == [
        ("All action items completed", False, True, False),
        ("Prevention measures implemented", False, True, False),
        ("Monitoring improved", False, True, False),
        ("Team trained on new procedures", True, False, True),
    ]
    revisions = in_uow(engine, postmortems.history, incident_id=CHECKOUT)
    assert [(r.version, r.author, r.message) for r in revisions][-1] == (
        2,
        "Ines",
        "1-week review: success criteria 4 met",
    )
    again = in_uow(
        engine, reviews.hold_review, incident_id=CHECKOUT, kind=ReviewKind.ONE_WEEK, now=NOW, met=[]
    )
    assert (again.review.notes, again.criteria[3].met) == (None, False)
    with pytest.raises(CriterionNotFound):
        in_uow(
            engine,
            reviews.hold_review,
            incident_id=CHECKOUT,
            kind=ReviewKind.ONE_MONTH,
            now=NOW,
            met=[9],
        )


def test_the_month_holds_reviews_and_due_dates(engine: Engine, ids: dict[str, str]) -> None:
    month = in_uow(engine, follow_up.follow_up_month, month=dt.date(2026, 11, 5), today=TODAY)
    assert (month.month, month.previous, month.following) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 1),
    )
    assert [w[0].day for w in month.weeks] == [
        dt.date(2026, 10, 26),
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 30),
    ]
    today_cell = next(d for w in month.weeks for d in w if d.is_today)
    assert today_cell.day == TODAY
    assert [(e.day, e.kind, e.incident_id, e.label, e.overdue, e.done) for e in month.agenda] == [
        (
            dt.date(2026, 11, 3),
            "due",
            CHECKOUT,
            "Restore the cache memory limit in the deploy template",
            False,
            True,
        ),
        (dt.date(2026, 11, 9), "review", CHECKOUT, "1-week review", True, False),
        (dt.date(2026, 11, 9), "due", CHECKOUT, "Alert on cache hit ratio below 80%", True, False),
        (dt.date(2026, 11, 19), "review", SEARCH, "1-week review", True, False),
        (
            dt.date(2026, 11, 19),
            "due",
            SEARCH,
            "Page when the indexer lags by 15 minutes",
            True,
            False,
        ),
        (
            dt.date(2026, 11, 25),
            "due",
            CHECKOUT,
            "Load test the checkout path every week",
            False,
            False,
        ),
    ]
    assert [(r.incident_id, r.kind) for r in month.to_hold] == [
        (CHECKOUT, ReviewKind.ONE_WEEK),
        (SEARCH, ReviewKind.ONE_WEEK),
        (CHECKOUT, ReviewKind.ONE_MONTH),
        (SEARCH, ReviewKind.ONE_MONTH),
    ]
    in_uow(
        engine,
        reviews.hold_review,
        incident_id=SEARCH,
        kind=ReviewKind.ONE_WEEK,
        now=NOW,
        by="Dana",
    )
    after = in_uow(engine, follow_up.follow_up_month, month=dt.date(2027, 1, 1), today=TODAY)
    assert [(r.incident_id, r.kind, r.by) for r in after.held] == [
        (SEARCH, ReviewKind.ONE_WEEK, "Dana")
    ]
    assert [(e.day, e.kind, e.label) for e in after.agenda] == [
        (dt.date(2027, 1, 31), "review", "3-month review"),
        (dt.date(2027, 1, 31), "due", "Split the session cache from the catalogue cache"),
    ]
    form = in_uow(
        engine,
        follow_up.review_with_criteria,
        incident_id=SEARCH,
        kind=ReviewKind.ONE_WEEK,
        today=TODAY,
    )
    assert (form.review.by, [c.text for c in form.criteria]) == (
        "Dana",
        ["All action items completed", "Team trained on new procedures"],
    )
