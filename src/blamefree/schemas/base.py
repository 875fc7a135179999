"""What every schema shares: strict inputs, read models, and times written as the CLI always has."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, ValidationError

from blamefree.domain.base import UtcDatetime
from blamefree.errors import ValidationFailed


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


def _event_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


Timestamp = Annotated[dt.datetime, PlainSerializer(_iso, return_type=str, when_used="json")]
"""A moment the store recorded (created, saved, closed): ISO 8601 with its offset, ``+00:00``."""

EventTime = Annotated[UtcDatetime, PlainSerializer(_event_time, return_type=str, when_used="json")]
"""An event's time: UTC with microseconds and ``Z``, exact and sortable."""


class InputModel(BaseModel):
    """Base of ``XCreate`` / ``XUpdate``: unknown keys are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class ReadModel(BaseModel):
    """Base of ``XRead``: what ``--json`` prints and the API returns."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def field_path(location: tuple[int | str, ...]) -> str:
    """A pydantic error location as a dotted path: ``timeline.events.0.time``."""
    return ".".join(str(part) for part in location) or "(input)"


def validation_failed(error: ValidationError) -> ValidationFailed:
    """The first problem pydantic found, as a ValidationFailed naming its field."""
    first = error.errors()[0]
    more = error.error_count() - 1
    message = first["msg"]
    if more:
        message += f" (and {more} more problem{'s' if more != 1 else ''})"
    return ValidationFailed(message, field=field_path(first["loc"]))


M = TypeVar("M", bound=BaseModel)


def parse_input(model: type[M], data: Any) -> M:
    """``data`` read into ``model``; ValidationFailed naming the field when it does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_failed(error) from None
