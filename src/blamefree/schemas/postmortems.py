"""Post-mortems: create, update, read; their listing, history, metrics, criteria and imports."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.schemas.base import InputModel, ReadModel, Timestamp
from blamefree.schemas.events import EventCreate


class PostmortemCreate(InputModel):
    """A new post-mortem from the template: what `blamefree new` asks for."""

    title: str = Field(min_length=1, description="What happened, in a few words")
    severity: Severity
    incident_id: str | None = Field(
        default=None, description="Default: INC-<date>, with -2, -3, ... when that one is taken"
    )
    date: dt.date | None = Field(default=None, description="Incident date; default: today")
    events: list[EventCreate] = Field(
        default_factory=list,
        description="Timeline events to start with, as POST .../events takes them "
        "(all in the first version)",
    )


class PostmortemUpdate(InputModel):
    """A changed post-mortem: the whole document, based on the version it was read at."""

    version: int = Field(ge=1, description="The version the change is based on (StaleEdit if not)")
    document: Postmortem
    message: str | None = Field(default=None, description="For the history")


class CriterionCreate(InputModel):
    """A custom success criterion (checked by hand unless Blamefree knows how to evaluate it)."""

    text: str = Field(min_length=1)


class CriterionUpdate(InputModel):
    """Tick or untick a hand-checked success criterion."""

    met: bool


class CriterionRead(ReadModel):
    """One success criterion: ``written`` is the checkbox, ``derived`` what the data says."""

    number: int
    text: str
    written: bool
    derived: bool | None = Field(description="null: checked by hand")
    disagrees: bool
    met: bool
    evaluated: bool
    reason: str


class PostmortemRead(ReadModel):
    """A stored post-mortem: its bookkeeping, its document and its success criteria."""

    incident_id: str
    version: int
    created_at: Timestamp
    updated_at: Timestamp
    title: str | None
    severity: Severity | None
    date: dt.date | None
    document: Postmortem = Field(description="Phase blocks filled from the event log")
    success_criteria: list[CriterionRead]


class PostmortemSummaryRead(ReadModel):
    """One post-mortem in a listing."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    version: int
    updated_at: Timestamp
    action_items_total: int
    action_items_done: int


class PostmortemPageRead(ReadModel):
    """One page of a listing: the post-mortems on it and how many the filters keep in all."""

    items: list[PostmortemSummaryRead]
    total: int = Field(description="Post-mortems the filters keep, on every page")
    limit: int
    offset: int
    next_offset: int | None = Field(description="The offset of the next page; null on the last")


class RevisionRead(ReadModel):
    """One saved version of a post-mortem."""

    version: int
    created_at: Timestamp
    message: str | None
    by: str | None = Field(description="Who saved this version (None before authors were kept)")


class StatedRead(ReadModel):
    """A duration as the writer stated it."""

    seconds: int | None
    text: str | None


class MetricRead(ReadModel):
    """One incident metric; ``stated`` appears when the writer's value disagrees."""

    seconds: int | None
    source: str | None = Field(description="timeline, document, or null when unknown")
    text: str | None
    stated: StatedRead | None = Field(default=None, exclude_if=lambda value: value is None)


MetricsRead = dict[
    Literal[
        "detection_time", "response_time", "mitigation_time", "resolution_time", "total_duration"
    ],
    MetricRead,
]


class FieldConflictRead(ReadModel):
    """One field that a file and the store both changed since the file's base version."""

    path: str
    kind: str = Field(description="changed, removed_in_stored or removed_in_file")
    base: Any
    stored: Any
    file: Any


class LossRead(ReadModel):
    """One thing the store has that saving a file without a base version would remove."""

    path: str
    what: str
    stored: Any
    file: Any


class ImportOutcomeRead(ReadModel):
    """What an import did with one file; a refused update lists its conflicts or losses."""

    file: str
    incident_id: str | None
    action: str = Field(description="created, updated, merged, unchanged or failed")
    version: int | None
    error: str | None
    conflicts: list[FieldConflictRead] | None = Field(
        default=None, exclude_if=lambda value: value is None
    )
    would_lose: list[LossRead] | None = Field(default=None, exclude_if=lambda value: value is None)


class DiffRead(ReadModel):
    """What changed in the Markdown between two saved versions, as a unified diff."""

    incident_id: str
    from_version: int
    to_version: int
    diff: str = Field(description="Unified diff; empty when the two texts are the same")


class RestoreCreate(InputModel):
    """Bring an earlier version back as the next one."""

    version: int = Field(ge=1, description="The version to restore")


class RestoreRead(ReadModel):
    """An earlier version brought back as the next one (or ``unchanged``)."""

    incident_id: str
    action: str
    restored_version: int
    version: int


class StoreStatusRead(ReadModel):
    """The store's schema revision beside the one this Blamefree needs (`db status`)."""

    database_url: str = Field(description="Where the store is, with any password masked")
    current: str | None = Field(description="The store's revision; None for an empty database")
    head: str
    up_to_date: bool
