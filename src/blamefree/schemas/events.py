"""Timeline events: add, change, read, and what an import added."""

from __future__ import annotations

from pydantic import Field

from blamefree.domain.base import UtcDatetime
from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind
from blamefree.schemas.base import EventTime, InputModel, ReadModel


class EventCreate(InputModel):
    """An event typed in by a person."""

    time: UtcDatetime = Field(description="When, with a time zone")
    time_text: str | None = Field(default=None, description="The time as written, if different")
    text: str
    phase: Phase | None = None
    kind: EventKind = EventKind.CUSTOM
    actor: str | None = None
    key: bool = Field(default=False, description="A key event fills its phase block")
    link: str | None = None


class EventUpdate(InputModel):
    """Fields to change on one event; a field left out stays, ``phase: null`` clears it."""

    time: UtcDatetime | None = None
    time_text: str | None = None
    text: str | None = None
    phase: Phase | None = None
    kind: EventKind | None = None
    actor: str | None = None
    key: bool | None = None
    link: str | None = None


class EventRead(ReadModel):
    """An event for scripts: time in UTC with microseconds and Z, source and its id."""

    ref: str = Field(description="Short stable reference (what `timeline edit` takes)")
    time: EventTime
    time_text: str | None
    phase: Phase | None
    kind: EventKind
    actor: str | None
    text: str
    source: str = Field(description="The tool it came from; manual for one typed in")
    source_id: str | None
    key: bool
    link: str | None
    recorded_by: str | None = Field(
        description="Who added it to the store (an import: who ran it); None when not stored "
        "or added before authors were kept",
    )


class EventImportRead(ReadModel):
    """What importing events from a tool did."""

    read: int
    added: int
    skipped: int = Field(description="Already in the log (same source and id)")
    version: int
