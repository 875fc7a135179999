"""Lint findings."""

from __future__ import annotations

from pydantic import Field

from blamefree.lint.finding import Level
from blamefree.schemas.base import ReadModel


class FindingRead(ReadModel):
    """One lint finding: rule, where it is, what is wrong and how to fix it."""

    rule: str = Field(description="e.g. BF101")
    category: str
    severity: Level
    file: str
    line: int = Field(description="1-based")
    column: int = Field(description="1-based")
    end_line: int
    end_column: int = Field(description="Exclusive")
    message: str
    suggestion: str
    field: str | None = Field(description="Document field path, for a stored post-mortem")
