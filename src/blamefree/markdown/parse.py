"""Markdown -> Postmortem, for post-mortems as people really write them.

The reader is lenient about layout (renamed title, missing Remember line, extra bullets, any
number of list items, headings spelled a little differently) and strict about values: a date,
time or severity that is written but impossible raises ``TemplateParseError`` naming the file,
line and field. Text it has no place for is kept in ``extra_sections``, never dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from blamefree.domain import actions, values
from blamefree.domain.derive import FROM_EVENTS, FROM_TIMELINE
from blamefree.domain.enums import ActionStatus, Priority, Severity
from blamefree.domain.postmortem import ExtraSection, PhaseBlock, Postmortem
from blamefree.errors import TemplateParseError
from blamefree.markdown import layout
from blamefree.markdown.base_marker import blank_marker
from blamefree.markdown.blocks import (
    Block,
    Item,
    Section,
    content_blocks,
    parse_blocks,
    section_raw,
)
from blamefree.markdown.events import parse_event_log

T = TypeVar("T")

_BOLD_LABEL = re.compile(
    r"^\*\*(?P<label>[^*\n]{1,60}?)\s*(?::\s*\*\*|\*\*\s*:)[ \t]*(?P<value>.*)$", re.DOTALL
)
# Plain labels may start with a digit ("1 Week Follow-Up: ..."); they only count when known.
_PLAIN_LABEL = re.compile(
    r"^(?P<label>[A-Za-z0-9][A-Za-z0-9 /'’()-]{0,40}):[ \t]+(?P<value>.*)$", re.DOTALL
)
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s*(?P<text>.*)$", re.DOTALL)
_SEVERITY = re.compile(r"^\s*(?:P|SEV(?:ERITY)?[\s-]*)(?P<n>\d)\b", re.IGNORECASE)
_PRIORITY_WORDS = {
    "high": Priority.HIGH,
    "critical": Priority.HIGH,
    "urgent": Priority.HIGH,
    "p0": Priority.HIGH,
    "p1": Priority.HIGH,
    "medium": Priority.MEDIUM,
    "med": Priority.MEDIUM,
    "normal": Priority.MEDIUM,
    "p2": Priority.MEDIUM,
    "low": Priority.LOW,
    "p3": Priority.LOW,
}


@dataclass
class Field:
    """A labelled value found in the text, with its line."""

    label: str
    value: str
    line: int


@dataclass
class Context:
    """State of one parse: where we are, for error messages, and what is left over."""

    source: str | None
    lines: list[str]
    extras: list[ExtraSection] = field(default_factory=list)
    reference: dt.date | None = None  # the document's date, for dates written without a year

    def fail(self, message: str, line: int, field_path: str) -> TemplateParseError:
        return TemplateParseError(
            message, file=self.source or "<text>", line=line, field=field_path
        )

    def typed(self, reader: Callable[[str], T], found: Field, field_path: str) -> T:
        """Run a value reader; its ValueError becomes a TemplateParseError at the field's line."""
        try:
            return reader(found.value)
        except ValueError as exc:
            raise self.fail(str(exc), found.line, field_path) from exc

    def leftover(
        self, parent: str | None, body: str, heading: str | None = None, level: int = 3
    ) -> None:
        if body.strip() or heading is not None:
            body = _close_fences(body)
            self.extras.append(ExtraSection(heading=heading, level=level, parent=parent, body=body))


_ODD_SPACES = str.maketrans({c: " " for c in "\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"})
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _close_fences(body: str) -> str:
    """Close a code fence left open at the end of kept text, so it cannot swallow what follows."""
    open_fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE.match(line)
        if match is None:
            continue
        marker = match.group(1)
        if open_fence is None:
            open_fence = marker
        elif marker[0] == open_fence[0] and len(marker) >= len(open_fence):
            open_fence = None
    return body if open_fence is None else f"{body}\n{open_fence}"


# --- labelled fields ---------------------------------------------------------------------------


# "**Time (UTC):**", "**Timestamp (PDT):**": a time label that names the zone of its value.
_ZONED_LABEL = re.compile(
    r"^(?P<base>time|timestamp|impact start)\s*\((?P<zone>[^()]{1,40})\)$", re.I
)
_LABEL_SYNONYMS = {"timestamp": "time"}


def _zoned_label(label: str, value: str) -> tuple[str, str]:
    """The label without its zone, and the value with the zone written after the time."""
    match = _ZONED_LABEL.match(label.strip())
    if match is None:
        plain = layout.normalise(label)
        return _LABEL_SYNONYMS.get(plain, plain), value
    base = layout.normalise(match["base"])
    base = _LABEL_SYNONYMS.get(base, base)
    name = match["zone"].strip()
    try:
        values.zone(name)
    except ValueError:
        plain = layout.normalise(label)
        return _LABEL_SYNONYMS.get(plain, plain), value
    if values.is_unknown(value) or values.names_zone(value):
        return base, value
    return base, f"{value} {name}"


def _split_label(text: str, known: set[str]) -> tuple[str, str] | None:
    match = _BOLD_LABEL.match(text)
    if match:
        return _zoned_label(match["label"], match["value"].strip())
    match = _PLAIN_LABEL.match(text)
    if match:
        label, value = _zoned_label(match["label"], match["value"].strip())
        if label in known:
            return label, value
    return None


def _all_labelled(block: Block, known: set[str]) -> bool:
    """True for a list whose every item is a ``**Label:** value`` line with a known label."""
    for item in block.items:
        split = None if item.children else _split_label(item.raw, known)
        if split is None or split[0] not in known:
            return False
    return bool(block.items)


def paragraph_fields(
    blocks: list[Block], known: set[str], ctx: Context, parent: str | None
) -> dict[str, Field]:
    """``**Label:** value`` lines in paragraphs; a line without a label continues the one before."""
    found: dict[str, Field] = {}
    loose: list[str] = []
    for block in blocks:
        if block.kind == "list" and _all_labelled(block, known):
            # A writer who bulleted the labelled lines: read them the same way.
            for item in block.items:
                split = _split_label(item.raw, known)
                if split and split[0] not in found:
                    found[split[0]] = Field(split[0], split[1], item.line)
            continue
        if block.kind != "paragraph":
            loose.append(block.raw)
            continue
        current: Field | None = None
        stray: list[str] = []
        for offset, raw_line in enumerate(block.raw.split("\n")):
            line = raw_line.rstrip().removesuffix("\\").rstrip()
            split = _split_label(line.strip(), known)
            if split and split[0] in known and split[0] not in found:
                current = Field(split[0], split[1], block.line + offset)
                found[split[0]] = current
            elif current is not None and not split:
                current.value = f"{current.value}\n{line.strip()}".strip()
            else:
                current = None
                stray.append(line)
        if stray:
            loose.append("\n".join(stray))
    if loose:
        ctx.leftover(parent, "\n\n".join(loose))
    return found


def bullet_fields(
    blocks: list[Block], known: set[str], ctx: Context, parent: str | None
) -> tuple[dict[str, Field], list[str]]:
    """``- **Label:** value`` bullets; other bullets come back as extras, other blocks are kept."""
    found: dict[str, Field] = {}
    extra: list[str] = []
    loose: list[str] = []
    for block in blocks:
        first = _split_label(block.raw.split("\n")[0].strip(), known)
        if block.kind == "paragraph" and first and first[0] in known:
            # Labelled lines written as a paragraph instead of bullets.
            for key, value in paragraph_fields([block], known, ctx, parent).items():
                found.setdefault(key, value)
            continue
        if block.kind != "list":
            loose.append(block.raw)
            continue
        for item in block.items:
            split = _split_label(item.raw, known) if not item.children else None
            if split is None and item.children:
                split = _split_label(item.head, known)
            if split and split[0] in known and split[0] not in found:
                found[split[0]] = Field(split[0], split[1], item.line)
            elif not values.is_placeholder(item.raw):
                extra.append(item.raw)
    if loose:
        ctx.leftover(parent, "\n\n".join(loose))
    return found, extra


def _derived(value: str) -> bool:
    """True for a value Blamefree filled in from the event log or the timeline when rendering."""
    return value.endswith((FROM_EVENTS, FROM_TIMELINE))


def _text(found: dict[str, Field], key: str) -> str | None:
    """A free-text field; placeholders, unknown words and derived values read as None."""
    item = found.get(key)
    if item is None or values.is_unknown(item.value) or _derived(item.value):
        return None
    return item.value


def _kept(written: str, canonical: str) -> str | None:
    """The text as written when it differs from the canonical form, else None."""
    return None if written == canonical else written


# --- typed readers -------------------------------------------------------------------------


def _read_date(ctx: Context, found: Field | None, path: str) -> tuple[dt.date | None, str | None]:
    if found is None or values.is_placeholder(found.value):
        return None, None
    if values.is_unknown(found.value):
        return None, found.value
    match = ctx.typed(_date_reader(ctx.reference), found, path)
    if match is None:
        return None, found.value
    return match.date, _kept(found.value, values.format_date(match.date))


def _date_reader(reference: dt.date | None) -> Callable[[str], values.DateMatch | None]:
    """Dates after the header take a missing year from the document's date: the first such
    day on or after it (``Mar 3`` in a post-mortem of 28 Feb 2017 is 2017-03-03, ``Jan 5`` in
    one of 28 Dec 2023 is 2024-01-05), since due dates, reviews and sign-off come later."""

    def read(text: str) -> values.DateMatch | None:
        if reference is None:
            return values.find_date(text)
        found = values.find_date(text, default_year=reference.year)
        if found is None or found.has_year or found.date >= reference:
            return found
        return values.find_date(text, default_year=reference.year + 1)

    return read


def _read_count(ctx: Context, found: Field | None, path: str) -> tuple[int | None, str | None]:
    if found is None or values.is_placeholder(found.value):
        return None, None
    if values.is_unknown(found.value):
        return None, found.value
    count = ctx.typed(values.parse_count, found, path)
    if count is None:
        return None, found.value
    return count, _kept(found.value, values.format_count(count))


def _read_percentage(
    ctx: Context, found: Field | None, path: str
) -> tuple[float | None, str | None]:
    if found is None or values.is_placeholder(found.value):
        return None, None
    if values.is_unknown(found.value):
        return None, found.value
    number = ctx.typed(values.parse_percentage, found, path)
    if number is None:
        return None, found.value
    return number, _kept(found.value, values.format_percentage(number))


def _read_duration(ctx: Context, found: Field | None, path: str) -> tuple[int | None, str | None]:
    if found is None or values.is_placeholder(found.value) or _derived(found.value):
        return None, None
    if values.is_unknown(found.value):
        return None, found.value
    seconds = ctx.typed(values.parse_duration, found, path)
    if seconds is None:
        return None, found.value
    return seconds, _kept(found.value, values.format_duration(seconds))


@dataclass
class Clock:
    """What bare times are read against: the document's date and zone, and the time before."""

    reference: dt.date | None
    tz: dt.tzinfo
    previous: dt.datetime | None = None


def _read_time(
    ctx: Context, clock: Clock, found: Field | None, path: str
) -> tuple[dt.datetime | None, str | None]:
    if found is None or values.is_placeholder(found.value) or _derived(found.value):
        return None, None
    if values.is_unknown(found.value):
        return None, found.value
    moment = ctx.typed(
        lambda text: values.parse_time(
            text, reference=clock.reference, tz=clock.tz, previous=clock.previous
        ),
        found,
        path,
    )
    if moment is None:
        return None, found.value
    clock.previous = moment
    return moment, _kept(found.value, values.format_datetime(moment))


# --- sections ------------------------------------------------------------------------------


def _labels(rows: tuple[tuple[str, ...], ...]) -> dict[str, str]:
    """normalised label -> field name."""
    return {layout.normalise(row[0]): row[1] for row in rows}


def _sub(
    section: Section, synonyms: dict[str, str], ctx: Context, parent: str
) -> dict[str, Section]:
    """Known sub-sections by key; unknown ones are kept as extra sections."""
    known: dict[str, Section] = {}
    for child in section.children:
        key = synonyms.get(layout.normalise(child.heading))
        if key is None or key in known:
            ctx.leftover(parent, section_raw(child, ctx.lines), child.heading, child.level)
        else:
            known[key] = child
    return known


def _read_header(doc: dict[str, Any], root: Section, ctx: Context, tz_option: str | None) -> Clock:
    labels = _labels(layout.HEADER_LABELS + layout.HEADER_EXTRA_LABELS)
    labels.update({"timezone": "timezone", "incident": "incident_id", "id": "incident_id"})
    found_by_label = paragraph_fields(content_blocks(root), set(labels), ctx, None)
    found = {labels[key]: item for key, item in found_by_label.items()}
    incident = _text(found, "incident_id")
    doc["incident_id"] = incident
    noted = values.zone_note("\n".join(ctx.lines))
    if "timezone" in found and not values.is_unknown(found["timezone"].value):
        tz_name = found["timezone"].value
        ctx.typed(values.zone, found["timezone"], "timezone")
        doc["timezone"] = tz_name
    elif noted is not None:
        # "All times are in PST." in the text: the writer's own word, like a Time Zone line.
        tz_name = noted
        doc["timezone"] = tz_name
    elif tz_option and tz_option.upper() != "UTC":
        tz_name = tz_option
        doc["timezone"] = tz_name
    else:
        tz_name = None
    tz = values.zone(tz_name)
    severity = found.get("severity")
    if severity is not None and not values.is_unknown(severity.value):
        match = _SEVERITY.match(severity.value)
        if match is None or int(match["n"]) > 3:
            raise ctx.fail(
                f"severity {severity.value!r} is not one of P0, P1, P2, P3",
                severity.line,
                "severity",
            )
        doc["severity"] = Severity(f"P{match['n']}")
        doc["severity_text"] = _kept(severity.value, f"P{match['n']}")
    date_field = found.get("date")
    doc["date"], doc["date_text"] = _read_date(ctx, date_field, "date")
    ctx.reference = doc["date"]
    doc["duration"], doc["duration_text"] = _read_duration(ctx, found.get("duration"), "duration")
    clock = Clock(reference=doc["date"], tz=tz)
    start_field = found.get("impact_start")
    if start_field is not None:
        doc["impact_start"], doc["impact_start_text"] = _read_time(
            ctx, clock, start_field, "impact_start"
        )
    elif date_field is not None and doc["date"] is not None:
        implied = ctx.typed(lambda text: values.date_time_of_day(text, tz=tz), date_field, "date")
        doc["impact_start"] = implied
        clock.previous = implied
    if clock.reference is None and doc.get("impact_start") is not None:
        clock.reference = doc["impact_start"].astimezone(tz).date()
    return clock


def _read_executive_summary(section: Section, ctx: Context) -> dict[str, Any]:
    labels = _labels(layout.EXECUTIVE_SUMMARY_LABELS)
    found = paragraph_fields(content_blocks(section), set(labels), ctx, "Executive Summary")
    for child in section.children:
        ctx.leftover("Executive Summary", section_raw(child, ctx.lines), child.heading, child.level)
    return {name: _text(found, key) for key, name in labels.items()}


def _read_timeline(
    section: Section, ctx: Context, clock: Clock, doc: dict[str, Any]
) -> dict[str, Any]:
    ctx.leftover("Timeline", "\n\n".join(b.raw for b in content_blocks(section)))
    synonyms = {**layout.PHASE_SYNONYMS, "event log": "event_log"}
    phases = _sub(section, synonyms, ctx, "Timeline")
    headings = dict((key, heading) for heading, key in layout.PHASE_HEADINGS)
    timeline: dict[str, Any] = {}
    if "impact_start" in phases and doc.get("impact_start") is None:
        found, _extra = bullet_fields(
            content_blocks(phases["impact_start"]), {"time"}, ctx, "Timeline"
        )
        doc["impact_start"], doc["impact_start_text"] = _read_time(
            ctx, clock, found.get("time"), "impact_start"
        )
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
        labels = {"time": "time"} | _labels(block_type.labels)
        found, extra = bullet_fields(content_blocks(sub), set(labels), ctx, parent)
        by_name = {labels[label]: item for label, item in found.items()}
        for child in sub.children:
            ctx.leftover(parent, section_raw(child, ctx.lines), child.heading, child.level)
        block: dict[str, Any] = {"extra": extra}
        block["time"], block["time_text"] = _read_time(
            ctx, clock, by_name.get("time"), f"timeline.{key}.time"
        )
        for _label, name in block_type.labels:
            block[name] = _text(by_name, name)
        timeline[key] = block
    return timeline


def _list_texts(section: Section, ctx: Context, parent: str) -> list[str]:
    """The items of the section's lists (placeholders dropped); other blocks are kept aside."""
    texts: list[str] = []
    loose: list[str] = []
    for block in content_blocks(section):
        if block.kind == "list":
            texts.extend(item.raw for item in block.items if not values.is_unknown(item.raw))
        else:
            loose.append(block.raw)
    if loose:
        ctx.leftover(parent, "\n\n".join(loose))
    for child in section.children:
        ctx.leftover(parent, section_raw(child, ctx.lines), child.heading, child.level)
    return texts


def _check_items(section: Section, ctx: Context, parent: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for text in _list_texts(section, ctx, parent):
        text, status = _trailing_status(text)
        match = _CHECKBOX.match(text)
        body = match["text"].strip() if match else text
        if values.is_placeholder(body) or not body:
            continue
        done = bool(match and match["mark"] in "xX")
        if done or status is None:
            status = ActionStatus.DONE if done else ActionStatus.OPEN
        items.append({"text": body, "done": status is ActionStatus.DONE, "status": status})
    return items


_TRACKING_LABELS = ("status", "type", "id", "tracker")
_STATUS_LINE = re.compile(r"\n- \*\*Status:\*\*[ \t]*(?P<value>[^\n]+)$")


def _trailing_status(text: str) -> tuple[str, ActionStatus | None]:
    """A checklist line's ``- **Status:** ...`` sub-bullet, split off when it names a status."""
    match = _STATUS_LINE.search(text)
    status = actions.parse_status(match["value"]) if match else None
    if match is None or status is None:
        return text, None
    return text[: match.start()], status


def _read_tracking(label: str, value: str, into: dict[str, Any]) -> bool:
    """Read an action item's Status, Type, ID or Tracker line into ``into``; False if unknown."""
    key = {"status": "status", "type": "type", "id": "id", "tracker": "tracker"}.get(label)
    if key is None or key in into:
        return False
    readers: dict[str, Callable[[str], object]] = {
        "status": actions.parse_status,
        "type": actions.parse_type,
        "id": actions.parse_action_id,
        "tracker": actions.parse_tracker,
    }
    parsed = readers[key](value)
    if parsed is None:
        return False  # kept as an extra line: nothing the writer wrote is lost
    into[key] = parsed
    return True


def _free_text(section: Section, ctx: Context) -> str | None:
    body = section_raw(section, ctx.lines)
    return None if values.is_unknown(body) else body


def _read_impact(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Impact Assessment", "\n\n".join(b.raw for b in content_blocks(section)))
    subs = _sub(
        section,
        {
            "users affected": "users",
            "users": "users",
            "features affected": "features",
            "features": "features",
            "business impact": "business",
        },
        ctx,
        "Impact Assessment",
    )
    result: dict[str, Any] = {"users_affected": {}, "business_impact": {}}
    if "users" in subs:
        parent = "Impact Assessment/Users Affected"
        labels = _labels(layout.USERS_LABELS)
        labels.update(
            {"total": "total_users", "affected": "affected_users", "percent": "percentage"}
        )
        found, extra = bullet_fields(content_blocks(subs["users"]), set(labels), ctx, parent)
        by_name = {labels[label]: item for label, item in found.items()}
        users = result["users_affected"]
        for name in ("total_users", "affected_users"):
            users[name], users[f"{name}_text"] = _read_count(
                ctx, by_name.get(name), f"impact_assessment.users_affected.{name}"
            )
        users["percentage"], users["percentage_text"] = _read_percentage(
            ctx, by_name.get("percentage"), "impact_assessment.users_affected.percentage"
        )
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    if "features" in subs:
        result["features_affected"] = _list_texts(
            subs["features"], ctx, "Impact Assessment/Features Affected"
        )
    if "business" in subs:
        parent = "Impact Assessment/Business Impact"
        labels = _labels(layout.BUSINESS_LABELS)
        found, extra = bullet_fields(content_blocks(subs["business"]), set(labels), ctx, parent)
        by_name = {labels[label]: item for label, item in found.items()}
        business = result["business_impact"]
        business["revenue_impact"] = _text(by_name, "revenue_impact")
        business["reputation_impact"] = _text(by_name, "reputation_impact")
        for name in ("support_tickets", "customer_complaints"):
            business[name], business[f"{name}_text"] = _read_count(
                ctx, by_name.get(name), f"impact_assessment.business_impact.{name}"
            )
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    return result


def _read_root_cause(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Root Cause Analysis", "\n\n".join(b.raw for b in content_blocks(section)))
    subs = _sub(
        section,
        {
            "primary cause": "primary",
            "root cause": "primary",
            "contributing factors": "factors",
            "why it happened": "why",
            "why we didn t catch it": "catch",
            "why we did not catch it": "catch",
        },
        ctx,
        "Root Cause Analysis",
    )
    result: dict[str, Any] = {}
    if "primary" in subs:
        result["primary_cause"] = _free_text(subs["primary"], ctx)
    if "factors" in subs:
        blocks = content_blocks(subs["factors"])
        if any(block.kind == "list" for block in blocks):
            result["contributing_factors"] = _list_texts(
                subs["factors"], ctx, "Root Cause Analysis/Contributing Factors"
            )
        else:
            text = _free_text(subs["factors"], ctx)
            result["contributing_factors"] = [text] if text else []
    if "why" in subs:
        result["why_it_happened"] = _free_text(subs["why"], ctx)
    if "catch" in subs:
        result["why_we_didnt_catch_it"] = _free_text(subs["catch"], ctx)
    return result


def _read_reflection(section: Section, ctx: Context, heading: str) -> dict[str, Any]:
    items: list[str] = []
    other: list[Block] = []
    for block in content_blocks(section):
        if block.kind == "list":
            items.extend(item.raw for item in block.items if not values.is_unknown(item.raw))
        else:
            other.append(block)
    found = paragraph_fields(other, {"lessons", "lessons learned"}, ctx, heading)
    lessons = found.get("lessons") or found.get("lessons learned")
    for child in section.children:
        ctx.leftover(heading, section_raw(child, ctx.lines), child.heading, child.level)
    lesson_text = None if lessons is None or values.is_unknown(lessons.value) else lessons.value
    return {"items": items, "lessons": lesson_text}


def _horizon_key(heading: str) -> str | None:
    words = layout.normalise(heading)
    if words.startswith(("immediate", "this week", "now")):
        return "immediate"
    if words.startswith(("short", "next 30")):
        return "short_term"
    if words.startswith(("long", "next 90")):
        return "long_term"
    return None


def _read_action_item(item: Item, ctx: Context, path: str) -> dict[str, Any] | None:
    match = _CHECKBOX.match(item.head)
    text = match["text"].strip() if match else item.head
    if not text or values.is_placeholder(text):
        return None
    known = {"owner": "owner", "due date": "due_date", "due": "due_date", "priority": "priority"}
    fields: dict[str, Field] = {}
    extra: list[str] = []
    tracking: dict[str, Any] = {}
    for child in item.children:
        split = _split_label(child.raw, set(known) | set(_TRACKING_LABELS))
        if split and known.get(split[0]) and known[split[0]] not in fields:
            fields[known[split[0]]] = Field(split[0], split[1], child.line)
        elif split and _read_tracking(split[0], split[1], tracking):
            continue
        else:
            extra.append(child.raw)
    done = bool(match and match["mark"] in "xX")
    # A ticked box means done whatever a Status line says; an empty one defers to the line.
    written = tracking.pop("status", ActionStatus.OPEN)
    status = ActionStatus.DONE if done else written
    result: dict[str, Any] = {
        "text": text,
        "done": status is ActionStatus.DONE,
        "status": status,
        "extra": extra,
        **tracking,
    }
    result["owner"] = _text(fields, "owner")
    result["due_date"], result["due_date_text"] = _read_date(
        ctx, fields.get("due_date"), f"{path}.due_date"
    )
    priority = fields.get("priority")
    if priority is not None and not values.is_unknown(priority.value):
        word = layout.normalise(priority.value).split(" ")[0] if priority.value.strip() else ""
        if word not in _PRIORITY_WORDS:
            raise ctx.fail(
                f"priority {priority.value!r} is not High, Medium or Low",
                priority.line,
                f"{path}.priority",
            )
        result["priority"] = _PRIORITY_WORDS[word]
    return result


def _read_action_items(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Action Items", "\n\n".join(b.raw for b in content_blocks(section)))
    result: dict[str, list[dict[str, Any]]] = {"immediate": [], "short_term": [], "long_term": []}
    headings = dict((key, heading) for heading, key in layout.HORIZON_HEADINGS)
    for child in section.children:
        key = _horizon_key(child.heading)
        if key is None:
            ctx.leftover("Action Items", section_raw(child, ctx.lines), child.heading, child.level)
            continue
        loose: list[str] = []
        for block in content_blocks(child):
            if block.kind != "list":
                loose.append(block.raw)
                continue
            for item in block.items:
                path = f"action_items.{key}[{len(result[key])}]"
                parsed = _read_action_item(item, ctx, path)
                if parsed is not None:
                    result[key].append(parsed)
        if loose:
            ctx.leftover(f"Action Items/{headings[key]}", "\n\n".join(loose))
        for grandchild in child.children:
            ctx.leftover(
                f"Action Items/{headings[key]}",
                section_raw(grandchild, ctx.lines),
                grandchild.heading,
                grandchild.level,
            )
    return result


def _read_prevention(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Prevention Measures", "\n\n".join(b.raw for b in content_blocks(section)))
    synonyms = {layout.normalise(heading): key for heading, key, _p in layout.PREVENTION_HEADINGS}
    headings = {key: heading for heading, key, _p in layout.PREVENTION_HEADINGS}
    subs = _sub(section, synonyms, ctx, "Prevention Measures")
    return {
        key: _check_items(sub, ctx, f"Prevention Measures/{headings[key]}")
        for key, sub in subs.items()
    }


def _read_measurement(text: str) -> dict[str, Any] | None:
    text = text.strip()
    if values.is_placeholder(text):
        return None
    if values.is_unknown(text):
        return {"value": None, "unit": None, "text": text}
    measured = values.parse_measurement(text)
    canonical = values.format_measurement(measured.value, measured.unit)
    return {"value": measured.value, "unit": measured.unit, "text": _kept(text, canonical)}


def _read_metrics(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Metrics", "\n\n".join(b.raw for b in content_blocks(section)))
    subs = _sub(
        section,
        {
            "incident metrics": "incident",
            "performance impact": "performance",
            "performance": "performance",
        },
        ctx,
        "Metrics",
    )
    result: dict[str, Any] = {"incident_metrics": {}, "performance_impact": {}}
    if "incident" in subs:
        parent = "Metrics/Incident Metrics"
        labels = _labels(layout.INCIDENT_METRIC_LABELS)
        labels.update(
            {
                "time to detect": "detection_time",
                "time to resolve": "resolution_time",
                "duration": "total_duration",
                "mttd": "detection_time",
                "mtta": "response_time",
                "mttr": "resolution_time",
            }
        )
        found, extra = bullet_fields(content_blocks(subs["incident"]), set(labels), ctx, parent)
        stated = result["incident_metrics"]
        for label, item in found.items():
            name = labels[label]
            if name in stated:
                continue
            item.value = layout.TIMELINE_NOTE_PATTERN.sub("", item.value)
            stated[name], stated[f"{name}_text"] = _read_duration(
                ctx, item, f"metrics.incident_metrics.{name}"
            )
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    if "performance" in subs:
        parent = "Metrics/Performance Impact"
        labels = _labels(layout.PERFORMANCE_LABELS)
        labels.update(
            {"latency": "response_time", "availability": "uptime", "errors": "error_rate"}
        )
        found, extra = bullet_fields(content_blocks(subs["performance"]), set(labels), ctx, parent)
        performance = result["performance_impact"]
        for label, item in found.items():
            name = labels[label]
            parts = layout.ARROW_SPLIT.split(item.value.strip())
            if len(parts) > 3:
                raise ctx.fail(
                    f"expected 'before → during → after', found {len(parts)} values",
                    item.line,
                    f"metrics.performance_impact.{name}",
                )
            parts += [""] * (3 - len(parts))
            performance[name] = {
                slot: _read_measurement(part) if part.strip() else None
                for slot, part in zip(("before", "during", "after"), parts, strict=True)
            }
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    return result


def _read_follow_up(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Follow-Up", "\n\n".join(b.raw for b in content_blocks(section)))
    subs = _sub(
        section,
        {"review schedule": "schedule", "reviews": "schedule", "success criteria": "criteria"},
        ctx,
        "Follow-Up",
    )
    result: dict[str, Any] = {"review_schedule": {}}
    if "schedule" in subs:
        parent = "Follow-Up/Review Schedule"
        labels = _labels(layout.REVIEW_LABELS)
        labels.update(
            {
                "1 week": "one_week",
                "1 month": "one_month",
                "3 month": "three_month",
                "3 months": "three_month",
                "1 week review": "one_week",
                "1 month review": "one_month",
                "3 month review": "three_month",
            }
        )
        found, extra = bullet_fields(content_blocks(subs["schedule"]), set(labels), ctx, parent)
        schedule = result["review_schedule"]
        for label, item in found.items():
            name = labels[label]
            if name not in schedule:
                schedule[name], schedule[f"{name}_text"] = _read_date(
                    ctx, item, f"follow_up.review_schedule.{name}"
                )
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    if "criteria" in subs:
        result["success_criteria"] = _check_items(
            subs["criteria"], ctx, "Follow-Up/Success Criteria"
        )
    return result


def _read_appendix(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Appendix", "\n\n".join(b.raw for b in content_blocks(section)))
    synonyms = {layout.normalise(heading): key for heading, key, _p in layout.APPENDIX_HEADINGS}
    synonyms.update({"logs": "logs_and_evidence", "evidence": "logs_and_evidence"})
    headings = {key: heading for heading, key, _p in layout.APPENDIX_HEADINGS}
    subs = _sub(section, synonyms, ctx, "Appendix")
    return {key: _list_texts(sub, ctx, f"Appendix/{headings[key]}") for key, sub in subs.items()}


def _read_sign_off(section: Section, ctx: Context) -> dict[str, Any]:
    labels = _labels(layout.SIGN_OFF_LABELS)
    found_by_label = paragraph_fields(content_blocks(section), set(labels), ctx, "Sign-Off")
    found = {labels[key]: item for key, item in found_by_label.items()}
    for child in section.children:
        ctx.leftover("Sign-Off", section_raw(child, ctx.lines), child.heading, child.level)
    result: dict[str, Any] = {
        name: _text(found, name) for name in ("prepared_by", "reviewed_by", "approved_by")
    }
    result["date"], result["date_text"] = _read_date(ctx, found.get("date"), "sign_off.date")
    return result


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


def parse(text: str, *, source: str | None = None, timezone: str | None = None) -> Postmortem:
    """Read a post-mortem written in the template; ``timezone`` applies to times written
    without one unless the document names its own (``**Time Zone:**``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = blank_marker(text)  # the base-version line is bookkeeping, not content
    # Characters Python counts as white space or line breaks but Markdown does not: spaces.
    text = text.translate(_ODD_SPACES)
    ctx = Context(source=source, lines=text.split("\n"))
    try:
        if timezone is not None:
            values.zone(timezone)
    except ValueError as exc:
        raise ctx.fail(str(exc), 1, "timezone") from exc
    title, _title_line, root = parse_blocks(text)
    sections: dict[str, Section] = {}
    for section in root.children:
        key = layout.SECTION_SYNONYMS.get(layout.normalise(section.heading))
        if key is None or key in sections or section.level != 2:
            ctx.leftover(None, section_raw(section, ctx.lines), section.heading, section.level)
        else:
            sections[key] = section
    doc: dict[str, Any] = {"title": None if title in (None, layout.TEMPLATE_TITLE) else title}
    clock = _read_header(doc, root, ctx, timezone)
    header_fields = sum(
        doc.get(key) is not None for key in ("incident_id", "date", "severity", "duration")
    )
    if len(sections) < 2 and not (sections and header_fields):
        raise ctx.fail(
            "this does not look like a post-mortem: found "
            f"{len(sections)} of the template's sections (such as '## Executive Summary', "
            "'## Timeline', '## Root Cause Analysis')",
            1,
            "document",
        )
    readers: dict[str, Callable[[Section, Context], dict[str, Any]]] = {
        "executive_summary": _read_executive_summary,
        "impact_assessment": _read_impact,
        "root_cause_analysis": _read_root_cause,
        "action_items": _read_action_items,
        "prevention_measures": _read_prevention,
        "metrics": _read_metrics,
        "follow_up": _read_follow_up,
        "appendix": _read_appendix,
        "sign_off": _read_sign_off,
    }
    for key, section in sections.items():
        if key == "timeline":
            doc["timeline"] = _read_timeline(section, ctx, clock, doc)
        elif key in ("what_went_well", "what_went_wrong"):
            doc[key] = _read_reflection(section, ctx, layout.SECTION_HEADINGS[key])
        else:
            doc[key] = readers[key](section, ctx)
    doc["extra_sections"] = sorted(ctx.extras, key=_render_order)
    try:
        return Postmortem.model_validate(doc)
    except ValidationError as exc:
        error = exc.errors()[0]
        path = ".".join(str(part) for part in error["loc"])
        raise ctx.fail(error["msg"], 1, path) from exc
