"""Where each element of a post-mortem sits in a Markdown text, for the patcher.

``locate(text)`` turns a text into a tree of regions (line spans) keyed by what they hold: the
title, each header field, each template section and sub-section, each labelled field, list item
and action-item line. It reads the block tree of ``blocks.py`` with the parser's own label and
placeholder rules, so that the same key names the same element in an author's text and in the
canonical rendering of its document. What it does not recognise stays out of the tree and is
never touched by a patch, unless a whole region around it is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blamefree.domain import values
from blamefree.domain.postmortem import PhaseBlock
from blamefree.markdown import layout
from blamefree.markdown.blocks import (
    _HR,
    _REMEMBER,
    Block,
    Item,
    Section,
    content_blocks,
    parse_blocks,
)
from blamefree.markdown.fields import _all_labelled
from blamefree.markdown.fields import split_label as _split_label
from blamefree.markdown.sections import (
    _CHECKBOX,
    _TRACKING_LABELS,
    _read_tracking,
    _trailing_status,
    horizon_key,
)
from blamefree.markdown.sections import labels_of as _labels

# Region kinds: containers hold children, leaves are replaced as a whole.
DOC = "doc"
SECTION = "section"  # a heading with keyed sub-sections
FIELDS = "fields"  # labelled lines (and, in reflections, list items)
LIST = "list"  # list items, aligned by content
OPAQUE = "opaque"  # replaced as a whole: free text, the event log, the title
FIELD = "field"  # one labelled line (value replaced in place)
ITEM = "item"  # a plain list item
CHECK = "check"  # a checklist item: head and status line
ACTION = "action"  # an action item: head, labelled sub-bullets, other sub-bullets
HEAD = "head"  # the first line(s) of a checklist or action item, with its checkbox


@dataclass
class Region:
    """A span of lines (0-based, ``end`` after the last non-blank line) and its parts."""

    kind: str
    start: int
    end: int
    children: dict[str, Region] = field(default_factory=dict)
    body_start: int = -1  # first line after the heading; -1: no heading
    skipped: list[tuple[int, int]] = field(default_factory=list)  # placeholder items

    @property
    def body(self) -> int:
        """Where the content starts (after the heading, if any)."""
        return self.start if self.body_start < 0 else self.body_start


def _trim_end(lines: list[str], start: int, end: int) -> int:
    """``end`` moved back over blank lines, rules and the closing Remember line."""
    while end > start and (
        not lines[end - 1].strip() or _HR.match(lines[end - 1]) or _REMEMBER.match(lines[end - 1])
    ):
        end -= 1
    return end


def _block_end(block: Block, lines: list[str]) -> int:
    end = block.end
    while end > block.line and not lines[end - 1].strip():
        end -= 1
    return end


def _item_region(item: Item, kind: str = ITEM) -> Region:
    return Region(kind, item.line - 1, max(item.end, item.line))


# --- labelled fields ----------------------------------------------------------------------------


def paragraph_fields(blocks: list[Block], labels: dict[str, str]) -> dict[str, Region]:
    """Fields written as ``**Label:** value`` lines of paragraphs (or an all-labelled list)."""
    known = set(labels)
    found: dict[str, Region] = {}
    seen: set[str] = set()
    for block in blocks:
        if block.kind == "list" and _all_labelled(block, known):
            for item in block.items:
                split = _split_label(item.raw, known)
                if split and split[0] not in seen:
                    seen.add(split[0])
                    found.setdefault(f"f:{labels[split[0]]}", _item_region(item, FIELD))
            continue
        if block.kind != "paragraph":
            continue
        current: Region | None = None
        for offset, raw_line in enumerate(block.raw.split("\n")):
            index = block.line - 1 + offset
            line = raw_line.rstrip().removesuffix("\\").rstrip()
            split = _split_label(line.strip(), known)
            if split and split[0] in known and split[0] not in seen:
                seen.add(split[0])
                current = Region(FIELD, index, index + 1)
                found.setdefault(f"f:{labels[split[0]]}", current)
            elif current is not None and not split:
                current.end = index + 1
            else:
                current = None
    return found


def bullet_fields(blocks: list[Block], labels: dict[str, str]) -> dict[str, Region]:
    """Fields written as ``- **Label:** value`` bullets (or as a labelled paragraph)."""
    known = set(labels)
    found: dict[str, Region] = {}
    for block in blocks:
        first = _split_label(block.raw.split("\n")[0].strip(), known)
        if block.kind == "paragraph" and first and first[0] in known:
            for key, region in paragraph_fields([block], labels).items():
                found.setdefault(key, region)
            continue
        if block.kind != "list":
            continue
        for item in block.items:
            split = _split_label(item.raw, known) if not item.children else None
            if split is None and item.children:
                split = _split_label(item.head, known)
            if split and split[0] in known:
                found.setdefault(f"f:{labels[split[0]]}", _item_region(item, FIELD))
    return found


def _fields(kind_blocks: list[Block], labels: dict[str, str], bullets: bool) -> dict[str, Region]:
    return bullet_fields(kind_blocks, labels) if bullets else paragraph_fields(kind_blocks, labels)


# --- list items ---------------------------------------------------------------------------------


def _list_items(blocks: list[Block], into: Region) -> None:
    """Plain items (features, factors, appendix, reflections); unknown ones are skipped."""
    n = 0
    for block in blocks:
        if block.kind != "list":
            continue
        for item in block.items:
            region = _item_region(item)
            if values.is_unknown(item.raw):
                into.skipped.append((region.start, region.end))
                continue
            into.children[f"i:{n}"] = region
            n += 1


def _check_items(blocks: list[Block], into: Region) -> None:
    """Checklist items (prevention measures, success criteria) with their Status line."""
    n = 0
    for block in blocks:
        if block.kind != "list":
            continue
        for item in block.items:
            region = _item_region(item, CHECK)
            text, status = ("", None) if values.is_unknown(item.raw) else _trailing_status(item.raw)
            match = _CHECKBOX.match(text)
            body = match["text"].strip() if match else text
            if not body or values.is_placeholder(body):
                into.skipped.append((region.start, region.end))
                continue
            head_end = region.end
            if status is not None and item.children:
                last = item.children[-1]
                head_end = last.line - 1
                region.children["f:status"] = _item_region(last, FIELD)
            region.children = {"head": Region(HEAD, region.start, head_end), **region.children}
            into.children[f"i:{n}"] = region
            n += 1


_ACTION_LABELS = {
    "owner": "owner",
    "due date": "due_date",
    "due": "due_date",
    "priority": "priority",
}


def _action_item(item: Item) -> Region | None:
    match = _CHECKBOX.match(item.head)
    text = match["text"].strip() if match else item.head
    if not text or values.is_placeholder(text):
        return None
    region = _item_region(item, ACTION)
    head_end = item.children[0].line - 1 if item.children else region.end
    region.children["head"] = Region(HEAD, region.start, head_end)
    tracking: dict[str, Any] = {}
    extra = 0
    for child in item.children:
        split = _split_label(child.raw, set(_ACTION_LABELS) | set(_TRACKING_LABELS))
        name = _ACTION_LABELS.get(split[0]) if split else None
        if split and name and f"f:{name}" not in region.children:
            key = f"f:{name}"
        elif split and _read_tracking(split[0], split[1], tracking):
            key = f"f:{split[0]}"
        else:
            key, extra = f"x:{extra}", extra + 1
        region.children[key] = _item_region(child, FIELD if key.startswith("f:") else ITEM)
    return region


def _action_items(blocks: list[Block], into: Region) -> None:
    n = 0
    for block in blocks:
        if block.kind != "list":
            continue
        for item in block.items:
            region = _action_item(item)
            if region is None:
                into.skipped.append((item.line - 1, max(item.end, item.line)))
                continue
            into.children[f"i:{n}"] = region
            n += 1


# --- sections -----------------------------------------------------------------------------------


def _section_region(section: Section, lines: list[str], kind: str) -> Region:
    start = section.line - 1
    body = max(section.body_start, section.line)
    return Region(kind, start, max(_trim_end(lines, body, section.end), body), body_start=body)


_PHASES = {block.phase.value: block for block in PhaseBlock.__subclasses__()}


def _sub_kind(section_key: str, sub_key: str) -> tuple[str, Any]:
    """How a known sub-section is read: (kind, labels or item reader)."""
    if section_key == "timeline":
        if sub_key == "event_log":
            return OPAQUE, None
        if sub_key == "impact_start":
            return FIELDS, {"time": "time"}
        return FIELDS, {"time": "time"} | _labels(_PHASES[sub_key].labels)
    table: dict[tuple[str, str], tuple[str, Any]] = {
        ("impact_assessment", "users"): (
            FIELDS,
            _labels(layout.USERS_LABELS)
            | {"total": "total_users", "affected": "affected_users", "percent": "percentage"},
        ),
        ("impact_assessment", "features"): (LIST, _list_items),
        ("impact_assessment", "business"): (FIELDS, _labels(layout.BUSINESS_LABELS)),
        ("metrics", "incident"): (
            FIELDS,
            _labels(layout.INCIDENT_METRIC_LABELS)
            | {
                "time to detect": "detection_time",
                "time to resolve": "resolution_time",
                "duration": "total_duration",
                "mttd": "detection_time",
                "mtta": "response_time",
                "mttr": "resolution_time",
            },
        ),
        ("metrics", "performance"): (
            FIELDS,
            _labels(layout.PERFORMANCE_LABELS)
            | {"latency": "response_time", "availability": "uptime", "errors": "error_rate"},
        ),
        ("follow_up", "schedule"): (
            FIELDS,
            _labels(layout.REVIEW_LABELS)
            | {
                "1 week": "one_week",
                "1 month": "one_month",
                "3 month": "three_month",
                "3 months": "three_month",
                "1 week review": "one_week",
                "1 month review": "one_month",
                "3 month review": "three_month",
            },
        ),
        ("follow_up", "criteria"): (LIST, _check_items),
    }
    if (section_key, sub_key) in table:
        return table[(section_key, sub_key)]
    if section_key == "action_items":
        return LIST, _action_items
    if section_key == "prevention_measures":
        return LIST, _check_items
    if section_key == "appendix":
        return LIST, _list_items
    if (section_key, sub_key) == ("root_cause_analysis", "factors"):
        return LIST, _list_items
    return OPAQUE, None


_SUB_SYNONYMS: dict[str, dict[str, str]] = {
    "timeline": {**layout.PHASE_SYNONYMS, "event log": "event_log"},
    "impact_assessment": {
        "users affected": "users",
        "users": "users",
        "features affected": "features",
        "features": "features",
        "business impact": "business",
    },
    "root_cause_analysis": {
        "primary cause": "primary",
        "root cause": "primary",
        "contributing factors": "factors",
        "why it happened": "why",
        "why we didn t catch it": "catch",
        "why we did not catch it": "catch",
    },
    "prevention_measures": {
        layout.normalise(heading): key for heading, key, _p in layout.PREVENTION_HEADINGS
    },
    "metrics": {
        "incident metrics": "incident",
        "performance impact": "performance",
        "performance": "performance",
    },
    "follow_up": {
        "review schedule": "schedule",
        "reviews": "schedule",
        "success criteria": "criteria",
    },
    "appendix": {
        **{layout.normalise(heading): key for heading, key, _p in layout.APPENDIX_HEADINGS},
        "logs": "logs_and_evidence",
        "evidence": "logs_and_evidence",
    },
}


def _sub_key(section_key: str, heading: str) -> str | None:
    if section_key == "action_items":
        return horizon_key(heading)
    return _SUB_SYNONYMS.get(section_key, {}).get(layout.normalise(heading))


def _subsection(section_key: str, sub_key: str, sub: Section, lines: list[str]) -> Region:
    kind, how = _sub_kind(section_key, sub_key)
    region = _section_region(sub, lines, kind)
    blocks = content_blocks(sub)
    if kind == FIELDS:
        region.children = bullet_fields(blocks, how)
    elif kind == LIST:
        if sub_key == "factors" and not any(block.kind == "list" for block in blocks):
            region.kind = OPAQUE
        else:
            how(blocks, region)
    return region


def _section(key: str, section: Section, lines: list[str]) -> Region:
    blocks = content_blocks(section)
    if key in ("executive_summary", "sign_off"):
        labels = _labels(
            layout.EXECUTIVE_SUMMARY_LABELS
            if key == "executive_summary"
            else layout.SIGN_OFF_LABELS
        )
        region = _section_region(section, lines, FIELDS)
        region.children = paragraph_fields(blocks, labels)
        return region
    if key in ("what_went_well", "what_went_wrong"):
        region = _section_region(section, lines, FIELDS)
        _list_items(blocks, region)
        others = [block for block in blocks if block.kind != "list"]
        lessons = paragraph_fields(others, {"lessons": "lessons", "lessons learned": "lessons"})
        region.children.update(lessons)
        return region
    region = _section_region(section, lines, SECTION)
    horizons = [horizon_key(child.heading) for child in section.children]
    named = [horizon for horizon in horizons if horizon is not None]
    if key == "action_items" and len(set(named)) != len(named):
        # Two sub-sections for one horizon: the parser reads both, a patch cannot tell them
        # apart; the section is replaced as a whole when it changes.
        region.kind = OPAQUE
        return region
    for child in section.children:
        sub_key = _sub_key(key, child.heading)
        if sub_key is not None and f"s:{sub_key}" not in region.children:
            region.children[f"s:{sub_key}"] = _subsection(key, sub_key, child, lines)
    return region


def locate(text: str) -> Region:
    """The regions of a text (normalised: no BOM, ``\\n`` line endings)."""
    lines = text.split("\n")
    title, title_line, root = parse_blocks(text)
    doc = Region(DOC, 0, _trim_end(lines, 0, len(lines)))
    if title is not None:
        doc.children["title"] = Region(OPAQUE, title_line - 1, title_line)
    blocks = content_blocks(root)
    header_start = blocks[0].line - 1 if blocks else title_line
    header_end = _block_end(blocks[-1], lines) if blocks else title_line
    header = Region(FIELDS, header_start, header_end)
    labels = _labels(layout.HEADER_LABELS + layout.HEADER_EXTRA_LABELS)
    labels.update({"timezone": "timezone", "incident": "incident_id", "id": "incident_id"})
    header.children = paragraph_fields(blocks, labels)
    doc.children["header"] = header
    for section in root.children:
        key = layout.SECTION_SYNONYMS.get(layout.normalise(section.heading))
        if key is None or section.level != 2 or f"s:{key}" in doc.children:
            continue
        doc.children[f"s:{key}"] = _section(key, section, lines)
    return doc
