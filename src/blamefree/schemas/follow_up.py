"""Reviews, people and reminders."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from blamefree.domain.enums import ReviewKind, Severity, SignOffRole
from blamefree.schemas.base import InputModel, ReadModel, Timestamp


class ReviewCreate(InputModel):
    """A follow-up review that was held, with its notes."""

    kind: ReviewKind
    notes: str | None = None


class ReviewScheduleUpdate(InputModel):
    """Another date for a follow-up review (written into the Follow-Up section)."""

    date: dt.date = Field(description="Not before the incident")


class ReviewRead(ReadModel):
    """One follow-up review of one post-mortem as it stands on the day asked."""

    incident_id: str
    title: str | None
    severity: Severity | None
    kind: ReviewKind
    due_date: dt.date | None = Field(description="As scheduled, else counted from the incident")
    due_date_is_default: bool
    done_at: Timestamp | None
    notes: str | None
    by: str | None
    overdue: bool


class PersonCreate(InputModel):
    """Someone who owns action items, and how to reach them."""

    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    slack: str | None = Field(default=None, description="@handle or member id (U0123ABCD)")


class PersonRead(ReadModel):
    """Someone in the people directory."""

    name: str
    email: str | None
    slack: str | None


class DigestActionRead(ReadModel):
    """An action item in a reminder digest."""

    uid: str
    text: str
    incident_id: str
    horizon: str
    status: str
    priority: str | None
    due_date: dt.date | None
    days_overdue: int
    url: str | None


class DigestReviewRead(ReadModel):
    """A follow-up review in a reminder digest."""

    incident_id: str
    review: str
    date: dt.date
    title: str | None
    days_late: int


class DigestPostmortemRead(ReadModel):
    """A post-mortem the team's policy asks for, in a reminder digest."""

    incident_id: str
    title: str | None
    severity: str | None
    needs: str = Field(description="`submission` (for review) or `approval`")
    due_date: dt.date
    days_late: int


class DigestRead(ReadModel):
    """Everything one owner hears about on one day."""

    owner: str | None
    date: dt.date
    overdue: list[DigestActionRead]
    due_soon: list[DigestActionRead]
    reviews: list[DigestReviewRead]
    postmortems: list[DigestPostmortemRead] = Field(
        description="Post-mortems the policy finds overdue or due soon"
    )


class DeliveryRead(ReadModel):
    """What happened to one reminder message."""

    channel: str
    recipient: str
    address: str
    items: int
    status: str
    attempts: int
    error: str | None


class RemindReportRead(ReadModel):
    """A reminder run: the digests and what happened to each message."""

    date: dt.date
    dry_run: bool
    digests: list[DigestRead]
    deliveries: list[DeliveryRead]
    unrouted: list[str] = Field(description="Owners with no address to reach them at")


class SignOffCreate(InputModel):
    """A sign-off in one role; without a name, the one who acts signs."""

    name: str | None = Field(default=None, min_length=1, max_length=200)


class SignOffRead(ReadModel):
    """Who signed a post-mortem off in one role, on which day, and who recorded it when."""

    incident_id: str
    role: SignOffRole
    name: str
    date: dt.date | None = Field(description="The day of the sign-off, as the section says")
    recorded_by: str | None
    recorded_at: Timestamp
