"""The dashboard: post-mortems by review standing, overdue action items, reviews coming up,
post-mortems the team's policy finds due or overdue with the share done within it, recent
incidents and the last 90 days' median detection, response and resolution times.

Medians are over the incidents whose metric is known (from the timeline or as stated); an
unknown metric is left out and counted, never taken as 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from blamefree.domain import derive
from blamefree.domain.enums import Severity
from blamefree.domain.medians import Median, median_of
from blamefree.domain.metrics import MetricName
from blamefree.domain.policy import DEFAULT_POLICY, Policy, parse_policy
from blamefree.domain.standing import Standing
from blamefree.services.actions import ActionView, view
from blamefree.services.policy import PolicyItem, PolicyReport, policy_status
from blamefree.services.reviews import ReviewView, list_reviews
from blamefree.store import UnitOfWork
from blamefree.store.dashboard_reads import overdue_actions, standing_counts, timing_documents
from blamefree.store.postmortem_listing import (
    ListedPostmortem,
    ListingQuery,
    SortKey,
    list_postmortems,
)

WINDOW_DAYS = 90
REVIEW_DAYS = 30
SHOWN = 8
DASHBOARD_METRICS: tuple[MetricName, ...] = ("detection_time", "response_time", "resolution_time")


@dataclass(frozen=True)
class SeverityMedians:
    """One severity's medians over the window, with how many incidents it had."""

    severity: Severity | None
    incidents: int
    medians: dict[MetricName, Median]


@dataclass(frozen=True)
class MedianTimes:
    """The window's medians by severity (most severe first; every severity listed)."""

    since: dt.date
    until: dt.date
    rows: list[SeverityMedians]

    @property
    def incidents(self) -> int:
        return sum(row.incidents for row in self.rows)


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows, as of ``today``."""

    today: dt.date
    standings: dict[Standing, int]
    latest_by_standing: dict[Standing, list[ListedPostmortem]]
    overdue_items: list[ActionView]
    overdue_total: int
    reviews: list[ReviewView]
    reviews_total: int
    recent: list[ListedPostmortem]
    medians: MedianTimes
    policy: PolicyReport

    @property
    def policy_shown(self) -> list[PolicyItem]:
        """The first of the post-mortems the policy finds due or overdue (overdue first)."""
        return self.policy.items[:SHOWN]

    @property
    def total(self) -> int:
        """How many post-mortems the store holds."""
        return sum(self.standings.values())


def median_times(uow: UnitOfWork, *, today: dt.date, days: int = WINDOW_DAYS) -> MedianTimes:
    """Median detection, response and resolution time by severity of the incidents of the
    last ``days`` days (incident date from ``today - days`` to ``today``)."""
    since = today - dt.timedelta(days=days)
    timed = timing_documents(uow.session, since=since, until=today)
    metrics_by: dict[Severity | None, list[dict[MetricName, int | None]]] = {}
    for item in timed:
        metrics = derive.metrics_of(item.doc)
        metrics_by.setdefault(item.severity, []).append(
            {name: metrics[name].seconds for name in DASHBOARD_METRICS}
        )
    order: list[Severity | None] = list(Severity)
    if None in metrics_by:
        order.append(None)
    rows = []
    for severity in order:
        found = metrics_by.get(severity, [])
        rows.append(
            SeverityMedians(
                severity=severity,
                incidents=len(found),
                medians={name: median_of(m[name] for m in found) for name in DASHBOARD_METRICS},
            )
        )
    return MedianTimes(since=since, until=today, rows=rows)


def overdue_items(uow: UnitOfWork, *, today: dt.date) -> list[ActionView]:
    """Action items past due (or past their horizon's end), the longest overdue first."""
    views = [view(record, today=today) for record in overdue_actions(uow.session, today=today)]
    found = [v for v in views if v.overdue]  # the same rule as `actions list --overdue`
    return sorted(found, key=lambda v: (v.due or dt.date.max, v.record.incident_id))


def coming_reviews(
    uow: UnitOfWork, *, today: dt.date, days: int = REVIEW_DAYS, policy: Policy | None = None
) -> list[ReviewView]:
    """Follow-up reviews not held yet that are overdue or due within ``days``, by due date,
    of the post-mortems whose severity the policy asks follow-up reviews of."""
    views = list_reviews(uow, today=today, upcoming=days, overdue=True)
    return [v for v in views if policy is None or policy.needs_follow_up(v.severity)]


def dashboard(
    uow: UnitOfWork, *, today: dt.date, policy: Policy | None = None, zone: str = "UTC"
) -> Dashboard:
    """The dashboard as of ``today``, under ``policy`` (default: ``DEFAULT_POLICY``)."""
    latest = {
        standing: list_postmortems(
            uow.session,
            ListingQuery(standing=standing, sort=SortKey.UPDATED, limit=SHOWN // 2),
            today=today,
        ).rows
        for standing in Standing
    }
    overdue = overdue_items(uow, today=today)
    rules = policy or parse_policy(DEFAULT_POLICY)
    reviews = coming_reviews(uow, today=today, policy=rules)
    recent = list_postmortems(uow.session, ListingQuery(limit=SHOWN), today=today).rows
    return Dashboard(
        today=today,
        standings=standing_counts(uow.session),
        latest_by_standing=latest,
        overdue_items=overdue[:SHOWN],
        overdue_total=len(overdue),
        reviews=reviews[:SHOWN],
        reviews_total=len(reviews),
        recent=recent,
        medians=median_times(uow, today=today),
        policy=policy_status(uow, policy=rules, today=today, zone=zone),
    )
