"""Documents for the store tests: one with every section filled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from blamefree.domain.enums import Phase, Priority, Severity
from blamefree.domain.postmortem import (
    ActionItem,
    ActionItems,
    Appendix,
    BeforeDuringAfter,
    BusinessImpact,
    CheckItem,
    DetectionBlock,
    ExecutiveSummary,
    ExtraSection,
    FollowUp,
    ImpactAssessment,
    IncidentMetrics,
    InvestigationBlock,
    Measurement,
    Metrics,
    MitigationBlock,
    PerformanceImpact,
    Postmortem,
    PostResolutionBlock,
    PreventionMeasures,
    Reflection,
    ResolutionBlock,
    ResponseBlock,
    ReviewSchedule,
    RootCauseAnalysis,
    SignOff,
    Timeline,
    UsersAffected,
)
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent

BERLIN = ZoneInfo("Europe/Berlin")


def at(hour: int, minute: int, second: int = 0, micro: int = 0) -> dt.datetime:
    """A Berlin wall-clock time on the incident day, with microseconds."""
    return dt.datetime(2024, 3, 14, hour, minute, second, micro, tzinfo=BERLIN)


def rich_postmortem(incident_id: str = "INC-2024-031") -> Postmortem:
    """A post-mortem with every section and field filled, times aware with microseconds."""
    return Postmortem(
        incident_id=incident_id,
        title="Checkout outage: connection pool exhausted",
        date=dt.date(2024, 3, 14),
        date_text="14 March 2024",
        severity=Severity.P1,
        severity_text="P1 (High)",
        duration=5_430,
        duration_text="1h 30m 30s",
        impact_start=at(9, 58, 1, 123_456),
        impact_start_text="09:58:01.123456 CET",
        timezone="Europe/Berlin",
        executive_summary=ExecutiveSummary(
            what_happened="Checkout returned 503 for 90 minutes.",
            impact="12 % of users could not pay.",
            root_cause="A config change halved the DB pool.",
            resolution="Reverted the change and raised the pool size.",
        ),
        timeline=Timeline(
            detection=DetectionBlock(
                time=at(10, 2, 3, 999_999),
                detected_by="Alertmanager",
                detection_method="Error-rate alert",
                extra=["Pager fired twice"],
            ),
            response=ResponseBlock(
                time=at(10, 5), acknowledged_by="Dana (on call)", initial_assessment="DB?"
            ),
            investigation=InvestigationBlock(
                time=at(10, 20, 0, 1),
                time_text="10:20 local",
                investigated_by="Payments team",
                key_findings="Pool saturated",
            ),
            mitigation=MitigationBlock(
                time=at(10, 50), mitigation_applied="Revert", effectiveness="Partial"
            ),
            resolution=ResolutionBlock(
                time=at(11, 28, 31), resolved_by="Dana", resolution_method="Pool size 40"
            ),
            post_resolution=PostResolutionBlock(
                time=at(12, 0), verification="Synthetic checks green", monitoring="24 h watch"
            ),
        ),
        impact_assessment=ImpactAssessment(
            users_affected=UsersAffected(
                total_users=100_000,
                affected_users=12_000,
                percentage=12.5,
                percentage_text="~12.5 %",
            ),
            features_affected=["Checkout", "Saved cards"],
            business_impact=BusinessImpact(
                revenue_impact="~40k EUR",
                support_tickets=321,
                customer_complaints=17,
                customer_complaints_text="17 (Twitter)",
                reputation_impact="Moderate",
            ),
        ),
        root_cause_analysis=RootCauseAnalysis(
            primary_cause="Pool size 10 after a config refactor",
            contributing_factors=["No load test", "Alert threshold too high", "Friday deploy"],
            why_it_happened="The default changed silently.",
            why_we_didnt_catch_it="Staging has little traffic.",
        ),
        what_went_well=Reflection(items=["Fast page", "Clear comms"], lessons="Runbooks help."),
        what_went_wrong=Reflection(items=["Slow diagnosis"], lessons="Dashboards lacked pool."),
        action_items=ActionItems(
            immediate=[
                ActionItem(
                    text="Raise pool size",
                    done=True,
                    owner="Dana",
                    due_date=dt.date(2024, 3, 15),
                    priority=Priority.HIGH,
                ),
                ActionItem(text="Add pool dashboard", owner="Lee", extra=["Grafana", "Per pod"]),
            ],
            short_term=[
                ActionItem(
                    text="Load test checkout",
                    due_date_text="end of sprint",
                    priority=Priority.MEDIUM,
                )
            ],
            long_term=[ActionItem(text="Config schema validation", priority=Priority.LOW)],
        ),
        prevention_measures=PreventionMeasures(
            technical=[CheckItem(text="Validate config", done=True), CheckItem(text="Pool lint")],
            process=[CheckItem(text="No Friday deploys")],
            monitoring=[CheckItem(text="Pool saturation alert", done=True)],
        ),
        metrics=Metrics(
            incident_metrics=IncidentMetrics(
                detection_time=242,
                detection_time_text="4 min 2 s",
                response_time=180,
                resolution_time=5_430,
                total_duration=5_430,
            ),
            performance_impact=PerformanceImpact(
                error_rate=BeforeDuringAfter(
                    before=Measurement(value=0.1, unit="%"),
                    during=Measurement(value=45.0, unit="%", text="45 %"),
                    after=Measurement(value=0.1, unit="%"),
                ),
                response_time=BeforeDuringAfter(
                    before=Measurement(value=120, unit="ms"),
                    during=Measurement(value=2.3, unit="s"),
                ),
                uptime=BeforeDuringAfter(during=Measurement(value=98.96, unit="%")),
            ),
        ),
        follow_up=FollowUp(
            review_schedule=ReviewSchedule(
                one_week=dt.date(2024, 3, 21),
                one_month=dt.date(2024, 4, 14),
                three_month_text="June, TBD",
            ),
            success_criteria=[CheckItem(text="No pool alerts for 30 days")],
        ),
        appendix=Appendix(
            logs_and_evidence=["https://logs.example/q/123"],
            related_incidents=["INC-2023-007"],
            references=["RFC: pool sizing"],
        ),
        sign_off=SignOff(
            prepared_by="Dana",
            reviewed_by="Lee",
            approved_by="Sam",
            date=dt.date(2024, 3, 20),
        ),
        extra_sections=[ExtraSection(heading="Glossary", level=2, body="DB: database")],
    )


def event(
    minute: int,
    text: str,
    *,
    tool: str = "slack",
    source_id: str | None = None,
    micro: int = 0,
) -> TimelineEvent:
    """A timeline event at 10:mm Berlin time on the incident day."""
    return TimelineEvent(
        time=at(10, minute, 0, micro),
        phase=Phase.RESPONSE,
        kind=EventKind.MESSAGE,
        actor="dana",
        text=text,
        source=EventSource(tool=tool, id=source_id),
        key=minute % 2 == 0,
        link=f"https://chat.example/{source_id}" if source_id else None,
    )


@pytest.fixture
def doc() -> Postmortem:
    """A richly filled post-mortem."""
    return rich_postmortem()


@pytest.fixture
def make_doc() -> Callable[[str], Postmortem]:
    """Builds richly filled post-mortems with a given incident id."""
    return rich_postmortem


@pytest.fixture
def make_event() -> Callable[..., TimelineEvent]:
    """Builds timeline events: ``make_event(minute, text, tool=..., source_id=..., micro=...)``."""
    return event
