"""The post-mortem policy as ``policy status --json`` and the API show it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import Field

from blamefree.domain.enums import Severity
from blamefree.domain.policy import DayCount, Stage
from blamefree.domain.workflow import State
from blamefree.schemas.base import ReadModel

if TYPE_CHECKING:
    from blamefree.services.policy import PolicyItem, PolicyReport


class PolicyRuleRead(ReadModel):
    """One severity's deadlines: days after the incident's end to submit, then to approve."""

    severity: Severity | None = Field(description="None: every severity not named")
    submit_days: int
    approve_days: int


class PolicyItemRead(ReadModel):
    """One post-mortem against the policy; unknown dates are null, never guessed."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    owner: str | None
    state: State | None = Field(description="Review workflow state; null: never entered it")
    required: bool | None = Field(description="null: the severity is unknown and it matters")
    stage: Stage
    counted_from: dt.date | None
    counted_from_what: str | None = Field(description="`impact end` or `incident date`")
    submit_due: dt.date | None
    approve_due: dt.date | None
    submitted_on: dt.date | None = Field(description="First submitted for review")
    approved_on: dt.date | None = Field(description="First approved by the workflow")
    due: dt.date | None = Field(description="The deadline it works towards now")
    overdue: bool | None = Field(description="null: no date to count from")
    days_late: int | None
    done: bool = Field(description="Approved by the review workflow")
    on_time: bool | None = Field(description="Done within every deadline; null until done")

    @classmethod
    def of(cls, item: PolicyItem) -> PolicyItemRead:
        s = item.status
        return cls(
            incident_id=item.incident_id,
            title=item.title,
            severity=item.severity,
            date=item.date,
            owner=item.owner,
            state=item.state,
            required=s.required,
            stage=s.stage,
            counted_from=s.counted_from,
            counted_from_what=s.counted_from_what,
            submit_due=s.submit_due,
            approve_due=s.approve_due,
            submitted_on=s.submitted_on,
            approved_on=s.approved_on,
            due=s.due,
            overdue=s.overdue,
            days_late=s.days_late,
            done=s.done,
            on_time=s.on_time,
        )


class ComplianceRead(ReadModel):
    """One severity's post-mortems of the window: how many were done within policy."""

    severity: Severity
    required: int
    done: int
    judged: int = Field(description="Done, or past the final deadline")
    on_time: int
    unknown: int = Field(description="No date to count the deadlines from")
    share: float | None = Field(description="on_time / judged; null when none is judged")


class MonthShareRead(ReadModel):
    """One month's incidents, every severity together: the share done within policy."""

    month: str = Field(description="The month of the incidents, YYYY-MM")
    required: int
    judged: int = Field(description="Done, or past the final deadline")
    on_time: int
    share: float | None = Field(description="on_time / judged; null when none is judged")


class PolicyReportRead(ReadModel):
    """The policy, the post-mortems it asks for that are not done, and the share done in time."""

    today: dt.date
    days: DayCount
    rules: list[PolicyRuleRead]
    policy: str = Field(description="The policy in words")
    follow_up: list[Severity] | None = Field(
        description="Severities whose post-mortems need follow-up reviews; null: every one"
    )
    due: list[PolicyItemRead] = Field(description="Required, not done, not overdue")
    overdue: list[PolicyItemRead]
    since: dt.date = Field(description="First incident date of the share's window")
    compliance: list[ComplianceRead]
    by_month: list[MonthShareRead] = Field(
        description="The share within policy month by month (incident dates), oldest first"
    )

    @classmethod
    def of(cls, report: PolicyReport) -> PolicyReportRead:
        policy = report.policy
        rules = [
            PolicyRuleRead(severity=s, submit_days=d.submit_days, approve_days=d.approve_days)
            for s, d in sorted(policy.by_severity.items())
        ]
        if policy.default is not None:
            rules.append(
                PolicyRuleRead(
                    severity=None,
                    submit_days=policy.default.submit_days,
                    approve_days=policy.default.approve_days,
                )
            )
        return cls(
            today=report.today,
            days=policy.count,
            rules=rules,
            policy=policy.describe(),
            follow_up=None
            if policy.follow_up is None
            else [s for s in Severity if s in policy.follow_up],
            due=[PolicyItemRead.of(i) for i in report.due],
            overdue=[PolicyItemRead.of(i) for i in report.overdue],
            since=report.since,
            compliance=[
                ComplianceRead(
                    severity=c.severity,
                    required=c.required,
                    done=c.done,
                    judged=c.judged,
                    on_time=c.on_time,
                    unknown=c.unknown,
                    share=c.share,
                )
                for c in report.compliance
            ],
            by_month=[
                MonthShareRead(
                    month=m.month.strftime("%Y-%m"),
                    required=m.required,
                    judged=m.judged,
                    on_time=m.on_time,
                    share=m.share,
                )
                for m in report.by_month
            ],
        )
