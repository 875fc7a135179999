"""Errors as the API answers them: one JSON shape, ``{"error": {...}}``, for every class."""

from __future__ import annotations

from pydantic import Field

from blamefree.schemas.base import ReadModel
from blamefree.schemas.lint import FindingRead
from blamefree.schemas.postmortems import FieldConflictRead, LossRead


class ErrorDetail(ReadModel):
    """What went wrong: the class, its HTTP status, the message and where, when known."""

    type: str = Field(description="The class name, e.g. PostmortemNotFound (docs/errors.md)")
    status: int = Field(description="The HTTP status of the class")
    message: str = Field(description="What is wrong, without the CLI's hints")
    field: str | None = Field(default=None, description="The field at fault, for input errors")
    file: str | None = Field(default=None, description="The file or upload at fault")
    line: int | None = Field(default=None, description="The line (or record) at fault")
    incident_id: str | None = Field(
        default=None,
        description="The post-mortem a refused import or save is about (DuplicatePostmortem, "
        "MergeConflict, WouldLoseWork), when known",
    )
    conflicts: list[FieldConflictRead] | None = Field(
        default=None, description="MergeConflict: each field both sides changed, with both values"
    )
    losses: list[LossRead] | None = Field(
        default=None, description="WouldLoseWork: what the save would have removed"
    )
    findings: list[FindingRead] | None = Field(
        default=None, description="SubmissionBlocked: the lint findings that block it"
    )


class ErrorRead(ReadModel):
    """The body of every error response of the API."""

    error: ErrorDetail
