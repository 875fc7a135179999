"""Prevention measures across post-mortems, read in one query (the board lists them all)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from blamefree.domain.enums import ActionStatus, Severity
from blamefree.store.tables import PREVENTION_CATEGORIES, PostmortemRow, PreventionMeasureRow


@dataclass(frozen=True)
class MeasureRecord:
    """One prevention measure with its post-mortem's header."""

    incident_id: str
    title: str | None
    severity: Severity | None
    incident_date: dt.date | None
    category: str
    number: int
    """1-based, as the checklist shows it."""
    text: str
    status: ActionStatus
    closed_at: dt.datetime | None


def measure_records(
    session: Session,
    *,
    incident_id: str | None = None,
    statuses: Sequence[ActionStatus] = (),
) -> list[MeasureRecord]:
    """Every post-mortem's prevention measures (or one's), newest incident first, in checklist
    order; only those of ``statuses`` when given."""
    query = (
        select(
            PostmortemRow.incident_id,
            PostmortemRow.title,
            PostmortemRow.severity,
            PostmortemRow.date,
            PreventionMeasureRow.category,
            PreventionMeasureRow.position,
            PreventionMeasureRow.text,
            PreventionMeasureRow.status,
            PreventionMeasureRow.closed_at,
        )
        .join(PostmortemRow, PostmortemRow.id == PreventionMeasureRow.postmortem_id)
        .order_by(
            PostmortemRow.date.is_(None),
            PostmortemRow.date.desc(),
            PostmortemRow.incident_id,
            case(
                {c: i for i, c in enumerate(PREVENTION_CATEGORIES)},
                value=PreventionMeasureRow.category,
            ),
            PreventionMeasureRow.position,
        )
    )
    if incident_id is not None:
        query = query.where(PostmortemRow.incident_id == incident_id)
    if statuses:
        query = query.where(PreventionMeasureRow.status.in_([s.value for s in statuses]))
    return [
        MeasureRecord(
            incident_id=found,
            title=title,
            severity=Severity(severity) if severity is not None else None,
            incident_date=date,
            category=category,
            number=position + 1,
            text=text,
            status=ActionStatus(status),
            closed_at=closed_at,
        )
        for found, title, severity, date, category, position, text, status, closed_at in (
            session.execute(query)
        )
    ]
