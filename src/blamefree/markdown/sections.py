"""The template's sections after the header and the Timeline, read from their blocks.

Each ``read_*`` takes a section of the block tree and the parse context and returns the data of
that part of the document; what the template has no place for goes to ``ctx.leftover``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from blamefree.domain import actions, values
from blamefree.domain.enums import ActionStatus, Priority
from blamefree.markdown import layout
from blamefree.markdown.blocks import Block, Item, Section, content_blocks, section_raw
from blamefree.markdown.fields import Context, Field, bullet_fields, paragraph_fields, split_label
from blamefree.markdown.statements import NONE_NOUNS, horizon_none, none_statement
from blamefree.markdown.typed import (
    free_text,
    read_count,
    read_date,
    read_duration,
    read_measurement,
    read_percentage,
    unknown_text,
)

_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s*(?P<text>.*)$", re.DOTALL)
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


def labels_of(rows: tuple[tuple[str, ...], ...]) -> dict[str, str]:
    """normalised label -> field name."""
    return {layout.normalise(row[0]): row[1] for row in rows}


def sub_sections(
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


def read_executive_summary(section: Section, ctx: Context) -> dict[str, Any]:
    labels = labels_of(layout.EXECUTIVE_SUMMARY_LABELS)
    found = paragraph_fields(content_blocks(section), set(labels), ctx, "Executive Summary")
    for child in section.children:
        ctx.leftover("Executive Summary", section_raw(child, ctx.lines), child.heading, child.level)
    result: dict[str, Any] = {}
    for key, name in labels.items():
        result[name] = free_text(found, key)
        result[f"{name}_text"] = unknown_text(found, key)
    return result


def _list_entries(
    section: Section, ctx: Context, parent: str, nouns: tuple[str, ...] | None = ()
) -> tuple[list[str], str | None]:
    """The items of the section's lists (placeholders and unknown words dropped), or the
    author's word that there are none (not looked for when ``nouns`` is None); other blocks
    are kept aside."""
    entries: list[str] = []
    loose: list[Block] = []
    for block in content_blocks(section):
        if block.kind == "list":
            entries.extend(item.raw for item in block.items)
        else:
            loose.append(block)
    statement = None if nouns is None else none_statement(entries, loose, nouns)
    if statement is not None:
        entries = []
        loose = [block for block in loose if block.raw.strip() != statement]
    texts = [entry for entry in entries if not values.is_unknown(entry)]
    if loose:
        ctx.leftover(parent, "\n\n".join(block.raw for block in loose))
    for child in section.children:
        ctx.leftover(parent, section_raw(child, ctx.lines), child.heading, child.level)
    return texts, statement


def _check_items(
    section: Section, ctx: Context, parent: str, nouns: tuple[str, ...] | None = ()
) -> tuple[list[dict[str, Any]], str | None]:
    items: list[dict[str, Any]] = []
    texts, statement = _list_entries(section, ctx, parent, nouns)
    for text in texts:
        text, status = _trailing_status(text)
        match = _CHECKBOX.match(text)
        body = match["text"].strip() if match else text
        if values.is_placeholder(body) or not body:
            continue
        done = bool(match and match["mark"] in "xX")
        if done or status is None:
            status = ActionStatus.DONE if done else ActionStatus.OPEN
        items.append({"text": body, "done": status is ActionStatus.DONE, "status": status})
    return items, statement


_TRACKING_LABELS = ("status", "type", "id", "tracker")
_STATUS_LABEL = "- **Status:**"


def _trailing_status(text: str) -> tuple[str, ActionStatus | None]:
    """A checklist line's ``- **Status:** ...`` sub-bullet (indented any amount), split off
    when it names a status."""
    head, newline, last = text.rpartition("\n")
    line = last.lstrip(" ")
    if not newline or not line.startswith(_STATUS_LABEL):
        return text, None
    status = actions.parse_status(line[len(_STATUS_LABEL) :].strip())
    if status is None:
        return text, None
    return head, status


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


def _section_text(section: Section, ctx: Context) -> tuple[str | None, str | None]:
    """A free-text sub-section: (its text, or None when it says it is not known; the words
    that say so, kept)."""
    body = section_raw(section, ctx.lines)
    if not values.is_unknown(body):
        return body, None
    written = body.strip()
    return None, (written if values.unknown_with_note(written) else None)


def read_impact(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Impact Assessment", "\n\n".join(b.raw for b in content_blocks(section)))
    subs = sub_sections(
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
        labels = labels_of(layout.USERS_LABELS)
        labels.update(
            {"total": "total_users", "affected": "affected_users", "percent": "percentage"}
        )
        found, extra = bullet_fields(content_blocks(subs["users"]), set(labels), ctx, parent)
        by_name = {labels[label]: item for label, item in found.items()}
        users = result["users_affected"]
        for name in ("total_users", "affected_users"):
            users[name], users[f"{name}_text"] = read_count(
                ctx, by_name.get(name), f"impact_assessment.users_affected.{name}"
            )
        users["percentage"], users["percentage_text"] = read_percentage(
            ctx, by_name.get("percentage"), "impact_assessment.users_affected.percentage"
        )
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    if "features" in subs:
        result["features_affected"], result["features_affected_none"] = _list_entries(
            subs["features"],
            ctx,
            "Impact Assessment/Features Affected",
            NONE_NOUNS["features_affected"],
        )
    if "business" in subs:
        parent = "Impact Assessment/Business Impact"
        labels = labels_of(layout.BUSINESS_LABELS)
        found, extra = bullet_fields(content_blocks(subs["business"]), set(labels), ctx, parent)
        by_name = {labels[label]: item for label, item in found.items()}
        business = result["business_impact"]
        for name in ("revenue_impact", "reputation_impact"):
            business[name] = free_text(by_name, name)
            business[f"{name}_text"] = unknown_text(by_name, name)
        for name in ("support_tickets", "customer_complaints"):
            business[name], business[f"{name}_text"] = read_count(
                ctx, by_name.get(name), f"impact_assessment.business_impact.{name}"
            )
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    return result


def read_root_cause(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Root Cause Analysis", "\n\n".join(b.raw for b in content_blocks(section)))
    subs = sub_sections(
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
        result["primary_cause"], result["primary_cause_text"] = _section_text(subs["primary"], ctx)
    if "factors" in subs:
        blocks = content_blocks(subs["factors"])
        nouns = NONE_NOUNS["contributing_factors"]
        statement = none_statement([], blocks, nouns)
        if any(block.kind == "list" for block in blocks) or statement is not None:
            factors, statement = _list_entries(
                subs["factors"], ctx, "Root Cause Analysis/Contributing Factors", nouns
            )
            result["contributing_factors"] = factors
            result["contributing_factors_none"] = statement
        else:
            text = _free_text(subs["factors"], ctx)
            result["contributing_factors"] = [text] if text else []
    if "why" in subs:
        result["why_it_happened"], result["why_it_happened_text"] = _section_text(subs["why"], ctx)
    if "catch" in subs:
        catch, catch_text = _section_text(subs["catch"], ctx)
        result["why_we_didnt_catch_it"], result["why_we_didnt_catch_it_text"] = catch, catch_text
    return result


def read_reflection(section: Section, ctx: Context, heading: str) -> dict[str, Any]:
    entries: list[str] = []
    other: list[Block] = []
    for block in content_blocks(section):
        if block.kind == "list":
            entries.extend(item.raw for item in block.items)
        else:
            other.append(block)
    statement = none_statement(entries, other, ())
    if statement is not None:
        entries = []
        other = [block for block in other if block.raw.strip() != statement]
    items = [entry for entry in entries if not values.is_unknown(entry)]
    lone = [block for block in other if block.kind == "paragraph"]
    named = layout.section_key(section.heading)
    if named is not None and named[1] and len(lone) == 1 == len(other):
        first = lone[0].raw.split("\n", 1)[0]
        if split_label(first.strip(), set(_LESSON_LABELS)) is None:
            # "## Lessons learned" with one paragraph under it: that paragraph is the lessons.
            lines = (line.rstrip().removesuffix("\\").strip() for line in lone[0].raw.split("\n"))
            other = [
                Block(
                    kind="paragraph",
                    line=lone[0].line,
                    end=lone[0].end,
                    raw="**Lessons:** " + "\n".join(lines),
                )
            ]
    found = paragraph_fields(other, set(_LESSON_LABELS), ctx, heading)
    lessons = next((found[label] for label in _LESSON_LABELS if label in found), None)
    for child in section.children:
        ctx.leftover(heading, section_raw(child, ctx.lines), child.heading, child.level)
    lesson_text = None if lessons is None or values.is_unknown(lessons.value) else lessons.value
    written = {"lessons": lessons} if lessons is not None else {}
    return {
        "items": items,
        "items_none": statement,
        "lessons": lesson_text,
        "lessons_text": unknown_text(written, "lessons"),
    }


# What the reflection sections' lessons line may be called ("**Learnings**" needs no colon).
_LESSON_LABELS = (
    "lessons",
    "lessons learned",
    "lessons learnt",
    "learnings",
    "key learnings",
    "takeaways",
    "key takeaways",
    "what we learned",
)


def horizon_key(heading: str) -> str | None:
    """The action-item horizon a heading names (``Immediate``, ``Short-term (next 30 days)``)."""
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
    labels = set(known) | set(_TRACKING_LABELS)
    pending = list(reversed(item.children))
    while pending:
        # Sub-bullets in document order, also those indented under another sub-bullet: a
        # labelled line is the item's field however deep it sits, and never swallows the
        # lines nested under it (those are read in turn).
        child = pending.pop()
        split = split_label(child.head if child.children else child.raw, labels)
        if split and known.get(split[0]) and known[split[0]] not in fields:
            fields[known[split[0]]] = Field(split[0], split[1], child.line)
        elif split and _read_tracking(split[0], split[1], tracking):
            pass
        else:
            extra.append(child.raw)
            continue
        pending.extend(reversed(child.children))
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
    result["owner"] = free_text(fields, "owner")
    result["owner_text"] = unknown_text(fields, "owner")
    result["due_date"], result["due_date_text"] = read_date(
        ctx, fields.get("due_date"), f"{path}.due_date"
    )
    priority = fields.get("priority")
    result["priority_text"] = unknown_text(fields, "priority")
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


def read_action_items(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Action Items", "\n\n".join(b.raw for b in content_blocks(section)))
    result: dict[str, list[dict[str, Any]]] = {"immediate": [], "short_term": [], "long_term": []}
    stated: dict[str, str] = {}
    headings = dict((key, heading) for heading, key in layout.HORIZON_HEADINGS)
    for child in section.children:
        key = horizon_key(child.heading)
        if key is None:
            ctx.leftover("Action Items", section_raw(child, ctx.lines), child.heading, child.level)
            continue
        loose: list[str] = []
        blocks = content_blocks(child)
        statement = horizon_none(blocks)
        if statement is not None:
            stated[f"{key}_none"] = statement
            blocks = [b for b in blocks if b.kind == "list" or b.raw.strip() != statement]
        for block in blocks:
            if block.kind != "list":
                loose.append(block.raw)
                continue
            if statement is not None:
                continue  # the lone "None" item, and the placeholder items beside it
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
    return {**result, **stated}


def read_prevention(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Prevention Measures", "\n\n".join(b.raw for b in content_blocks(section)))
    synonyms = {layout.normalise(heading): key for heading, key, _p in layout.PREVENTION_HEADINGS}
    headings = {key: heading for heading, key, _p in layout.PREVENTION_HEADINGS}
    subs = sub_sections(section, synonyms, ctx, "Prevention Measures")
    result: dict[str, Any] = {}
    for key, sub in subs.items():
        result[key], result[f"{key}_none"] = _check_items(
            sub, ctx, f"Prevention Measures/{headings[key]}", NONE_NOUNS["prevention"]
        )
    return result


def read_metrics(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Metrics", "\n\n".join(b.raw for b in content_blocks(section)))
    subs = sub_sections(
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
        labels = labels_of(layout.INCIDENT_METRIC_LABELS)
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
            stated[name], stated[f"{name}_text"] = read_duration(
                ctx, item, f"metrics.incident_metrics.{name}"
            )
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    if "performance" in subs:
        parent = "Metrics/Performance Impact"
        labels = labels_of(layout.PERFORMANCE_LABELS)
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
            path = f"metrics.performance_impact.{name}"
            slots = _performance_slots(parts)
            row: dict[str, Any] = {
                slot: read_measurement(ctx, part, f"{path}.{slot}") if part.strip() else None
                for slot, part in zip(("before", "during", "after"), slots, strict=True)
            }
            if len(parts) < 3 or not all(part.strip() for part in parts):
                # A row that leaves a value out is kept as written: rendering it in full would
                # add placeholders the author did not write.
                row["text"] = item.value.strip()
            performance[name] = row
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    return result


# A lone value that says which one it is: "38% during the incident", "0.2% before".
_SLOT_WORDS = (
    (1, re.compile(r"\b(?:during|peak(?:ed)?|at (?:the )?(?:worst|peak)|max(?:imum)?)\b", re.I)),
    (0, re.compile(r"\b(?:before|baseline|normal(?:ly)?|usual(?:ly)?|typical(?:ly)?)\b", re.I)),
    (2, re.compile(r"\b(?:after|afterwards|since|recovered)\b", re.I)),
)


def _performance_slots(parts: list[str]) -> list[str]:
    """The written values as before, during and after: in order, or a lone value in the slot
    its words name (else before)."""
    slots = parts + [""] * (3 - len(parts))
    if len(parts) == 1:
        for index, words in _SLOT_WORDS:
            if words.search(parts[0]):
                slots = ["", "", ""]
                slots[index] = parts[0]
                break
    return slots


def read_follow_up(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Follow-Up", "\n\n".join(b.raw for b in content_blocks(section)))
    subs = sub_sections(
        section,
        {"review schedule": "schedule", "reviews": "schedule", "success criteria": "criteria"},
        ctx,
        "Follow-Up",
    )
    result: dict[str, Any] = {"review_schedule": {}}
    if "schedule" in subs:
        parent = "Follow-Up/Review Schedule"
        labels = labels_of(layout.REVIEW_LABELS)
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
                schedule[name], schedule[f"{name}_text"] = read_date(
                    ctx, item, f"follow_up.review_schedule.{name}"
                )
        if extra:
            ctx.leftover(parent, "\n".join(f"- {e}" for e in extra))
    if "criteria" in subs:
        result["success_criteria"], result["success_criteria_none"] = _check_items(
            subs["criteria"], ctx, "Follow-Up/Success Criteria", NONE_NOUNS["success_criteria"]
        )
    return result


def read_appendix(section: Section, ctx: Context) -> dict[str, Any]:
    ctx.leftover("Appendix", "\n\n".join(b.raw for b in content_blocks(section)))
    synonyms = {layout.normalise(heading): key for heading, key, _p in layout.APPENDIX_HEADINGS}
    synonyms.update({"logs": "logs_and_evidence", "evidence": "logs_and_evidence"})
    headings = {key: heading for heading, key, _p in layout.APPENDIX_HEADINGS}
    subs = sub_sections(section, synonyms, ctx, "Appendix")
    result: dict[str, Any] = {}
    for key, sub in subs.items():
        result[key], result[f"{key}_none"] = _list_entries(
            sub, ctx, f"Appendix/{headings[key]}", NONE_NOUNS[key]
        )
    return result


def read_sign_off(section: Section, ctx: Context) -> dict[str, Any]:
    labels = labels_of(layout.SIGN_OFF_LABELS)
    found_by_label = paragraph_fields(content_blocks(section), set(labels), ctx, "Sign-Off")
    found = {labels[key]: item for key, item in found_by_label.items()}
    for child in section.children:
        ctx.leftover("Sign-Off", section_raw(child, ctx.lines), child.heading, child.level)
    result: dict[str, Any] = {}
    for name in ("prepared_by", "reviewed_by", "approved_by"):
        result[name] = free_text(found, name)
        result[f"{name}_text"] = unknown_text(found, name)
    result["date"], result["date_text"] = read_date(ctx, found.get("date"), "sign_off.date")
    return result
