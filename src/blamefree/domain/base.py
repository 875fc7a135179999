"""Base types of the document model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


def _to_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamps must carry a time zone")
    return value.astimezone(dt.UTC)


UtcDatetime = Annotated[dt.datetime, AfterValidator(_to_utc)]


class Model(BaseModel):
    """Base of every document part: strict about unknown keys, compares by value."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


__all__ = ["Model", "UtcDatetime"]
