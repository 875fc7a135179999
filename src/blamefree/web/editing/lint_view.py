"""The lint panel of the writing pages: findings grouped so the ones that matter come first.

Blaming language (BF1xx) comes first, then errors, warnings and notes; a rule found more than
``SHOWN_ALONE`` times (a fresh draft's unfilled placeholders) is one entry with its lines.
Each entry links to the input (or section) of the field it names. write.js groups the live
findings the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blamefree.lint.finding import Finding
from blamefree.web.editing.form import SECTIONS, scalars

SHOWN_ALONE = 3


@dataclass
class LintEntry:
    """One line of the panel: a finding, or every finding of a rule found many times."""

    rule: str
    severity: str
    message: str
    suggestion: str
    href: str
    place: str
    lines: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lines)


def place_of(path: str | None) -> str:
    """The anchor of a field's input on the edit page, else of its section ("" when none)."""
    if not path:
        return ""
    for spec in scalars():
        if spec.path == path:
            return "#" + spec.id
    head = path.split(".", 1)[0].split("[", 1)[0]
    for section in SECTIONS:
        if section.key == head:
            return "#" + section.id
    return ""


def _order(hit: Finding) -> tuple[int, int, int]:
    return (0 if hit.rule.startswith("BF1") else 1, -hit.severity.rank, hit.line)


def lint_entries(findings: list[Finding], *, page: str = "") -> list[LintEntry]:
    """The panel's entries, most important first; links go to ``page`` (this page: "")."""
    by_rule: dict[str, list[Finding]] = {}
    for hit in findings:
        by_rule.setdefault(hit.rule, []).append(hit)
    entries: list[tuple[tuple[int, int, int], LintEntry]] = []
    for rule, hits in by_rule.items():
        groups = [hits] if len(hits) > SHOWN_ALONE else [[hit] for hit in hits]
        for group in groups:
            first = group[0]
            entry = LintEntry(
                rule=rule,
                severity=first.severity.value,
                message=first.message,
                suggestion=first.suggestion,
                href=_link(page, first.field) if len(group) == 1 else "",
                place=first.field or "" if len(group) == 1 else "",
                lines=[hit.line for hit in group],
            )
            entries.append((_order(first), entry))
    entries.sort(key=lambda pair: pair[0])
    return [entry for _, entry in entries]


def _link(page: str, path: str | None) -> str:
    place = place_of(path)
    return page + place if place else ""
