"""What the document rules (BF2xx, BF3xx) read: the document, its Markdown and where things are."""

from __future__ import annotations

from dataclasses import dataclass, field

from blamefree.domain.postmortem import Postmortem
from blamefree.lint.config import LintConfig
from blamefree.lint.finding import Finding, Rule
from blamefree.lint.locate import Locator, Span


@dataclass(frozen=True)
class Document:
    """One post-mortem being linted: the model, its Markdown, a locator, placeholder offsets."""

    doc: Postmortem
    text: str
    locator: Locator
    config: LintConfig
    placeholders: list[tuple[int, int]] = field(default_factory=list)

    def span(self, path: str, *fallback: Span | None) -> Span:
        """Where field ``path`` is written, else the first fallback found, else line 1."""
        found = self.locator.field(path)
        if found is not None:
            return found
        for span in fallback:
            if span is not None:
                return span
        return self.locator.line_span(self.locator.title_line or 1)


def finding(rule: Rule, span: Span, message: str, suggestion: str, field: str | None) -> Finding:
    """A finding of ``rule`` at ``span`` (its default severity; config is applied later)."""
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=rule.severity,
        message=message,
        suggestion=suggestion,
        line=span.line,
        column=span.column,
        end_line=span.end_line,
        end_column=span.end_column,
        field=field,
    )
