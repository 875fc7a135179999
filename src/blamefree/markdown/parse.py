"""Markdown -> Postmortem, for post-mortems as people really write them.

The reader is lenient about layout (renamed title, missing Remember line, extra bullets, any
number of list items, headings spelled a little differently) and strict about values: a date,
time or severity that is written but impossible raises ``TemplateParseError`` naming the file,
line and field. Text it has no place for is kept in ``extra_sections``, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from blamefree.domain import ids, values
from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import ExtraSection, PhaseBlock, Postmortem
from blamefree.markdown import layout, sections
from blamefree.markdown.base_marker import blank_marker
from blamefree.markdown.blocks import Section, content_blocks, parse_blocks, section_raw
from blamefree.markdown.events import parse_event_log
from blamefree.markdown.fields import Context, bullet_fields, paragraph_fields
from blamefree.markdown.typed import (
    Clock,
    TimeField,
    borrow_reference,
    carry_zone,
    free_text,
    kept,
    read_date,
    read_duration,
    read_implied_start,
    read_time,
    unknown_text,
    zone_name_doubt,
)

_SEVERITY = re.compile(r"^\s*+(?:P|SEV(?:ERITY)?[\s-]*+)(?P<n>\d)\b", re.IGNORECASE)
_ODD_SPACES = re.compile("[\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029]")


def _read_header(doc: dict[str, Any], root: Section, ctx: Context, tz_option: str | None) -> Clock:
    labels = sections.labels_of(layout.HEADER_LABELS + layout.HEADER_EXTRA_LABELS)
    labels.update({"timezone": "timezone", "incident": "incident_id", "id": "incident_id"})
    found_by_label = paragraph_fields(content_blocks(root), set(labels), ctx, None)
    found = {labels[key]: item for key, item in found_by_label.items()}
    incident = free_text(found, "incident_id")
    if incident is not None:
        # An id is a name, never a path or markup: the grammar is checked where it enters.
        ctx.typed(ids.incident_id, found["incident_id"], "incident_id")
    doc["incident_id"] = incident
    noted = values.zone_note("\n".join(ctx.lines))
    if "timezone" in found and not values.is_unknown(found["timezone"].value):
        tz_name = found["timezone"].value
        ctx.typed(values.zone, found["timezone"], "timezone")
        doc["timezone"] = tz_name
        zone_name_doubt(ctx, tz_name, "timezone")
    elif noted is not None:
        # "All times are in PST." in the text: the writer's own word, like a Time Zone line.
        tz_name = noted
        doc["timezone"] = tz_name
        zone_name_doubt(ctx, tz_name, "timezone")
    elif tz_option and tz_option.upper() != "UTC":
        tz_name = tz_option
        doc["timezone"] = tz_name
    else:
        tz_name = None  # UTC, unless one of the document's times names a zone (carry_zone)
    severity = found.get("severity")
    if severity is not None and not values.is_unknown(severity.value):
        match = _SEVERITY.match(severity.value)
        if match is None or int(match["n"]) > 3:
            raise ctx.fail(
                f"severity {severity.value[:40]!r} is not one of P0, P1, P2, P3",
                severity.line,
                "severity",
            )
        doc["severity"] = Severity(f"P{match['n']}")
        doc["severity_text"] = kept(severity.value, f"P{match['n']}")
    elif severity is not None:
        # "TBD (after the review)": not known, and the words that say so are kept.
        doc["severity_text"] = unknown_text(found, "severity")
    date_field = found.get("date")
    doc["date"], doc["date_text"] = read_date(ctx, date_field, "date", required=True)
    ctx.reference = doc["date"]
    doc["duration"], doc["duration_text"] = read_duration(ctx, found.get("duration"), "duration")
    clock = Clock(reference=doc["date"], tz=values.zone(tz_name), explicit=tz_name is not None)
    start_field = found.get("impact_start")
    if start_field is not None:
        clock.pending.append(TimeField("impact_start", start_field, doc, "impact_start"))
    elif date_field is not None and doc["date"] is not None:
        # A Date with a time of day ("2024-07-19 04:09 UTC") is also when impact started.
        clock.pending.append(TimeField("date", date_field, doc, "impact_start", implied=True))
    return clock


def _read_timeline(section: Section, ctx: Context, clock: Clock) -> dict[str, Any]:
    ctx.leftover("Timeline", "\n\n".join(b.raw for b in content_blocks(section)))
    synonyms = {**layout.PHASE_SYNONYMS, "event log": "event_log"}
    phases = sections.sub_sections(section, synonyms, ctx, "Timeline")
    headings = dict((key, heading) for heading, key in layout.PHASE_HEADINGS)
    timeline: dict[str, Any] = {}
    if "impact_start" in phases:
        found, _extra = bullet_fields(
            content_blocks(phases["impact_start"]), {"time"}, ctx, "Timeline"
        )
        if "time" in found:
            # Read only when the header gives no impact start (see _read_times).
            clock.pending.append(TimeField("impact_start", found["time"], {}, "impact_start"))
    for child in section.children:
        if layout.normalise(child.heading) == "event log":
            body = ctx.lines[child.body_start : child.end]
            timeline["events"] = parse_event_log(body, child.body_start + 1, ctx.fail)
    for block_type in PhaseBlock.__subclasses__():
        key = block_type.phase.value
        sub = phases.get(key)
        if sub is None:
            continue
        parent = f"Timeline/{headings[key]}"
        labels = {"time": "time"} | sections.labels_of(block_type.labels)
        found, extra = bullet_fields(content_blocks(sub), set(labels), ctx, parent)
        by_name = {labels[label]: item for label, item in found.items()}
        for child in sub.children:
            ctx.leftover(parent, section_raw(child, ctx.lines), child.heading, child.level)
        block: dict[str, Any] = {"extra": extra, "time": None, "time_text": None}
        if "time" in by_name:
            clock.pending.append(TimeField(f"timeline.{key}.time", by_name["time"], block, "time"))
        for _label, name in block_type.labels:
            block[name] = free_text(by_name, name)
            block[f"{name}_text"] = unknown_text(by_name, name)
        timeline[key] = block
    return timeline


def _read_times(ctx: Context, clock: Clock, doc: dict[str, Any]) -> None:
    """Every time of the document, in order: the impact start, then the six phases (so a bare
    time after midnight can roll over to the next day)."""
    carry_zone(clock)
    events = doc.get("timeline", {}).get("events", [])
    borrow_reference(ctx, clock, [event.time for event in events])
    for pending in clock.pending:
        if pending.implied:
            implied = read_implied_start(ctx, clock, pending.found, pending.path)
            doc["impact_start"] = implied
            clock.previous = implied
        elif pending.target is doc or pending.key != "impact_start":
            pending.target[pending.key], pending.target[f"{pending.key}_text"] = read_time(
                ctx, clock, pending.found, pending.path
            )
        elif doc.get("impact_start") is None and doc.get("impact_start_text") is None:
            # The Timeline's "### Impact Start" block, when the header has no Impact Start.
            doc["impact_start"], doc["impact_start_text"] = read_time(
                ctx, clock, pending.found, pending.path
            )


# --- the document --------------------------------------------------------------------------

_SUBSECTIONS: dict[str, list[str]] = {
    "Timeline": [heading for heading, _key in layout.PHASE_HEADINGS],
    "Impact Assessment": ["Users Affected", "Features Affected", "Business Impact"],
    "Root Cause Analysis": [
        "Primary Cause",
        "Contributing Factors",
        "Why It Happened",
        "Why We Didn't Catch It",
    ],
    "Action Items": [heading for heading, _key in layout.HORIZON_HEADINGS],
    "Prevention Measures": [heading for heading, _k, _p in layout.PREVENTION_HEADINGS],
    "Metrics": ["Incident Metrics", "Performance Impact"],
    "Follow-Up": ["Review Schedule", "Success Criteria"],
    "Appendix": [heading for heading, _k, _p in layout.APPENDIX_HEADINGS],
}
_SECTION_ORDER = {heading: index for index, (heading, _key) in enumerate(layout.SECTIONS)}


def _render_order(extra: ExtraSection) -> tuple[int, int]:
    """Where render puts an extra section, so that a parsed document is already in that order
    (sorting is stable: extras in the same place keep the order they were written in)."""
    if extra.parent is None:
        if extra.heading is None or extra.level > 2:
            return (-1, 0)
        return (len(_SECTION_ORDER), 0)
    top, _slash, sub = extra.parent.partition("/")
    section = _SECTION_ORDER.get(top, len(_SECTION_ORDER))
    if not sub:
        return (section, -1 if extra.heading is None else 1000)
    subs = _SUBSECTIONS.get(top, [])
    return (section, subs.index(sub) if sub in subs else 999)


def _sections(root: Section, ctx: Context) -> dict[str, Section]:
    """The template's sections by key, in the order written; the rest is kept as extras."""
    found: dict[str, Section] = {}
    keys = layout.place_sections([(section.heading, section.level) for section in root.children])
    for section, key in zip(root.children, keys, strict=True):
        if key is None:
            ctx.leftover(None, section_raw(section, ctx.lines), section.heading, section.level)
        else:
            found[key] = section
    return found


def parse(text: str, *, source: str | None = None, timezone: str | None = None) -> Postmortem:
    """Read a post-mortem written in the template; ``timezone`` applies to times written
    without one unless the document names its own (``**Time Zone:**``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = blank_marker(text)  # the base-version line is bookkeeping, not content
    # Characters Python counts as white space or line breaks but Markdown does not: spaces.
    text = _ODD_SPACES.sub(" ", text)
    ctx = Context(source=source, lines=text.split("\n"))
    try:
        if timezone is not None:
            values.zone(timezone)
    except ValueError as exc:
        raise ctx.fail(str(exc), 1, "timezone") from exc
    title, _title_line, root = parse_blocks(text)
    found_sections = _sections(root, ctx)
    ctx.dot_thousands = values.writes_dot_thousands(
        "\n".join(
            section_raw(found_sections[key], ctx.lines)
            for key in ("executive_summary", "impact_assessment", "metrics")
            if key in found_sections
        )
    )
    doc: dict[str, Any] = {"title": None if title in (None, layout.TEMPLATE_TITLE) else title}
    clock = _read_header(doc, root, ctx, timezone)
    header_fields = sum(
        doc.get(key) is not None for key in ("incident_id", "date", "severity", "duration")
    )
    if len(found_sections) < 2 and not (found_sections and header_fields):
        raise ctx.fail(
            "this does not look like a post-mortem: found "
            f"{len(found_sections)} of the template's sections (such as '## Executive Summary', "
            "'## Timeline', '## Root Cause Analysis')",
            1,
            "document",
        )
    readers: dict[str, Callable[[Section, Context], dict[str, Any]]] = {
        "executive_summary": sections.read_executive_summary,
        "impact_assessment": sections.read_impact,
        "root_cause_analysis": sections.read_root_cause,
        "action_items": sections.read_action_items,
        "prevention_measures": sections.read_prevention,
        "metrics": sections.read_metrics,
        "follow_up": sections.read_follow_up,
        "appendix": sections.read_appendix,
        "sign_off": sections.read_sign_off,
    }
    for key, section in found_sections.items():
        if key == "timeline":
            doc["timeline"] = _read_timeline(section, ctx, clock)
        elif key in ("what_went_well", "what_went_wrong"):
            doc[key] = sections.read_reflection(section, ctx, layout.SECTION_HEADINGS[key])
        else:
            doc[key] = readers[key](section, ctx)
    _read_times(ctx, clock, doc)
    doc["extra_sections"] = sorted(ctx.extras, key=_render_order)
    doc["assumptions"] = ctx.assumptions
    try:
        return Postmortem.model_validate(doc)
    except ValidationError as exc:
        error = exc.errors()[0]
        path = ".".join(str(part) for part in error["loc"])
        raise ctx.fail(error["msg"], 1, path) from exc
