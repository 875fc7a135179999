"""Use cases for the linter: a stored post-mortem in its stored text, or a posted document."""

from __future__ import annotations

from blamefree.lint.api import FileReport, report_stored, report_text
from blamefree.lint.config import LintConfig
from blamefree.services.saving import current_text
from blamefree.store import UnitOfWork


def lint_stored(
    uow: UnitOfWork, *, incident_id: str, config: LintConfig | None = None
) -> FileReport:
    """Findings in a stored post-mortem, as ``lint ID`` reports them (its author's text)."""
    stored, text = current_text(uow, incident_id=incident_id)
    return report_stored(text, stored.doc, source=incident_id, config=config)


def lint_document(
    text: str, *, source: str, timezone: str | None = None, config: LintConfig | None = None
) -> FileReport:
    """Findings in a Markdown post-mortem that is not stored (a draft being written)."""
    return report_text(text, source=source, config=config, timezone=timezone)
