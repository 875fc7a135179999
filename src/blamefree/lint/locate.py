"""Where things are in a post-mortem's Markdown: sections, labelled fields and action items.

`Locator` reads the text's outline once (markdown-it block tokens) and answers
"where is field ``timeline.mitigation.time``?" with a 1-based `Span`, and "which field does line
42 belong to?" with a dotted field path, so findings point at the Markdown and name the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blamefree.domain import values
from blamefree.domain.postmortem import PhaseBlock
from blamefree.lint.limits import LINE_MAX
from blamefree.lint.outline import Heading, ListItem, scan_outline
from blamefree.markdown import layout
from blamefree.markdown.fields import LABEL_MAX, split_label
from blamefree.markdown.sections import horizon_key


@dataclass(frozen=True, slots=True)
class Span:
    """A range in the text: 1-based lines and columns, ``end_column`` exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class _Area:
    first: int
    last: int
    path: str


# The lead of a labelled line: indentation and a list marker. Possessive: nothing after it can
# be white space or a marker, so it never gives characters back.
_LEAD = re.compile(r"\s*+(?:(?:[-*+]|\d{1,9}[.)])\s++)?+")
_PLAIN_HEAD = re.compile(r"[A-Za-z0-9][A-Za-z0-9 /'’()-]{0,40}:[ \t]++")
_BLANKS = re.compile(r"[ \t]*+")


def _end(pattern: re.Pattern[str], text: str, start: int) -> int:
    """Where ``pattern`` (one that also matches nothing) stops when matched at ``start``."""
    match = pattern.match(text, start)
    return match.end() if match is not None else start


_CHECKBOX = re.compile(r"^\[[ xX]\]\s*")
_LIST_START = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s")


def _names(rows: tuple[tuple[str, ...], ...]) -> dict[str, str]:
    return {layout.normalise(row[0]): row[1] for row in rows}


_LESSONS = {"lessons": "lessons", "lessons learned": "lessons"}
_OWN_LABELS: dict[str, dict[str, str]] = {
    "executive_summary": _names(layout.EXECUTIVE_SUMMARY_LABELS),
    "sign_off": _names(layout.SIGN_OFF_LABELS),
    "what_went_well": _LESSONS,
    "what_went_wrong": _LESSONS,
}
_HEADER_LABELS = _names(layout.HEADER_LABELS + layout.HEADER_EXTRA_LABELS) | {
    "incident": "incident_id",
    "id": "incident_id",
}
_SUB_HEADINGS: dict[str, dict[str, str]] = {
    "timeline": dict(layout.PHASE_SYNONYMS),
    "impact_assessment": {
        "users affected": "users_affected",
        "users": "users_affected",
        "features affected": "features_affected",
        "features": "features_affected",
        "business impact": "business_impact",
    },
    "root_cause_analysis": {
        "primary cause": "primary_cause",
        "root cause": "primary_cause",
        "contributing factors": "contributing_factors",
        "why it happened": "why_it_happened",
        "why we didn t catch it": "why_we_didnt_catch_it",
        "why we did not catch it": "why_we_didnt_catch_it",
    },
    "prevention_measures": {layout.normalise(h): key for h, key, _p in layout.PREVENTION_HEADINGS},
    "metrics": {
        "incident metrics": "incident_metrics",
        "performance impact": "performance_impact",
        "performance": "performance_impact",
    },
    "follow_up": {
        "review schedule": "review_schedule",
        "reviews": "review_schedule",
        "success criteria": "success_criteria",
    },
    "appendix": {layout.normalise(h): key for h, key, _p in layout.APPENDIX_HEADINGS}
    | {"logs": "logs_and_evidence", "evidence": "logs_and_evidence"},
}
_SUB_LABELS: dict[tuple[str, str], dict[str, str]] = {
    ("impact_assessment", "users_affected"): _names(layout.USERS_LABELS)
    | {"total": "total_users", "affected": "affected_users", "percent": "percentage"},
    ("impact_assessment", "business_impact"): _names(layout.BUSINESS_LABELS),
    ("metrics", "incident_metrics"): _names(layout.INCIDENT_METRIC_LABELS)
    | {
        "time to detect": "detection_time",
        "time to resolve": "resolution_time",
        "duration": "total_duration",
        "mttd": "detection_time",
        "mtta": "response_time",
        "mttr": "resolution_time",
    },
    ("metrics", "performance_impact"): _names(layout.PERFORMANCE_LABELS),
    ("follow_up", "review_schedule"): _names(layout.REVIEW_LABELS)
    | {"1 week": "one_week", "1 month": "one_month", "3 month": "three_month"},
    ("timeline", "impact_start"): {"time": "time"},
}
for _block in PhaseBlock.__subclasses__():
    _SUB_LABELS[("timeline", _block.phase.value)] = {"time": "time"} | _names(_block.labels)
_ACTION_LABELS = {
    "owner": "owner",
    "due date": "due_date",
    "due": "due_date",
    "priority": "priority",
}
_LIST_SUBS = {
    ("impact_assessment", "features_affected"),
    ("root_cause_analysis", "contributing_factors"),
    ("prevention_measures", "technical"),
    ("prevention_measures", "process"),
    ("prevention_measures", "monitoring"),
    ("follow_up", "success_criteria"),
    ("appendix", "logs_and_evidence"),
    ("appendix", "related_incidents"),
    ("appendix", "references"),
}


def match_label(line: str, known: dict[str, str]) -> tuple[str, int, int] | None:
    """(field name, value start, value end) of a labelled line; 0-based offsets.

    The label is the one the parser reads (`blamefree.markdown.fields.split_label`: ``**Label:**
    value``, ``**Label**: value``, ``**Label** value`` and ``Label: value`` for a known label,
    ``**Time (UTC):**`` as ``time``); the value runs to the end of the line without trailing
    blanks and hard break. A line longer than `LINE_MAX` is not read (BF401). Linear time.
    """
    if len(line) > LINE_MAX:
        return None
    lead = _LEAD.match(line)
    start = lead.end() if lead is not None else 0
    split = split_label(line[start:], set(known))
    if split is None or split[0] not in known:
        return None
    spans = _value_start(line, start)
    if spans is None:
        return None
    label_start, label_end, value_start = spans
    value_end = len(line.rstrip(" \t"))
    if value_end > value_start and line[value_end - 1] == "\\":
        value_end = len(line[: value_end - 1].rstrip(" \t"))
    if value_end <= value_start:
        return known[split[0]], label_start, label_end
    return known[split[0]], value_start, value_end


def _value_start(line: str, start: int) -> tuple[int, int, int] | None:
    """(label start, label end, value start) of the label at ``start``, read as the parser does."""
    if line.startswith("**", start):
        close = line.find("**", start + 2, start + 2 + LABEL_MAX + 4)
        if close < 0:
            return None
        label_end = start + 2 + len(line[start + 2 : close].rstrip())
        value = close + 2
        if line[label_end - 1] == ":":
            label_end = start + 2 + len(line[start + 2 : label_end - 1].rstrip())
        else:
            after = _end(_BLANKS, line, value)
            if line.startswith(":", after):
                value = after + 1
            elif line.startswith(("- ", "– ", "— "), after):
                value = after + 2
        return start + 2, label_end, _end(_BLANKS, line, value)
    plain = _PLAIN_HEAD.match(line, start)
    if plain is None:
        return None
    return start, line.index(":", start), plain.end()


def _unpainted(skip: list[int], line: int) -> int:
    """The first line at or after ``line`` not painted yet (path halving keeps it near O(1))."""
    while skip[line] != line:
        skip[line] = skip[skip[line]]
        line = skip[line]
    return line


class Locator:
    """Field paths and sections of one Markdown text, mapped to lines and columns."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.title_line, root, self.long_lines = scan_outline(text)
        self.sections: dict[str, Heading] = {}
        self.subsections: dict[tuple[str, str], Heading] = {}
        self.fields: dict[str, Span] = {}
        self.action_items: dict[str, list[Span]] = {
            "immediate": [],
            "short_term": [],
            "long_term": [],
        }
        self._areas: list[_Area] = []
        self._by_line: list[_Area | None] | None = None
        first_section = root.children[0].line if root.children else len(self.lines) + 1
        self._labels(1, first_section - 1, _HEADER_LABELS, "")
        keys = layout.place_sections(
            [(section.heading, section.level) for section in root.children]
        )
        for section, key in zip(root.children, keys, strict=True):
            if key is None:
                continue
            self.sections[key] = section
            self._index_section(key, section)

    # --- queries ---------------------------------------------------------------------------

    def line_span(self, line: int) -> Span:
        """The text of one line without its indentation and trailing blanks."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        return Span(line, start + 1, line, max(end, start) + 1)

    def heading(self, key: str, sub: str | None = None) -> Span:
        """The heading of a section (or sub-section); the title line when it is missing."""
        section = self.sections.get(key) if sub is None else self.subsections.get((key, sub))
        if section is None and sub is not None:
            section = self.sections.get(key)
        if section is None:
            return self.line_span(self.title_line or 1)
        text = self.lines[section.line - 1]
        start = text.find(section.heading)
        if start < 0:
            return self.line_span(section.line)
        return Span(section.line, start + 1, section.line, start + len(section.heading) + 1)

    def field(self, path: str) -> Span | None:
        """Where a field's value is written, by dotted path (``timeline.detection.time``)."""
        return self.fields.get(path)

    def body(self, key: str, sub: str) -> Span | None:
        """The first line of text under a sub-section heading."""
        section = self.subsections.get((key, sub))
        if section is None:
            return None
        for line in range(section.line + 1, section.end + 1):
            if self.lines[line - 1].strip():
                return self.line_span(line)
        return None

    def field_at(self, line: int) -> str | None:
        """The most specific (shortest; of equals, the last recorded) area covering ``line``."""
        if self._by_line is None:
            self._by_line = self._paint()
        best = self._by_line[line] if 0 <= line < len(self._by_line) else None
        return best.path if best else None

    def _paint(self) -> list[_Area | None]:
        """The area of every line: shortest areas first, each line painted once (linear)."""
        size = len(self.lines) + 2
        by_line: list[_Area | None] = [None] * size
        skip = list(range(size + 1))  # the next line not painted yet, from each line
        order = sorted(
            range(len(self._areas)),
            key=lambda at: (self._areas[at].last - self._areas[at].first, -at),
        )
        for at in order:
            area = self._areas[at]
            line = _unpainted(skip, min(max(area.first, 0), size))
            while line <= min(area.last, size - 1):
                by_line[line] = area
                skip[line] = line + 1
                line = _unpainted(skip, line + 1)
        return by_line

    # --- indexing --------------------------------------------------------------------------

    def _area(self, first: int, last: int, path: str) -> None:
        self._areas.append(_Area(first, max(first, last), path))

    def _labels(self, first: int, last: int, known: dict[str, str], prefix: str) -> None:
        """Record ``**Label:** value`` lines between two 1-based lines (inclusive)."""
        current: tuple[int, str] | None = None
        for number in range(first, last + 1):
            text = self.lines[number - 1]
            found = match_label(text, known)
            if found is not None:
                self._close(current, number - 1)
                name, start, end = found
                path = f"{prefix}{name}"
                if path not in self.fields:
                    self.fields[path] = Span(number, start + 1, number, end + 1)
                current = (number, path)
            elif not text.strip() or _LIST_START.match(text):
                self._close(current, number - 1)
                current = None
        self._close(current, last)

    def _close(self, current: tuple[int, str] | None, last: int) -> None:
        if current is not None:
            self._area(current[0], last, current[1])

    def _index_section(self, key: str, section: Heading) -> None:
        self._area(section.line, section.end, key)
        if key in _OWN_LABELS:
            self._labels(section.line + 1, section.own_end, _OWN_LABELS[key], f"{key}.")
        if key in ("what_went_well", "what_went_wrong"):
            self._items(section.items, f"{key}.items")
        if key == "action_items":
            for child in section.children:
                horizon = horizon_key(child.heading)
                if horizon is not None:
                    self._area(child.line, child.end, f"{key}.{horizon}")
                    self._action_items(child, horizon)
            return
        subs = _SUB_HEADINGS.get(key, {})
        for child in section.children:
            sub = subs.get(layout.normalise(child.heading))
            if sub is None or (key, sub) in self.subsections:
                continue
            self.subsections[(key, sub)] = child
            if key == "timeline" and sub == "impact_start":
                if "impact_start" not in self.fields:
                    self._labels(child.line + 1, child.end, {"time": "impact_start"}, "")
                continue
            self._area(child.line, child.end, f"{key}.{sub}")
            if (key, sub) in _SUB_LABELS:
                self._labels(child.line + 1, child.end, _SUB_LABELS[(key, sub)], f"{key}.{sub}.")
            elif (key, sub) in _LIST_SUBS:
                self._items(child.items, f"{key}.{sub}")

    def _items(self, items: list[ListItem], path: str) -> None:
        index = 0
        for item in items:
            if not item.children and values.is_unknown(item.head):
                continue
            self._area(item.line, item.last, f"{path}[{index}]")
            index += 1

    def _action_items(self, child: Heading, horizon: str) -> None:
        for item in child.items:
            text = _CHECKBOX.sub("", item.head).strip()
            if not text or values.is_placeholder(text):
                continue
            spans = self.action_items[horizon]
            path = f"action_items.{horizon}[{len(spans)}]"
            spans.append(self._item_span(item, text.split("\n")[0]))
            self._area(item.line, item.last, path)
            for sub_item in item.children:
                line = self.lines[sub_item.line - 1]
                found = match_label(line, _ACTION_LABELS)
                if found is not None and f"{path}.{found[0]}" not in self.fields:
                    name, start, end = found
                    self.fields[f"{path}.{name}"] = Span(
                        sub_item.line, start + 1, sub_item.line, end + 1
                    )
                    self._area(sub_item.line, sub_item.line, f"{path}.{name}")

    def _item_span(self, item: ListItem, first_line: str) -> Span:
        line = self.lines[item.line - 1]
        start = line.find(first_line)
        if start < 0:
            return self.line_span(item.line)
        return Span(item.line, start + 1, item.line, start + len(first_line) + 1)
