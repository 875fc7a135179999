"""The edit page as data: the spec's sections, each with its fields and lists, and the two
directions: a document into what the inputs show (``form_view``) and a submitted form back
into the document it describes (``apply_form``), changing only what was changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from blamefree.domain.postmortem import Postmortem
from blamefree.errors import ValidationFailed
from blamefree.web.editing.fields import (
    Scalar,
    hint_of,
    read_value,
    shown,
    value_at,
    with_value,
)
from blamefree.web.editing.rows import (
    Row,
    RowList,
    apply_rows,
    rows_of,
    submitted_rows,
)


@dataclass(frozen=True)
class Group:
    """A fieldset of a section: a legend, its fields and its lists, in template order."""

    legend: str
    parts: tuple[Scalar | RowList, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    groups: tuple[Group, ...]

    @property
    def id(self) -> str:
        return "s-" + self.key.replace("_", "-")


def _phase(key: str, title: str, a: tuple[str, str], b: tuple[str, str]) -> Group:
    path = f"timeline.{key}"
    return Group(
        title,
        (
            Scalar(f"{path}.time", "Time", "datetime"),
            Scalar(f"{path}.{a[0]}", a[1], "line"),
            Scalar(f"{path}.{b[0]}", b[1], "prose"),
        ),
    )


def _horizon(key: str, title: str) -> RowList:
    return RowList(f"action_items.{key}", title, "item", "action")


def _checks(path: str, title: str) -> RowList:
    return RowList(path, title, "measure", "check")


def _row(key: str, title: str) -> Group:
    path = f"metrics.performance_impact.{key}"
    return Group(
        title,
        tuple(
            Scalar(f"{path}.{slot}", f"{title} {slot}", "measure", "e.g. 0.2%, 120 ms")
            for slot in ("before", "during", "after")
        ),
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        "header",
        "Header",
        (
            Group(
                "Incident",
                (
                    Scalar("title", "Title", "line"),
                    Scalar("date", "Date", "date"),
                    Scalar("severity", "Severity", "severity"),
                    Scalar("duration", "Duration", "duration", "e.g. 1h 25m"),
                    Scalar("impact_start", "Impact start", "datetime"),
                    Scalar(
                        "timezone",
                        "Time zone",
                        "zone",
                        "An IANA name such as Europe/Berlin. Times below are shown and read in it; "
                        "changing it keeps every instant.",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "executive_summary",
        "Executive Summary",
        (
            Group(
                "Summary",
                tuple(
                    Scalar(f"executive_summary.{key}", label, "prose")
                    for key, label in (
                        ("what_happened", "What happened"),
                        ("impact", "Impact"),
                        ("root_cause", "Root cause"),
                        ("resolution", "Resolution"),
                    )
                ),
            ),
        ),
    ),
    Section(
        "timeline",
        "Timeline",
        (
            _phase(
                "detection",
                "Detection",
                ("detected_by", "Detected by"),
                ("detection_method", "Detection method"),
            ),
            _phase(
                "response",
                "Response",
                ("acknowledged_by", "Acknowledged by"),
                ("initial_assessment", "Initial assessment"),
            ),
            _phase(
                "investigation",
                "Investigation",
                ("investigated_by", "Investigated by"),
                ("key_findings", "Key findings"),
            ),
            _phase(
                "mitigation",
                "Mitigation",
                ("mitigation_applied", "Mitigation applied"),
                ("effectiveness", "Effectiveness"),
            ),
            _phase(
                "resolution",
                "Resolution",
                ("resolved_by", "Resolved by"),
                ("resolution_method", "Resolution method"),
            ),
            _phase(
                "post_resolution",
                "Post-Resolution",
                ("verification", "Verification"),
                ("monitoring", "Monitoring"),
            ),
        ),
    ),
    Section(
        "impact_assessment",
        "Impact Assessment",
        (
            Group(
                "Users Affected",
                (
                    Scalar("impact_assessment.users_affected.total_users", "Total users", "count"),
                    Scalar(
                        "impact_assessment.users_affected.affected_users", "Affected users", "count"
                    ),
                    Scalar(
                        "impact_assessment.users_affected.percentage", "Percentage (%)", "percent"
                    ),
                ),
            ),
            Group(
                "Features Affected",
                (
                    RowList(
                        "impact_assessment.features_affected",
                        "Features affected",
                        "feature",
                        "text",
                    ),
                ),
            ),
            Group(
                "Business Impact",
                (
                    Scalar(
                        "impact_assessment.business_impact.revenue_impact", "Revenue impact", "line"
                    ),
                    Scalar(
                        "impact_assessment.business_impact.support_tickets",
                        "Support tickets",
                        "count",
                    ),
                    Scalar(
                        "impact_assessment.business_impact.customer_complaints",
                        "Customer complaints",
                        "count",
                    ),
                    Scalar(
                        "impact_assessment.business_impact.reputation_impact",
                        "Reputation impact",
                        "line",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "root_cause_analysis",
        "Root Cause Analysis",
        (
            Group(
                "Causes",
                (
                    Scalar("root_cause_analysis.primary_cause", "Primary cause", "body"),
                    RowList(
                        "root_cause_analysis.contributing_factors",
                        "Contributing factors",
                        "factor",
                        "text",
                    ),
                    Scalar("root_cause_analysis.why_it_happened", "Why it happened", "body"),
                    Scalar(
                        "root_cause_analysis.why_we_didnt_catch_it",
                        "Why we didn't catch it",
                        "body",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "what_went_well",
        "What Went Well",
        (
            Group(
                "Points and lessons",
                (
                    RowList("what_went_well.items", "What went well", "point", "text"),
                    Scalar("what_went_well.lessons", "Lessons from what went well", "prose"),
                ),
            ),
        ),
    ),
    Section(
        "what_went_wrong",
        "What Went Wrong",
        (
            Group(
                "Points and lessons",
                (
                    RowList("what_went_wrong.items", "What went wrong", "point", "text"),
                    Scalar("what_went_wrong.lessons", "Lessons from what went wrong", "prose"),
                ),
            ),
        ),
    ),
    Section(
        "action_items",
        "Action Items",
        (
            Group("Immediate (This Week)", (_horizon("immediate", "Immediate"),)),
            Group("Short-term (Next 30 Days)", (_horizon("short_term", "Short-term"),)),
            Group("Long-term (Next 90 Days)", (_horizon("long_term", "Long-term"),)),
        ),
    ),
    Section(
        "prevention_measures",
        "Prevention Measures",
        (
            Group("Technical", (_checks("prevention_measures.technical", "Technical"),)),
            Group("Process", (_checks("prevention_measures.process", "Process"),)),
            Group("Monitoring", (_checks("prevention_measures.monitoring", "Monitoring"),)),
        ),
    ),
    Section(
        "metrics",
        "Metrics",
        (
            Group(
                "Incident Metrics",
                tuple(
                    Scalar(f"metrics.incident_metrics.{key}", label, "duration", "e.g. 12m, 1h 5m")
                    for key, label in (
                        ("detection_time", "Detection time"),
                        ("response_time", "Response time"),
                        ("resolution_time", "Resolution time"),
                        ("total_duration", "Total duration"),
                    )
                ),
            ),
            _row("error_rate", "Error rate"),
            _row("response_time", "Response time"),
            _row("uptime", "Uptime"),
        ),
    ),
    Section(
        "follow_up",
        "Follow-Up",
        (
            Group(
                "Review Schedule",
                (
                    Scalar("follow_up.review_schedule.one_week", "1 week follow-up", "date"),
                    Scalar("follow_up.review_schedule.one_month", "1 month follow-up", "date"),
                    Scalar("follow_up.review_schedule.three_month", "3 month follow-up", "date"),
                ),
            ),
            Group(
                "Success Criteria",
                (RowList("follow_up.success_criteria", "Success criteria", "criterion", "check"),),
            ),
        ),
    ),
    Section(
        "appendix",
        "Appendix",
        (
            Group(
                "Logs, incidents and references",
                (
                    RowList("appendix.logs_and_evidence", "Logs and evidence", "entry", "text"),
                    RowList("appendix.related_incidents", "Related incidents", "incident", "text"),
                    RowList("appendix.references", "References", "reference", "text"),
                ),
            ),
        ),
    ),
    Section(
        "sign_off",
        "Sign-Off",
        (
            Group(
                "Names and date",
                (
                    Scalar("sign_off.prepared_by", "Prepared by", "line"),
                    Scalar("sign_off.reviewed_by", "Reviewed by", "line"),
                    Scalar("sign_off.approved_by", "Approved by", "line"),
                    Scalar("sign_off.date", "Sign-off date", "date"),
                ),
            ),
        ),
    ),
)


def field_label(path: str) -> str:
    """A document path as people read it: ``Executive Summary › What happened``."""
    for section in SECTIONS:
        for group in section.groups:
            for part in group.parts:
                if part.path == path:
                    alone = len(section.groups) == 1 or group.legend == part.label
                    legend = "" if alone else group.legend
                    return " › ".join(p for p in (section.title, legend, part.label) if p)
    head, _, rest = path.partition(".")
    title = next((s.title for s in SECTIONS if s.key == head), head.replace("_", " "))
    words = rest.replace("_", " ").replace(".", " › ")
    return f"{title} › {words}" if words else title


def scalars() -> list[Scalar]:
    return [p for s in SECTIONS for g in s.groups for p in g.parts if isinstance(p, Scalar)]


def row_lists() -> list[RowList]:
    return [p for s in SECTIONS for g in s.groups for p in g.parts if isinstance(p, RowList)]


@dataclass
class FormView:
    """What the edit page's inputs show, and the problems of a save that was refused."""

    values: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[ValidationFailed] = field(default_factory=list)

    def problem(self, path: str) -> str:
        return next((p.reason for p in self.problems if p.field == path), "")


def form_view(doc: Postmortem) -> FormView:
    """The inputs of the edit page for a document."""
    view = FormView()
    for spec in scalars():
        view.values[spec.path] = shown(doc, spec)
        view.hints[spec.path] = hint_of(doc, spec)
    for listed in row_lists():
        view.rows[listed.path] = rows_of(list(value_at(doc, listed.path)), listed)
    return view


def resubmitted_view(
    doc: Postmortem, form: Mapping[str, str], problems: list[ValidationFailed]
) -> FormView:
    """The inputs as they were submitted (a save that was refused), with the problems."""
    view = form_view(doc)
    for spec in scalars():
        if spec.path in form:
            view.values[spec.path] = form[spec.path]
    for listed in row_lists():
        rows = [row for row in submitted_rows(form, listed) if not row.removed]
        if rows:
            if rows[-1].base is not None or rows[-1].get("text"):
                rows.append(Row(index=rows[-1].index + 1, base=None))  # the row for adding
            view.rows[listed.path] = rows
    view.problems = problems
    return view


class FormProblems(ValidationFailed):
    """Inputs of the edit form that do not hold what their field takes (each one named)."""

    def __init__(self, problems: list[ValidationFailed]) -> None:
        super().__init__("; ".join(p.reason for p in problems), field=problems[0].field)
        self.problems = problems


def apply_form(doc: Postmortem, form: Mapping[str, str]) -> Postmortem:
    """The document the submitted form describes: ``doc`` (what the form was made from) with
    every input that differs from what it showed read into its field. ``FormProblems`` names
    every input that holds no value its field takes."""
    problems: list[ValidationFailed] = []
    result = doc
    for spec in scalars():
        if spec.path not in form:
            continue  # a form without this input (a section saved on its own) leaves it alone
        submitted = form[spec.path].replace("\r\n", "\n")
        if submitted == shown(doc, spec):
            continue
        try:
            value: Any = read_value(doc, spec, submitted)
        except ValidationFailed as problem:
            problems.append(problem)
            continue
        result = with_value(result, spec.path, value)
    for listed in row_lists():
        rows = submitted_rows(form, listed)
        if not rows:
            continue
        before = list(value_at(doc, listed.path))
        try:
            after = apply_rows(before, rows, listed)
        except ValidationFailed as problem:
            problems.append(problem)
            continue
        if after != before:
            result = _with_list(result, listed.path, after)
    if problems:
        raise FormProblems(problems)
    return result.settled()


def _with_list(model: Any, path: str, items: list[Any]) -> Any:
    head, _, rest = path.partition(".")
    if rest:
        return model.model_copy(update={head: _with_list(getattr(model, head), rest, items)})
    update: dict[str, Any] = {head: items}
    if f"{head}_none" in type(model).model_fields:
        update[f"{head}_none"] = None
    return model.model_copy(update=update)
