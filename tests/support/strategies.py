"""Hypothesis strategies for whole post-mortem documents, in canonical form."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from blamefree.domain.enums import (
    ActionStatus,
    ActionType,
    Phase,
    Priority,
    Severity,
    TrackerSystem,
)
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
    TrackerLink,
    UsersAffected,
)
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent

WORDS = [
    "database",
    "pool",
    "checkout",
    "failed",
    "config",
    "rollback",
    "eu-west-1",
    "503s",
    "latency",
    "Priya",
    "deploy",
    "canary",
    "`kubectl`",
    "v2.3.1",
    "#payments",
    "alert",
    "the",
    "a",
    "was",
    "of",
    "queue",
    "Müller",
    "(partial)",
    "50%",
    "14:05",
    "PLAT-881",
    "retries;",
    "timeouts,",
    "cache.",
    "https://example.com/x",
    "über",
    "node-7",
    "GC",
]
word_text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
multi_line = st.lists(word_text, min_size=1, max_size=3).map("\n".join)
maybe_text = st.none() | word_text
utc_times = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 1, 1), timezones=st.just(dt.UTC)
).map(lambda t: t if t.microsecond % 2 else t.replace(microsecond=0))
maybe_time = st.none() | utc_times
maybe_date = st.none() | st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 1, 1))
maybe_seconds = st.none() | st.integers(min_value=0, max_value=10**7)
maybe_count = st.none() | st.integers(min_value=0, max_value=10**9)
maybe_percentage = st.none() | st.integers(min_value=0, max_value=10000).map(lambda n: n / 100)
measurement = st.builds(
    Measurement,
    value=st.integers(min_value=0, max_value=100000).map(lambda n: n / 100),
    unit=st.sampled_from(["%", "ms", "s", None]),
    text=st.none(),
)
row = st.builds(
    BeforeDuringAfter,
    before=st.none() | measurement,
    during=st.none() | measurement,
    after=st.none() | measurement,
)
statuses = st.sampled_from(list(ActionStatus))
check_items = st.lists(st.builds(CheckItem, text=word_text, status=statuses), max_size=4)
tracker_links = st.builds(
    TrackerLink,
    system=st.sampled_from(list(TrackerSystem)),
    key=st.from_regex(r"(PROJ-[0-9]{1,4}|#[0-9]{1,4}|acme/web#[0-9]{1,3})", fullmatch=True),
    url=st.none() | st.from_regex(r"https://tracker\.example/[a-z0-9]{1,8}", fullmatch=True),
)


def _block(cls: type, **fields: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.builds(cls, time=maybe_time, extra=st.lists(word_text, max_size=2), **fields)


timeline = st.builds(
    Timeline,
    detection=_block(DetectionBlock, detected_by=maybe_text, detection_method=maybe_text),
    response=_block(ResponseBlock, acknowledged_by=maybe_text, initial_assessment=maybe_text),
    investigation=_block(InvestigationBlock, investigated_by=maybe_text, key_findings=maybe_text),
    mitigation=_block(MitigationBlock, mitigation_applied=maybe_text, effectiveness=maybe_text),
    resolution=_block(ResolutionBlock, resolved_by=maybe_text, resolution_method=maybe_text),
    post_resolution=_block(PostResolutionBlock, verification=maybe_text, monitoring=maybe_text),
    events=st.lists(
        st.builds(
            TimelineEvent,
            time=utc_times,
            time_text=st.none() | word_text,
            phase=st.none() | st.sampled_from(list(Phase)),
            kind=st.sampled_from(list(EventKind)),
            actor=maybe_text,
            text=st.lists(st.sampled_from([*WORDS, "a|b", "back\\slash"]), max_size=6).map(" ".join)
            | multi_line,
            source=st.builds(
                EventSource,
                tool=st.sampled_from(["slack", "pagerduty", "manual"]),
                id=st.none() | st.from_regex(r"[A-Z0-9]{1,8}(:[0-9.]{1,12})?", fullmatch=True),
            ),
            key=st.booleans(),
            link=st.none() | st.just("https://example.com/incidents/1"),
        ),
        max_size=4,
    ),
)
action_item = st.builds(
    ActionItem,
    text=word_text,
    status=statuses,
    owner=maybe_text,
    due_date=maybe_date,
    priority=st.none() | st.sampled_from(list(Priority)),
    extra=st.lists(word_text, max_size=2),
    id=st.none() | st.from_regex(r"A-[0-9A-HJKMNP-TV-Z]{6}", fullmatch=True),
    type=st.none() | st.sampled_from(list(ActionType)),
    tracker=st.none() | tracker_links,
)
action_items = st.builds(
    ActionItems,
    immediate=st.lists(action_item, max_size=3),
    short_term=st.lists(action_item, max_size=2),
    long_term=st.lists(action_item, max_size=2),
)
extra_sections = st.lists(
    st.builds(
        ExtraSection,
        heading=st.sampled_from(["Glossary", "Customer Communication", "Notes"]),
        level=st.just(2),
        parent=st.none(),
        body=multi_line,
    ),
    max_size=1,
)

_plain_postmortems = st.builds(
    Postmortem,
    incident_id=st.none() | st.from_regex(r"INC-[0-9]{1,6}", fullmatch=True),
    date=maybe_date,
    severity=st.none() | st.sampled_from(list(Severity)),
    duration=maybe_seconds,
    title=st.none() | word_text,
    impact_start=maybe_time,
    timezone=st.none() | st.sampled_from(["Europe/Berlin", "America/Los_Angeles"]),
    executive_summary=st.builds(
        ExecutiveSummary,
        what_happened=maybe_text,
        impact=maybe_text,
        root_cause=maybe_text,
        resolution=maybe_text,
    ),
    timeline=timeline,
    impact_assessment=st.builds(
        ImpactAssessment,
        users_affected=st.builds(
            UsersAffected,
            total_users=maybe_count,
            affected_users=maybe_count,
            percentage=maybe_percentage,
        ),
        features_affected=st.lists(word_text, max_size=4),
        business_impact=st.builds(
            BusinessImpact,
            revenue_impact=maybe_text,
            support_tickets=maybe_count,
            customer_complaints=maybe_count,
            reputation_impact=maybe_text,
        ),
    ),
    root_cause_analysis=st.builds(
        RootCauseAnalysis,
        primary_cause=st.none() | multi_line,
        contributing_factors=st.lists(multi_line, max_size=6),
        why_it_happened=st.none() | multi_line,
        why_we_didnt_catch_it=st.none() | multi_line,
    ),
    what_went_well=st.builds(Reflection, items=st.lists(word_text, max_size=4), lessons=maybe_text),
    what_went_wrong=st.builds(
        Reflection, items=st.lists(word_text, max_size=4), lessons=maybe_text
    ),
    action_items=action_items,
    prevention_measures=st.builds(
        PreventionMeasures, technical=check_items, process=check_items, monitoring=check_items
    ),
    metrics=st.builds(
        Metrics,
        incident_metrics=st.builds(
            IncidentMetrics,
            detection_time=maybe_seconds,
            response_time=maybe_seconds,
            resolution_time=maybe_seconds,
            total_duration=maybe_seconds,
        ),
        performance_impact=st.builds(
            PerformanceImpact, error_rate=row, response_time=row, uptime=row
        ),
    ),
    follow_up=st.builds(
        FollowUp,
        review_schedule=st.builds(
            ReviewSchedule, one_week=maybe_date, one_month=maybe_date, three_month=maybe_date
        ),
        success_criteria=check_items,
    ),
    appendix=st.builds(
        Appendix,
        logs_and_evidence=st.lists(word_text, max_size=3),
        related_incidents=st.lists(word_text, max_size=3),
        references=st.lists(word_text, max_size=3),
    ),
    sign_off=st.builds(
        SignOff,
        prepared_by=maybe_text,
        reviewed_by=maybe_text,
        approved_by=maybe_text,
        date=maybe_date,
    ),
    extra_sections=extra_sections,
)


# The words authors write for "there is none" and for "not known, and here is why".
NONE_STATEMENTS = ["None recorded", "n/a", "Nothing (first time we saw this)", "None so far"]
UNKNOWN_NOTES = [
    "TBD (waiting on the platform team)",
    "N/A (internal tool)",
    "unknown (logs rotated)",
    "pending (legal review)",
]
# (model path, list field) of the lists that keep an author's "none" in ``<list>_none``.
_NONE_LISTS = (
    ("impact_assessment", "features_affected"),
    ("root_cause_analysis", "contributing_factors"),
    ("what_went_well", "items"),
    ("what_went_wrong", "items"),
    ("follow_up", "success_criteria"),
    ("appendix", "logs_and_evidence"),
    ("appendix", "related_incidents"),
    ("appendix", "references"),
    ("action_items", "immediate"),
    ("action_items", "long_term"),
    ("prevention_measures", "technical"),
    ("prevention_measures", "monitoring"),
)
# (model path, text field) of the fields that keep an unknown word in ``<field>_text``.
_NOTED_FIELDS = (
    *(("executive_summary", n) for n in ("what_happened", "impact", "root_cause", "resolution")),
    *(("timeline.detection", n) for n in ("detected_by", "detection_method")),
    *(("timeline.response", n) for n in ("acknowledged_by", "initial_assessment")),
    *(("timeline.resolution", n) for n in ("resolved_by", "resolution_method")),
    *(("timeline.post_resolution", n) for n in ("verification", "monitoring")),
    ("impact_assessment.business_impact", "revenue_impact"),
    ("impact_assessment.business_impact", "reputation_impact"),
    ("root_cause_analysis", "primary_cause"),
    ("root_cause_analysis", "why_we_didnt_catch_it"),
    ("what_went_wrong", "lessons"),
    ("sign_off", "approved_by"),
)


def _replace(doc: Postmortem, path: str, update: dict[str, object]) -> Postmortem:
    """The document with the fields of the part at dotted ``path`` updated."""
    head, _dot, rest = path.partition(".")
    part = getattr(doc, head)
    if rest:
        inner = getattr(part, rest)
        return doc.model_copy(
            update={head: part.model_copy(update={rest: inner.model_copy(update=update)})}
        )
    return doc.model_copy(update={head: part.model_copy(update=update)})


def _part(doc: Postmortem, path: str) -> object:
    for name in path.split("."):
        doc = getattr(doc, name)
    return doc


@st.composite
def _as_written(draw: st.DrawFn, docs: st.SearchStrategy[Postmortem]) -> Postmortem:
    """A document where some empty lists say "none" and some unknown fields say why."""
    doc = draw(docs)
    for path, name in _NONE_LISTS:
        if not getattr(_part(doc, path), name) and draw(st.booleans()):
            doc = _replace(doc, path, {f"{name}_none": draw(st.sampled_from(NONE_STATEMENTS))})
    for path, name in _NOTED_FIELDS:
        if getattr(_part(doc, path), name) is None and draw(st.booleans()):
            doc = _replace(doc, path, {f"{name}_text": draw(st.sampled_from(UNKNOWN_NOTES))})
    if doc.severity is None and draw(st.booleans()):
        doc = doc.model_copy(update={"severity_text": draw(st.sampled_from(UNKNOWN_NOTES))})
    return doc


postmortems = _as_written(_plain_postmortems)


# --- documents as people write them --------------------------------------------------------

PHASE_FIELDS = (
    "detection",
    "response",
    "investigation",
    "mitigation",
    "resolution",
    "post_resolution",
)


@st.composite
def undated_postmortems(draw: st.DrawFn) -> Postmortem:
    """A post-mortem with no header Date whose phase times are written without a date
    (``14:05 UTC``); one of its times (the impact start or a phase) carries the date."""
    doc = draw(postmortems)
    base = draw(
        st.datetimes(min_value=dt.datetime(2000, 1, 2), max_value=dt.datetime(2034, 12, 30))
    ).replace(second=0, microsecond=0, tzinfo=dt.UTC)
    # Seven times within 12 hours, in order: a bare time is read on the day that keeps it
    # within 12 hours of the time before it (or of the dated one, for the first).
    offsets = sorted(draw(st.lists(st.integers(0, 719), min_size=7, max_size=7)))
    moments = [base + dt.timedelta(minutes=minutes) for minutes in offsets]
    dated = draw(st.integers(0, 6))
    written = [
        (
            f"{moment:%Y-%m-%d %H:%M} UTC" if index == dated else f"{moment:%H:%M} UTC",
            moment,
        )
        for index, moment in enumerate(moments)
    ]
    blocks = {
        name: getattr(doc.timeline, name).model_copy(
            update={"time": moment, "time_text": None if index + 1 == dated else text}
        )
        for index, (name, (text, moment)) in enumerate(zip(PHASE_FIELDS, written[1:], strict=True))
    }
    start_text, start = written[0]
    return doc.model_copy(
        update={
            "date": None,
            "date_text": None,
            "impact_start": start,
            "impact_start_text": None if dated == 0 else start_text,
            "timeline": doc.timeline.model_copy(update=blocks),
        }
    )
