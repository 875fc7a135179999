"""The post-mortem policy on a real store (SQLite and PostgreSQL): due dates from the incident,
submission and approval from the review workflow, overdue ones, the share within policy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from blamefree.config import load_settings
from blamefree.domain.accounts import Principal, Role
from blamefree.domain.enums import Severity
from blamefree.domain.policy import Stage, parse_policy
from blamefree.domain.workflow import State, Transition
from blamefree.domain.workflow import parse_policy as approval_rules
from blamefree.errors import PostmortemNotFound
from blamefree.services import dashboard, postmortems, reminders, workflow
from blamefree.services import policy as service
from blamefree.store import UnitOfWork
from support.uow import in_uow
from support.updates_doc import NOW
from support.workflow_doc import ID, REVIEWABLE

POLICY = parse_policy("P2=5/10")
RULES = workflow.ReviewRules(policy=approval_rules("*=1/0"))
UNDATED = "INC-2025-0032"
KIM = Principal(name="Kim", role=Role.AUTHOR)
ANA = Principal(name="Ana", role=Role.APPROVER)


@pytest.fixture
def stored(engine: Engine, tmp_path: Path) -> None:
    first = tmp_path / "ledger.md"
    first.write_text(REVIEWABLE, encoding="utf-8")
    undated = tmp_path / "undated.md"
    undated.write_text(
        REVIEWABLE.replace(ID, UNDATED).replace("**Date:** 2025-02-04\n", ""), encoding="utf-8"
    )
    report = in_uow(
        engine, postmortems.import_files, paths=[first, undated], today=NOW.date(), by="Kim"
    )
    assert [o.error for o in report.outcomes] == [None, None]


def _step(
    engine: Engine, step: Transition, who: Principal, at: dt.datetime, note: str | None = None
) -> None:
    in_uow(
        engine,
        workflow.transition,
        incident_id=ID,
        step=step,
        principal=who,
        now=at,
        review=RULES,
        note=note,
    )


def _report(engine: Engine, today: dt.date) -> service.PolicyReport:
    return in_uow(engine, service.policy_status, policy=POLICY, today=today)


def test_a_new_post_mortem_is_due_five_business_days_after_the_incident(
    engine: Engine, stored: None
) -> None:
    report = _report(engine, dt.date(2025, 2, 10))
    # The dated one is due Tuesday 2025-02-11 (the incident was Tuesday 02-04); the undated
    # one has no due date and stays unknown, never overdue.
    assert [(i.incident_id, i.status.due, i.status.overdue) for i in report.items] == [
        (ID, dt.date(2025, 2, 11), False),
        (UNDATED, None, None),
    ]
    item = report.items[0]
    assert (item.owner, item.state, item.severity, item.status.stage) == (
        "Kim",
        None,
        Severity.P2,
        Stage.SUBMIT,
    )
    assert (item.status.counted_from, item.status.counted_from_what) == (
        dt.date(2025, 2, 4),
        "incident date",
    )
    assert report.overdue == []
    late = _report(engine, dt.date(2025, 2, 13))
    assert [(i.incident_id, i.status.days_late) for i in late.overdue] == [(ID, 2)]


def test_submission_and_approval_come_from_the_workflow(engine: Engine, stored: None) -> None:
    _step(engine, Transition.SUBMIT, KIM, NOW)  # Monday 2025-02-10: within 5 business days
    item = in_uow(
        engine, service.postmortem_policy, incident_id=ID, policy=POLICY, today=NOW.date()
    )
    assert (item.state, item.status.stage, item.status.submitted_on, item.status.due) == (
        State.IN_REVIEW,
        Stage.APPROVE,
        NOW.date(),
        dt.date(2025, 2, 18),
    )
    _step(engine, Transition.APPROVE, ANA, NOW + dt.timedelta(days=1))
    done = in_uow(
        engine, service.postmortem_policy, incident_id=ID, policy=POLICY, today=NOW.date()
    )
    assert (done.state, done.status.done, done.status.on_time, done.status.overdue) == (
        State.APPROVED,
        True,
        True,
        False,
    )
    assert done.status.approved_on == dt.date(2025, 2, 11)
    # A reopen does not make it late again: the deadline was met by the first approval.
    _step(engine, Transition.REOPEN, KIM, NOW + dt.timedelta(days=30), note="A typo")
    reopened = in_uow(
        engine,
        service.postmortem_policy,
        incident_id=ID,
        policy=POLICY,
        today=dt.date(2025, 4, 1),
    )
    assert (reopened.state, reopened.status.done, reopened.status.on_time) == (
        State.DRAFT,
        True,
        True,
    )
    report = _report(engine, dt.date(2025, 4, 1))
    assert [i.incident_id for i in report.items] == [UNDATED]
    # The undated one falls in no window of incident dates: the share is of the dated one.
    p2 = next(row for row in report.compliance if row.severity is Severity.P2)
    assert (p2.required, p2.done, p2.judged, p2.on_time, p2.share) == (1, 1, 1, 1, 1.0)


def test_severities_the_policy_does_not_name_need_no_post_mortem(
    engine: Engine, stored: None
) -> None:
    settings = load_settings()  # the default: P0 and P1 only
    report = in_uow(
        engine,
        service.policy_status,
        policy=service.policy_rules(settings),
        today=dt.date(2025, 6, 1),
    )
    assert report.items == []
    item = in_uow(
        engine,
        service.postmortem_policy,
        incident_id=ID,
        policy=service.policy_rules(settings),
        today=dt.date(2025, 6, 1),
    )
    assert (item.status.required, item.status.stage) == (False, Stage.NOT_REQUIRED)
    with pytest.raises(PostmortemNotFound):
        in_uow(
            engine,
            service.postmortem_policy,
            incident_id="INC-0000",
            policy=POLICY,
            today=NOW.date(),
        )


def test_follow_up_reviews_of_severities_the_policy_leaves_out_are_not_asked_for(
    engine: Engine, stored: None
) -> None:
    today = dt.date(2025, 2, 12)  # the P2 post-mortem's 1-week review (02-11) is late
    asked = parse_policy("P2=5/10", follow_up="P2")
    skipped = parse_policy("P2=5/10", follow_up="P0, P1")
    due = in_uow(engine, dashboard.coming_reviews, today=today, policy=asked)
    assert [(r.incident_id, r.kind.value) for r in due][:1] == [(ID, "1w")]
    assert in_uow(engine, dashboard.coming_reviews, today=today, policy=skipped) == []
    board = in_uow(engine, dashboard.dashboard, today=today, policy=skipped)
    assert (board.reviews_total, len(board.policy.items)) == (0, 2)

    def reminded(follow_up: str) -> dict[str | None, tuple[int, int]]:
        settings = load_settings(policy_deadlines="P2=5/10", policy_follow_up=follow_up)
        report = in_uow(
            engine,
            reminders.remind,
            settings=settings,
            today=today,
            now=NOW,
            dry_run=True,
            clock=lambda: NOW,
        )
        return {d.owner: (len(d.reviews), len(d.postmortems)) for d in report.digests}

    # The post-mortems are Kim's (who wrote them): the dated one is overdue to submit, the
    # undated one has no due date and is told of by `policy status`, not by a reminder. Its
    # review goes to Prepared By, which is empty: the no-owner digest.
    every = reminded("*")
    assert (every["Kim"], every[None]) == ((0, 1), (1, 0))
    some = reminded("P0")
    assert (some["Kim"], some.get(None, (0, 0))) == ((0, 1), (0, 0))


def test_the_policy_of_every_post_mortem_is_one_query(engine: Engine, stored: None) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with UnitOfWork(engine) as uow:
        uow.session.connection()  # the connection's own set-up is no query of the policy's
        event.listen(engine, "before_cursor_execute", count)
        try:
            report = service.policy_status(uow, policy=POLICY, today=dt.date(2025, 2, 10))
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(report.items) == 2
    assert len(statements) == 1


SIGNED = "INC-2025-0033"


def test_a_post_mortem_signed_off_in_its_markdown_is_done_on_that_date(
    engine: Engine, tmp_path: Path
) -> None:
    # Written and signed off outside Blamefree, then imported: the Sign-Off's approver and date
    # are the approval, as long as the post-mortem never entered the review workflow.
    signed = tmp_path / "signed.md"
    signed.write_text(
        REVIEWABLE.replace(ID, SIGNED).rstrip()
        + "\n\n## Sign-Off\n\n**Prepared By:** Kim  \n**Reviewed By:** Ravi  \n"
        "**Approved By:** Ana  \n**Date:** 2025-02-10\n",
        encoding="utf-8",
    )
    unsigned = tmp_path / "unsigned.md"
    unsigned.write_text(
        REVIEWABLE.rstrip() + "\n\n## Sign-Off\n\n**Prepared By:** Kim  \n**Approved By:** Ana\n",
        encoding="utf-8",
    )
    report = in_uow(
        engine, postmortems.import_files, paths=[signed, unsigned], today=NOW.date(), by="Kim"
    )
    assert [o.error for o in report.outcomes] == [None, None]
    later = dt.date(2025, 4, 1)
    item = in_uow(engine, service.postmortem_policy, incident_id=SIGNED, policy=POLICY, today=later)
    assert (item.state, item.status.done, item.status.on_time, item.status.approved_on) == (
        None,
        True,
        True,
        dt.date(2025, 2, 10),
    )
    # An approver without a date is no date to count from: not done, and overdue by now.
    no_date = in_uow(engine, service.postmortem_policy, incident_id=ID, policy=POLICY, today=later)
    assert (no_date.status.done, no_date.status.overdue) == (False, True)
    # Once in the workflow, only the workflow's approval counts.
    in_uow(
        engine,
        workflow.transition,
        incident_id=SIGNED,
        step=Transition.SUBMIT,
        principal=KIM,
        now=NOW,
        review=RULES,
    )
    in_flow = in_uow(
        engine, service.postmortem_policy, incident_id=SIGNED, policy=POLICY, today=later
    )
    assert (in_flow.state, in_flow.status.done, in_flow.status.approved_on) == (
        State.IN_REVIEW,
        False,
        None,
    )
