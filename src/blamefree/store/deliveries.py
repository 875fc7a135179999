"""Reminder delivery state: one row per (day, channel, recipient), sent or failed.

``blamefree remind`` reads the day's rows to skip what was sent and to retry what failed, and
records each attempt in its own transaction, so a crash half way loses nothing it already did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from blamefree.store.tables import ReminderDeliveryRow

SENT = "sent"
FAILED = "failed"


@dataclass(frozen=True)
class DeliveryRecord:
    """What the store knows about one reminder message."""

    day: dt.date
    channel: str
    recipient: str
    address: str
    status: str
    attempts: int
    last_error: str | None
    items: list[str]
    first_attempt_at: dt.datetime
    last_attempt_at: dt.datetime
    sent_at: dt.datetime | None


class DeliveryRepository:
    """Reminder delivery rows on one session; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of_day(self, day: dt.date) -> dict[tuple[str, str], DeliveryRecord]:
        """The day's rows by (channel, recipient)."""
        rows = self.session.execute(
            select(ReminderDeliveryRow)
            .where(ReminderDeliveryRow.day == day)
            .execution_options(populate_existing=True)
        ).scalars()
        return {(row.channel, row.recipient): _record(row) for row in rows}

    def recent(self, *, since: dt.date) -> list[DeliveryRecord]:
        """Rows from ``since`` on, newest day first."""
        rows = self.session.execute(
            select(ReminderDeliveryRow)
            .where(ReminderDeliveryRow.day >= since)
            .order_by(
                ReminderDeliveryRow.day.desc(),
                ReminderDeliveryRow.channel,
                ReminderDeliveryRow.recipient,
            )
        ).scalars()
        return [_record(row) for row in rows]

    def record(
        self,
        *,
        day: dt.date,
        channel: str,
        recipient: str,
        address: str,
        items: Sequence[str],
        error: str | None,
        at: dt.datetime,
    ) -> DeliveryRecord:
        """Record one attempt: sent when ``error`` is None, failed otherwise."""
        status = FAILED if error is not None else SENT
        row = self.session.execute(
            select(ReminderDeliveryRow).where(
                ReminderDeliveryRow.day == day,
                ReminderDeliveryRow.channel == channel,
                ReminderDeliveryRow.recipient == recipient,
            )
        ).scalar_one_or_none()
        values = {
            "address": address,
            "status": status,
            "last_error": error,
            "items": list(items),
            "last_attempt_at": at,
            "sent_at": at if error is None else None,
        }
        if row is None:
            self.session.execute(
                insert(ReminderDeliveryRow).values(
                    day=day,
                    channel=channel,
                    recipient=recipient,
                    attempts=1,
                    first_attempt_at=at,
                    **values,
                )
            )
        else:
            self.session.execute(
                update(ReminderDeliveryRow)
                .where(ReminderDeliveryRow.id == row.id)
                .values(attempts=ReminderDeliveryRow.attempts + 1, **values)
                .execution_options(synchronize_session=False)
            )
        self.session.flush()
        return self.of_day(day)[(channel, recipient)]


def _record(row: ReminderDeliveryRow) -> DeliveryRecord:
    return DeliveryRecord(
        day=row.day,
        channel=row.channel,
        recipient=row.recipient,
        address=row.address,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        items=list(row.items),
        first_attempt_at=row.first_attempt_at,
        last_attempt_at=row.last_attempt_at,
        sent_at=row.sent_at,
    )
