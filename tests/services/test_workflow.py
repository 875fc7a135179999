"""The review workflow on a real store (SQLite and PostgreSQL): transitions, who, approvals,
the Sign-Off it fills, the lock on an approved post-mortem and the audit log of it all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, exc, text

from blamefree.domain.accounts import Principal, Role
from blamefree.domain.audit import Origin
from blamefree.domain.workflow import State, Transition, parse_policy
from blamefree.errors import (
    PostmortemLocked,
    ReviewForbidden,
    SignOffManaged,
    SubmissionBlocked,
    TransitionNotAllowed,
    ValidationFailed,
)
from blamefree.services import audit, postmortems, timeline, updates
from blamefree.services import workflow as service
from blamefree.store import UnitOfWork
from support.uow import in_uow
from support.updates_doc import DOCUMENT, NOW
from support.workflow_doc import ID, REVIEWABLE, TWO_APPROVALS

KIM = Principal(name="Kim", role=Role.AUTHOR)
RAVI = Principal(name="Ravi", role=Role.REVIEWER)
ANA = Principal(name="Ana", role=Role.APPROVER)
BO = Principal(name="Bo", role=Role.APPROVER)
RULES = service.ReviewRules(policy=parse_policy(TWO_APPROVALS))


def _store(engine: Engine, tmp_path: Path, document: str = REVIEWABLE) -> None:
    path = tmp_path / "ledger.md"
    path.write_text(document, encoding="utf-8")
    report = in_uow(engine, postmortems.import_files, paths=[path], today=NOW.date(), by="Kim")
    assert [(o.action, o.error) for o in report.outcomes] == [("created", None)]


def _step(
    engine: Engine,
    step: Transition,
    who: Principal,
    *,
    minutes: int = 0,
    note: str | None = None,
) -> service.WorkflowView:
    return in_uow(
        engine,
        service.transition,
        incident_id=ID,
        step=step,
        principal=who,
        now=NOW + dt.timedelta(minutes=minutes),
        review=RULES,
        note=note,
    )


@pytest.fixture
def stored(engine: Engine, tmp_path: Path) -> str:
    _store(engine, tmp_path)
    view = in_uow(
        engine,
        service.assign,
        incident_id=ID,
        principal=KIM,
        now=NOW,
        review=RULES,
        reviewers=["Ravi"],
        approvers=["Ana", "Bo"],
    )
    assert (view.owner, [m.name for m in view.reviewers], [m.name for m in view.approvers]) == (
        "Kim",
        ["Ravi"],
        ["Ana", "Bo"],
    )
    return ID


def test_a_review_from_draft_to_published_and_reopened(engine: Engine, stored: str) -> None:
    view = _step(engine, Transition.SUBMIT, KIM)
    assert (view.state, view.round, view.allowed) == (State.IN_REVIEW, 1, [])
    view = _step(
        engine, Transition.REQUEST_CHANGES, RAVI, minutes=10, note="Say why the disk filled"
    )
    assert view.state is State.DRAFT
    view = _step(engine, Transition.SUBMIT, KIM, minutes=20)
    assert (view.state, view.round) == (State.IN_REVIEW, 2)
    view = _step(engine, Transition.APPROVE, ANA, minutes=30)
    assert (view.state, [a.name for a in view.approvals]) == (State.IN_REVIEW, ["Ana"])
    view = _step(engine, Transition.APPROVE, BO, minutes=40)
    assert (view.state, [a.name for a in view.approvals]) == (State.APPROVED, ["Ana", "Bo"])
    assert view.approved_at == NOW + dt.timedelta(minutes=40)
    doc = in_uow(engine, postmortems.get_postmortem, incident_id=ID).doc
    assert (
        doc.sign_off.prepared_by,
        doc.sign_off.reviewed_by,
        doc.sign_off.approved_by,
        doc.sign_off.date,
    ) == ("Kim", "Ravi, Ana, Bo", "Ana, Bo", NOW.date())
    markdown = in_uow(engine, updates.export_markdown, incident_id=ID, with_base=False)
    assert "**Approved By:** Ana, Bo" in markdown

    # Locked: no edit of any kind until it is reopened.
    with pytest.raises(PostmortemLocked) as locked:
        in_uow(
            engine,
            timeline.add_event,
            incident_id=ID,
            at="2025-02-09T03:00:00Z",
            text="x",
            by="Kim",
        )
    assert locked.value.message == (
        f"post-mortem {ID!r} is approved and takes no edit; nothing was saved. Reopen it with a "
        "reason first (the reopen is recorded)."
    )
    assert (locked.value.http_status, locked.value.exit_code) == (423, 5)
    with pytest.raises(PostmortemLocked):
        in_uow(engine, postmortems.delete_postmortem, incident_id=ID, by="Kim")

    view = _step(engine, Transition.PUBLISH, ANA, minutes=50)
    assert (view.state, view.allowed) == (State.PUBLISHED, [Transition.REOPEN])
    with pytest.raises(ValidationFailed) as no_reason:
        _step(engine, Transition.REOPEN, KIM, minutes=60)
    assert no_reason.value.field == "note"
    view = _step(engine, Transition.REOPEN, KIM, minutes=60, note="The 1-week review found a gap")
    assert view.state is State.DRAFT
    doc = in_uow(engine, postmortems.get_postmortem, incident_id=ID).doc
    assert (doc.sign_off.prepared_by, doc.sign_off.approved_by, doc.sign_off.date) == (
        "Kim",
        None,
        None,
    )
    event = in_uow(
        engine,
        timeline.add_event,
        incident_id=ID,
        at="2025-02-09T03:00:00Z",
        text="Disk alert",
        by="Kim",
    )
    assert event.text == "Disk alert"

    assert [(t.transition, t.from_state, t.to_state, t.by, t.note) for t in view.transitions] == [
        (Transition.SUBMIT, State.DRAFT, State.IN_REVIEW, "Kim", None),
        (
            Transition.REQUEST_CHANGES,
            State.IN_REVIEW,
            State.DRAFT,
            "Ravi",
            "Say why the disk filled",
        ),
        (Transition.SUBMIT, State.DRAFT, State.IN_REVIEW, "Kim", None),
        (Transition.APPROVE, State.IN_REVIEW, State.IN_REVIEW, "Ana", None),
        (Transition.APPROVE, State.IN_REVIEW, State.APPROVED, "Bo", None),
        (Transition.PUBLISH, State.APPROVED, State.PUBLISHED, "Ana", None),
        (Transition.REOPEN, State.PUBLISHED, State.DRAFT, "Kim", "The 1-week review found a gap"),
    ]
    entries = in_uow(engine, audit.audit_log, incident_id=ID)
    assert [(e.action, e.actor, e.channel) for e in entries] == [
        ("create", "Kim", "cli"),
        ("workflow.assign", "Kim", "cli"),
        ("workflow.submit", "Kim", "cli"),
        ("workflow.sign-off", "Kim", "cli"),
        ("workflow.request-changes", "Ravi", "cli"),
        ("workflow.sign-off", "Ravi", "cli"),
        ("workflow.submit", "Kim", "cli"),
        ("workflow.approve", "Ana", "cli"),
        ("workflow.sign-off", "Ana", "cli"),
        ("workflow.approve", "Bo", "cli"),
        ("workflow.sign-off", "Bo", "cli"),
        ("workflow.publish", "Ana", "cli"),
        ("workflow.reopen", "Kim", "cli"),
        ("workflow.sign-off", "Kim", "cli"),
        ("edit", "Kim", "cli"),
    ]
    assert entries[4].details["note"] == "Say why the disk filled"
    assert entries[9].details == {
        "from": "in_review",
        "to": "approved",
        "round": 2,
        "note": None,
        "approvals": 2,
        "needed": "2 approvals, at least 1 from an approver",
    }
    assert entries[-1].details["message"].startswith("timeline: ")


def test_the_author_cannot_approve_their_own(engine: Engine, stored: str) -> None:
    _step(engine, Transition.SUBMIT, KIM)
    boss = Principal(name="Kim", role=Role.ADMIN)
    with pytest.raises(ReviewForbidden) as refused:
        _step(engine, Transition.APPROVE, boss)
    assert refused.value.message == f"cannot approve {ID}: Kim is its author and may not review it"
    assert (refused.value.http_status, refused.value.exit_code) == (403, 10)
    with pytest.raises(TransitionNotAllowed) as wrong_state:
        _step(engine, Transition.PUBLISH, ANA)
    assert (
        wrong_state.value.message
        == f"cannot publish {ID}: it is in review; publish needs it approved"
    )
    assert (wrong_state.value.http_status, wrong_state.value.exit_code) == (409, 5)
    view = in_uow(engine, service.workflow_status, incident_id=ID, principal=KIM, review=RULES)
    assert (view.state, view.approvals) == (State.IN_REVIEW, [])  # nothing was recorded


def test_two_approvals_by_reviewers_alone_do_not_approve_it(engine: Engine, stored: str) -> None:
    _step(engine, Transition.SUBMIT, KIM)
    view = _step(engine, Transition.APPROVE, RAVI)
    lee = Principal(name="Lee", role=Role.REVIEWER)
    view = _step(engine, Transition.APPROVE, lee)
    assert (view.state, len(view.approvals)) == (State.IN_REVIEW, 2)  # no approver among them
    view = _step(engine, Transition.APPROVE, ANA)
    assert view.state is State.APPROVED


def test_lint_errors_block_a_submission_and_are_listed(engine: Engine, tmp_path: Path) -> None:
    _store(engine, tmp_path, DOCUMENT)  # its What Went Wrong section is missing (BF202, error)
    with pytest.raises(SubmissionBlocked) as blocked:
        _step(engine, Transition.SUBMIT, KIM)
    assert [(f.rule, f.severity.value) for f in blocked.value.findings] == [("BF202", "error")]
    assert "section 'What Went Wrong' is missing" in blocked.value.message
    assert (blocked.value.http_status, blocked.value.exit_code) == (422, 3)
    view = in_uow(engine, service.workflow_status, incident_id=ID, principal=KIM, review=RULES)
    assert (view.state, view.entered) == (State.DRAFT, False)
    # A team that lets errors through (blocking on nothing) submits it.
    lenient = service.ReviewRules(policy=RULES.policy, blocking=frozenset())
    view = in_uow(
        engine,
        service.transition,
        incident_id=ID,
        step=Transition.SUBMIT,
        principal=KIM,
        now=NOW,
        review=lenient,
    )
    assert view.state is State.IN_REVIEW


def test_the_sign_off_cannot_be_typed_over_while_in_the_workflow(
    engine: Engine, stored: str, tmp_path: Path
) -> None:
    _step(engine, Transition.SUBMIT, KIM)
    current = in_uow(engine, postmortems.get_postmortem, incident_id=ID)
    typed = current.doc.sign_off.model_copy(update={"approved_by": "Someone Important"})
    with pytest.raises(SignOffManaged) as refused:
        in_uow(
            engine,
            postmortems.update_postmortem,
            incident_id=ID,
            postmortem_in=current.doc.model_copy(update={"sign_off": typed}),
            expected_version=current.version,
            by="Kim",
        )
    assert "(approved_by)" in refused.value.message
    assert (refused.value.http_status, refused.value.exit_code) == (409, 5)
    # Any other change in review is fine.
    title = current.doc.model_copy(update={"title": "Ledger export stalled"})
    saved = in_uow(
        engine,
        postmortems.update_postmortem,
        incident_id=ID,
        postmortem_in=title,
        expected_version=current.version,
        by="Kim",
    )
    assert saved.version == current.version + 1


def test_the_audit_log_refuses_update_and_delete_in_the_database(
    engine: Engine, stored: str
) -> None:
    with UnitOfWork(engine, origin=Origin("web", "203.0.113.7")) as uow:
        audit.record(uow, action="test", incident_id=ID, by="Kim", details={"n": 1})
    entries = in_uow(engine, audit.audit_log, incident_id=ID)
    assert (entries[-1].channel, entries[-1].address, entries[-1].details) == (
        "web",
        "203.0.113.7",
        {"n": 1},
    )
    for statement in ("UPDATE audit_log SET actor = 'Mallory'", "DELETE FROM audit_log"):
        with pytest.raises(exc.DBAPIError) as refused, engine.begin() as connection:
            connection.execute(text(statement))
        assert "audit_log is append-only" in str(refused.value)
    assert len(in_uow(engine, audit.audit_log, incident_id=ID)) == len(entries)


def test_a_deleted_post_mortem_keeps_its_audit_entries(engine: Engine, stored: str) -> None:
    in_uow(engine, postmortems.delete_postmortem, incident_id=ID, by="Kim")
    entries = in_uow(engine, audit.audit_log, incident_id=ID)
    assert [e.action for e in entries] == ["create", "workflow.assign", "delete"]


def test_webhook_events_for_a_locked_post_mortem_wait_in_the_inbox(engine: Engine) -> None:
    from blamefree.services import inbox
    from blamefree.store.workflow import WorkflowRepository
    from support.hooks import INCIDENT, payload, store_incident

    store_incident(engine)
    with UnitOfWork(engine) as uow:
        row_id = uow.postmortems.stamp(INCIDENT).row_id
        WorkflowRepository(uow.session).put(
            row_id, state=State.PUBLISHED, owner="Kim", round_=1, approved_at=NOW, now=NOW
        )
    body = payload("alertmanager-firing.json")
    report = in_uow(engine, inbox.receive_delivery, source="alertmanager", body=body)
    assert (report.added, report.inbox) == ({}, 2)
    waiting = [(i.event.text, i.named) for i in in_uow(engine, inbox.list_inbox)]
    assert (
        "Firing: CheckoutErrorRateHigh: 5xx ratio on /checkout above 5%",
        INCIDENT,
    ) in waiting
