"""Use cases of the review workflow: name reviewers and approvers, submit, review, approve,
publish and reopen a post-mortem, and read where its review stands.

The rules (which transition from which state, who may make it, how many approvals) are
``domain.workflow``'s; this module applies them to the store, fills the Sign-Off section from
what happened (a revision written past the workflow's own guard) and records every change in
the audit log, all in the caller's unit of work. See docs/review-workflow.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from blamefree.config import Settings
from blamefree.domain import values
from blamefree.domain import workflow as rules
from blamefree.domain.accounts import Principal
from blamefree.domain.workflow import (
    Approval,
    ApprovalPolicy,
    ApprovalRule,
    Facts,
    MemberRole,
    SignOffNames,
    State,
    Transition,
)
from blamefree.errors import (
    ReviewForbidden,
    SubmissionBlocked,
    TransitionNotAllowed,
    Unauthenticated,
    ValidationFailed,
)
from blamefree.lint.config import LintConfig
from blamefree.lint.finding import Finding, Level
from blamefree.services import audit
from blamefree.services.linting import lint_stored
from blamefree.services.saving import save_unchecked
from blamefree.store import UnitOfWork
from blamefree.store.workflow import Member, TransitionRecord, WorkflowRepository

NOTE_LIMIT = 4000


@dataclass(frozen=True)
class ReviewRules:
    """The team's rules for reviews: approvals per severity, lint levels that block."""

    policy: ApprovalPolicy = field(
        default_factory=lambda: rules.parse_policy(rules.DEFAULT_APPROVAL_RULES)
    )
    blocking: frozenset[Level] = frozenset({Level.ERROR})
    lint: LintConfig | None = None


def review_rules(settings: Settings, *, lint: LintConfig | None = None) -> ReviewRules:
    """The review rules the settings give (``review_approvals``, ``review_blocking_levels``)."""
    levels = {p.strip().lower() for p in settings.review_blocking_levels.split(",") if p.strip()}
    return ReviewRules(
        policy=rules.parse_policy(settings.review_approvals),
        blocking=frozenset(Level(level) for level in levels),
        lint=lint,
    )


@dataclass(frozen=True)
class WorkflowView:
    """Where one post-mortem's review stands, and what the one asking may do next."""

    incident_id: str
    state: State
    entered: bool  # False: it never entered the workflow (its Sign-Off is free text)
    owner: str | None
    reviewers: list[Member]
    approvers: list[Member]
    round: int
    approvals: list[Approval]
    rule: ApprovalRule
    approved_at: dt.datetime | None
    transitions: list[TransitionRecord]
    allowed: list[Transition]
    sign_off: SignOffNames

    @property
    def locked(self) -> bool:
        return self.state.locked

    @property
    def reviewed_by(self) -> list[str]:
        """Who gave a review decision since the workflow last (re)started."""
        return _reviewed_by(self.transitions)


def workflow_status(
    uow: UnitOfWork, *, incident_id: str, principal: Principal, review: ReviewRules
) -> WorkflowView:
    """Where the post-mortem's review stands; ``allowed`` lists what ``principal`` may do."""
    return _view(uow, incident_id, principal, review)


def assign(
    uow: UnitOfWork,
    *,
    incident_id: str,
    principal: Principal,
    now: dt.datetime,
    review: ReviewRules,
    owner: str | None = None,
    reviewers: Sequence[str] = (),
    approvers: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> WorkflowView:
    """Name the owner, reviewers and approvers of a post-mortem (``remove``: un-name people in
    every role); its owner, an approver or an admin may. Starts its workflow if need be."""
    stamp = uow.postmortems.stamp(incident_id)
    repo = WorkflowRepository(uow.session)
    facts = _facts(uow, incident_id, stamp.row_id)
    if principal.is_anonymous:
        raise Unauthenticated("naming reviewers needs someone signed in")
    if not (rules.is_owner(principal, facts) or rules.counts_as_approver(principal, facts)):
        raise ReviewForbidden(
            f"only the owner of {incident_id} ({facts.owner or 'nobody yet'}), an approver or "
            "an admin may name its reviewers and approvers"
        )
    new_owner = _name(owner, "owner") if owner is not None else facts.owner
    added: dict[str, list[str]] = {"reviewer": [], "approver": []}
    removed: list[str] = []
    with uow.stamped(now):
        record = repo.get(stamp.row_id)
        repo.put(
            stamp.row_id,
            state=record.state if record else State.DRAFT,
            owner=new_owner,
            round_=record.round if record else 0,
            approved_at=record.approved_at if record else None,
            now=now,
        )
        for role, names in ((MemberRole.REVIEWER, reviewers), (MemberRole.APPROVER, approvers)):
            for raw in names:
                name = _name(raw, role.value)
                if name == new_owner:
                    raise ValidationFailed(
                        f"{name} is the owner (author) of {incident_id} and cannot review it",
                        field=role.value,
                    )
                if repo.add_member(stamp.row_id, name, role, by=principal.name, now=now):
                    added[role.value].append(name)
        for raw in remove:
            name = _name(raw, "remove")
            if any([repo.remove_member(stamp.row_id, name, role) for role in MemberRole]):
                removed.append(name)
        audit.record(
            uow,
            action="workflow.assign",
            incident_id=incident_id,
            by=principal.name,
            details={
                "owner": new_owner,
                "reviewers_added": added["reviewer"],
                "approvers_added": added["approver"],
                "removed": removed,
            },
        )
    return _view(uow, incident_id, principal, review)


def transition(
    uow: UnitOfWork,
    *,
    incident_id: str,
    step: Transition,
    principal: Principal,
    now: dt.datetime,
    review: ReviewRules,
    note: str | None = None,
) -> WorkflowView:
    """Make one transition of the post-mortem's review, as ``principal``, at ``now``.

    ``note`` is the comment of a request for changes and the reason of a reopen (both
    required), an optional remark otherwise. ``TransitionNotAllowed`` when the state does not
    allow it, ``ReviewForbidden`` when this person may not, ``SubmissionBlocked`` when a
    submission meets lint findings at a blocking level (they are listed).
    """
    note = " ".join((note or "").split()) or None
    if note is not None and len(note) > NOTE_LIMIT:
        raise ValidationFailed(f"at most {NOTE_LIMIT} characters", field="note")
    if note is None and step in (Transition.REQUEST_CHANGES, Transition.REOPEN):
        what = "what should change" if step is Transition.REQUEST_CHANGES else "why it reopens"
        raise ValidationFailed(f"{step.value} needs a comment saying {what}", field="note")
    stamp = uow.postmortems.stamp(incident_id)
    repo = WorkflowRepository(uow.session)
    facts = _facts(uow, incident_id, stamp.row_id)
    if principal.is_anonymous:
        raise Unauthenticated(f"{step.value} needs someone signed in")
    refused = rules.refusal(step, principal, facts)
    if refused is not None:
        error = TransitionNotAllowed if refused.kind == "state" else ReviewForbidden
        raise error(f"cannot {step.value} {incident_id}: {refused.reason}")
    assert principal.name is not None  # refusal() turns away a principal without one
    record = repo.get(stamp.row_id)
    round_ = record.round if record else 0
    owner = facts.owner or principal.name  # the first submitter of an unowned one owns it
    approvals = list(facts.approvals)
    approved_at = record.approved_at if record else None
    rule = review.policy.rule_for(facts.severity)
    if step is Transition.SUBMIT:
        _check_lint(uow, incident_id, review)
        round_ += 1
        approvals = []
        approved_at = None
    elif step is Transition.APPROVE:
        as_approver = rules.counts_as_approver(principal, facts)
        repo.add_approval(
            stamp.row_id,
            round_,
            principal.name,
            as_approver=as_approver,
            version=stamp.version,
            now=now,
        )
        approvals.append(Approval(principal.name, as_approver, now))
    elif step is Transition.REOPEN:
        approved_at = None
    target = rules.after(step, _with(facts, approvals=tuple(approvals)), rule)
    if step is Transition.APPROVE and target is State.APPROVED:
        approved_at = now
    with uow.stamped(now):
        repo.put(
            stamp.row_id,
            state=target,
            owner=owner,
            round_=round_,
            approved_at=approved_at,
            now=now,
        )
        repo.add_transition(
            stamp.row_id,
            step,
            from_state=facts.state,
            to_state=target,
            round_=round_,
            by=principal.name,
            now=now,
            note=note,
        )
        audit.record(
            uow,
            action=f"workflow.{step.value}",
            incident_id=incident_id,
            by=principal.name,
            details={
                "from": facts.state.value,
                "to": target.value,
                "round": round_,
                "note": note,
                "approvals": len(approvals),
                "needed": rule.describe(),
            },
        )
        _fill_sign_off(uow, incident_id, stamp.row_id, owner, target, approvals, principal)
    return _view(uow, incident_id, principal, review)


# --- internals -----------------------------------------------------------------------------


def _name(raw: str, field: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise ValidationFailed("a name cannot be empty", field=field)
    if len(name) > 200:
        raise ValidationFailed("a name has at most 200 characters", field=field)
    return name


def _with(facts: Facts, *, approvals: tuple[Approval, ...]) -> Facts:
    return Facts(
        state=facts.state,
        owner=facts.owner,
        reviewers=facts.reviewers,
        approvers=facts.approvers,
        approvals=approvals,
        severity=facts.severity,
    )


def _facts(uow: UnitOfWork, incident_id: str, row_id: int) -> Facts:
    repo = WorkflowRepository(uow.session)
    record = repo.get(row_id)
    members = repo.members(row_id)
    severity = uow.postmortems.get(incident_id, events=False).doc.severity
    owner = record.owner if record and record.owner else _first_author(uow, incident_id)
    in_round = record is not None and record.state is not State.DRAFT
    return Facts(
        state=record.state if record else State.DRAFT,
        owner=owner,
        reviewers=tuple(m.name for m in members if m.role is MemberRole.REVIEWER),
        approvers=tuple(m.name for m in members if m.role is MemberRole.APPROVER),
        approvals=tuple(repo.approvals(row_id, record.round)) if record and in_round else (),
        severity=severity,
    )


def _first_author(uow: UnitOfWork, incident_id: str) -> str | None:
    """Who wrote version 1: the owner of a post-mortem nobody named one for."""
    history = uow.postmortems.history(incident_id)
    return history[0].author if history and history[0].author else None


def _reviewed_by(transitions: Iterable[TransitionRecord]) -> list[str]:
    names: list[str] = []
    for t in transitions:
        if t.transition is Transition.REOPEN:
            names = []
        elif (
            t.transition in (Transition.APPROVE, Transition.REQUEST_CHANGES)
            and t.by
            and t.by not in names
        ):
            names.append(t.by)
    return names


def _check_lint(uow: UnitOfWork, incident_id: str, review: ReviewRules) -> None:
    if not review.blocking:
        return
    report = lint_stored(uow, incident_id=incident_id, config=review.lint)
    blocking: list[Finding] = [f for f in report.findings if f.severity in review.blocking]
    if blocking:
        levels = "/".join(sorted(level.value for level in review.blocking))
        listed = "; ".join(f"line {f.line}: {f.rule} {f.message}" for f in blocking[:10])
        more = f" (and {len(blocking) - 10} more)" if len(blocking) > 10 else ""
        raise SubmissionBlocked(
            f"{incident_id} has {len(blocking)} lint finding(s) at a blocking level ({levels}); "
            f"fix them before submitting it for review: {listed}{more}",
            findings=blocking,
        )


def _fill_sign_off(
    uow: UnitOfWork,
    incident_id: str,
    row_id: int,
    owner: str,
    state: State,
    approvals: Sequence[Approval],
    principal: Principal,
) -> None:
    """Write the Sign-Off section as the workflow now says (a revision, when it changes)."""
    stored = uow.postmortems.get(incident_id)
    transitions = WorkflowRepository(uow.session).transitions(row_id)
    names = rules.sign_off_names(
        owner=owner,
        reviewers=_reviewed_by(transitions),
        approvals=approvals,
        approved=state in (State.APPROVED, State.PUBLISHED),
        zone=values.zone(stored.doc.timezone) if stored.doc.timezone else dt.UTC,
    )
    current = stored.doc.sign_off
    filled = current.model_copy(
        update={
            "prepared_by": names.prepared_by,
            "prepared_by_text": None,
            "reviewed_by": names.reviewed_by,
            "reviewed_by_text": None,
            "approved_by": names.approved_by,
            "approved_by_text": None,
            "date": names.date,
            "date_text": None,
        }
    )
    if filled == current:
        return
    save_unchecked(
        uow,
        incident_id=incident_id,
        doc=stored.doc.model_copy(update={"sign_off": filled}),
        expected_version=stored.version,
        message="sign-off filled by the review workflow",
        by=principal.name,
        action="workflow.sign-off",
    )


def _view(
    uow: UnitOfWork, incident_id: str, principal: Principal, review: ReviewRules
) -> WorkflowView:
    stamp = uow.postmortems.stamp(incident_id)
    repo = WorkflowRepository(uow.session)
    record = repo.get(stamp.row_id)
    facts = _facts(uow, incident_id, stamp.row_id)
    members = repo.members(stamp.row_id)
    transitions = repo.transitions(stamp.row_id)
    approved = facts.state in (State.APPROVED, State.PUBLISHED)
    return WorkflowView(
        incident_id=incident_id,
        state=facts.state,
        entered=record is not None,
        owner=facts.owner,
        reviewers=[m for m in members if m.role is MemberRole.REVIEWER],
        approvers=[m for m in members if m.role is MemberRole.APPROVER],
        round=record.round if record else 0,
        approvals=list(facts.approvals),
        rule=review.policy.rule_for(facts.severity),
        approved_at=record.approved_at if record else None,
        transitions=transitions,
        allowed=rules.allowed(principal, facts),
        sign_off=rules.sign_off_names(
            owner=facts.owner,
            reviewers=_reviewed_by(transitions),
            approvals=facts.approvals,
            approved=approved,
        ),
    )
