"""The review workflow as pure rules: states, transitions, who may make each, approval counts.

    draft ──submit──▶ in_review ──approve (enough approvals)──▶ approved ──publish──▶ published
      ▲                  │  ▲                                      │                   │
      └─request_changes──┘  └─approve (not enough yet: stays)      └──────reopen───────┘
      ▲                                                                     (reason) │
      └──────────────────────────────────────────────────────────────────────────────┘

``request_changes`` and ``reopen`` both lead back to ``draft``; the transition history keeps
which one it was, with its comment or reason. Who may make a transition depends on the
principal's role and on how they are named on the post-mortem (owner, reviewer, approver): see
``check`` and docs/review-workflow.md. Nothing here reads a store or a clock.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from blamefree.domain.accounts import Principal, Role
from blamefree.domain.enums import Severity


class State(enum.StrEnum):
    """Where a post-mortem stands in its review."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def locked(self) -> bool:
        """An approved or published post-mortem takes no edit until it is reopened."""
        return self in (State.APPROVED, State.PUBLISHED)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Transition(enum.StrEnum):
    """What someone does to a post-mortem's review."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"
    PUBLISH = "publish"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return {
            Transition.SUBMIT: "Submit for review",
            Transition.APPROVE: "Approve",
            Transition.REQUEST_CHANGES: "Request changes",
            Transition.PUBLISH: "Publish",
            Transition.REOPEN: "Reopen",
        }[self]


SOURCES: dict[Transition, tuple[State, ...]] = {
    Transition.SUBMIT: (State.DRAFT,),
    Transition.APPROVE: (State.IN_REVIEW,),
    Transition.REQUEST_CHANGES: (State.IN_REVIEW,),
    Transition.PUBLISH: (State.APPROVED,),
    Transition.REOPEN: (State.APPROVED, State.PUBLISHED),
}
"""The states each transition can start from."""


class MemberRole(enum.StrEnum):
    """How a person is named on one post-mortem (its owner is kept apart: there is one)."""

    REVIEWER = "reviewer"
    APPROVER = "approver"


@dataclass(frozen=True)
class Approval:
    """One approval in the current round of review."""

    name: str
    as_approver: bool  # counted as an approver's (named approver, or role approver or admin)
    at: dt.datetime


@dataclass(frozen=True)
class ApprovalRule:
    """How many approvals a post-mortem needs, and how many of them from approvers."""

    approvals: int = 1
    from_approvers: int = 0

    def describe(self) -> str:
        needed = f"{self.approvals} approval{'s' if self.approvals != 1 else ''}"
        if self.from_approvers:
            return f"{needed}, at least {self.from_approvers} from an approver"
        return needed


@dataclass(frozen=True)
class ApprovalPolicy:
    """The approval rule of each severity; ``default`` for others and for an unknown one."""

    by_severity: dict[Severity, ApprovalRule] = field(default_factory=dict)
    default: ApprovalRule = ApprovalRule()

    def rule_for(self, severity: Severity | None) -> ApprovalRule:
        return self.by_severity.get(severity, self.default) if severity else self.default


DEFAULT_APPROVAL_RULES = "P0=2/1, P1=2/1, *=1/0"
"""P0 and P1 need two approvals, one of them an approver's; every other severity needs one."""


def parse_policy(text: str) -> ApprovalPolicy:
    """``P0=2/1, P1=2/1, *=1/0``: per severity, approvals needed / of them from approvers.

    ``ValueError`` naming the part it cannot read."""
    by_severity: dict[Severity, ApprovalRule] = {}
    default = ApprovalRule()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, counts = part.partition("=")
        needed, _, approvers = counts.strip().partition("/")
        try:
            rule = ApprovalRule(int(needed), int(approvers or 0))
        except ValueError:
            raise ValueError(
                f"{part!r}: write SEVERITY=APPROVALS/FROM_APPROVERS, e.g. P1=2/1"
            ) from None
        if not sep or rule.approvals < 1 or not 0 <= rule.from_approvers <= rule.approvals:
            raise ValueError(
                f"{part!r}: needs at least 1 approval, and no more from approvers than in all"
            )
        name = key.strip().upper()
        if name == "*":
            default = rule
            continue
        try:
            by_severity[Severity(name)] = rule
        except ValueError:
            known = ", ".join(s.value for s in Severity)
            raise ValueError(f"{part!r}: {key.strip()!r} is no severity ({known} or *)") from None
    return ApprovalPolicy(by_severity, default)


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one post-mortem's review."""

    state: State = State.DRAFT
    owner: str | None = None
    reviewers: tuple[str, ...] = ()
    approvers: tuple[str, ...] = ()
    approvals: tuple[Approval, ...] = ()
    severity: Severity | None = None

    def named(self, name: str | None) -> set[MemberRole]:
        found: set[MemberRole] = set()
        if name is None:
            return found
        if name in self.reviewers:
            found.add(MemberRole.REVIEWER)
        if name in self.approvers:
            found.add(MemberRole.APPROVER)
        return found


@dataclass(frozen=True)
class Refusal:
    """Why a transition cannot be made: ``kind`` is ``"state"`` (not from this state) or
    ``"who"`` (not by this person)."""

    kind: str
    reason: str


def is_owner(principal: Principal, facts: Facts) -> bool:
    return principal.name is not None and principal.name == facts.owner


def counts_as_approver(principal: Principal, facts: Facts) -> bool:
    """Whether an approval by this principal counts as an approver's."""
    return MemberRole.APPROVER in facts.named(principal.name) or principal.role.at_least(
        Role.APPROVER
    )


def may_review(principal: Principal, facts: Facts) -> bool:
    """A named reviewer or approver, or a role of reviewer or above."""
    return bool(facts.named(principal.name)) or principal.role.at_least(Role.REVIEWER)


def refusal(transition: Transition, principal: Principal, facts: Facts) -> Refusal | None:
    """Why ``principal`` may not make ``transition`` now, or None when they may."""
    if facts.state not in SOURCES[transition]:
        sources = " or ".join(s.label for s in SOURCES[transition])
        return Refusal("state", f"it is {facts.state.label}; {transition.value} needs it {sources}")
    if principal.name is None:
        return Refusal("who", "nobody is named as the one acting")
    if not principal.can_write():
        return Refusal("who", f"a {principal.role.value} may not change a review")
    owner = is_owner(principal, facts)
    if transition is Transition.SUBMIT:
        if owner or principal.is_admin or facts.owner is None:
            return None
        return Refusal("who", f"only its owner ({facts.owner}) or an admin may submit it")
    if transition in (Transition.APPROVE, Transition.REQUEST_CHANGES):
        if owner:
            return Refusal("who", f"{principal.name} is its author and may not review it")
        if not may_review(principal, facts):
            return Refusal("who", f"{principal.name} is not a reviewer or approver of it")
        if transition is Transition.APPROVE and any(
            a.name == principal.name for a in facts.approvals
        ):
            return Refusal("who", f"{principal.name} has approved it already in this round")
        return None
    if transition is Transition.PUBLISH:
        if counts_as_approver(principal, facts):
            return None
        return Refusal("who", "only an approver or an admin may publish it")
    # reopen
    if owner or counts_as_approver(principal, facts):
        return None
    return Refusal("who", "only its owner, an approver or an admin may reopen it")


def allowed(principal: Principal, facts: Facts) -> list[Transition]:
    """The transitions ``principal`` may make now, in the order a page shows them."""
    return [t for t in Transition if refusal(t, principal, facts) is None]


def approved_enough(rule: ApprovalRule, approvals: Sequence[Approval]) -> bool:
    """Whether these approvals meet the rule."""
    by_approvers = sum(1 for a in approvals if a.as_approver)
    return len(approvals) >= rule.approvals and by_approvers >= rule.from_approvers


def after(transition: Transition, facts: Facts, rule: ApprovalRule) -> State:
    """The state a transition leads to (approve: approved once the rule is met)."""
    if transition is Transition.SUBMIT:
        return State.IN_REVIEW
    if transition is Transition.APPROVE:
        return State.APPROVED if approved_enough(rule, facts.approvals) else State.IN_REVIEW
    if transition is Transition.PUBLISH:
        return State.PUBLISHED
    return State.DRAFT


@dataclass(frozen=True)
class SignOffNames:
    """The Sign-Off section as the workflow fills it."""

    prepared_by: str | None
    reviewed_by: str | None
    approved_by: str | None
    date: dt.date | None


def sign_off_names(
    *,
    owner: str | None,
    reviewers: Iterable[str],
    approvals: Sequence[Approval],
    approved: bool,
    zone: dt.tzinfo = dt.UTC,
) -> SignOffNames:
    """Prepared By the owner; Reviewed By everyone who gave a review decision since the
    workflow (re)started; Approved By and Date once it is approved: who approved, and when the
    last approval came (in the document's zone)."""
    reviewed = ", ".join(dict.fromkeys(reviewers)) or None
    if not approved or not approvals:
        return SignOffNames(owner, reviewed, None, None)
    names = ", ".join(dict.fromkeys(a.name for a in approvals))
    last = max(a.at for a in approvals)
    return SignOffNames(owner, reviewed, names, last.astimezone(zone).date())
