"""Reminder delivery state: one row per (day, channel, recipient), sent or failed.

``blamefree remind`` reads the day's rows to skip what was sent and to retry what failed, and
records each attempt in its own transaction, so a crash half way loses nothing it already did.
Right before sending, a run *claims* the message (``claim``): of two runs that overlap (cron and
a hand-run, say), only one sends it.

A claim is a ``failed`` row whose error names the claiming run (a token, its process id and
host), so a claim never reads as sent: only a ``sent`` row does. A claim is taken over when its
run is known to be gone (same host and the process no longer exists, or same process and the
run has ended: a crash, a kill -9) or when it is older than its lease (a run on another host
that died while sending).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from blamefree.store.tables import ReminderDeliveryRow

SENT = "sent"
FAILED = "failed"
CLAIM_NOTE = "being sent by another run"
"""How a claimed row's ``last_error`` begins (followed by the claim's token and holder)."""

_CLAIM = re.compile(
    r"being sent by another run \(claim (?P<token>[0-9a-f]{1,32}); "
    r"pid (?P<pid>[0-9]{1,10}) on (?P<host>.{0,255})\)"
)
_RUNNING: set[str] = set()
"""Tokens of the claims this process's runs hold right now (see ``holding``)."""


class Claim(StrEnum):
    """What ``claim`` found: the message is ours to send, was sent, or is being sent."""

    CLAIMED = "claimed"
    SENT = "sent"
    BUSY = "busy"


@dataclass(frozen=True)
class Holder:
    """The run a claim belongs to."""

    token: str
    pid: int
    host: str

    @property
    def note(self) -> str:
        """The claim as stored in ``last_error``."""
        return f"{CLAIM_NOTE} (claim {self.token}; pid {self.pid} on {self.host})"


def new_holder() -> Holder:
    """A claim holder for this run: a fresh token, this process and host."""
    return Holder(uuid.uuid4().hex[:12], os.getpid(), socket.gethostname())


def holder_of(note: str | None) -> Holder | None:
    """The holder named in a claim note; None for other errors or older claim notes."""
    found = _CLAIM.fullmatch(note or "")
    if found is None:
        return None
    return Holder(found["token"], int(found["pid"]), found["host"])


@contextmanager
def holding(holder: Holder) -> Iterator[None]:
    """Mark ``holder``'s claims as held by a live run of this process for the block."""
    _RUNNING.add(holder.token)
    try:
        yield
    finally:
        _RUNNING.discard(holder.token)


def holder_gone(note: str | None) -> bool:
    """Whether the run that wrote this claim is known to have ended without recording it.

    Known only on the same host: in this process, a token no run holds; in another, a process
    id that no longer runs (or is a zombie). Elsewhere the claim's lease decides.
    """
    holder = holder_of(note)
    if holder is None or holder.host != socket.gethostname():
        return False
    if holder.pid == os.getpid():
        return holder.token not in _RUNNING
    return not _process_alive(holder.pid)


def _process_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # no safe probe: wait for the lease instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. another user's process: alive
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    # The state follows the parenthesised command name; Z (zombie) and X (dead) have exited.
    return stat.rpartition(")")[2].split()[:1] not in (["Z"], ["X"])


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
        holder: Holder,
        gone: Callable[[str | None], bool] = holder_gone,
    ) -> Claim:
        """Take the right to send one message: CLAIMED, or SENT, or BUSY (another run sends it).

        ``lease_start`` is the real time of the claim (``at`` may be a pinned clock). A claim
        whose run is ``gone``, or that started before ``stale_before``, is taken over.
        """
        values: dict[str, Any] = {
            "address": address,
            "status": FAILED,
            "last_error": holder.note,
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
            return Claim.CLAIMED
        row = self.session.execute(
            select(ReminderDeliveryRow)
            .where(
                ReminderDeliveryRow.day == day,
                ReminderDeliveryRow.channel == channel,
                ReminderDeliveryRow.recipient == recipient,
            )
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if row is None:
            return Claim.BUSY  # deleted under us: look again
        if row.status == SENT:
            return Claim.SENT
        claimed = (row.last_error or "").startswith(CLAIM_NOTE)
        if claimed and row.last_attempt_at >= stale_before and not gone(row.last_error):
            return Claim.BUSY
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
        return Claim.CLAIMED if taken is not None else Claim.BUSY

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
