"""Action items and prevention measures: create, update, read; their history and trackers."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from blamefree.domain.enums import ActionStatus, ActionType, Horizon, Priority, Severity
from blamefree.domain.postmortem import TrackerLink
from blamefree.schemas.base import InputModel, ReadModel, Timestamp


class ActionItemCreate(InputModel):
    """A new action item of a post-mortem; without a due date it is due at its horizon's end."""

    text: str = Field(min_length=1)
    horizon: Horizon = Horizon.SHORT_TERM
    owner: str | None = None
    due_date: dt.date | None = None
    priority: Priority | None = None
    type: ActionType | None = None
    status: ActionStatus = ActionStatus.OPEN


class ActionItemUpdate(InputModel):
    """Fields to change on one action item; a field left out stays as it is."""

    text: str | None = Field(default=None, min_length=1)
    status: ActionStatus | None = None
    owner: str | None = Field(default=None, min_length=1)
    horizon: Horizon | None = None
    due_date: dt.date | None = None
    priority: Priority | None = None
    type: ActionType | None = None


class ActionHistoryRead(ReadModel):
    """One recorded change of an action item."""

    at: Timestamp
    field: str
    old: str | None
    new: str | None
    by: str | None


class ActionItemRead(ReadModel):
    """An action item across post-mortems, with what follows from the rules on the day asked."""

    id: str = Field(description="Public id, e.g. A-7F3K2Q")
    incident_id: str
    title: str | None = Field(description="The post-mortem's title")
    severity: Severity | None
    horizon: Horizon
    text: str
    status: ActionStatus
    type: ActionType | None
    owner: str | None
    priority: Priority | None
    due_date: dt.date | None = Field(description="The due date, else its horizon's end")
    due_date_is_default: bool
    due_date_text: str | None
    overdue: bool
    flags: list[str] = Field(description="before_incident, after_horizon or within_shorter_horizon")
    created_at: Timestamp
    closed_at: Timestamp | None
    tracker: TrackerLink | None


class ActionItemDetailRead(ActionItemRead):
    """One action item with every recorded change (`actions show`)."""

    history: list[ActionHistoryRead]


class PreventionMeasureUpdate(InputModel):
    """A new status for one prevention measure (its checkbox follows)."""

    status: ActionStatus


class PreventionMeasureRead(ReadModel):
    """A prevention measure: its category and number in the checklist, status, closing time."""

    incident_id: str = Field(description="The post-mortem it belongs to")
    category: str = Field(description="technical, process or monitoring")
    number: int = Field(description="1-based, as the checklist shows it")
    text: str
    status: ActionStatus
    closed_at: Timestamp | None


class PushResultRead(ReadModel):
    """What pushing one action item to a tracker did."""

    id: str
    incident_id: str
    text: str
    outcome: str
    key: str | None
    url: str | None
    error: str | None


class PullResultRead(ReadModel):
    """What pulling one linked action item's issue learned."""

    id: str
    system: str
    key: str
    remote: str
    before: str
    after: str
    outcome: str
    error: str | None
