"""Use cases of the team's post-mortem policy: where each post-mortem stands against it, which
are due or overdue, and the share done within policy (docs/policy.md).

The rules are ``domain.policy``'s; this module reads what they need in one query
(``store.policy_reads``) and turns stored times into days of each document's zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from blamefree.config import Settings
from blamefree.domain import values
from blamefree.domain.enums import Severity
from blamefree.domain.policy import (
    Compliance,
    MonthShare,
    Policy,
    PolicyFacts,
    PolicyStatus,
    compliance,
    monthly_compliance,
    parse_policy,
    status,
)
from blamefree.domain.workflow import State
from blamefree.errors import PostmortemNotFound
from blamefree.store import UnitOfWork
from blamefree.store.policy_reads import PolicySource, policy_sources

WINDOW_DAYS = 90
"""The share done within policy is taken over the incidents of this many days."""


def _signed_off(source: PolicySource) -> dt.date | None:
    """A post-mortem that never entered the review workflow (written and signed off in its
    Markdown, say, then imported) counts as approved on the date its Sign-Off gives beside an
    Approved By; once the workflow runs, only its approval counts."""
    return source.signed_off_on if source.state is None else None


def policy_rules(settings: Settings) -> Policy:
    """The policy the settings give (``policy_deadlines``, ``policy_days``,
    ``policy_follow_up``)."""
    return parse_policy(
        settings.policy_deadlines,
        count=settings.policy_days,
        follow_up=settings.policy_follow_up,
    )


@dataclass(frozen=True)
class PolicyItem:
    """One post-mortem and where it stands against the policy."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    owner: str | None
    state: State | None  # None: never entered the review workflow
    status: PolicyStatus


@dataclass(frozen=True)
class PolicyReport:
    """The policy, the post-mortems it asks for that are not done, and the share done in time."""

    today: dt.date
    policy: Policy
    items: list[PolicyItem]  # the pending ones (required, not done), overdue first
    compliance: list[Compliance]
    since: dt.date
    by_month: list[MonthShare] = field(default_factory=list)
    """The share within policy month by month (incident dates), the last six months."""

    @property
    def overdue(self) -> list[PolicyItem]:
        return [i for i in self.items if i.status.overdue]

    @property
    def due(self) -> list[PolicyItem]:
        """Pending and not overdue (due on a known day, or on a day not known)."""
        return [i for i in self.items if not i.status.overdue]


def _day(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.date | None:
    return moment.astimezone(zone).date() if moment is not None else None


def _zone(source: PolicySource, default: str) -> dt.tzinfo:
    try:
        return values.zone(source.timezone or default)
    except ValueError:
        return values.zone(default)


def _item(source: PolicySource, policy: Policy, *, today: dt.date, zone: str) -> PolicyItem:
    tz = _zone(source, zone)
    impact_end = None
    if source.impact_start is not None and source.duration_seconds is not None:
        end = source.impact_start + dt.timedelta(seconds=source.duration_seconds)
        impact_end = _day(end, tz)
    facts = PolicyFacts(
        severity=source.severity,
        incident_date=source.date,
        impact_end=impact_end,
        submitted_on=_day(source.first_submitted_at, tz),
        approved_on=_day(source.first_approved_at, tz) or _signed_off(source),
    )
    return PolicyItem(
        incident_id=source.incident_id,
        title=source.title,
        severity=source.severity,
        date=source.date,
        owner=source.owner,
        state=source.state,
        status=status(facts, policy, today=today),
    )


def _order(item: PolicyItem) -> tuple[bool, dt.date, str]:
    return (not item.status.overdue, item.status.due or dt.date.max, item.incident_id)


def policy_items(
    uow: UnitOfWork, *, policy: Policy, today: dt.date, zone: str = "UTC"
) -> list[PolicyItem]:
    """Every post-mortem against the policy, most recent incident first."""
    return [_item(source, policy, today=today, zone=zone) for source in policy_sources(uow.session)]


def policy_status(
    uow: UnitOfWork,
    *,
    policy: Policy,
    today: dt.date,
    zone: str = "UTC",
    days: int = WINDOW_DAYS,
) -> PolicyReport:
    """The post-mortems the policy asks for that are not done (overdue first, then by due
    date), and per severity the share of the last ``days`` days' incidents done within it."""
    every = policy_items(uow, policy=policy, today=today, zone=zone)
    since = today - dt.timedelta(days=days)
    recent = [i for i in every if i.date is not None and since <= i.date <= today]
    return PolicyReport(
        today=today,
        policy=policy,
        items=sorted((i for i in every if i.status.pending), key=_order),
        compliance=compliance([(i.severity, i.status) for i in recent], today=today),
        since=since,
        by_month=monthly_compliance(
            [(i.date, i.status) for i in every if i.date is not None], today=today
        ),
    )


def postmortem_policy(
    uow: UnitOfWork, *, incident_id: str, policy: Policy, today: dt.date, zone: str = "UTC"
) -> PolicyItem:
    """Where one post-mortem stands against the policy."""
    found = policy_sources(uow.session, incident_id=incident_id)
    if not found:
        raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
    return _item(found[0], policy, today=today, zone=zone)


def overdue_ids(
    uow: UnitOfWork, *, policy: Policy, today: dt.date, zone: str = "UTC"
) -> tuple[str, ...]:
    """The incident ids of the post-mortems past their policy deadline (for the listing)."""
    return tuple(
        i.incident_id
        for i in policy_items(uow, policy=policy, today=today, zone=zone)
        if i.status.overdue
    )
