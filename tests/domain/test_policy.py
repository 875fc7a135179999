"""The post-mortem policy's rules, without a database: deadlines, stages, overdue, shares."""

from __future__ import annotations

import datetime as dt

import pytest

from blamefree.config import load_settings
from blamefree.domain.enums import Severity
from blamefree.domain.policy import (
    DEFAULT_POLICY,
    DayCount,
    Deadline,
    PolicyFacts,
    PolicyStatus,
    Stage,
    add_days,
    compliance,
    monthly_compliance,
    parse_policy,
    status,
)
from blamefree.errors import ConfigError

FRIDAY = dt.date(2026, 3, 6)
POLICY = parse_policy(DEFAULT_POLICY)


def test_the_default_asks_p0_and_p1_within_5_and_10_business_days() -> None:
    assert POLICY.by_severity == {Severity.P0: Deadline(5, 10), Severity.P1: Deadline(5, 10)}
    assert POLICY.default is None
    assert POLICY.count is DayCount.BUSINESS
    assert POLICY.required(Severity.P2) is False
    assert POLICY.required(None) is None  # depends on a severity the document does not give
    assert POLICY.describe() == (
        "P0: submitted within 5, approved within 10 business days; "
        "P1: submitted within 5, approved within 10 business days"
    )


def test_a_star_names_the_other_severities_and_makes_an_unknown_one_required() -> None:
    policy = parse_policy("P0=2/4, *=10/20", count="calendar")
    assert policy.deadline_for(Severity.P3) == Deadline(10, 20)
    assert policy.required(None) is True
    assert parse_policy("").required(Severity.P0) is False
    assert parse_policy("").describe() == "no severity needs a post-mortem"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("P1=five/10", "'P1=five/10': write SEVERITY=SUBMIT_DAYS/APPROVE_DAYS, e.g. P1=5/10"),
        ("P1=5", "'P1=5': write SEVERITY=SUBMIT_DAYS/APPROVE_DAYS"),
        ("P1=0/3", "'P1=0/3': needs at least 1 day to submit"),
        ("P1=5/3", "'P1=5/3': needs at least 1 day to submit, and no fewer days to approve"),
        ("P9=5/10", "'P9=5/10': 'P9' is no severity (P0, P1, P2, P3 or *)"),
    ],
)
def test_a_bad_rule_names_the_part(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_policy(text)
    assert str(caught.value).startswith(message)


def test_bad_settings_are_configuration_errors_naming_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(policy_deadlines="P1=5/x")
    assert str(caught.value) == (
        "BLAMEFREE_POLICY_DEADLINES: 'P1=5/x': write SEVERITY=SUBMIT_DAYS/APPROVE_DAYS, "
        "e.g. P1=5/10"
    )
    with pytest.raises(ConfigError) as days:
        load_settings(policy_days="weekdays")
    assert str(days.value) == (
        "BLAMEFREE_POLICY_DAYS: 'weekdays' is no way of counting days (business, calendar)"
    )


def test_business_days_skip_weekends() -> None:
    assert add_days(FRIDAY, 1, DayCount.BUSINESS) == dt.date(2026, 3, 9)  # Monday
    assert add_days(FRIDAY, 5, DayCount.BUSINESS) == dt.date(2026, 3, 13)
    assert add_days(FRIDAY, 10, DayCount.BUSINESS) == dt.date(2026, 3, 20)
    assert add_days(dt.date(2026, 3, 7), 1, DayCount.BUSINESS) == dt.date(2026, 3, 9)  # Saturday
    assert add_days(FRIDAY, 5, DayCount.CALENDAR) == dt.date(2026, 3, 11)


def test_deadlines_count_from_the_impact_end_when_it_is_known() -> None:
    facts = PolicyFacts(Severity.P1, incident_date=FRIDAY, impact_end=dt.date(2026, 3, 9))
    found = status(facts, POLICY, today=dt.date(2026, 3, 10))
    assert found.counted_from == dt.date(2026, 3, 9)
    assert found.counted_from_what == "impact end"
    assert (found.submit_due, found.approve_due) == (dt.date(2026, 3, 16), dt.date(2026, 3, 23))
    assert found.stage is Stage.SUBMIT
    assert found.due == dt.date(2026, 3, 16)
    assert found.overdue is False
    assert found.describe() == "submission due 2026-03-16"


def test_without_an_impact_end_they_count_from_the_incident_date() -> None:
    found = status(PolicyFacts(Severity.P0, FRIDAY), POLICY, today=dt.date(2026, 3, 16))
    assert found.counted_from_what == "incident date"
    assert found.submit_due == dt.date(2026, 3, 13)
    assert found.overdue is True
    assert found.days_late == 3
    assert found.describe() == "submission overdue since 2026-03-13 (3 days)"


def test_without_any_date_the_due_date_stays_unknown() -> None:
    found = status(PolicyFacts(Severity.P0, None), POLICY, today=dt.date(2030, 1, 1))
    assert found.required is True
    assert found.stage is Stage.SUBMIT
    assert (found.submit_due, found.approve_due, found.due) == (None, None, None)
    assert found.overdue is None
    assert found.days_late is None
    assert found.describe() == "submission due: unknown (no incident date)"


def test_submitted_it_waits_for_approval_and_is_late_after_the_second_deadline() -> None:
    facts = PolicyFacts(Severity.P1, FRIDAY, submitted_on=dt.date(2026, 3, 12))
    on_day = status(facts, POLICY, today=dt.date(2026, 3, 20))
    assert (on_day.stage, on_day.due, on_day.overdue) == (
        Stage.APPROVE,
        dt.date(2026, 3, 20),
        False,
    )
    late = status(facts, POLICY, today=dt.date(2026, 3, 23))
    assert (late.overdue, late.days_late) == (True, 3)
    assert late.describe() == "approval overdue since 2026-03-20 (3 days)"


def test_done_means_approved_and_within_policy_means_both_deadlines_met() -> None:
    on_time = PolicyFacts(
        Severity.P0, FRIDAY, submitted_on=dt.date(2026, 3, 13), approved_on=dt.date(2026, 3, 20)
    )
    found = status(on_time, POLICY, today=dt.date(2026, 6, 1))
    assert (found.stage, found.done, found.overdue, found.on_time, found.due) == (
        Stage.DONE,
        True,
        False,
        True,
        None,
    )
    assert found.describe() == "done within policy"
    late_submit = PolicyFacts(
        Severity.P0, FRIDAY, submitted_on=dt.date(2026, 3, 16), approved_on=dt.date(2026, 3, 17)
    )
    late = status(late_submit, POLICY, today=dt.date(2026, 6, 1))
    assert (late.done, late.on_time) == (True, False)
    assert late.describe() == "done, after the policy's deadline"
    undated = status(
        PolicyFacts(Severity.P0, None, approved_on=FRIDAY, submitted_on=FRIDAY),
        POLICY,
        today=FRIDAY,
    )
    assert (undated.done, undated.on_time) == (True, None)


def test_not_required_and_unknown_severity() -> None:
    p3 = status(PolicyFacts(Severity.P3, FRIDAY), POLICY, today=dt.date(2027, 1, 1))
    assert (p3.required, p3.stage, p3.overdue, p3.due, p3.submit_due) == (
        False,
        Stage.NOT_REQUIRED,
        False,
        None,
        None,
    )
    unknown = status(PolicyFacts(None, FRIDAY), POLICY, today=dt.date(2027, 1, 1))
    assert (unknown.required, unknown.stage, unknown.overdue) == (None, Stage.UNKNOWN, None)
    assert unknown.describe() == "unknown: the severity is not given"


def test_the_share_within_policy_counts_done_and_past_deadline_ones() -> None:
    today = dt.date(2026, 4, 1)
    facts = [
        # done on time
        PolicyFacts(Severity.P0, FRIDAY, submitted_on=FRIDAY, approved_on=FRIDAY),
        # done late
        PolicyFacts(Severity.P0, FRIDAY, submitted_on=FRIDAY, approved_on=dt.date(2026, 3, 30)),
        # past its final deadline, not done: judged, not within policy
        PolicyFacts(Severity.P0, FRIDAY),
        # still within its deadlines: not judged yet
        PolicyFacts(Severity.P0, dt.date(2026, 3, 31)),
        # no date: counted apart
        PolicyFacts(Severity.P0, None),
        PolicyFacts(Severity.P3, FRIDAY),  # not required: not counted
    ]
    rows = compliance([(f.severity, status(f, POLICY, today=today)) for f in facts], today=today)
    assert [r.severity for r in rows] == list(Severity)
    p0 = rows[0]
    assert (p0.required, p0.done, p0.judged, p0.on_time, p0.unknown) == (5, 2, 3, 1, 1)
    assert p0.share == pytest.approx(1 / 3)
    assert (rows[3].required, rows[3].share) == (0, None)


def test_which_severities_need_follow_up_reviews() -> None:
    every = parse_policy(DEFAULT_POLICY)
    assert every.follow_up is None
    assert every.needs_follow_up(Severity.P3) is True
    assert every.describe_follow_up() == "follow-up reviews for every post-mortem"
    some = parse_policy(DEFAULT_POLICY, follow_up="p1, P0")
    assert some.follow_up == frozenset({Severity.P0, Severity.P1})
    assert (some.needs_follow_up(Severity.P1), some.needs_follow_up(Severity.P2)) == (True, False)
    assert some.needs_follow_up(None) is True  # nothing says it may go without
    assert some.describe_follow_up() == (
        "follow-up reviews for P0, P1 (and post-mortems with no severity)"
    )
    assert parse_policy("", follow_up="").describe_follow_up() == "no follow-up reviews asked for"
    with pytest.raises(ValueError, match=r"'P7' is no severity \(P0, P1, P2, P3 or \*\)"):
        parse_policy(DEFAULT_POLICY, follow_up="P1, P7")
    with pytest.raises(ConfigError, match="BLAMEFREE_POLICY_FOLLOW_UP: 'SEV1' is no severity"):
        load_settings(policy_follow_up="SEV1")


def test_the_share_within_policy_is_given_month_by_month() -> None:
    rules = parse_policy("P1=5/10")
    today = dt.date(2026, 3, 20)

    def judged(incident: dt.date, approved: dt.date | None) -> tuple[dt.date, PolicyStatus]:
        facts = PolicyFacts(
            severity=Severity.P1,
            incident_date=incident,
            impact_end=None,
            submitted_on=approved,
            approved_on=approved,
        )
        return incident, status(facts, rules, today=today)

    dated = [
        judged(dt.date(2026, 1, 5), dt.date(2026, 1, 8)),  # on time
        judged(dt.date(2026, 1, 20), dt.date(2026, 3, 1)),  # late
        judged(dt.date(2026, 2, 2), None),  # not done, past its deadline: not on time
        judged(dt.date(2026, 3, 18), None),  # not due yet: not judged
    ]
    months = monthly_compliance(dated, today=today, months=4)
    assert [(m.month.isoformat(), m.required, m.judged, m.on_time, m.share) for m in months] == [
        ("2025-12-01", 0, 0, 0, None),
        ("2026-01-01", 2, 2, 1, 0.5),
        ("2026-02-01", 1, 1, 0, 0.0),
        ("2026-03-01", 1, 0, 0, None),
    ]
