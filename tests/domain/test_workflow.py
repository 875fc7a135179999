"""The review workflow's rules, without a store: states, who may do what, approval counts."""

from __future__ import annotations

import datetime as dt

import pytest

from blamefree.domain.accounts import Principal, Role
from blamefree.domain.enums import Severity
from blamefree.domain.workflow import (
    Approval,
    ApprovalPolicy,
    ApprovalRule,
    Facts,
    State,
    Transition,
    after,
    allowed,
    approved_enough,
    parse_policy,
    refusal,
    sign_off_names,
)

T0 = dt.datetime(2025, 2, 10, 9, 0, tzinfo=dt.UTC)


def person(name: str, role: Role = Role.AUTHOR) -> Principal:
    return Principal(name=name, role=role)


KIM = person("Kim")  # the owner
RAVI = person("Ravi", Role.REVIEWER)
ANA = person("Ana", Role.APPROVER)
ADMIN = person("Root", Role.ADMIN)
VIEWER = person("Vic", Role.VIEWER)


def facts(state: State = State.DRAFT, **kwargs: object) -> Facts:
    return Facts(state=state, owner="Kim", **kwargs)  # type: ignore[arg-type]


def test_each_transition_starts_only_from_its_states() -> None:
    starts = {
        t: [s for s in State if refusal(t, ADMIN, Facts(state=s, owner="Kim")) is None]
        for t in Transition
    }
    assert starts == {
        Transition.SUBMIT: [State.DRAFT],
        Transition.APPROVE: [State.IN_REVIEW],
        Transition.REQUEST_CHANGES: [State.IN_REVIEW],
        Transition.PUBLISH: [State.APPROVED],
        Transition.REOPEN: [State.APPROVED, State.PUBLISHED],
    }
    wrong = refusal(Transition.APPROVE, ADMIN, facts(State.DRAFT))
    assert wrong is not None
    assert (wrong.kind, wrong.reason) == ("state", "it is draft; approve needs it in review")


def test_only_the_owner_or_an_admin_submits() -> None:
    assert refusal(Transition.SUBMIT, KIM, facts()) is None
    assert refusal(Transition.SUBMIT, ADMIN, facts()) is None
    other = refusal(Transition.SUBMIT, ANA, facts())
    assert other is not None
    assert (other.kind, other.reason) == ("who", "only its owner (Kim) or an admin may submit it")
    # Nobody owns it yet: whoever may write submits it (and becomes its owner).
    assert refusal(Transition.SUBMIT, person("Lee"), Facts(state=State.DRAFT)) is None


def test_the_author_never_reviews_their_own_even_as_admin() -> None:
    boss = Principal(name="Kim", role=Role.ADMIN)
    for step in (Transition.APPROVE, Transition.REQUEST_CHANGES):
        refused = refusal(step, boss, facts(State.IN_REVIEW))
        assert refused is not None
        assert refused.reason == "Kim is its author and may not review it"


def test_reviewers_come_from_the_role_or_from_being_named() -> None:
    in_review = facts(State.IN_REVIEW)
    assert refusal(Transition.APPROVE, RAVI, in_review) is None
    plain = person("Lee")  # an author, not named: may not
    refused = refusal(Transition.APPROVE, plain, in_review)
    assert refused is not None
    assert refused.reason == "Lee is not a reviewer or approver of it"
    named = facts(State.IN_REVIEW, reviewers=("Lee",))
    assert refusal(Transition.REQUEST_CHANGES, plain, named) is None


def test_one_approval_per_person_per_round() -> None:
    approved_once = facts(State.IN_REVIEW, approvals=(Approval("Ravi", False, T0),))
    refused = refusal(Transition.APPROVE, RAVI, approved_once)
    assert refused is not None
    assert refused.reason == "Ravi has approved it already in this round"


def test_publish_and_reopen_belong_to_approvers_admins_and_for_reopen_the_owner() -> None:
    approved = facts(State.APPROVED)
    assert [
        p.name for p in (KIM, RAVI, ANA, ADMIN) if not refusal(Transition.PUBLISH, p, approved)
    ] == [
        "Ana",
        "Root",
    ]
    assert [
        p.name for p in (KIM, RAVI, ANA, ADMIN) if not refusal(Transition.REOPEN, p, approved)
    ] == [
        "Kim",
        "Ana",
        "Root",
    ]
    named_approver = facts(State.APPROVED, approvers=("Ravi",))
    assert refusal(Transition.PUBLISH, RAVI, named_approver) is None


def test_a_viewer_or_read_token_changes_nothing() -> None:
    refused = refusal(Transition.APPROVE, VIEWER, facts(State.IN_REVIEW))
    assert refused is not None
    assert refused.reason == "a viewer may not change a review"
    assert allowed(VIEWER, facts(State.IN_REVIEW)) == []


def test_allowed_lists_what_one_person_may_do_now() -> None:
    assert allowed(KIM, facts()) == [Transition.SUBMIT]
    assert allowed(RAVI, facts(State.IN_REVIEW)) == [Transition.APPROVE, Transition.REQUEST_CHANGES]
    assert allowed(ANA, facts(State.PUBLISHED)) == [Transition.REOPEN]


def test_approval_counts_follow_the_rule() -> None:
    rule = ApprovalRule(2, 1)
    reviewer_only = [Approval("Ravi", False, T0), Approval("Lee", False, T0)]
    assert approved_enough(rule, reviewer_only) is False  # two, but no approver among them
    assert approved_enough(rule, [Approval("Ana", True, T0)]) is False  # one is not two
    assert approved_enough(rule, [Approval("Ravi", False, T0), Approval("Ana", True, T0)]) is True
    state = after(
        Transition.APPROVE, facts(State.IN_REVIEW, approvals=(Approval("Ana", True, T0),)), rule
    )
    assert state is State.IN_REVIEW
    assert after(Transition.REQUEST_CHANGES, facts(State.IN_REVIEW), rule) is State.DRAFT
    assert after(Transition.REOPEN, facts(State.PUBLISHED), rule) is State.DRAFT


def test_the_default_policy_asks_two_approvals_for_p0_and_p1() -> None:
    policy = parse_policy("P0=2/1, P1=2/1, *=1/0")
    assert policy.rule_for(Severity.P0) == ApprovalRule(2, 1)
    assert policy.rule_for(Severity.P1) == ApprovalRule(2, 1)
    assert policy.rule_for(Severity.P2) == ApprovalRule(1, 0)
    assert policy.rule_for(None) == ApprovalRule(1, 0)
    assert ApprovalRule(2, 1).describe() == "2 approvals, at least 1 from an approver"
    assert parse_policy("") == ApprovalPolicy()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("P1=two", "'P1=two': write SEVERITY=APPROVALS/FROM_APPROVERS, e.g. P1=2/1"),
        ("P9=1", "'P9=1': 'P9' is no severity (P0, P1, P2, P3 or *)"),
        ("P1=1/2", "'P1=1/2': needs at least 1 approval, and no more from approvers than in all"),
        ("P1=0", "'P1=0': needs at least 1 approval, and no more from approvers than in all"),
    ],
)
def test_a_policy_that_cannot_work_names_its_part(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_policy(text)
    assert str(caught.value) == message


def test_the_sign_off_names_who_did_it() -> None:
    approvals = [Approval("Ana", True, T0), Approval("Bo", True, T0 + dt.timedelta(days=1))]
    names = sign_off_names(
        owner="Kim", reviewers=["Ravi", "Ana", "Ravi", "Bo"], approvals=approvals, approved=True
    )
    assert (names.prepared_by, names.reviewed_by, names.approved_by, names.date) == (
        "Kim",
        "Ravi, Ana, Bo",
        "Ana, Bo",
        dt.date(2025, 2, 11),
    )
    waiting = sign_off_names(
        owner="Kim", reviewers=["Ravi"], approvals=approvals[:1], approved=False
    )
    assert (waiting.approved_by, waiting.date) == (None, None)


def test_locked_states() -> None:
    assert [s for s in State if s.locked] == [State.APPROVED, State.PUBLISHED]
