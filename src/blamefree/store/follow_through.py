"""Tracked action items, prevention status, item history, reviews and people, in the store.

Action items are written in place: an item that carries an id (``A-7F3K2Q``) keeps its row
wherever it moves; one without is matched by its text, else by its place (horizon, position).
Every change of status, owner, due date, horizon, priority or type is kept in
``action_item_history``, and ``closed_at`` is set when an item closes and cleared when it
reopens. An item's public id is made when its row is; ``uid_in_document`` says whether the
Markdown shows it yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, case, delete, insert, select, update
from sqlalchemy.orm import Session

from blamefree.domain.actions import closed_at_after
from blamefree.domain.enums import (
    ActionStatus,
    ActionType,
    Horizon,
    Priority,
    ReviewKind,
    Severity,
    TrackerSystem,
)
from blamefree.domain.item_matching import StoredItem, match_items, mint_uid, placed_items
from blamefree.domain.postmortem import (
    ActionItem,
    CheckItem,
    Postmortem,
    ReviewSchedule,
    TrackerLink,
)
from blamefree.errors import ActionItemNotFound
from blamefree.store.tables import (
    PREVENTION_CATEGORIES,
    ActionItemHistoryRow,
    ActionItemRow,
    PersonRow,
    PostmortemRow,
    PreventionMeasureRow,
    ReviewRow,
)
from blamefree.store.visibility import hidden_clause, params_of

TRACKED_FIELDS = ("status", "owner", "due_date", "horizon", "priority", "type")


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRecord:
    """An action item as listed across post-mortems, with its post-mortem's header."""

    uid: str
    incident_id: str
    title: str | None
    severity: Severity | None
    incident_date: dt.date | None
    horizon: Horizon
    position: int
    text: str
    status: ActionStatus
    owner: str | None
    due_date: dt.date | None
    due_date_text: str | None
    priority: Priority | None
    type: ActionType | None
    created_at: dt.datetime
    closed_at: dt.datetime | None
    tracker: TrackerLink | None


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of an action item."""

    at: dt.datetime
    field: str
    old: str | None
    new: str | None
    by: str | None


@dataclass(frozen=True)
class ReviewRecord:
    """What the store holds about one review: when it was held, with notes, by whom. (Its due
    date is the document's: the Follow-Up section, else the incident date plus 7/30/90 days.)"""

    incident_id: str
    kind: ReviewKind
    done_at: dt.datetime | None
    notes: str | None
    by: str | None


@dataclass(frozen=True)
class ReviewSource:
    """What a post-mortem says about its reviews: its date and its Follow-Up schedule."""

    incident_id: str
    title: str | None
    severity: Severity | None
    date: dt.date | None
    schedule: ReviewSchedule


@dataclass(frozen=True)
class Person:
    """Someone who owns action items, and how to reach them."""

    name: str
    email: str | None
    slack: str | None


# --- writing a document's action items and prevention measures --------------------------------


def _text(value: object) -> str | None:
    if value is None:
        return None
    return str(value.value if hasattr(value, "value") else value)


def _item_values(item: ActionItem) -> dict[str, Any]:
    values: dict[str, Any] = {
        "text": item.text,
        "done": item.done,
        "status": item.status.value,
        "owner": item.owner,
        "owner_text": item.owner_text,
        "due_date": item.due_date,
        "due_date_text": item.due_date_text,
        "priority": item.priority.value if item.priority is not None else None,
        "priority_text": item.priority_text,
        "type": item.type.value if item.type is not None else None,
        "extra": list(item.extra),
    }
    if item.tracker is not None:
        # A document without a Tracker line never clears a stored link: pushing an item to a
        # tracker and then re-importing an older file must not lose the issue it was pushed as.
        values.update(
            external_system=item.tracker.system.value,
            external_key=item.tracker.key,
            external_url=item.tracker.url,
        )
    return values


def write_action_items(
    session: Session,
    row_id: int,
    doc: Postmortem,
    *,
    now: dt.datetime,
    by: str | None = None,
) -> None:
    """Bring the post-mortem's action-item rows in line with the document, keeping history.

    Which row each item is follows ``domain.item_matching``; this only reads and writes rows.
    """
    rows = list(
        session.execute(
            select(ActionItemRow).where(ActionItemRow.postmortem_id == row_id)
        ).scalars()
    )
    by_key = {row.id: row for row in rows}
    in_document = placed_items(doc.action_items.by_horizon())
    placed = [(p.horizon, p.position, p.item) for p in in_document]
    stored = [StoredItem(row.id, row.uid, row.text, row.horizon, row.position) for row in rows]
    matched = {index: by_key[key] for index, key in match_items(in_document, stored).items()}
    claimed = {row.id for row in matched.values()}
    gone = [row.id for row in rows if row.id not in claimed]
    if gone:
        session.execute(
            delete(ActionItemRow)
            .where(ActionItemRow.id.in_(gone))
            .execution_options(synchronize_session=False)
        )
    if matched:
        # Move every kept row out of the way first, so that reordering never collides with
        # the unique (postmortem, horizon, position) constraint half way.
        session.execute(
            update(ActionItemRow)
            .where(ActionItemRow.postmortem_id == row_id)
            .values(position=-1 - ActionItemRow.position)
            .execution_options(synchronize_session=False)
        )
    history: list[dict[str, Any]] = []
    fresh: list[tuple[dict[str, Any], ActionItem]] = []
    for index, (horizon, position, item) in enumerate(placed):
        values = {**_item_values(item), "horizon": horizon.value, "position": position}
        row = matched.get(index)
        if row is None:
            fresh.append((values, item))
            continue
        old_status = ActionStatus(row.status)
        values["closed_at"] = closed_at_after(old_status, item.status, row.closed_at, now)
        if item.id is not None:
            values["uid_in_document"] = True
        for name in TRACKED_FIELDS:
            before, after = _text(getattr(row, name)), _text(values[name])
            if before != after:
                history.append(_history(row.id, now, name, before, after, by))
        session.execute(
            update(ActionItemRow)
            .where(ActionItemRow.id == row.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    for values, item in fresh:
        uid, shown = _claim_uid(session, item.id)
        new_id = session.execute(
            insert(ActionItemRow)
            .values(
                postmortem_id=row_id,
                uid=uid,
                uid_in_document=shown,
                created_at=now,
                closed_at=now if item.status.closed else None,
                **values,
            )
            .returning(ActionItemRow.id)
        ).scalar_one()
        history.append(_history(new_id, now, "created", None, item.status.value, by))
    if history:
        session.execute(insert(ActionItemHistoryRow), history)
    session.expire_all()


def _history(
    item_id: int, at: dt.datetime, name: str, old: str | None, new: str | None, by: str | None
) -> dict[str, Any]:
    return {"action_item_id": item_id, "at": at, "field": name, "old": old, "new": new, "by": by}


def _claim_uid(session: Session, wanted: str | None) -> tuple[str, bool]:
    """The uid for a new row (``domain.item_matching.mint_uid`` against the stored ids)."""
    return mint_uid(wanted, lambda uid: _uid_taken(session, uid))


def _uid_taken(session: Session, uid: str) -> bool:
    found = session.execute(select(ActionItemRow.id).where(ActionItemRow.uid == uid)).first()
    return found is not None


def write_prevention_measures(
    session: Session, row_id: int, doc: Postmortem, *, now: dt.datetime
) -> None:
    """Replace the prevention rows; a measure keeps its ``closed_at`` while its text stays."""
    before: dict[tuple[str, str], list[tuple[ActionStatus, dt.datetime | None]]] = {}
    for row in session.execute(
        select(PreventionMeasureRow).where(PreventionMeasureRow.postmortem_id == row_id)
    ).scalars():
        before.setdefault((row.category, row.text), []).append(
            (ActionStatus(row.status), row.closed_at)
        )
    session.execute(
        delete(PreventionMeasureRow)
        .where(PreventionMeasureRow.postmortem_id == row_id)
        .execution_options(synchronize_session=False)
    )
    measures: list[dict[str, Any]] = []
    for category in PREVENTION_CATEGORIES:
        items: list[CheckItem] = getattr(doc.prevention_measures, category)
        for position, item in enumerate(items):
            earlier = before.get((category, item.text))
            if earlier:
                old_status, old_closed = earlier.pop(0)
                closed_at = closed_at_after(old_status, item.status, old_closed, now)
            else:
                closed_at = now if item.status.closed else None
            measures.append(
                {
                    "postmortem_id": row_id,
                    "category": category,
                    "position": position,
                    "text": item.text,
                    "done": item.done,
                    "status": item.status.value,
                    "closed_at": closed_at,
                }
            )
    if measures:
        session.execute(insert(PreventionMeasureRow), measures)


def compose_action_items(session: Session, row_id: int) -> dict[str, list[dict[str, Any]]]:
    """The post-mortem's action items by horizon, as model data, in document order."""
    actions: dict[str, list[dict[str, Any]]] = {h.value: [] for h in Horizon}
    for row in session.execute(
        select(ActionItemRow)
        .where(ActionItemRow.postmortem_id == row_id)
        .order_by(ActionItemRow.horizon, ActionItemRow.position)
    ).scalars():
        actions[row.horizon].append(
            {
                "text": row.text,
                "done": row.done,
                "status": row.status,
                "owner": row.owner,
                "owner_text": row.owner_text,
                "due_date": row.due_date,
                "due_date_text": row.due_date_text,
                "priority": row.priority,
                "priority_text": row.priority_text,
                "extra": list(row.extra),
                "id": row.uid if row.uid_in_document else None,
                "type": row.type,
                "tracker": _tracker(row),
            }
        )
    return actions


def compose_prevention_measures(session: Session, row_id: int) -> dict[str, list[dict[str, Any]]]:
    """The post-mortem's prevention measures by category, as model data, in document order."""
    measures: dict[str, list[dict[str, Any]]] = {c: [] for c in PREVENTION_CATEGORIES}
    for row in session.execute(
        select(PreventionMeasureRow)
        .where(PreventionMeasureRow.postmortem_id == row_id)
        .order_by(PreventionMeasureRow.category, PreventionMeasureRow.position)
    ).scalars():
        measures[row.category].append({"text": row.text, "done": row.done, "status": row.status})
    return measures


def _tracker(row: ActionItemRow) -> dict[str, Any] | None:
    if row.external_system is None or row.external_key is None:
        return None
    return {"system": row.external_system, "key": row.external_key, "url": row.external_url}


# --- reading across post-mortems ---------------------------------------------------------------


class FollowThroughRepository:
    """Queries and small writes for follow-through, on one session; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def list_actions(
        self,
        *,
        owner: str | None = None,
        statuses: Iterable[ActionStatus] | None = None,
        severities: Iterable[Severity] | None = None,
        incident_id: str | None = None,
    ) -> list[ActionRecord]:
        """Action items of every post-mortem (or one), filtered; newest incidents first."""
        query = _record_query()
        if owner is not None:
            query = query.where(ActionItemRow.owner == owner)
        if statuses is not None:
            query = query.where(ActionItemRow.status.in_([s.value for s in statuses]))
        if severities is not None:
            query = query.where(PostmortemRow.severity.in_([s.value for s in severities]))
        if incident_id is not None:
            query = query.where(PostmortemRow.incident_id == incident_id)
        query = query.order_by(
            PostmortemRow.date.is_(None),
            PostmortemRow.date.desc(),
            PostmortemRow.incident_id,
            case({h.value: i for i, h in enumerate(Horizon)}, value=ActionItemRow.horizon),
            ActionItemRow.position,
        )
        return [_record(row) for row in self.session.execute(query)]

    def get_action(self, uid: str) -> ActionRecord:
        """One action item by its public id; ActionItemNotFound if there is none."""
        found = self.session.execute(
            _record_query().where(ActionItemRow.uid == uid.strip().upper())
        ).one_or_none()
        if found is None:
            raise ActionItemNotFound(f"no action item with id {uid!r}")
        return _record(found)

    def history(self, uid: str) -> list[HistoryEntry]:
        """Every recorded change of one action item, in the order they were made."""
        item_id = self.session.execute(
            select(ActionItemRow.id).where(ActionItemRow.uid == uid.strip().upper())
        ).scalar_one_or_none()
        if item_id is None:
            raise ActionItemNotFound(f"no action item with id {uid!r}")
        rows = self.session.execute(
            select(ActionItemHistoryRow)
            .where(ActionItemHistoryRow.action_item_id == item_id)
            .order_by(ActionItemHistoryRow.id)
        ).scalars()
        return [HistoryEntry(r.at, r.field, r.old, r.new, r.by) for r in rows]

    def prevention_closed_at(self, incident_id: str) -> dict[tuple[str, int], dt.datetime | None]:
        """When each prevention measure of a post-mortem closed, by (category, position)."""
        rows = self.session.execute(
            select(
                PreventionMeasureRow.category,
                PreventionMeasureRow.position,
                PreventionMeasureRow.closed_at,
            )
            .join(PostmortemRow, PostmortemRow.id == PreventionMeasureRow.postmortem_id)
            .where(PostmortemRow.incident_id == incident_id)
        )
        return {(category, position): closed for category, position, closed in rows}

    # --- reviews ---------------------------------------------------------------------------

    def review_sources(self, incident_id: str | None = None) -> list[ReviewSource]:
        """Each post-mortem's header and Follow-Up review dates, read in one query."""
        query = select(
            PostmortemRow.incident_id,
            PostmortemRow.title,
            PostmortemRow.severity,
            PostmortemRow.date,
            # Only the schedule: reading every body whole made the dashboard slow.
            PostmortemRow.body[("follow_up", "review_schedule")],
        ).order_by(PostmortemRow.date.is_(None), PostmortemRow.date, PostmortemRow.incident_id)
        if incident_id is not None:
            query = query.where(PostmortemRow.incident_id == incident_id)
        sources = []
        for found_id, title, severity, date, written in self.session.execute(query):
            schedule = written if isinstance(written, dict) else {}
            sources.append(
                ReviewSource(
                    incident_id=found_id,
                    title=title,
                    severity=Severity(severity) if severity is not None else None,
                    date=date,
                    schedule=ReviewSchedule.model_validate(schedule),
                )
            )
        return sources

    def reviews(self, incident_ids: Sequence[str] | None = None) -> list[ReviewRecord]:
        """Stored review rows, optionally of some post-mortems only."""
        query = select(ReviewRow, PostmortemRow.incident_id).join(
            PostmortemRow, PostmortemRow.id == ReviewRow.postmortem_id
        )
        if incident_ids is not None:
            query = query.where(PostmortemRow.incident_id.in_(list(incident_ids)))
        return [
            ReviewRecord(
                incident_id=incident_id,
                kind=ReviewKind(row.kind),
                done_at=row.done_at,
                notes=row.notes,
                by=row.by,
            )
            for row, incident_id in self.session.execute(query)
        ]

    def held_reviews(self, incident_id: str) -> tuple[ReviewRecord, ...]:
        """The stored review rows of one post-mortem, by kind (Core, on a statement built
        once: every read of its page asks)."""
        rows = self.session.connection().execute(
            _held_query(), {"incident_id": incident_id, **params_of(self.session)}
        )
        return tuple(
            ReviewRecord(incident_id, ReviewKind(kind), done_at, notes, by)
            for kind, done_at, notes, by in rows
        )

    def put_review(self, postmortem_row_id: int, kind: ReviewKind, **values: Any) -> None:
        """Create or update the review row of a post-mortem with the given column values."""
        existing = self.session.execute(
            select(ReviewRow.id).where(
                ReviewRow.postmortem_id == postmortem_row_id, ReviewRow.kind == kind.value
            )
        ).scalar_one_or_none()
        if existing is None:
            self.session.execute(
                insert(ReviewRow).values(postmortem_id=postmortem_row_id, kind=kind.value, **values)
            )
        else:
            self.session.execute(
                update(ReviewRow)
                .where(ReviewRow.id == existing)
                .values(**values)
                .execution_options(synchronize_session=False)
            )

    def postmortem_row_id(self, incident_id: str) -> int | None:
        """The internal row id of a post-mortem, or None."""
        return self.session.execute(
            select(PostmortemRow.id).where(PostmortemRow.incident_id == incident_id)
        ).scalar_one_or_none()

    # --- people ----------------------------------------------------------------------------

    def put_person(self, person: Person) -> bool:
        """Add someone, or update their addresses; True if they were new."""
        existing = self.session.execute(
            select(PersonRow.id).where(PersonRow.name == person.name)
        ).scalar_one_or_none()
        values = {"email": person.email, "slack": person.slack}
        if existing is None:
            self.session.execute(insert(PersonRow).values(name=person.name, **values))
            return True
        self.session.execute(
            update(PersonRow)
            .where(PersonRow.id == existing)
            .values(**{k: v for k, v in values.items() if v is not None})
            .execution_options(synchronize_session=False)
        )
        return False

    def people(self) -> list[Person]:
        """Everyone in the directory, by name."""
        rows = self.session.execute(select(PersonRow).order_by(PersonRow.name)).scalars()
        return [Person(r.name, r.email, r.slack) for r in rows]

    def person(self, name: str) -> Person | None:
        """Someone by name (exact, then case-insensitive); None if not in the directory."""
        for person in self.people():
            if person.name == name:
                return person
        folded = name.casefold()
        return next((p for p in self.people() if p.name.casefold() == folded), None)

    def remove_person(self, name: str) -> bool:
        """Remove someone from the directory; False if they were not in it."""
        result = self.session.execute(
            delete(PersonRow)
            .where(PersonRow.name == name)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


_RECORD_COLUMNS = (
    ActionItemRow.uid,
    PostmortemRow.incident_id,
    PostmortemRow.title,
    PostmortemRow.severity,
    PostmortemRow.date,
    ActionItemRow.horizon,
    ActionItemRow.position,
    ActionItemRow.text,
    ActionItemRow.status,
    ActionItemRow.owner,
    ActionItemRow.due_date,
    ActionItemRow.due_date_text,
    ActionItemRow.priority,
    ActionItemRow.type,
    ActionItemRow.created_at,
    ActionItemRow.closed_at,
    ActionItemRow.external_system,
    ActionItemRow.external_key,
    ActionItemRow.external_url,
)


@lru_cache(maxsize=1)
def _held_query() -> Select[*tuple[Any, ...]]:
    return (
        select(ReviewRow.kind, ReviewRow.done_at, ReviewRow.notes, ReviewRow.by)
        .join(PostmortemRow, PostmortemRow.id == ReviewRow.postmortem_id)
        .where(
            PostmortemRow.incident_id == bindparam("incident_id"),
            hidden_clause(ReviewRow.postmortem_id),
        )
        .order_by(ReviewRow.kind)
    )


def _record_query() -> Select[*tuple[Any, ...]]:
    # Plain columns, not entities: listing thousands of items must not load documents' bodies.
    return select(*_RECORD_COLUMNS).join(
        PostmortemRow, PostmortemRow.id == ActionItemRow.postmortem_id
    )


def _record(row: Row[*tuple[Any, ...]]) -> ActionRecord:
    (uid, incident_id, title, severity, date, horizon, position, text, status, owner, due,
     due_text, priority, type_, created_at, closed_at, system, key, url) = row  # fmt: skip
    return ActionRecord(
        uid=uid,
        incident_id=incident_id,
        title=title,
        severity=Severity(severity) if severity is not None else None,
        incident_date=date,
        horizon=Horizon(horizon),
        position=position,
        text=text,
        status=ActionStatus(status),
        owner=owner,
        due_date=due,
        due_date_text=due_text,
        priority=Priority(priority) if priority is not None else None,
        type=ActionType(type_) if type_ is not None else None,
        created_at=created_at,
        closed_at=closed_at,
        tracker=(
            TrackerLink(system=TrackerSystem(system), key=key, url=url)
            if system is not None and key is not None
            else None
        ),
    )


__all__ = [
    "ActionRecord",
    "FollowThroughRepository",
    "HistoryEntry",
    "Person",
    "ReviewRecord",
    "ReviewSource",
    "compose_action_items",
    "compose_prevention_measures",
    "write_action_items",
    "write_prevention_measures",
]
