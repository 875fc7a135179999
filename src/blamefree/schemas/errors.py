"""Errors as the API will answer them: one JSON shape for every class of the error tree."""

from __future__ import annotations

from pydantic import Field

from blamefree.schemas.base import ReadModel


class ErrorRead(ReadModel):
    """An error: its class, HTTP status and message, and where it is when the error knows."""

    error: str = Field(description="The class name, e.g. PostmortemNotFound (docs/errors.md)")
    status: int = Field(description="The HTTP status of the class")
    message: str = Field(description="What is wrong, without the CLI's hints")
    field: str | None = Field(default=None, description="The field at fault, for input errors")
    file: str | None = None
    line: int | None = None
