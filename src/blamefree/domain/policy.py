"""The team's post-mortem policy as pure rules: which incidents need a post-mortem, and by when.

A policy gives, per severity, two deadlines counted from the day the incident ended: by when
the post-mortem is written (first submitted for review) and by when it is reviewed (first
approved in the review workflow, ``domain.workflow``). ``P0=5/10, P1=5/10`` reads "P0 and P1
incidents need a post-mortem submitted within 5 business days of the incident and approved
within 10"; a severity the policy does not name needs none (``*`` names the others). The
policy also says which severities need follow-up reviews (the 1-week, 1-month and 3-month
reviews): those are the ones reminded of and shown on the dashboard.

The day the incident ended is its impact end (impact start + duration, in the document's zone)
when both are known, else the incident's date. An unknown date stays unknown: a post-mortem
without one has no due date and is neither on time nor overdue, never counted from day 0.

A post-mortem is **done** once the review workflow approved it (state ``approved``, then
``published``). Its deadlines are met by the first submission and the first approval: a
later reopen (to correct it) does not make it late again. A post-mortem that never entered the
workflow (written and signed off in its Markdown, then imported, as teams keeping post-mortems
in git do) is done on the date its Sign-Off gives beside an Approved By (the service reads it
so); once the workflow runs, only its approval counts. Nothing here reads a store or a clock.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from blamefree.domain.enums import Severity

DEFAULT_POLICY = "P0=5/10, P1=5/10"
"""P0 and P1 need a post-mortem: submitted within 5 business days, approved within 10."""


class DayCount(enum.StrEnum):
    """How the days of a deadline are counted."""

    BUSINESS = "business"  # Monday to Friday
    CALENDAR = "calendar"


@dataclass(frozen=True)
class Deadline:
    """Days after the incident's end by which a post-mortem is submitted, then approved."""

    submit_days: int
    approve_days: int

    def describe(self, count: DayCount = DayCount.BUSINESS) -> str:
        unit = "business days" if count is DayCount.BUSINESS else "days"
        return f"submitted within {self.submit_days}, approved within {self.approve_days} {unit}"


@dataclass(frozen=True)
class Policy:
    """The deadline of each severity that needs a post-mortem; ``default`` for the others;
    the severities whose post-mortems need follow-up reviews (None: every one)."""

    by_severity: dict[Severity, Deadline] = field(default_factory=dict)
    default: Deadline | None = None
    count: DayCount = DayCount.BUSINESS
    follow_up: frozenset[Severity] | None = None

    def needs_follow_up(self, severity: Severity | None) -> bool:
        """Whether a post-mortem's follow-up reviews are asked for (reminded of, on the
        dashboard). One with no severity keeps them: nothing says it may go without."""
        if self.follow_up is None or severity is None:
            return True
        return severity in self.follow_up

    def deadline_for(self, severity: Severity | None) -> Deadline | None:
        """The deadline for a severity; None when it needs no post-mortem (or is unknown)."""
        if severity is None:
            return None
        return self.by_severity.get(severity, self.default)

    def required(self, severity: Severity | None) -> bool | None:
        """Whether an incident of this severity needs a post-mortem; None when that depends on
        a severity the post-mortem does not give."""
        if severity is not None:
            return self.deadline_for(severity) is not None
        needs = {self.deadline_for(s) is not None for s in Severity}
        return needs.pop() if len(needs) == 1 else None

    def describe(self) -> str:
        """One line per rule, most severe first."""
        lines = [
            f"{s.value}: {self.by_severity[s].describe(self.count)}"
            for s in Severity
            if s in self.by_severity
        ]
        if self.default is not None:
            lines.append(f"others: {self.default.describe(self.count)}")
        return "; ".join(lines) or "no severity needs a post-mortem"

    def describe_follow_up(self) -> str:
        """Which post-mortems need follow-up reviews, in words."""
        if self.follow_up is None:
            return "follow-up reviews for every post-mortem"
        if not self.follow_up:
            return "no follow-up reviews asked for"
        named = ", ".join(s.value for s in Severity if s in self.follow_up)
        return f"follow-up reviews for {named} (and post-mortems with no severity)"


def parse_follow_up(text: str) -> frozenset[Severity] | None:
    """``P0, P1``: the severities whose post-mortems need follow-up reviews; ``*``: every one
    (None); empty: none. ``ValueError`` naming the part it cannot read."""
    parts = [p.strip().upper() for p in text.split(",") if p.strip()]
    if "*" in parts:
        return None
    found: set[Severity] = set()
    for part in parts:
        try:
            found.add(Severity(part))
        except ValueError:
            known = ", ".join(s.value for s in Severity)
            raise ValueError(f"{part!r} is no severity ({known} or *)") from None
    return frozenset(found)


def parse_policy(
    text: str, *, count: DayCount | str = DayCount.BUSINESS, follow_up: str = "*"
) -> Policy:
    """``P0=5/10, P1=5/10``: per severity, days to submit / days to approve; ``*`` for the
    others; empty: no post-mortem is required. ``follow_up`` as ``parse_follow_up`` reads it.
    ``ValueError`` naming the part it cannot read."""
    by_severity: dict[Severity, Deadline] = {}
    default: Deadline | None = None
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, days = part.partition("=")
        submit, slash, approve = days.strip().partition("/")
        try:
            deadline = Deadline(int(submit), int(approve))
        except ValueError:
            raise ValueError(
                f"{part!r}: write SEVERITY=SUBMIT_DAYS/APPROVE_DAYS, e.g. P1=5/10"
            ) from None
        if not sep or not slash or not 1 <= deadline.submit_days <= deadline.approve_days:
            raise ValueError(
                f"{part!r}: needs at least 1 day to submit, and no fewer days to approve "
                "than to submit"
            )
        name = key.strip().upper()
        if name == "*":
            default = deadline
            continue
        try:
            by_severity[Severity(name)] = deadline
        except ValueError:
            known = ", ".join(s.value for s in Severity)
            raise ValueError(f"{part!r}: {key.strip()!r} is no severity ({known} or *)") from None
    return Policy(by_severity, default, parse_day_count(count), parse_follow_up(follow_up))


def parse_day_count(text: DayCount | str) -> DayCount:
    """``business`` or ``calendar``; ``ValueError`` saying which are known."""
    try:
        return DayCount(str(text).strip().lower())
    except ValueError:
        known = ", ".join(c.value for c in DayCount)
        raise ValueError(f"{str(text)!r} is no way of counting days ({known})") from None


def add_days(start: dt.date, days: int, count: DayCount) -> dt.date:
    """The day ``days`` days after ``start``: business days skip Saturdays and Sundays."""
    if count is DayCount.CALENDAR:
        return start + dt.timedelta(days=days)
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


class Stage(enum.StrEnum):
    """What a post-mortem still needs under the policy."""

    NOT_REQUIRED = "not required"
    UNKNOWN = "unknown"  # the severity is unknown and the policy depends on it
    SUBMIT = "to submit"
    APPROVE = "to approve"
    DONE = "done"


@dataclass(frozen=True)
class PolicyFacts:
    """What the policy needs to know about one post-mortem (dates in its own zone)."""

    severity: Severity | None
    incident_date: dt.date | None
    impact_end: dt.date | None = None
    submitted_on: dt.date | None = None  # first submission for review
    approved_on: dt.date | None = None  # first approval by the workflow


@dataclass(frozen=True)
class PolicyStatus:
    """Where one post-mortem stands against the policy on ``today``."""

    required: bool | None
    stage: Stage
    counted_from: dt.date | None
    counted_from_what: str | None  # "impact end" or "incident date"
    submit_due: dt.date | None
    approve_due: dt.date | None
    submitted_on: dt.date | None
    approved_on: dt.date | None
    overdue: bool | None  # None: not known (no date to count from)
    on_time: bool | None  # done within every deadline; None until done or when unknown
    days_late: int | None

    @property
    def done(self) -> bool:
        return self.stage is Stage.DONE

    @property
    def due(self) -> dt.date | None:
        """The deadline it works towards now (None when done, not required or unknown)."""
        if self.stage is Stage.SUBMIT:
            return self.submit_due
        if self.stage is Stage.APPROVE:
            return self.approve_due
        return None

    @property
    def needs(self) -> str | None:
        """``submission`` or ``approval``: what it waits for (None unless pending)."""
        return {Stage.SUBMIT: "submission", Stage.APPROVE: "approval"}.get(self.stage)

    @property
    def pending(self) -> bool:
        """Required and not done yet."""
        return self.stage in (Stage.SUBMIT, Stage.APPROVE)

    def describe(self) -> str:
        """A short phrase for a page or a table."""
        if self.stage is Stage.NOT_REQUIRED:
            return "not required by the policy"
        if self.stage is Stage.UNKNOWN:
            return "unknown: the severity is not given"
        if self.stage is Stage.DONE:
            if self.on_time is None:
                return "done"
            return "done within policy" if self.on_time else "done, after the policy's deadline"
        what = self.needs
        if self.due is None:
            return f"{what} due: unknown (no incident date)"
        if self.overdue:
            late = self.days_late or 0
            return f"{what} overdue since {self.due.isoformat()} ({late} day{'s' * (late != 1)})"
        return f"{what} due {self.due.isoformat()}"


def status(facts: PolicyFacts, policy: Policy, *, today: dt.date) -> PolicyStatus:
    """Where a post-mortem stands against the policy on ``today``."""
    required = policy.required(facts.severity)
    deadline = policy.deadline_for(facts.severity)
    if facts.impact_end is not None:
        start: dt.date | None = facts.impact_end
        start_what: str | None = "impact end"
    elif facts.incident_date is not None:
        start, start_what = facts.incident_date, "incident date"
    else:
        start, start_what = None, None
    submit_due = approve_due = None
    if deadline is not None and start is not None:
        submit_due = add_days(start, deadline.submit_days, policy.count)
        approve_due = add_days(start, deadline.approve_days, policy.count)
    if required is None:
        stage = Stage.UNKNOWN
    elif not required:
        stage = Stage.NOT_REQUIRED
    elif facts.approved_on is not None:
        stage = Stage.DONE
    elif facts.submitted_on is not None:
        stage = Stage.APPROVE
    else:
        stage = Stage.SUBMIT
    due = {Stage.SUBMIT: submit_due, Stage.APPROVE: approve_due}.get(stage)
    overdue: bool | None
    days_late: int | None = None
    on_time: bool | None = None
    if stage in (Stage.SUBMIT, Stage.APPROVE):
        overdue = None if due is None else today > due
        if due is not None and overdue:
            days_late = (today - due).days
    else:
        overdue = False if stage is not Stage.UNKNOWN else None
    approved = facts.approved_on
    if stage is Stage.DONE and approved and submit_due is not None and approve_due is not None:
        # Approval follows a submission; a record with none is taken as submitted then.
        submitted = facts.submitted_on or approved
        on_time = submitted <= submit_due and approved <= approve_due
    return PolicyStatus(
        required=required,
        stage=stage,
        counted_from=start if deadline is not None else None,
        counted_from_what=start_what if deadline is not None else None,
        submit_due=submit_due,
        approve_due=approve_due,
        submitted_on=facts.submitted_on,
        approved_on=facts.approved_on,
        overdue=overdue,
        on_time=on_time,
        days_late=days_late,
    )


@dataclass(frozen=True)
class Compliance:
    """How many required post-mortems of one severity were done within policy."""

    severity: Severity
    required: int
    done: int
    judged: int  # done, or past the final deadline: the ones a share is taken of
    on_time: int  # done within every deadline
    unknown: int  # no date to count the deadlines from

    @property
    def share(self) -> float | None:
        """On time out of the judged ones; None when none can be judged yet."""
        return self.on_time / self.judged if self.judged else None


def compliance(
    statuses: list[tuple[Severity | None, PolicyStatus]], *, today: dt.date
) -> list[Compliance]:
    """Per severity (every one, most severe first), how many of the required post-mortems were done
    within policy. A post-mortem counts once it is done or its final deadline has passed
    (late and not done: not within policy); one with no date to judge it by is counted apart."""
    rows: list[Compliance] = []
    for severity in Severity:
        mine = [s for sev, s in statuses if sev is severity and s.required]
        if not mine:
            rows.append(Compliance(severity, 0, 0, 0, 0, 0))
            continue
        done = sum(1 for s in mine if s.done)
        unknown = sum(1 for s in mine if s.approve_due is None)
        judged, on_time = _judged(mine, today=today)
        rows.append(Compliance(severity, len(mine), done, judged, on_time, unknown))
    return rows


def _judged(required: list[PolicyStatus], *, today: dt.date) -> tuple[int, int]:
    """(judged, on time) of required post-mortems: one is judged once it is done or its final
    deadline has passed, and on time when done within every deadline."""
    judged = sum(
        1 for s in required if s.approve_due is not None and (s.done or today > s.approve_due)
    )
    return judged, sum(1 for s in required if s.done and s.on_time)


MONTHS_SHOWN = 6
"""Months of incidents the share within policy is shown for, month by month."""


@dataclass(frozen=True)
class MonthShare:
    """The required post-mortems of the incidents of one month, every severity together: how
    many can be judged (done, or past the final deadline) and how many of those were on time."""

    month: dt.date  # its first day
    required: int
    judged: int
    on_time: int

    @property
    def share(self) -> float | None:
        """On time out of the judged ones; None when none can be judged (yet)."""
        return self.on_time / self.judged if self.judged else None


def monthly_compliance(
    dated: list[tuple[dt.date, PolicyStatus]], *, today: dt.date, months: int = MONTHS_SHOWN
) -> list[MonthShare]:
    """The share within policy month by month, by incident date, oldest month first, the last
    ``months`` months up to today's (the same counting as ``compliance``)."""
    starts: list[dt.date] = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    shares = []
    for start in reversed(starts):
        mine = [
            s
            for day, s in dated
            if s.required and (day.year, day.month) == (start.year, start.month) and day <= today
        ]
        judged, on_time = _judged(mine, today=today)
        shares.append(MonthShare(start, len(mine), judged, on_time))
    return shares
