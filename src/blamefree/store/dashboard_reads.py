"""Reading many post-mortems at once for the dashboard: the action items past due, the count
by review standing, and the parts of documents the dashboard's metrics need.

Each is a fixed number of queries whatever the number of post-mortems (no query per row).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from blamefree.domain.enums import Phase, Severity
from blamefree.domain.postmortem import IncidentMetrics, Metrics, Postmortem, Timeline
from blamefree.domain.standing import Standing, standing_of_rank
from blamefree.domain.timeline import EventKind, EventRow, TimelineEvent

# The action-item columns and their record, as the follow-through listing reads them.
from blamefree.store.follow_through import ActionRecord, _record, _record_query
from blamefree.store.postmortem_listing import overdue_item, overdue_params, sign_offs_query
from blamefree.store.tables import PostmortemRow, TimelineEventRow


def overdue_actions(session: Session, *, today: dt.date) -> list[ActionRecord]:
    """The action items still to do and past due on ``today`` (their due date, else their
    horizon's end), picked by the database rather than read all and filtered."""
    query = _record_query().where(overdue_item())
    return [_record(row) for row in session.execute(query, overdue_params(today))]


def standing_counts(session: Session) -> dict[Standing, int]:
    """How many post-mortems stand at each review standing (every standing present)."""
    signed = sign_offs_query().subquery()
    rank = func.coalesce(signed.c.rank, 0)
    rows = session.execute(
        select(rank, func.count())
        .select_from(PostmortemRow)
        .outerjoin(signed, signed.c.pid == PostmortemRow.id)
        .group_by(rank)
    )
    found = {standing: 0 for standing in Standing}
    for value, count in rows:
        found[standing_of_rank(value)] = int(count)
    return found


@dataclass(frozen=True)
class TimedPostmortem:
    """The parts of a post-mortem its incident metrics are read from (no action items, no
    prose): header, Timeline section with its phase-tagged events, Metrics section."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    doc: Postmortem


def timing_documents(
    session: Session, *, since: dt.date, until: dt.date | None = None
) -> list[TimedPostmortem]:
    """Post-mortems of incidents from ``since`` (to ``until``), read for their metrics in two
    queries; only events tagged with a phase are read (the only ones metrics use)."""
    conditions: list[ColumnElement[bool]] = [PostmortemRow.date >= since]
    if until is not None:
        conditions.append(PostmortemRow.date <= until)
    rows = session.execute(
        select(
            PostmortemRow.id,
            PostmortemRow.incident_id,
            PostmortemRow.title,
            PostmortemRow.severity,
            PostmortemRow.date,
            PostmortemRow.impact_start,
            PostmortemRow.duration_seconds,
            # Only the parts metrics read, not the whole body (its prose is most of it).
            PostmortemRow.body["timeline"],
            PostmortemRow.body["metrics"],
            PostmortemRow.body["impact_start_text"],
            PostmortemRow.body["duration_text"],
            PostmortemRow.body["timezone"],
        )
        .where(*conditions)
        .order_by(PostmortemRow.date.desc(), PostmortemRow.incident_id)
    ).all()
    if not rows:
        return []
    events: dict[int, list[TimelineEvent]] = defaultdict(list)
    ids = [r[0] for r in rows]
    event = TimelineEventRow
    for found in session.execute(
        select(
            event.postmortem_id,
            event.time,
            event.time_text,
            event.phase,
            event.kind,
            event.actor,
            event.text,
            event.source_tool,
            event.source_id,
            event.key,
            event.link,
        )
        .where(event.postmortem_id.in_(ids), event.phase.is_not(None))
        .order_by(event.time, event.id)
    ):
        pid, time, time_text, phase, kind, actor, text, tool, source_id, key, link = found
        events[pid].append(
            EventRow(time, time_text, Phase(phase) if phase else None, EventKind(kind), actor,
                     text, tool, source_id, bool(key), link).event()
        )  # fmt: skip
    blank = Postmortem()  # the parts metrics never read, shared by every document here
    return [_timed(row, events.get(row[0], []), blank) for row in rows]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _moment(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC) if isinstance(value, str) else None


def _timeline(raw: dict[str, Any], events: list[TimelineEvent], blank: Postmortem) -> Timeline:
    """The Timeline section's phase times as stored (validated when they were saved), with
    the events: all the metrics read of it, built without validating the section again."""
    blocks: dict[str, Any] = {"events": events}
    for block in blank.timeline.blocks():
        stored = raw.get(block.phase.value) or {}
        blocks[block.phase.value] = block.model_copy(
            update={
                "time": _moment(stored.get("time")),
                "time_text": _text(stored.get("time_text")),
            }
        )
    return blank.timeline.model_copy(update=blocks)


def _metrics(raw: dict[str, Any], blank: Postmortem) -> Metrics:
    stated = raw.get("incident_metrics") or {}
    fields = {
        name: stated.get(name)
        for name in IncidentMetrics.model_fields
        if isinstance(stated.get(name), int | str)
    }
    return blank.metrics.model_copy(
        update={"incident_metrics": blank.metrics.incident_metrics.model_copy(update=fields)}
    )


def _timed(row: Sequence[Any], events: list[TimelineEvent], blank: Postmortem) -> TimedPostmortem:
    _, incident_id, title, severity, date, impact_start, duration, *parts = row
    timeline, metrics, impact_start_text, duration_text, timezone = parts
    level = Severity(severity) if severity is not None else None
    doc = blank.model_copy(
        update={
            "incident_id": incident_id,
            "title": title,
            "severity": level,
            "date": date,
            "impact_start": impact_start,
            "impact_start_text": _text(impact_start_text),
            "duration": duration,
            "duration_text": _text(duration_text),
            "timezone": _text(timezone),
            "timeline": _timeline(timeline or {}, events, blank),
            "metrics": _metrics(metrics or {}, blank),
        }
    )
    return TimedPostmortem(incident_id, title, level, date, doc)


__all__ = [
    "TimedPostmortem",
    "overdue_actions",
    "standing_counts",
    "timing_documents",
]
