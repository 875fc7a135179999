"""What the writing pages' scripts read: the current version and a live lint preview."""

from __future__ import annotations

from pydantic import Field

from blamefree.schemas.base import ReadModel, Timestamp
from blamefree.schemas.lint import FindingRead


class VersionRead(ReadModel):
    """The current version of a post-mortem: a page loaded at an older one is out of date."""

    incident_id: str
    version: int = Field(ge=1)
    updated_at: Timestamp
    by: str | None = Field(description="Who saved it; null when that was not recorded")


class ProblemRead(ReadModel):
    """An input or line the preview could not read: nothing can be linted until it is fixed."""

    message: str
    field: str | None = None
    line: int | None = Field(default=None, description="1-based line of the Markdown")


class LintPreviewRead(ReadModel):
    """The linter's findings on a change not saved yet, or what stops it being read."""

    findings: list[FindingRead]
    problems: list[ProblemRead]
