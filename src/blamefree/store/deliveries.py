"""Reminder delivery state: one row per (day, channel, recipient), sent or failed.

``blamefree remind`` reads the day's rows to skip what was sent and to retry what failed, and
records each attempt in its own transaction, so a crash half way loses nothing it already did.
Right before sending, a run *claims* the message (``claim``): of two runs that overlap (cron and
a hand-run, say), only one sends it. A claim is a ``failed`` row whose error says it is being
sent; one older than its lease (a run that died while sending) may be taken over.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from blamefree.store.tables import ReminderDeliveryRow

SENT = "sent"
FAILED = "failed"
CLAIM_NOTE = "being sent by another run"
"""How a claimed row's ``last_error`` begins (followed by the claim's token)."""


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

    def claim(
        self,
        *,
        day: dt.date,
        channel: str,
        recipient: str,
        address: str,
        items: Sequence[str],
        at: dt.datetime,
        lease_start: dt.datetime,
        stale_before: dt.datetime,
    ) -> bool:
        """Take the right to send one message: False if it was sent or another run is sending it.

        ``lease_start`` is the real time of the claim (``at`` may be a pinned clock); a claim
        that started before ``stale_before`` belongs to a run that died and may be taken over.
        """
        token = f"{CLAIM_NOTE} (claim {uuid.uuid4().hex[:12]})"
        values: dict[str, Any] = {
            "address": address,
            "status": FAILED,
            "last_error": token,
            "items": list(items),
            "last_attempt_at": lease_start,
            "sent_at": None,
        }
        dialect = self.session.get_bind().dialect.name
        maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = maker(ReminderDeliveryRow).values(
            day=day, channel=channel, recipient=recipient, attempts=0, first_attempt_at=at, **values
        )
        # RETURNING, not rowcount: the ORM path reports no rowcount on PostgreSQL.
        created = self.session.execute(
            statement.on_conflict_do_nothing(
                index_elements=["day", "channel", "recipient"]
            ).returning(ReminderDeliveryRow.id)
        ).first()
        if created is not None:
            return True
        row = self.session.execute(
            select(ReminderDeliveryRow)
            .where(
                ReminderDeliveryRow.day == day,
                ReminderDeliveryRow.channel == channel,
                ReminderDeliveryRow.recipient == recipient,
            )
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if row is None or row.status != FAILED:
            return False
        claimed = (row.last_error or "").startswith(CLAIM_NOTE)
        if claimed and row.last_attempt_at >= stale_before:
            return False
        # Compare-and-set on the error read: of two runs taking over the same row, one wins.
        same_error = (
            ReminderDeliveryRow.last_error.is_(None)
            if row.last_error is None
            else ReminderDeliveryRow.last_error == row.last_error
        )
        taken = self.session.execute(
            update(ReminderDeliveryRow)
            .where(
                ReminderDeliveryRow.id == row.id,
                ReminderDeliveryRow.status == FAILED,
                same_error,
            )
            .values(**values)
            .returning(ReminderDeliveryRow.id)
            .execution_options(synchronize_session=False)
        ).first()
        return taken is not None

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
