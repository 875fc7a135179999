"""BF310: a success criterion ticked one way while the data says the other.

Three criteria of the template are decided by the data (see ``domain.actions``). The author's
tick is kept as written; when it disagrees with the data, this rule says so where the
criterion is written, as ``actions criteria`` and ``show`` do.
"""

from __future__ import annotations

from collections.abc import Iterator

from blamefree.domain.actions import evaluate_success_criteria
from blamefree.lint.context import Document, finding
from blamefree.lint.finding import Finding, Level, Rule
from blamefree.markdown.anchors import locate

CRITERION = "BF310"

RULES: tuple[Rule, ...] = (
    Rule(
        id=CRITERION,
        category="consistency.success-criterion",
        severity=Level.WARNING,
        title="Success criterion ticked against the data",
        description="'All action items completed', 'Prevention measures implemented' or "
        "'Monitoring improved' is ticked while the items say it is not met, or left empty "
        "while they say it is.",
    ),
)


def _criterion_lines(text: str) -> list[int]:
    """The 1-based line of each success criterion, in document order."""
    follow_up = locate(text).children.get("s:follow_up")
    criteria = follow_up.children.get("s:criteria") if follow_up is not None else None
    if criteria is None:
        return []
    return [region.start + 1 for key, region in criteria.children.items() if key.startswith("i:")]


def success_criteria(document: Document) -> Iterator[Finding]:
    """BF310: an evaluated criterion whose checkbox says otherwise than the data."""
    states = evaluate_success_criteria(document.doc)
    if not any(state.disagrees for state in states):
        return
    lines = _criterion_lines(document.text)
    for index, state in enumerate(states):
        if not state.disagrees:
            continue
        path = f"follow_up.success_criteria[{index}]"
        span = (
            document.locator.line_span(lines[index])
            if index < len(lines)
            else document.locator.heading("follow_up", "success_criteria")
        )
        if state.written:
            message = f"'{state.text}' is ticked, but the data says it is not met ({state.reason})"
            suggestion = (
                "Finish or close the items it depends on, or untick it until they are; "
                "`blamefree actions criteria ID --apply` sets it from the data."
            )
        else:
            message = f"'{state.text}' is not ticked, but the data says it is met ({state.reason})"
            suggestion = "Tick it, or run `blamefree actions criteria ID --apply`."
        yield finding(RULES[0], span, message, suggestion, path)


def check(document: Document) -> list[Finding]:
    """Every success-criterion finding of one document."""
    return list(success_criteria(document))
