"""What the repository returns: stored documents, listing lines and revisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import EventSource, TimelineEvent
from blamefree.store.tables import TimelineEventRow


@dataclass(frozen=True)
class StoredPostmortem:
    """A post-mortem as stored: the document and its bookkeeping."""

    doc: Postmortem
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def incident_id(self) -> str:
        """The user-facing id the document is stored under."""
        return self.doc.incident_id or ""


@dataclass(frozen=True)
class VersionStamp:
    """What names one stored version of a post-mortem: every change of its document is a new
    version, and a post-mortem deleted and created again under the same id is a new row with
    a new ``created_at`` (the same only if the clock stood still in between, and SQLite gave
    the new row the old one's id)."""

    incident_id: str
    row_id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class PostmortemSummary:
    """One line of a listing."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    version: int
    updated_at: dt.datetime
    action_items_total: int
    action_items_done: int

    @property
    def action_items_open(self) -> int:
        """Action items not done yet."""
        return self.action_items_total - self.action_items_done


@dataclass(frozen=True)
class RevisionInfo:
    """One entry of a post-mortem's history."""

    version: int
    created_at: dt.datetime
    message: str | None
    author: str | None = None


@dataclass(frozen=True)
class Revision:
    """A saved version of a post-mortem, as Markdown."""

    incident_id: str
    version: int
    created_at: dt.datetime
    message: str | None
    markdown: str
    author: str | None = None


def event_of_row(row: TimelineEventRow) -> TimelineEvent:
    """The timeline event a stored row holds."""
    return TimelineEvent.model_validate(
        {
            "time": row.time,
            "time_text": row.time_text,
            "phase": row.phase,
            "kind": row.kind,
            "actor": row.actor,
            "text": row.text,
            "source": EventSource(tool=row.source_tool, id=row.source_id),
            "key": row.key,
            "link": row.link,
        }
    )
