"""Reading what the post-mortem policy needs of every post-mortem, in one query.

Per post-mortem: its header (severity, incident date, impact start and duration as written,
time zone), its owner (the workflow's, else who prepared it by its Sign-Off, else who wrote
version 1), its workflow state and
when it was first submitted for review and first approved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, type_coerce
from sqlalchemy.orm import Session

from blamefree.domain.enums import Severity, SignOffRole
from blamefree.domain.workflow import State, Transition
from blamefree.store.tables import (
    PostmortemRow,
    RevisionRow,
    SignOffRow,
    UtcDateTime,
    WorkflowRow,
    WorkflowTransitionRow,
)


@dataclass(frozen=True)
class PolicySource:
    """One post-mortem as the policy reads it (times in UTC)."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    impact_start: dt.datetime | None
    duration_seconds: int | None
    timezone: str | None
    owner: str | None
    state: State | None  # None: it never entered the workflow
    first_submitted_at: dt.datetime | None
    first_approved_at: dt.datetime | None
    signed_off_on: dt.date | None = None
    """The date of the Sign-Off's Approved By as written in the document, when it names one."""


def policy_sources(session: Session, *, incident_id: str | None = None) -> list[PolicySource]:
    """Every post-mortem (or one), most recent incident first."""
    moves = WorkflowTransitionRow
    first_at = type_coerce(func.min(moves.at), UtcDateTime()).label("at")
    submitted = (
        select(moves.postmortem_id.label("pid"), first_at)
        .where(moves.transition == Transition.SUBMIT.value)
        .group_by(moves.postmortem_id)
        .subquery()
    )
    approved = (
        select(moves.postmortem_id.label("pid"), first_at)
        .where(moves.to_state == State.APPROVED.value)
        .group_by(moves.postmortem_id)
        .subquery()
    )
    first = (
        select(RevisionRow.postmortem_id.label("pid"), RevisionRow.author.label("author"))
        .where(RevisionRow.version == 1)
        .subquery()
    )
    prepared = (
        select(SignOffRow.postmortem_id.label("pid"), func.min(SignOffRow.name).label("name"))
        .where(SignOffRow.role == "prepared")
        .group_by(SignOffRow.postmortem_id)
        .subquery()
    )
    signed = (
        select(SignOffRow.postmortem_id.label("pid"), func.min(SignOffRow.signed_on).label("on"))
        .where(SignOffRow.role == SignOffRole.APPROVED.value, SignOffRow.signed_on.is_not(None))
        .group_by(SignOffRow.postmortem_id)
        .subquery()
    )
    conditions: list[ColumnElement[bool]] = []
    if incident_id is not None:
        conditions.append(PostmortemRow.incident_id == incident_id)
    rows = session.execute(
        select(
            PostmortemRow.incident_id,
            PostmortemRow.title,
            PostmortemRow.severity,
            PostmortemRow.date,
            PostmortemRow.impact_start,
            PostmortemRow.duration_seconds,
            PostmortemRow.body["timezone"],
            WorkflowRow.owner,
            prepared.c.name,
            first.c.author,
            WorkflowRow.state,
            submitted.c.at,
            approved.c.at,
            signed.c.on,
        )
        .outerjoin(WorkflowRow, WorkflowRow.postmortem_id == PostmortemRow.id)
        .outerjoin(prepared, prepared.c.pid == PostmortemRow.id)
        .outerjoin(first, first.c.pid == PostmortemRow.id)
        .outerjoin(submitted, submitted.c.pid == PostmortemRow.id)
        .outerjoin(approved, approved.c.pid == PostmortemRow.id)
        .outerjoin(signed, signed.c.pid == PostmortemRow.id)
        .where(*conditions)
        .order_by(PostmortemRow.date.desc(), PostmortemRow.incident_id)
    ).all()
    return [
        PolicySource(
            incident_id=incident,
            title=title,
            severity=Severity(severity) if severity else None,
            date=date,
            impact_start=impact_start,
            duration_seconds=duration,
            timezone=zone if isinstance(zone, str) else None,
            owner=owner or preparer or author or None,
            state=State(state) if state else None,
            first_submitted_at=_utc(submitted_at),
            first_approved_at=_utc(approved_at),
            signed_off_on=_date(signed_on),
        )
        for (incident, title, severity, date, impact_start, duration, zone, owner, preparer,
             author, state, submitted_at, approved_at, signed_on) in rows
    ]  # fmt: skip


def _date(value: object) -> dt.date | None:
    """A MIN() over a date column, whatever the driver gave back."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return None


def _utc(value: object) -> dt.datetime | None:
    """A MIN() over a UTC column, read as aware UTC whatever the driver gave back."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
