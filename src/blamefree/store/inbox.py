"""The webhook inbox: events that named no stored post-mortem, and the threads that route.

An item is added once per ``(source, source_id)``: ``add`` reports whether the row is new, so
a repeated delivery (also of an item already attached or discarded) adds nothing. Threads
remember which post-mortem an alert or incident of a source belongs to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.store.tables import (
    InboxItemRow,
    PostmortemRow,
    TimelineEventRow,
    WebhookThreadRow,
)

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class InboxItem:
    """One inbox event as stored: the event, where it came from, and what became of it."""

    id: int
    event: TimelineEvent
    thread: str | None
    named: str | None
    received_at: dt.datetime
    status: str
    incident_id: str | None
    handled_at: dt.datetime | None
    handled_by: str | None

    @property
    def source(self) -> str:
        """The tool the event came from."""
        return self.event.source.tool


def _item(row: InboxItemRow) -> InboxItem:
    event = TimelineEvent(
        time=row.time,
        time_text=row.time_text,
        kind=EventKind(row.kind),
        actor=row.actor,
        text=row.text,
        link=row.link,
        source=EventSource(tool=row.source, id=row.source_id),
    )
    return InboxItem(
        id=row.id,
        event=event,
        thread=row.thread,
        named=row.named,
        received_at=row.received_at,
        status=row.status,
        incident_id=row.incident_id,
        handled_at=row.handled_at,
        handled_by=row.handled_by,
    )


class InboxRepository:
    """Inbox items and webhook threads, on the unit of work's session."""

    def __init__(self, session: Session, *, clock: Callable[[], dt.datetime]) -> None:
        self.session = session
        self.clock = clock

    def _insert(self, table: type[InboxItemRow] | type[WebhookThreadRow]) -> Any:
        dialect = self.session.get_bind().dialect.name
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)

    def add(self, event: TimelineEvent, *, thread: str | None, named: str | None) -> bool:
        """Keep ``event`` as a new item; False (and nothing written) when its source and id are
        already in the inbox, whatever became of that item."""
        if event.source.id is None:
            raise ValueError("an inbox event needs its source's id")
        statement = (
            self._insert(InboxItemRow)
            .values(
                source=event.source.tool,
                source_id=event.source.id,
                thread=thread,
                time=event.time,
                time_text=event.time_text,
                kind=event.kind.value,
                actor=event.actor,
                text=event.text,
                link=event.link,
                named=named,
                received_at=self.clock(),
                status="new",
            )
            .on_conflict_do_nothing(index_elements=["source", "source_id"])
            .returning(InboxItemRow.id)
        )
        # RETURNING, not rowcount: an ORM insert's rowcount is not reliable on every driver.
        return self.session.execute(statement).scalar_one_or_none() is not None

    def items(
        self, *, status: str = "new", ids: Iterable[int] | None = None, limit: int | None = None
    ) -> list[InboxItem]:
        """Items with that status, oldest event first (only ``ids``, when given)."""
        query = select(InboxItemRow).where(InboxItemRow.status == status)
        if ids is not None:
            query = query.where(InboxItemRow.id.in_(list(ids)))
        query = query.order_by(InboxItemRow.time, InboxItemRow.id)
        if limit is not None:
            query = query.limit(limit)
        return [_item(row) for row in self.session.execute(query).scalars()]

    def count(self, *, status: str = "new") -> int:
        """How many items have that status."""
        query = select(func.count()).select_from(InboxItemRow)
        return int(self.session.execute(query.where(InboxItemRow.status == status)).scalar_one())

    def waiting_in_thread(self, source: str, thread: str) -> list[InboxItem]:
        """The new items of one thread of a source, oldest first."""
        query = (
            select(InboxItemRow)
            .where(
                InboxItemRow.status == "new",
                InboxItemRow.source == source,
                InboxItemRow.thread == thread,
            )
            .order_by(InboxItemRow.time, InboxItemRow.id)
        )
        return [_item(row) for row in self.session.execute(query).scalars()]

    def known(self, source: str, source_ids: Sequence[str]) -> set[str]:
        """Which of these ids of a source the inbox holds, in any status."""
        if not source_ids:
            return set()
        query = select(InboxItemRow.source_id).where(
            InboxItemRow.source == source, InboxItemRow.source_id.in_(list(source_ids))
        )
        return set(self.session.execute(query).scalars())

    def mark(
        self,
        ids: Iterable[int],
        *,
        status: str,
        incident_id: str | None = None,
        by: str | None = None,
    ) -> int:
        """Give new items their outcome (attached to ``incident_id``, or discarded)."""
        wanted = list(ids)
        if not wanted:
            return 0
        result = self.session.execute(
            update(InboxItemRow)
            .where(InboxItemRow.id.in_(wanted), InboxItemRow.status == "new")
            .values(status=status, incident_id=incident_id, handled_at=self.clock(), handled_by=by)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def mark_source_ids(
        self, source: str, source_ids: Sequence[str], *, incident_id: str, by: str | None
    ) -> int:
        """Mark the new items with these ids of a source as attached (they reached a timeline)."""
        if not source_ids:
            return 0
        result = self.session.execute(
            update(InboxItemRow)
            .where(
                InboxItemRow.source == source,
                InboxItemRow.source_id.in_(list(source_ids)),
                InboxItemRow.status == "new",
            )
            .values(
                status="attached", incident_id=incident_id, handled_at=self.clock(), handled_by=by
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def phases_on_timeline(self, incident_id: str) -> set[str]:
        """The phases some event of a post-mortem's timeline has (one query, no events read)."""
        query = (
            select(TimelineEventRow.phase)
            .join(PostmortemRow, PostmortemRow.id == TimelineEventRow.postmortem_id)
            .where(PostmortemRow.incident_id == incident_id, TimelineEventRow.phase.is_not(None))
            .distinct()
        )
        return {phase for phase in self.session.execute(query).scalars() if phase is not None}

    # --- threads --------------------------------------------------------------------------

    def thread_postmortem(self, source: str, thread: str) -> str | None:
        """The post-mortem a thread of a source was routed to, if any."""
        query = select(WebhookThreadRow.incident_id).where(
            WebhookThreadRow.source == source, WebhookThreadRow.thread == thread
        )
        found: str | None = self.session.execute(query).scalar_one_or_none()
        return found

    def route_thread(self, source: str, thread: str, incident_id: str) -> None:
        """Route the later events of a thread of a source to ``incident_id``."""
        now = self.clock()
        statement = (
            self._insert(WebhookThreadRow)
            .values(source=source, thread=thread, incident_id=incident_id, updated_at=now)
            .on_conflict_do_update(
                index_elements=["source", "thread"],
                set_={"incident_id": incident_id, "updated_at": now},
            )
        )
        self.session.execute(statement)
