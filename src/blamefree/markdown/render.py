"""Postmortem -> Markdown in the template's layout; unknown values render as the placeholders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pydantic import BaseModel

from blamefree.domain import values
from blamefree.domain.derive import (
    FROM_EVENTS,
    FROM_TIMELINE,
    Derived,
    derived_blocks,
    derived_impact_start,
    metrics_of,
)
from blamefree.domain.enums import TEMPLATE_PHASES, ActionStatus
from blamefree.domain.metrics import Metric
from blamefree.domain.postmortem import (
    ActionItem,
    BeforeDuringAfter,
    CheckItem,
    Measurement,
    PhaseBlock,
    Postmortem,
)
from blamefree.markdown import layout
from blamefree.markdown.events import render_event_log

HARD_BREAK = "  "


def _indent(text: str, width: int) -> str:
    """Continuation lines of a list item, indented under its marker."""
    pad = " " * width
    return "\n".join(
        line if not line or i == 0 else pad + line for i, line in enumerate(text.split("\n"))
    )


def _or(value: str | None, placeholder: str) -> str:
    return value if value is not None else placeholder


def _written(model: BaseModel, name: str, placeholder: str) -> str:
    """A text field: its value, else what the author wrote to say it is not known, else the
    placeholder."""
    value = getattr(model, name)
    if value is not None:
        return str(value)
    text = getattr(model, f"{name}_text", None)
    return text if isinstance(text, str) else placeholder


def _typed(text: str | None, value: object, formatted: str | None, placeholder: str) -> str:
    """A typed field: the text as written if kept, else the canonical form, else the placeholder."""
    if text is not None:
        return text
    if value is not None and formatted is not None:
        return formatted
    return placeholder


def _date(value: dt.date | None, text: str | None, placeholder: str = "[Date]") -> str:
    return _typed(text, value, values.format_date(value) if value else None, placeholder)


def _time(value: dt.datetime | None, text: str | None) -> str:
    return _typed(text, value, values.format_datetime(value) if value else None, "[Time]")


def _duration(value: int | None, text: str | None, placeholder: str) -> str:
    formatted = values.format_duration(value) if value is not None else None
    return _typed(text, value, formatted, placeholder)


def _count(value: int | None, text: str | None) -> str:
    formatted = values.format_count(value) if value is not None else None
    return _typed(text, value, formatted, "[Number]")


def _paragraph_fields(rows: list[tuple[str, str]]) -> list[str]:
    """``**Label:** value`` lines of one paragraph, joined by hard breaks."""
    lines = [f"**{label}:** {value}" for label, value in rows]
    return [line + HARD_BREAK for line in lines[:-1]] + lines[-1:]


def _bullet(text: str) -> str:
    return "- " + _indent(text, 2)


def _bullets(items: list[str], none: str | None, placeholders: tuple[str, ...]) -> list[str]:
    """A list's items; else the author's word that it has none; else its placeholders."""
    if items:
        return [_bullet(item) for item in items]
    if none is not None:
        return [_bullet(none)]
    return [f"- {p}" for p in placeholders]


def _checkbox(item: CheckItem | ActionItem) -> str:
    # Continuation lines sit under the item's text as the list marker sets it (two spaces),
    # which is how they are read back.
    return f"- [{'x' if item.done else ' '}] " + _indent(item.text, 2)


def _shows_status(status: ActionStatus) -> bool:
    """The checkbox says open or done; other statuses get a ``**Status:**`` line."""
    return status not in (ActionStatus.OPEN, ActionStatus.DONE)


def _check_item(item: CheckItem) -> list[str]:
    status = [f"  - **Status:** {item.status.label}"] if _shows_status(item.status) else []
    return [_checkbox(item), *status]


def _tracking(item: ActionItem) -> list[str]:
    """The tracking sub-bullets, each only when it says more than the default."""
    rows: list[str] = []
    if _shows_status(item.status):
        rows.append(f"**Status:** {item.status.label}")
    if item.type is not None:
        rows.append(f"**Type:** {item.type.value}")
    if item.id is not None:
        rows.append(f"**ID:** {item.id}")
    if item.tracker is not None:
        link = item.tracker
        shown = f"[{link.key}]({link.url})" if link.url else link.key
        rows.append(f"**Tracker:** {link.system.label} {shown}")
    return ["  " + _bullet(row) for row in rows]


def _numbered(items: list[str], placeholder: str, none: str | None = None) -> list[str]:
    rows = items or ([none] if none is not None else [f"[{placeholder} {n}]" for n in (1, 2, 3)])
    return [f"{n}. " + _indent(text, len(str(n)) + 2) for n, text in enumerate(rows, start=1)]


def _extras(
    doc: Postmortem,
    parent: str | None,
    *,
    loose: bool = True,
    headed: bool = True,
    levels: Callable[[int], bool] | None = None,
) -> list[str]:
    """Loose text and extra subsections the writer put under ``parent``; ``levels`` picks
    which heading levels of the headed ones to render."""
    out: list[str] = []
    for extra in doc.extra_sections:
        if extra.parent != parent or (extra.heading is None and not loose):
            continue
        if extra.heading is not None and (
            not headed or (levels is not None and not levels(extra.level))
        ):
            continue
        out.append("")
        if extra.heading is not None:
            out.append(f"{'#' * extra.level} {extra.heading}")
            if extra.body:
                out.append("")
        if extra.body:
            out.append(extra.body)
    return out


def _leading_extras(doc: Postmortem, parent: str | None) -> list[str]:
    """Loose text of an h2 section, rendered right under its heading where it was found."""
    lines = _extras(doc, parent, headed=False)
    return [*lines[1:], ""] if lines else []


def _header(doc: Postmortem, *, prompts: bool = False) -> list[str]:
    duration = _duration(doc.duration, doc.duration_text, "[Duration]")
    rows = [
        ("Incident ID", _or(doc.incident_id, "[ID]")),
        ("Date", _date(doc.date, doc.date_text)),
        ("Severity", doc.severity_text or (doc.severity.value if doc.severity else "P0/P1/P2/P3")),
        ("Duration", duration),
    ]
    if doc.impact_start is not None and not _impact_start_implied(doc):
        rows.append(("Impact Start", _time(doc.impact_start, doc.impact_start_text)))
    elif (start := derived_impact_start(doc)) is not None:
        rows.append(("Impact Start", f"{values.format_datetime(start)} {FROM_EVENTS}"))
    elif prompts:
        day = doc.date.isoformat() if doc.date else "2024-03-12"
        rows.append(("Impact Start", layout.IMPACT_START_PROMPT.format(day=day)))
    if doc.timezone is not None:
        rows.append(("Time Zone", doc.timezone))
    elif prompts:
        rows.append(("Time Zone", layout.TIME_ZONE_PROMPT))
    return _paragraph_fields(rows)


def _impact_start_implied(doc: Postmortem) -> bool:
    """True when the Date line already carries the impact start, so it needs no line of its own."""
    if doc.impact_start_text is not None or doc.date_text is None:
        return False
    try:
        implied = values.date_time_of_day(doc.date_text, tz=values.zone(doc.timezone))
    except ValueError:
        return False
    return implied == doc.impact_start


def _executive_summary(doc: Postmortem) -> list[str]:
    summary = doc.executive_summary
    rows = [
        (label, _written(summary, name, placeholder))
        for label, name, placeholder in layout.EXECUTIVE_SUMMARY_LABELS
    ]
    return _paragraph_fields(rows)


def _phase(block: PhaseBlock, derived: Derived | None) -> list[str]:
    time = _time(block.time, block.time_text)
    if derived is not None:
        time = f"{values.format_datetime(derived.time)} {FROM_EVENTS}"
    lines = [_bullet(f"**Time:** {time}")]
    for index, (label, name, value) in enumerate(block.field_values()):
        shown = _written(block, name, layout.PHASE_PLACEHOLDERS[name])
        unwritten = value is None and getattr(block, f"{name}_text") is None
        if index == 0 and derived is not None and derived.actor and unwritten:
            shown = f"{derived.actor} {FROM_EVENTS}"
        lines.append(_bullet(f"**{label}:** {shown}"))
    lines.extend(_bullet(extra) for extra in block.extra)
    return lines


def _timeline(doc: Postmortem) -> list[str]:
    out: list[str] = []
    derived = derived_blocks(doc)
    rows = zip(layout.PHASE_HEADINGS, TEMPLATE_PHASES, doc.timeline.blocks(), strict=True)
    for (heading, _key), phase, block in rows:
        if out:
            out.append("")
        out += [f"### {heading}", *_phase(block, derived.get(phase))]
        out += _extras(doc, f"Timeline/{heading}")
    if doc.timeline.events:
        out += ["", *render_event_log(doc.timeline.events)]
    return out


def _impact(doc: Postmortem) -> list[str]:
    impact = doc.impact_assessment
    users = impact.users_affected
    business = impact.business_impact
    percentage = users.percentage
    out = [
        "### Users Affected",
        _bullet(f"**Total Users:** {_count(users.total_users, users.total_users_text)}"),
        _bullet(f"**Affected Users:** {_count(users.affected_users, users.affected_users_text)}"),
        _bullet(
            "**Percentage:** "
            + _typed(
                users.percentage_text,
                percentage,
                values.format_percentage(percentage) if percentage is not None else None,
                "[%]",
            )
        ),
        *_extras(doc, "Impact Assessment/Users Affected"),
        "",
        "### Features Affected",
    ]
    features = doc.impact_assessment.features_affected
    out += _bullets(features, impact.features_affected_none, layout.FEATURE_PLACEHOLDERS)
    out += _extras(doc, "Impact Assessment/Features Affected")
    out += [
        "",
        "### Business Impact",
        _bullet(f"**Revenue Impact:** {_written(business, 'revenue_impact', '[Estimate]')}"),
        _bullet(
            "**Support Tickets:** "
            + _count(business.support_tickets, business.support_tickets_text)
        ),
        _bullet(
            "**Customer Complaints:** "
            + _count(business.customer_complaints, business.customer_complaints_text)
        ),
        _bullet(
            f"**Reputation Impact:** {_written(business, 'reputation_impact', '[Assessment]')}"
        ),
        *_extras(doc, "Impact Assessment/Business Impact"),
    ]
    return out


def _root_cause(doc: Postmortem) -> list[str]:
    rca = doc.root_cause_analysis
    return [
        "### Primary Cause",
        _written(rca, "primary_cause", "[Detailed description of root cause]"),
        *_extras(doc, "Root Cause Analysis/Primary Cause"),
        "",
        "### Contributing Factors",
        *_numbered(rca.contributing_factors, "Factor", rca.contributing_factors_none),
        *_extras(doc, "Root Cause Analysis/Contributing Factors"),
        "",
        "### Why It Happened",
        _written(rca, "why_it_happened", "[Analysis of why the root cause occurred]"),
        *_extras(doc, "Root Cause Analysis/Why It Happened"),
        "",
        "### Why We Didn't Catch It",
        _written(rca, "why_we_didnt_catch_it", "[Analysis of why it wasn't prevented]"),
        *_extras(doc, "Root Cause Analysis/Why We Didn't Catch It"),
    ]


def _reflection(doc: Postmortem, key: str) -> list[str]:
    reflection = doc.what_went_well if key == "what_went_well" else doc.what_went_wrong
    placeholder = "Positive aspect" if key == "what_went_well" else "Issue"
    lessons_placeholder = (
        "[What we learned from what went well]"
        if key == "what_went_well"
        else "[What we learned from what went wrong]"
    )
    return [
        *_numbered(reflection.items, placeholder, reflection.items_none),
        "",
        f"**Lessons:** {_written(reflection, 'lessons', lessons_placeholder)}",
    ]


def _action_item(item: ActionItem) -> list[str]:
    return [
        _checkbox(item),
        "  " + _bullet(f"**Owner:** {_written(item, 'owner', '[Name]')}"),
        "  " + _bullet(f"**Due Date:** {_date(item.due_date, item.due_date_text)}"),
        "  " + _bullet(f"**Priority:** {_priority(item)}"),
        *_tracking(item),
        *("  " + _indent(_bullet(extra), 2) for extra in item.extra),
    ]


def _priority(item: ActionItem) -> str:
    if item.priority is not None:
        return item.priority.value
    return item.priority_text if item.priority_text is not None else "High/Medium/Low"


def _placeholder_item(number: int) -> list[str]:
    return [
        f"- [ ] [Action item {number}]",
        "  - **Owner:** [Name]",
        "  - **Due Date:** [Date]",
        "  - **Priority:** High/Medium/Low",
    ]


def _action_items(doc: Postmortem) -> list[str]:
    out: list[str] = []
    placeholder_numbers = {"immediate": (1, 2), "short_term": (3,), "long_term": (4,)}
    for (heading, key), (_horizon, items) in zip(
        layout.HORIZON_HEADINGS, doc.action_items.by_horizon(), strict=True
    ):
        if out:
            out.append("")
        out.append(f"### {heading}")
        none = getattr(doc.action_items, f"{key}_none")
        blocks = [_action_item(item) for item in items] or (
            [["- [ ] " + _indent(none, 2)]]
            if none is not None
            else [_placeholder_item(n) for n in placeholder_numbers[key]]
        )
        for i, block in enumerate(blocks):
            if i:
                out.append("")
            out += block
        out += _extras(doc, f"Action Items/{heading}")
    return out


def _prevention(doc: Postmortem) -> list[str]:
    out: list[str] = []
    for heading, key, placeholder in layout.PREVENTION_HEADINGS:
        if out:
            out.append("")
        items: list[CheckItem] = getattr(doc.prevention_measures, key)
        out.append(f"### {heading}")
        none = getattr(doc.prevention_measures, f"{key}_none")
        out += [line for item in items for line in _check_item(item)] or (
            ["- [ ] " + _indent(none, 2)]
            if none is not None
            else [f"- [ ] [{placeholder} {n}]" for n in (1, 2, 3)]
        )
        out += _extras(doc, f"Prevention Measures/{heading}")
    return out


def _measurement(value: Measurement | None, placeholder: str) -> str:
    if value is None:
        return placeholder
    if value.text is not None:
        return value.text
    formatted = values.format_measurement(value.value, value.unit)
    return formatted or placeholder


def _before_during_after(row: BeforeDuringAfter) -> str:
    if row.text is not None:
        return row.text
    return layout.ARROW.join(
        [
            _measurement(row.before, "[Before]"),
            _measurement(row.during, "[During]"),
            _measurement(row.after, "[After]"),
        ]
    )


def _metrics(doc: Postmortem) -> list[str]:
    stated = doc.metrics.incident_metrics
    performance = doc.metrics.performance_impact
    computed: dict[str, Metric] = {name: metric for name, metric in metrics_of(doc).items()}
    out = ["### Incident Metrics"]
    for label, name in layout.INCIDENT_METRIC_LABELS:
        value = getattr(stated, name)
        text = _duration(value, getattr(stated, f"{name}_text"), "[Time]")
        metric = computed[name]
        unstated = value is None and getattr(stated, f"{name}_text") is None
        if unstated and metric.source == "timeline" and metric.seconds is not None:
            text = f"{values.format_duration(metric.seconds)} {FROM_TIMELINE}"
        elif metric.disagrees and metric.seconds is not None:
            text += f" {layout.TIMELINE_NOTE.format(values.format_duration(metric.seconds))}"
        out.append(_bullet(f"**{label}:** {text}"))
    out += _extras(doc, "Metrics/Incident Metrics")
    out += ["", "### Performance Impact"]
    for label, name in layout.PERFORMANCE_LABELS:
        out.append(_bullet(f"**{label}:** {_before_during_after(getattr(performance, name))}"))
    out += _extras(doc, "Metrics/Performance Impact")
    return out


def _follow_up(doc: Postmortem) -> list[str]:
    schedule = doc.follow_up.review_schedule
    out = ["### Review Schedule"]
    for label, name in layout.REVIEW_LABELS:
        value = getattr(schedule, name)
        text = getattr(schedule, f"{name}_text")
        out.append(_bullet(f"**{label}:** {_date(value, text)}"))
    out += _extras(doc, "Follow-Up/Review Schedule")
    out += ["", "### Success Criteria"]
    criteria = doc.follow_up.success_criteria
    out += [line for item in criteria for line in _check_item(item)]
    if not criteria and doc.follow_up.success_criteria_none is not None:
        out.append("- [ ] " + _indent(doc.follow_up.success_criteria_none, 2))
    out += _extras(doc, "Follow-Up/Success Criteria")
    return out


def _appendix(doc: Postmortem) -> list[str]:
    out: list[str] = []
    for heading, key, placeholders in layout.APPENDIX_HEADINGS:
        if out:
            out.append("")
        items: list[str] = getattr(doc.appendix, key)
        out.append(f"### {heading}")
        out += _bullets(items, getattr(doc.appendix, f"{key}_none"), placeholders)
        out += _extras(doc, f"Appendix/{heading}")
    return out


def _sign_off(doc: Postmortem) -> list[str]:
    sign_off = doc.sign_off
    rows = [
        ("Prepared By", _written(sign_off, "prepared_by", "[Name]")),
        ("Reviewed By", _written(sign_off, "reviewed_by", "[Name]")),
        ("Approved By", _written(sign_off, "approved_by", "[Name]")),
        ("Date", _date(sign_off.date, sign_off.date_text)),
    ]
    return _paragraph_fields(rows)


_SECTION_RENDERERS = {
    "executive_summary": _executive_summary,
    "timeline": _timeline,
    "impact_assessment": _impact,
    "root_cause_analysis": _root_cause,
    "action_items": _action_items,
    "prevention_measures": _prevention,
    "metrics": _metrics,
    "follow_up": _follow_up,
    "appendix": _appendix,
    "sign_off": _sign_off,
}


_SECTIONS_WITH_SUBSECTIONS = frozenset(
    {
        "timeline",
        "impact_assessment",
        "root_cause_analysis",
        "action_items",
        "prevention_measures",
        "metrics",
        "follow_up",
        "appendix",
    }
)


def render(doc: Postmortem, *, prompts: bool = False) -> str:
    """The document as Markdown in the template's layout; an empty document is the template.

    ``prompts`` also writes labelled placeholder lines for the header extras the template
    lacks (Impact Start, Time Zone), as ``blamefree new`` does for a post-mortem to fill in.
    """
    out = [f"# {doc.title or layout.TEMPLATE_TITLE}", "", *_header(doc, prompts=prompts)]
    out += _extras(doc, None, headed=False)
    # Headed extras found before the first section stay there: at the end, a `### ` heading
    # would be read as part of the Sign-Off.
    out += _extras(doc, None, loose=False, levels=lambda level: level > 2)
    for heading, key in layout.SECTIONS:
        out += ["", "---", "", f"## {heading}", ""]
        if key in _SECTIONS_WITH_SUBSECTIONS:
            out += _leading_extras(doc, heading)
        if key in ("what_went_well", "what_went_wrong"):
            out += _reflection(doc, key)
        else:
            out += _SECTION_RENDERERS[key](doc)
        if key not in _SECTIONS_WITH_SUBSECTIONS:
            # After the labelled fields: a stray line before them could be read as a field.
            out += _extras(doc, heading, headed=False)
        out += _extras(doc, heading, loose=False)
    out += _extras(doc, None, loose=False, levels=lambda level: level <= 2)
    out += ["", "---", "", layout.REMEMBER]
    return "\n".join(out) + "\n"
