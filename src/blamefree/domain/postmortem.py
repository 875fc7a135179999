"""The post-mortem document: every section and field of the template, typed.

Conventions, kept throughout:
- A field the writer left as the template's placeholder, or wrote as unknown (N/A, TBD, ...),
  is ``None``: unknown, never content and never 0.
- A text field written as unknown with a note keeps the words in ``x_text`` (``TBD (waiting on
  finance)``) while ``x`` is None: the note is kept, the value is still unknown.
- A typed field ``x`` (time, date, duration, count, percentage) has a sibling ``x_text`` that keeps
  the text as written when it differs from how Blamefree would write the value; ``None`` otherwise.
- A list the author said has nothing (its one entry is ``None recorded``, ``n/a``, ``No related
  incidents``) is empty, with their words in a sibling ``x_none``: stated, not missing.
- Times are timezone-aware and normalised to UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Self, TypeVar

from pydantic import Field, model_validator

from blamefree.domain.assumptions import Assumption
from blamefree.domain.base import Model, UtcDatetime
from blamefree.domain.enums import (
    ActionStatus,
    ActionType,
    Horizon,
    Phase,
    Priority,
    Severity,
    TrackerSystem,
)
from blamefree.domain.timeline import TimelineEvent

# A text field the author wrote as not known keeps their words in a sibling ``<field>_text``.
UNKNOWN_DOC = (
    "The text as written when it says the value is not known and adds a note (`TBD (waiting "
    "on the platform team)`); the value is then None"
)

_Listed = TypeVar("_Listed", bound=Model)

# A list the author said has nothing keeps their words in a sibling ``<list>_none``.
NONE_DOC = (
    "The author's word that the list has nothing (`None recorded`, `No related incidents`), "
    "as written; the list is then empty"
)


def _settle(model: _Listed) -> _Listed:
    """A ``<list>_none`` only stands while its list is empty: an entry added later replaces it."""
    for name in type(model).model_fields:
        stated = name.endswith("_none") and getattr(model, name) is not None
        if stated and getattr(model, name[: -len("_none")]):
            object.__setattr__(model, name, None)
    return model


class Listing(Model):
    """A part of the document with lists that may say they have nothing (``<list>_none``)."""

    _settled = model_validator(mode="after")(_settle)

    def settled(self) -> Self:
        """A copy where no ``<list>_none`` stands beside entries (after a ``model_copy``)."""
        return _settle(self.model_copy())


# --- header ---------------------------------------------------------------------------------


class ExecutiveSummary(Model):
    what_happened: str | None = None
    what_happened_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    impact: str | None = None
    impact_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    root_cause: str | None = None
    root_cause_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    resolution: str | None = None
    resolution_text: str | None = Field(default=None, description=UNKNOWN_DOC)


# --- timeline -------------------------------------------------------------------------------


class PhaseBlock(Model):
    """One of the six phase blocks of the Timeline; subclasses name its two labelled fields."""

    labels: ClassVar[tuple[tuple[str, str], ...]] = ()
    phase: ClassVar[Phase]

    time: UtcDatetime | None = None
    time_text: str | None = None
    extra: list[str] = Field(default_factory=list, description="Bullets the writer added")

    def field_values(self) -> list[tuple[str, str, str | None]]:
        """(label, field name, value) for the block's labelled text fields, in template order."""
        return [(label, name, getattr(self, name)) for label, name in self.labels]

    @property
    def actor(self) -> str | None:
        """The person or team of the block (its first labelled field)."""
        value: str | None = getattr(self, self.labels[0][1])
        return value


class DetectionBlock(PhaseBlock):
    phase: ClassVar[Phase] = Phase.DETECTION
    labels: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Detected By", "detected_by"),
        ("Detection Method", "detection_method"),
    )
    detected_by: str | None = None
    detected_by_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    detection_method: str | None = None
    detection_method_text: str | None = Field(default=None, description=UNKNOWN_DOC)


class ResponseBlock(PhaseBlock):
    phase: ClassVar[Phase] = Phase.RESPONSE
    labels: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Acknowledged By", "acknowledged_by"),
        ("Initial Assessment", "initial_assessment"),
    )
    acknowledged_by: str | None = None
    acknowledged_by_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    initial_assessment: str | None = None
    initial_assessment_text: str | None = Field(default=None, description=UNKNOWN_DOC)


class InvestigationBlock(PhaseBlock):
    phase: ClassVar[Phase] = Phase.INVESTIGATION
    labels: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Investigated By", "investigated_by"),
        ("Key Findings", "key_findings"),
    )
    investigated_by: str | None = None
    investigated_by_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    key_findings: str | None = None
    key_findings_text: str | None = Field(default=None, description=UNKNOWN_DOC)


class MitigationBlock(PhaseBlock):
    phase: ClassVar[Phase] = Phase.MITIGATION
    labels: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Mitigation Applied", "mitigation_applied"),
        ("Effectiveness", "effectiveness"),
    )
    mitigation_applied: str | None = None
    mitigation_applied_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    effectiveness: str | None = None
    effectiveness_text: str | None = Field(default=None, description=UNKNOWN_DOC)

    @property
    def actor(self) -> str | None:
        return None


class ResolutionBlock(PhaseBlock):
    phase: ClassVar[Phase] = Phase.RESOLUTION
    labels: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Resolved By", "resolved_by"),
        ("Resolution Method", "resolution_method"),
    )
    resolved_by: str | None = None
    resolved_by_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    resolution_method: str | None = None
    resolution_method_text: str | None = Field(default=None, description=UNKNOWN_DOC)


class PostResolutionBlock(PhaseBlock):
    phase: ClassVar[Phase] = Phase.POST_RESOLUTION
    labels: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Verification", "verification"),
        ("Monitoring", "monitoring"),
    )
    verification: str | None = None
    verification_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    monitoring: str | None = None
    monitoring_text: str | None = Field(default=None, description=UNKNOWN_DOC)

    @property
    def actor(self) -> str | None:
        return None


class Timeline(Model):
    detection: DetectionBlock = Field(default_factory=DetectionBlock)
    response: ResponseBlock = Field(default_factory=ResponseBlock)
    investigation: InvestigationBlock = Field(default_factory=InvestigationBlock)
    mitigation: MitigationBlock = Field(default_factory=MitigationBlock)
    resolution: ResolutionBlock = Field(default_factory=ResolutionBlock)
    post_resolution: PostResolutionBlock = Field(default_factory=PostResolutionBlock)

    events: list[TimelineEvent] = Field(
        default_factory=list, description="The event log (rendered as `### Event Log`)"
    )

    def blocks(self) -> list[PhaseBlock]:
        """The six phase blocks in template order."""
        return [
            self.detection,
            self.response,
            self.investigation,
            self.mitigation,
            self.resolution,
            self.post_resolution,
        ]


# --- impact ---------------------------------------------------------------------------------


class UsersAffected(Model):
    total_users: int | None = Field(default=None, ge=0)
    total_users_text: str | None = None
    affected_users: int | None = Field(default=None, ge=0)
    affected_users_text: str | None = None
    percentage: float | None = Field(default=None, ge=0)
    percentage_text: str | None = None


class BusinessImpact(Model):
    revenue_impact: str | None = None
    revenue_impact_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    support_tickets: int | None = Field(default=None, ge=0)
    support_tickets_text: str | None = None
    customer_complaints: int | None = Field(default=None, ge=0)
    customer_complaints_text: str | None = None
    reputation_impact: str | None = None
    reputation_impact_text: str | None = Field(default=None, description=UNKNOWN_DOC)


class ImpactAssessment(Listing):
    users_affected: UsersAffected = Field(default_factory=UsersAffected)
    features_affected: list[str] = Field(default_factory=list)
    features_affected_none: str | None = Field(default=None, description=NONE_DOC)
    business_impact: BusinessImpact = Field(default_factory=BusinessImpact)


# --- analysis -------------------------------------------------------------------------------


class RootCauseAnalysis(Listing):
    primary_cause: str | None = None
    primary_cause_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    contributing_factors: list[str] = Field(default_factory=list)
    contributing_factors_none: str | None = Field(default=None, description=NONE_DOC)
    why_it_happened: str | None = None
    why_it_happened_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    why_we_didnt_catch_it: str | None = None
    why_we_didnt_catch_it_text: str | None = Field(default=None, description=UNKNOWN_DOC)


class Reflection(Listing):
    """What went well, or what went wrong: numbered points and their lessons."""

    items: list[str] = Field(default_factory=list)
    items_none: str | None = Field(default=None, description=NONE_DOC)
    lessons: str | None = None
    lessons_text: str | None = Field(default=None, description=UNKNOWN_DOC)


# --- follow-through -------------------------------------------------------------------------


def _status_and_done(data: Any) -> Any:
    """Fill whichever of ``done`` and ``status`` is missing from the other; they must agree.

    ``done`` is the Markdown checkbox and means exactly ``status == done``; a won't-do item is
    closed but not done, so its box stays empty (its ``**Status:**`` line says won't do).
    """
    if not isinstance(data, dict):
        return data
    status = data.get("status")
    if status is None:
        done = bool(data.get("done", False))
        return {**data, "done": done, "status": ActionStatus.DONE if done else ActionStatus.OPEN}
    is_done = ActionStatus(status) is ActionStatus.DONE
    if "done" in data and bool(data["done"]) != is_done:
        raise ValueError(f"done={data['done']!r} contradicts status {status!r}")
    return {**data, "done": is_done}


class TrackerLink(Model):
    """The issue an action item is tracked as in Jira or GitHub."""

    system: TrackerSystem
    key: str = Field(min_length=1, description="PROJ-12 in Jira, #12 or owner/repo#12 in GitHub")
    url: str | None = None


class ActionItem(Model):
    """An action item; ``id``, ``status``, ``type`` and ``tracker`` are its tracking fields."""

    text: str
    done: bool = False
    owner: str | None = None
    owner_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    due_date: dt.date | None = None
    due_date_text: str | None = None
    priority: Priority | None = None
    priority_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    extra: list[str] = Field(default_factory=list, description="Sub-bullets the writer added")
    id: str | None = Field(default=None, description="Public id, e.g. A-7F3K2Q, when shown")
    status: ActionStatus = ActionStatus.OPEN
    type: ActionType | None = None
    tracker: TrackerLink | None = None

    _reconcile = model_validator(mode="before")(_status_and_done)

    @property
    def closed(self) -> bool:
        """Done or won't do."""
        return self.status.closed


class ActionItems(Listing):
    immediate: list[ActionItem] = Field(default_factory=list)
    immediate_none: str | None = Field(default=None, description=NONE_DOC)
    short_term: list[ActionItem] = Field(default_factory=list)
    short_term_none: str | None = Field(default=None, description=NONE_DOC)
    long_term: list[ActionItem] = Field(default_factory=list)
    long_term_none: str | None = Field(default=None, description=NONE_DOC)

    def by_horizon(self) -> list[tuple[Horizon, list[ActionItem]]]:
        """The three horizons in template order with their items."""
        return [
            (Horizon.IMMEDIATE, self.immediate),
            (Horizon.SHORT_TERM, self.short_term),
            (Horizon.LONG_TERM, self.long_term),
        ]

    def all(self) -> list[ActionItem]:
        return [*self.immediate, *self.short_term, *self.long_term]


class CheckItem(Model):
    """A checklist line: `- [x] text`; prevention measures also track a status."""

    text: str
    done: bool = False
    status: ActionStatus = ActionStatus.OPEN

    _reconcile = model_validator(mode="before")(_status_and_done)

    @property
    def closed(self) -> bool:
        """Done or won't do."""
        return self.status.closed


class PreventionMeasures(Listing):
    technical: list[CheckItem] = Field(default_factory=list)
    technical_none: str | None = Field(default=None, description=NONE_DOC)
    process: list[CheckItem] = Field(default_factory=list)
    process_none: str | None = Field(default=None, description=NONE_DOC)
    monitoring: list[CheckItem] = Field(default_factory=list)
    monitoring_none: str | None = Field(default=None, description=NONE_DOC)


# --- metrics --------------------------------------------------------------------------------


class IncidentMetrics(Model):
    """The durations as the writer stated them, in seconds."""

    detection_time: int | None = Field(default=None, ge=0)
    detection_time_text: str | None = None
    response_time: int | None = Field(default=None, ge=0)
    response_time_text: str | None = None
    resolution_time: int | None = Field(default=None, ge=0)
    resolution_time_text: str | None = None
    total_duration: int | None = Field(default=None, ge=0)
    total_duration_text: str | None = None


class Measurement(Model):
    """A number with its unit, e.g. 45 %, 2.3 s, 120 ms."""

    value: float | None = None
    unit: str | None = None
    text: str | None = None


class BeforeDuringAfter(Model):
    """One Performance Impact row: the value before, during and after the incident."""

    before: Measurement | None = None
    during: Measurement | None = None
    after: Measurement | None = None
    text: str | None = Field(
        default=None,
        description="The row as written when it gives fewer than three values (`38% during`, "
        "`0.2% → 38%`): rendered as written, not padded with placeholders",
    )


class PerformanceImpact(Model):
    error_rate: BeforeDuringAfter = Field(default_factory=BeforeDuringAfter)
    response_time: BeforeDuringAfter = Field(default_factory=BeforeDuringAfter)
    uptime: BeforeDuringAfter = Field(default_factory=BeforeDuringAfter)


class Metrics(Model):
    incident_metrics: IncidentMetrics = Field(default_factory=IncidentMetrics)
    performance_impact: PerformanceImpact = Field(default_factory=PerformanceImpact)


class ReviewSchedule(Model):
    one_week: dt.date | None = Field(default=None, alias="1_week_follow_up")
    one_week_text: str | None = Field(default=None, alias="1_week_follow_up_text")
    one_month: dt.date | None = Field(default=None, alias="1_month_follow_up")
    one_month_text: str | None = Field(default=None, alias="1_month_follow_up_text")
    three_month: dt.date | None = Field(default=None, alias="3_month_follow_up")
    three_month_text: str | None = Field(default=None, alias="3_month_follow_up_text")


DEFAULT_SUCCESS_CRITERIA: tuple[str, ...] = (
    "All action items completed",
    "Prevention measures implemented",
    "Monitoring improved",
    "Team trained on new procedures",
)


def _default_criteria() -> list[CheckItem]:
    return [CheckItem(text=text) for text in DEFAULT_SUCCESS_CRITERIA]


class FollowUp(Listing):
    review_schedule: ReviewSchedule = Field(default_factory=ReviewSchedule)
    success_criteria: list[CheckItem] = Field(default_factory=_default_criteria)
    success_criteria_none: str | None = Field(default=None, description=NONE_DOC)


class Appendix(Listing):
    logs_and_evidence: list[str] = Field(default_factory=list)
    logs_and_evidence_none: str | None = Field(default=None, description=NONE_DOC)
    related_incidents: list[str] = Field(default_factory=list)
    related_incidents_none: str | None = Field(default=None, description=NONE_DOC)
    references: list[str] = Field(default_factory=list)
    references_none: str | None = Field(default=None, description=NONE_DOC)


class SignOff(Model):
    prepared_by: str | None = None
    prepared_by_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    reviewed_by: str | None = None
    reviewed_by_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    approved_by: str | None = None
    approved_by_text: str | None = Field(default=None, description=UNKNOWN_DOC)
    date: dt.date | None = None
    date_text: str | None = None


class ExtraSection(Model):
    """Content the template has no place for; kept so that nothing the writer wrote is lost.

    ``parent`` is the template section it was found in (``"Metrics"``, ``"Metrics/Incident
    Metrics"``; ``None`` at the top level). With a ``heading`` it is a section of its own,
    rendered at the end of its parent; without one it is loose text inside the parent.
    """

    heading: str | None = None
    level: int = Field(default=3, ge=2, le=6)
    parent: str | None = None
    body: str = ""


# --- the aggregate --------------------------------------------------------------------------


class Postmortem(Model):
    """A whole post-mortem, section by section in template order."""

    incident_id: str | None = None
    date: dt.date | None = None
    severity: Severity | None = None
    duration: int | None = Field(default=None, ge=0, description="Seconds")
    executive_summary: ExecutiveSummary = Field(default_factory=ExecutiveSummary)
    timeline: Timeline = Field(default_factory=Timeline)
    impact_assessment: ImpactAssessment = Field(default_factory=ImpactAssessment)
    root_cause_analysis: RootCauseAnalysis = Field(default_factory=RootCauseAnalysis)
    what_went_well: Reflection = Field(default_factory=Reflection)
    what_went_wrong: Reflection = Field(default_factory=Reflection)
    action_items: ActionItems = Field(default_factory=ActionItems)
    prevention_measures: PreventionMeasures = Field(default_factory=PreventionMeasures)
    metrics: Metrics = Field(default_factory=Metrics)
    follow_up: FollowUp = Field(default_factory=FollowUp)
    appendix: Appendix = Field(default_factory=Appendix)
    sign_off: SignOff = Field(default_factory=SignOff)
    # Header extras: each is rendered only when set.
    title: str | None = Field(default=None, description="The `# ` title line")
    impact_start: UtcDatetime | None = Field(
        default=None, description="When impact began (header `**Impact Start:**`)"
    )
    impact_start_text: str | None = None
    date_text: str | None = None
    severity_text: str | None = None
    duration_text: str | None = None
    timezone: str | None = Field(
        default=None, description="IANA zone for times written without one; None means UTC"
    )
    extra_sections: list[ExtraSection] = Field(default_factory=list)
    assumptions: list[Assumption] = Field(
        default_factory=list,
        description="How values were read where the text did not say (domain/assumptions.py)",
    )

    def settled(self) -> Postmortem:
        """A copy where no list's ``_none`` stands beside entries added to it since."""
        update = {
            name: part.settled()
            for name in type(self).model_fields
            if isinstance(part := getattr(self, name), Listing)
        }
        return self.model_copy(update=update)

    def to_json_dict(self) -> dict[str, Any]:
        """The document as JSON-ready data with the template's snake_case keys."""
        return self.model_dump(mode="json", by_alias=True)


# --- what a store from before did not keep ---------------------------------------------------

_ROW_SLOTS = ("before", "during", "after")


def _written_base(model: Model, name: str) -> tuple[object, ...] | None:
    """The values a written-form field stands for: ``x`` of ``x_text`` or ``x_none``, the three
    slots of a performance row's ``text``; None for any other field."""
    fields = type(model).model_fields
    if isinstance(model, BeforeDuringAfter) and name == "text":
        return tuple(getattr(model, slot) for slot in _ROW_SLOTS)
    for suffix in ("_text", "_none"):
        if name.endswith(suffix) and name[: -len(suffix)] in fields:
            return (getattr(model, name[: -len(suffix)]),)
    return None


def _carry(source: _Listed, target: _Listed) -> _Listed:
    update: dict[str, Any] = {}
    for name in type(target).model_fields:
        was, now = getattr(source, name), getattr(target, name)
        if isinstance(now, Model) and type(was) is type(now):
            carried = _carry(was, now)
            if carried is not now:
                update[name] = carried
        elif isinstance(now, list) and isinstance(was, list):
            items = [
                _carry(old, new) if isinstance(new, ActionItem) and old.text == new.text else new
                for old, new in zip(was, now, strict=False)
            ]
            if any(a is not b for a, b in zip(items, now, strict=False)):
                update[name] = items + now[len(items) :]
        elif now is None and was is not None:
            base = _written_base(target, name)
            if base is not None and base == _written_base(source, name):
                update[name] = was
    return target.model_copy(update=update) if update else target


def carry_written(source: Postmortem, target: Postmortem) -> Postmortem:
    """``target`` with the written forms (``x_text``, ``x_none``, a row's ``text``) that only
    ``source`` has, where both hold the same values: what a document stored before the reader
    kept such words lacks, taken from the text it was read from."""
    return _carry(source, target)
