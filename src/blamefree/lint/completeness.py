"""Completeness rules (BF201-BF205): what a finished post-mortem must contain."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel

from blamefree.domain.postmortem import ActionItem
from blamefree.domain.unknown import is_unknown
from blamefree.lint.context import Document, finding
from blamefree.lint.finding import Finding, Level, Rule
from blamefree.lint.language_text import mask_markdown
from blamefree.lint.locate import Span
from blamefree.markdown import layout

PLACEHOLDER, EMPTY_SECTION, ACTION_INCOMPLETE, NO_ACTIONS, SHALLOW_ROOT_CAUSE = (
    "BF201",
    "BF202",
    "BF203",
    "BF204",
    "BF205",
)

RULES: tuple[Rule, ...] = (
    Rule(
        id=PLACEHOLDER,
        category="completeness.placeholder",
        severity=Level.WARNING,
        title="Template placeholder left in",
        description="Text such as '[Brief root cause]' or 'P0/P1/P2/P3' copied from the template.",
    ),
    Rule(
        id=EMPTY_SECTION,
        category="completeness.empty-section",
        severity=Level.ERROR,
        title="Required section empty",
        description="A section required for the incident's severity has no content "
        "(P0/P1 need every section; configurable per severity).",
    ),
    Rule(
        id=ACTION_INCOMPLETE,
        category="completeness.action-item",
        severity=Level.WARNING,
        title="Action item without owner, due date or priority",
        description="An action item nobody owns, with no date or no priority, tends not to happen.",
    ),
    Rule(
        id=NO_ACTIONS,
        category="completeness.no-action-items",
        severity=Level.ERROR,
        title="No action items",
        description="A post-mortem with nothing to do next teaches nothing to the system.",
    ),
    Rule(
        id=SHALLOW_ROOT_CAUSE,
        category="completeness.root-cause",
        severity=Level.WARNING,
        title="Root cause restates the symptom",
        description="The primary cause is very short, repeats what happened, or says what failed "
        "without saying why.",
    ),
)
_RULES = {rule.id: rule for rule in RULES}

_BRACKETED = re.compile(r"\[([^\[\]\n]{1,80})\]")
_CHOICES = re.compile(r"(?<![\w/])(?:P0/P1/P2/P3|High/Medium/Low)(?![\w/])")
_TRAILING_NUMBER = re.compile(r"\s*\d+$")
_EXTRA_PLACEHOLDERS = frozenset(
    {"tbd", "todo", "owner", "team", "link", "url", "details", "description", "fill in"}
)


def _placeholder_key(text: str) -> str:
    return _TRAILING_NUMBER.sub("", text.strip().lower())


@lru_cache(maxsize=1)
def template_placeholders() -> frozenset[str]:
    """The bracketed placeholders of the shipped template, numbers dropped ('feature')."""
    template = resources.files("blamefree").joinpath("spec/postmortem-template.md")
    found = _BRACKETED.findall(template.read_text("utf-8"))
    keys = {_placeholder_key(text) for text in found if text.strip().lower() not in ("", "x")}
    return frozenset(keys | _EXTRA_PLACEHOLDERS)


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the template placeholders outside code and quotes (links are not ones)."""
    if "[" not in text and "/" not in text:
        return []
    masked = mask_markdown(text)
    known = template_placeholders()
    matches = [m for m in _BRACKETED.finditer(masked) if _placeholder_key(m[1]) in known]
    matches += list(_CHOICES.finditer(masked))
    spans = [m.span() for m in matches if masked[m.end() : m.end() + 1] not in ("(", "[", ":")]
    return sorted(spans)


def blank_placeholders(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the placeholders at ``spans`` blanked out, offsets kept."""
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(" " * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)


def placeholders(document: Document) -> Iterator[Finding]:
    """BF201: every template placeholder still in the text (not in code or quotes)."""
    rule = _RULES[PLACEHOLDER]
    text = document.text
    starts = [0]
    starts.extend(i + 1 for i, char in enumerate(text) if char == "\n")
    line = 0
    for start, end in document.placeholders:
        while line + 1 < len(starts) and starts[line + 1] <= start:
            line += 1
        column = start - starts[line] + 1
        field = document.locator.field_at(line + 1)
        where = f" in {field}" if field else ""
        yield finding(
            rule,
            Span(line + 1, column, line + 1, column + end - start),
            f"template placeholder '{text[start:end]}'{where} is not filled in",
            "Replace it with what happened. If the value is really not known, say so "
            "('Unknown: no request logs were kept') rather than leaving the template text.",
            field,
        )


def _has_content(document: Document, key: str) -> bool:
    value = getattr(document.doc, key)
    assert isinstance(value, BaseModel)
    if value != type(value)():
        return True
    heading = layout.SECTION_HEADINGS[key]
    return any(
        extra.body.strip() or extra.heading
        for extra in document.doc.extra_sections
        if extra.parent == heading or (extra.parent or "").startswith(heading + "/")
    )


def empty_sections(document: Document) -> Iterator[Finding]:
    """BF202: sections required for the severity that are missing or empty."""
    rule = _RULES[EMPTY_SECTION]
    severity = document.doc.severity
    label = severity.value if severity else "a post-mortem without a severity"
    for key in document.config.required(severity):
        if key == "action_items" or _has_content(document, key):
            continue  # no action items at all is BF204's finding
        heading = layout.SECTION_HEADINGS[key]
        missing = key not in document.locator.sections
        state = "is missing" if missing else "is empty"
        yield finding(
            rule,
            document.locator.heading(key),
            f"section '{heading}' {state}; it is required for {label}",
            f"Fill in '{heading}'. If part of it truly does not apply, write why "
            "(e.g. 'No customer-facing impact: internal tooling only') instead of leaving it "
            "blank.",
            key,
        )


def action_items(document: Document) -> Iterator[Finding]:
    """BF203 (item without owner, due date or priority) and BF204 (no action item at all)."""
    items = document.doc.action_items
    if not items.all():
        yield finding(
            _RULES[NO_ACTIONS],
            document.locator.heading("action_items"),
            "the post-mortem has no action items",
            "Add at least one change to the system (a check, an alert, a runbook step) with an "
            "owner, a due date and a priority, under Immediate, Short-term or Long-term.",
            "action_items",
        )
        return
    rule = _RULES[ACTION_INCOMPLETE]
    for horizon, horizon_items in items.by_horizon():
        spans = document.locator.action_items[horizon.value]
        for index, item in enumerate(horizon_items):
            missing = [
                name
                for name, value in (
                    ("owner", item.owner),
                    ("due date", _due_date(item)),
                    ("priority", item.priority),
                )
                if value is None
            ]
            if not missing or item.done:
                continue
            path = f"action_items.{horizon.value}[{index}]"
            span = spans[index] if index < len(spans) else document.locator.heading("action_items")
            text = " ".join(item.text.split())
            short = text if len(text) <= 60 else text[:57] + "..."
            yield finding(
                rule,
                span,
                f"action item '{short}' has no {_join(missing)}",
                "Add the missing lines under the item: '  - **Owner:** a person or team', "
                "'  - **Due Date:** YYYY-MM-DD', '  - **Priority:** High/Medium/Low'.",
                path,
            )


def _due_date(item: ActionItem) -> object:
    """The item's due date, or None when it has none, an empty line or an unknown word (TBD)."""
    if item.due_date is not None:
        return item.due_date
    text = (item.due_date_text or "").strip()
    return None if not text or is_unknown(text) else text


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


_WORD = re.compile(r"[a-z][a-z'-]+")
_STOP = frozenset(
    {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "from", "by", "with"}
    | {"was", "were", "is", "are", "be", "been", "it", "its", "this", "that", "these", "those"}
    | {"as", "into", "our", "we", "they", "their", "there", "then", "than"}
)
# Words that explain a mechanism; the weaker ones only count as a "why" (not against restating).
_BECAUSE = re.compile(
    r"\b(?:because|due to|caused by|since|as a result|result of|led to|leading to|resulted in|"
    r"which meant|meaning|so that|therefore|thus|allowed|triggered|came from)\b",
    re.IGNORECASE,
)
_CONDITION = re.compile(
    r"\b(?:let|without|lacked|lacking|missing|no (?:check|test|alert|limit|validation|guard|"
    r"review)|did not|didn't|was not|wasn't|had no|could not|couldn't|when|after|until)\b",
    re.IGNORECASE,
)
MIN_ROOT_CAUSE_WORDS = 8


def _words(text: str | None) -> list[str]:
    return [w for w in _WORD.findall((text or "").lower()) if w not in _STOP]


def root_cause(document: Document) -> Iterator[Finding]:
    """BF205: a primary cause that is too short, restates the symptom, or has no 'why'."""
    analysis = document.doc.root_cause_analysis
    cause = analysis.primary_cause
    if cause is None:
        return
    words = _words(cause)
    symptom = set(_words(document.doc.executive_summary.what_happened)) | set(
        _words(document.doc.executive_summary.impact)
    )
    because = bool(_BECAUSE.search(cause))
    explained = because or bool(_CONDITION.search(cause))
    explained = explained or len(_words(analysis.why_it_happened)) >= 6
    overlap = sum(word in symptom for word in words) / len(words) if words else 1.0
    if len(words) < MIN_ROOT_CAUSE_WORDS:
        problem = f"is only {len(words)} words long"
    elif overlap >= 0.75 and not because:
        problem = "repeats what happened instead of explaining it"
    elif not explained:
        problem = "says what failed but not why"
    else:
        return
    span = document.locator.body("root_cause_analysis", "primary_cause") or (
        document.locator.heading("root_cause_analysis")
    )
    yield finding(
        _RULES[SHALLOW_ROOT_CAUSE],
        span,
        f"the primary cause {problem}",
        "Explain the mechanism: which condition made the failure possible and why it was there "
        "(e.g. 'the pool size came from a template shared by staging and production, which had "
        "no per-environment override'). Ask 'why?' until you reach something the team can change.",
        "root_cause_analysis.primary_cause",
    )


def check(document: Document) -> list[Finding]:
    """Every completeness finding of one document."""
    return [
        *placeholders(document),
        *empty_sections(document),
        *action_items(document),
        *root_cause(document),
    ]
