"""BF308: an action item's Tracker line that is not a Jira or GitHub issue reference.

``actions pull`` follows only references in the strict grammar of ``domain.tracker_refs``
(``Jira KEY-123``, ``GitHub owner/repo#N`` or ``GitHub #N``); any other Tracker line is refused
there. This rule shows the same thing where the line is written, before anyone runs a pull.
"""

from __future__ import annotations

from collections.abc import Iterator

from blamefree.domain.tracker_refs import reference_problem
from blamefree.lint.context import Document, finding
from blamefree.lint.finding import Finding, Level, Rule
from blamefree.lint.locate import Span

TRACKER_LINK = "BF308"

RULES: tuple[Rule, ...] = (
    Rule(
        id=TRACKER_LINK,
        category="consistency.tracker-link",
        severity=Level.WARNING,
        title="Tracker line is not an issue reference",
        description="An action item's Tracker line is neither Jira PROJECT-123 nor GitHub "
        "OWNER/REPO#123 or #123; `actions pull` refuses it and requests nothing.",
    ),
)


def check(document: Document) -> Iterator[Finding]:
    """BF308 for every Tracker line outside the reference grammar."""
    for horizon, items in document.doc.action_items.by_horizon():
        spans = document.locator.action_items[horizon.value]
        for index, item in enumerate(items):
            if item.tracker is None:
                continue
            problem = reference_problem(item.tracker.system, item.tracker.key)
            if problem is None:
                continue
            path = f"action_items.{horizon.value}[{index}].tracker"
            following = spans[index + 1] if index + 1 < len(spans) else None
            own = spans[index] if index < len(spans) else None
            yield finding(
                RULES[0],
                _tracker_line(document, own, following) or document.span(path, own),
                f"Tracker line {problem}",
                "Write the issue as Jira PROJECT-123 or GitHub OWNER/REPO#123 (or #123 for the "
                "configured repository); until then `actions pull` skips this item.",
                path,
            )


def _tracker_line(document: Document, own: Span | None, following: Span | None) -> Span | None:
    """The item's ``**Tracker:**`` sub-bullet line, between its head and the next item."""
    if own is None:
        return None
    lines = document.locator.lines
    last = following.line - 1 if following is not None else len(lines)
    for number in range(own.line + 1, last + 1):
        if "**tracker:**" in lines[number - 1].casefold():
            return document.locator.line_span(number)
    return None
