"""Blaming language in post-mortem prose (rules BF101-BF107).

`check_text` reads one chunk of Markdown (a field or a whole body), blanks out code, quotes and
blockquotes, splits it into sentences of tokens and asks who did what: a failure verb whose
subject is a person or a team blames; the same verb with a system as subject does not.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pydantic import BaseModel, ConfigDict, Field

from blamefree.lint import language_rules as rules
from blamefree.lint.finding import Finding, Level, Rule
from blamefree.lint.language_parse import Clause
from blamefree.lint.language_rules import (
    BELITTLING,
    COUNTERFACTUAL,
    HUMAN_ERROR,
    JUDGEMENT,
    PERSON,
    QUESTION,
    TEAM,
)
from blamefree.lint.language_text import Token, line_starts, mask_markdown, sentences

RULES: tuple[Rule, ...] = (
    Rule(
        id=PERSON,
        category="blame.person",
        severity=Level.ERROR,
        title="Person named as the cause",
        description="A person is the subject of a failure: 'Dave broke the deploy'.",
    ),
    Rule(
        id=HUMAN_ERROR,
        category="blame.human-error",
        severity=Level.ERROR,
        title="Human error as a cause",
        description="'Human error', 'operator error' or 'user error' given as the cause.",
    ),
    Rule(
        id=COUNTERFACTUAL,
        category="blame.counterfactual",
        severity=Level.WARNING,
        title="Counterfactual or hindsight",
        description="What people should have done: 'should have', 'failed to notice', 'if only'.",
    ),
    Rule(
        id=JUDGEMENT,
        category="blame.judgement",
        severity=Level.ERROR,
        title="Judgement word",
        description="A word that judges people or their work: 'careless', 'sloppy', 'obviously'.",
    ),
    Rule(
        id=TEAM,
        category="blame.team",
        severity=Level.ERROR,
        title="Team named as the cause",
        description="A team is the subject of a failure: 'QA let this through'.",
    ),
    Rule(
        id=QUESTION,
        category="blame.loaded-question",
        severity=Level.WARNING,
        title="Loaded question",
        description="A question that looks for a culprit: 'Why didn't anyone check ...?'",
    ),
    Rule(
        id=BELITTLING,
        category="blame.belittling",
        severity=Level.WARNING,
        title="Belittling",
        description="Words that make the right action sound trivial: 'just restart it'.",
    ),
)

_RULES_BY_ID = {rule.id: rule for rule in RULES}

_MESSAGES = {
    PERSON: "names a person as the cause of a failure: {quote}",
    HUMAN_ERROR: "gives human error as a cause: {quote}",
    COUNTERFACTUAL: "judges with hindsight what someone should have done: {quote}",
    JUDGEMENT: "judges people or their work: {quote}",
    TEAM: "names a team as the cause of a failure: {quote}",
    QUESTION: "asks a loaded question that looks for a culprit: {quote}",
    BELITTLING: "makes the action sound trivial: {quote}",
}

_SUGGESTIONS = {
    PERSON: "Describe the action and its conditions instead of the person: what made this "
    "action reasonable at the time, and what did the tooling allow (e.g. 'The deploy tool "
    "allowed an unreviewed change to reach every region')?",
    HUMAN_ERROR: "Name the conditions that made the slip possible: which missing check, "
    "confusing interface or time pressure? Human error is where the analysis starts, not a cause.",
    COUNTERFACTUAL: "Describe what the people involved knew and saw at the time and why their "
    "choice made sense then; turn the gap into an action item on the system (an alert, a check, "
    "a runbook step).",
    JUDGEMENT: "Drop the judgement and state the facts: what happened, what information was "
    "available, and what made the action look reasonable at the time.",
    TEAM: "Describe the process or hand-off between teams that let this through: which review, "
    "test or interface gap made it possible?",
    QUESTION: "Ask about conditions instead: 'What made the logs hard to check before the "
    "restart?', 'What would have helped the reviewer see this?'",
    BELITTLING: "Remove the minimiser: the step was not obvious at the time. Say what made it "
    "hard to see or do, e.g. 'The runbook did not mention restarting the pod.'",
}


class LanguageConfig(BaseModel):
    """Project settings for the language rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    extra_blame_words: tuple[str, ...] = Field(
        default=(), description="More words or phrases flagged as judgement (BF104)"
    )
    allowed_names: tuple[str, ...] = Field(
        default=(), description="Names that are never taken for a person (systems called Ruby...)"
    )
    disabled_rules: frozenset[str] = Field(
        default=frozenset(), description="Rule ids (or prefixes like BF10) not to report"
    )


@dataclass(frozen=True, slots=True)
class _Compiled:
    allowed: frozenset[str]
    judgement_phrases: tuple[tuple[str, ...], ...]
    firsts: frozenset[str]
    enabled: frozenset[str]


@lru_cache(maxsize=32)
def _compile(config: LanguageConfig) -> _Compiled:
    allowed = frozenset(name.strip().lower().lstrip("@") for name in config.allowed_names)
    allowed |= {"@" + name for name in allowed}
    phrases = tuple(
        tuple(phrase.lower().split()) for phrase in config.extra_blame_words if phrase.strip()
    )
    enabled = frozenset(
        rule.id
        for rule in RULES
        if not any(rule.id.startswith(prefix) for prefix in config.disabled_rules)
    )
    return _Compiled(allowed, phrases, frozenset(phrase[0] for phrase in phrases), enabled)


@dataclass(slots=True)
class _Hits:
    """Spans (rule, first token, last token) found in one sentence."""

    tokens: list[Token]
    spans: list[tuple[str, int, int]] = field(default_factory=list)

    def add(self, rule: str, first: int, last: int) -> None:
        first, last = min(first, last), max(first, last)
        if all(not (r == rule and f <= last and first <= e) for r, f, e in self.spans):
            self.spans.append((rule, first, last))


# A list item's checkbox: its mark is not a word ("- [x] Default missing flags ..." starts at
# "Default", as the unticked item does).
_CHECKBOX = re.compile(r"^([ \t]{0,12}(?:[-*+]|\d{1,9}[.)])[ \t]{1,4})\[[xX]\]", re.MULTILINE)


def _unticked(match: re.Match[str]) -> str:
    return match[1] + "   "


def check_text(
    text: str, *, line_offset: int = 0, config: LanguageConfig | None = None
) -> list[Finding]:
    """Blaming language in one chunk of Markdown; lines count from `line_offset` + 1."""
    compiled = _compile(config or LanguageConfig())
    if not compiled.enabled:
        return []
    masked = _CHECKBOX.sub(_unticked, mask_markdown(text))
    starts = line_starts(text)
    findings: list[Finding] = []
    for tokens in sentences(masked):
        hits = _Hits(tokens)
        _check_sentence(Clause(tokens, compiled.allowed), hits, compiled)
        for rule_id, first, last in sorted(hits.spans, key=lambda span: span[1]):
            if rule_id in compiled.enabled:
                start, end = tokens[first].start, tokens[last].end
                findings.append(_finding(rule_id, text, start, end, starts, line_offset))
    return findings


def _finding(
    rule_id: str, text: str, start: int, end: int, starts: list[int], line_offset: int
) -> Finding:
    line = bisect_right(starts, start) - 1
    end_line = bisect_right(starts, end - 1) - 1
    quote = " ".join(text[start:end].split())
    # Every value below is built here from checked parts: skip re-validation (it is hot), and
    # copy the rule's template, which is about twice as fast as building a model.
    return _template(rule_id).model_copy(
        update={
            "message": _MESSAGES[rule_id].format(quote=f"'{quote}'"),
            "line": line + 1 + line_offset,
            "column": start - starts[line] + 1,
            "end_line": end_line + 1 + line_offset,
            "end_column": end - starts[end_line] + 1,
        }
    )


@cache
def _template(rule_id: str) -> Finding:
    """A finding of the rule with everything but its message and place filled in."""
    rule = _RULES_BY_ID[rule_id]
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=rule.severity,
        message="",
        suggestion=_SUGGESTIONS[rule_id],
        line=1,
        column=1,
        end_line=1,
        end_column=1,
    )


def _check_sentence(clause: Clause, hits: _Hits, compiled: _Compiled) -> None:
    rules.check_sentence(clause, hits.add, compiled.judgement_phrases, compiled.firsts)
