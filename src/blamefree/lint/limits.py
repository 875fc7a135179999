"""How much of one line the linter reads, and BF401 for a line past that.

Every pattern the linter matches is anchored and bounded, or replaced by a scanner, so linting
costs time linear in the text (``bench/adversarial.py``). On top of that, a line longer than
`LINE_MAX` characters outside code blocks is not matched at all: the language rules do not read
it and no field is located on it; BF401 says so at the line. No post-mortem line in the test
data is longer than 400 characters; a paragraph written on one line stays far below the limit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from blamefree.lint.finding import Finding, Level, Rule

if TYPE_CHECKING:
    from blamefree.lint.context import Document

LINE_MAX = 10_000
"""Characters of one line that the linter matches; a longer line is reported (BF401)."""
SENTENCE_MAX = 400
"""Tokens of one sentence for the language rules; a longer run without a sentence end (no
written sentence has more than about 80) is read in pieces of this many tokens."""

LONG_LINE = "BF401"

RULES: tuple[Rule, ...] = (
    Rule(
        id=LONG_LINE,
        category="limits.long-line",
        severity=Level.WARNING,
        title="Line too long to check",
        description=f"A line of more than {LINE_MAX:,} characters outside code blocks is not "
        "checked by the other rules.",
    ),
)


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one lint pass, then restore it.

    A pass allocates a token per word and punctuation mark (a million for a 1 MB text) and a
    finding per hit, all alive until it ends and none in a reference cycle; a running collector
    walks them again and again, a third of the time of a large text. Reference counting still
    frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(document: Document) -> Iterator[Finding]:
    """BF401 for every line longer than `LINE_MAX` characters outside code blocks."""
    rule = RULES[0]
    for line in document.locator.long_lines:
        text = document.locator.lines[line - 1]
        span = document.locator.line_span(line)
        yield Finding(
            rule=rule.id,
            category=rule.category,
            severity=rule.severity,
            message=f"line is {len(text):,} characters long; lines over {LINE_MAX:,} characters "
            "are not checked (blaming language, placeholders, field positions)",
            suggestion="Break the text into paragraphs or shorter lines, or put logs and data in "
            "a fenced code block (code is not checked).",
            line=line,
            column=span.column,
            end_line=line,
            end_column=span.end_column,
            field=document.locator.field_at(line),
        )
