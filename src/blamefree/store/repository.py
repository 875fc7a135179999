"""The post-mortem repository: a whole document in and out in one call, with versions.

A ``Postmortem`` is decomposed into the tables of ``tables.py`` and composed back so that
``get`` returns a value equal to what was saved. Every write bumps ``version`` with an UPDATE
that is conditional on the version the caller read, so a stale edit fails instead of
overwriting. The repository never commits; ``UnitOfWork`` does.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Result,
    Select,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from blamefree.domain import ids
from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import TimelineEvent
from blamefree.domain.visibility import EVERYTHING
from blamefree.errors import (
    DuplicatePostmortem,
    PostmortemNotFound,
    RevisionNotFound,
    StaleEdit,
    ValidationFailed,
)
from blamefree.store.event_import import EventImport
from blamefree.store.follow_through import (
    compose_action_items,
    compose_prevention_measures,
    write_action_items,
    write_prevention_measures,
)
from blamefree.store.records import (
    PostmortemSummary,
    Revision,
    RevisionInfo,
    StoredPostmortem,
    VersionStamp,
    event_of_row,
)
from blamefree.store.search_index import index_document
from blamefree.store.sign_offs import write_sign_offs
from blamefree.store.tables import (
    ActionItemRow,
    ContributingFactorRow,
    PostmortemRow,
    RevisionRow,
    TimelineEventRow,
)
from blamefree.store.visibility import hidden_clause, params_of, set_viewer

Clock = Callable[[], dt.datetime]

# Document fields that live in columns or child tables rather than in ``postmortems.body``.
_HEADER_FIELDS = ("incident_id", "title", "severity", "date", "impact_start", "duration")
_CHILD_FIELDS = ("action_items", "prevention_measures")


def utc_now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class PostmortemRepository:
    """Post-mortems, their revisions and timeline events, on one session."""

    def __init__(self, session: Session, *, clock: Clock = utc_now) -> None:
        self.session = session
        self.clock = clock

    # --- documents ------------------------------------------------------------------------

    def create(
        self,
        doc: Postmortem,
        *,
        markdown: str,
        message: str | None = None,
        by: str | None = None,
    ) -> StoredPostmortem:
        """Store a new post-mortem as version 1; DuplicatePostmortem if its id is taken."""
        incident_id = _required_id(doc)
        if self._row_id(incident_id) is not None:
            raise DuplicatePostmortem(f"a post-mortem with incident id {incident_id!r} exists")
        now = self._now()
        values = {**_header_values(doc), "version": 1, "created_at": now, "updated_at": now}
        try:
            row_id = self.session.execute(
                insert(PostmortemRow).values(values).returning(PostmortemRow.id)
            ).scalar_one()
        except IntegrityError as error:
            # Lost a race with another process creating the same id.
            raise DuplicatePostmortem(
                f"a post-mortem with incident id {incident_id!r} exists"
            ) from error
        self._write_children(row_id, doc, replace=False, now=now, by=by)
        self._add_revision(row_id, 1, markdown, message, now, by)
        index_document(self.session, row_id, doc)
        return StoredPostmortem(doc=doc, version=1, created_at=now, updated_at=now)

    def get(self, incident_id: str, *, events: bool = True) -> StoredPostmortem:
        """The stored post-mortem with that id; PostmortemNotFound if there is none.

        ``events=False`` leaves the event log empty (for callers that read events in bounded
        parts, e.g. an import into a log of millions of events)."""
        row = self.session.execute(
            select(PostmortemRow)
            .where(PostmortemRow.incident_id == incident_id)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if row is None:
            raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
        return StoredPostmortem(
            doc=self._compose(row, events=events),
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def stamp(self, incident_id: str) -> VersionStamp:
        """The stored version of that post-mortem, read in one small query (no document);
        PostmortemNotFound if there is none."""
        # Core, not ORM, on a statement built once: this runs on every cached read.
        found = (
            self.session.connection()
            .execute(_stamp_query(), {"incident_id": incident_id, **params_of(self.session)})
            .one_or_none()
        )
        if found is None:
            raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
        row_id, version, created_at, updated_at = found
        return VersionStamp(incident_id, row_id, version, created_at, updated_at)

    def exists(self, incident_id: str) -> bool:
        """Whether a post-mortem with that id is stored (and the viewer sees it)."""
        return self._row_id(incident_id) is not None

    def taken(self, incident_id: str) -> bool:
        """Whether that incident id is taken, also by a post-mortem the viewer does not see:
        ids are unique in the store, so a default id must skip those too."""
        before = set_viewer(self.session, EVERYTHING)
        try:
            return self._row_id(incident_id) is not None
        finally:
            set_viewer(self.session, before)

    def list(
        self,
        *,
        severity: Severity | Iterable[Severity] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[PostmortemSummary]:
        """Summaries, newest incident date first; optionally only some severities."""
        counts = (
            select(
                ActionItemRow.postmortem_id.label("pid"),
                func.count().label("total"),
                func.sum(case((ActionItemRow.done, 1), else_=0)).label("done"),
            )
            .group_by(ActionItemRow.postmortem_id)
            .subquery()
        )
        query = select(
            PostmortemRow.incident_id,
            PostmortemRow.title,
            PostmortemRow.severity,
            PostmortemRow.date,
            PostmortemRow.version,
            PostmortemRow.updated_at,
            func.coalesce(counts.c.total, 0),
            func.coalesce(counts.c.done, 0),
        ).outerjoin(counts, counts.c.pid == PostmortemRow.id)
        if severity is not None:
            wanted = [severity] if isinstance(severity, Severity) else list(severity)
            query = query.where(PostmortemRow.severity.in_([s.value for s in wanted]))
        query = query.order_by(
            PostmortemRow.date.is_(None),
            PostmortemRow.date.desc(),
            PostmortemRow.incident_id,
        ).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [
            PostmortemSummary(
                incident_id=r[0],
                title=r[1],
                severity=Severity(r[2]) if r[2] is not None else None,
                date=r[3],
                version=r[4],
                updated_at=r[5],
                action_items_total=int(r[6]),
                action_items_done=int(r[7]),
            )
            for r in self.session.execute(query)
        ]

    def save(
        self,
        doc: Postmortem,
        *,
        expected_version: int,
        markdown: str,
        message: str | None = None,
        incident_id: str | None = None,
        by: str | None = None,
    ) -> StoredPostmortem:
        """Replace the stored document if it is still at ``expected_version``; else StaleEdit.

        ``incident_id`` names the stored post-mortem when the document renames it; by default
        it is the document's own id. ``by`` is recorded in the action items' history.
        """
        new_id = _required_id(doc)
        current_id = incident_id if incident_id is not None else new_id
        found = self.session.execute(
            select(PostmortemRow.id, PostmortemRow.version, PostmortemRow.created_at).where(
                PostmortemRow.incident_id == current_id
            )
        ).one_or_none()
        if found is None:
            raise PostmortemNotFound(f"no post-mortem with incident id {current_id!r}")
        row_id, stored_version, created_at = found
        if stored_version != expected_version:
            raise _stale(current_id, expected_version, stored_version)
        if new_id != current_id and self._row_id(new_id) is not None:
            raise DuplicatePostmortem(
                f"cannot rename {current_id!r} to {new_id!r}: that incident id is taken"
            )
        now = self._now()
        version = expected_version + 1
        statement = (
            update(PostmortemRow)
            .where(PostmortemRow.id == row_id, PostmortemRow.version == expected_version)
            .values(**_header_values(doc), version=version, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        try:
            changed = _rowcount(self.session.execute(statement))
        except IntegrityError as error:
            raise DuplicatePostmortem(
                f"cannot rename {current_id!r} to {new_id!r}: that incident id is taken"
            ) from error
        if changed != 1:
            # Someone saved between our read and our write; their version stands.
            latest = self.session.execute(
                select(PostmortemRow.version).where(PostmortemRow.id == row_id)
            ).scalar_one_or_none()
            raise _stale(current_id, expected_version, latest)
        self._write_children(row_id, doc, replace=True, now=now, by=by)
        self._add_revision(row_id, version, markdown, message, now, by)
        index_document(self.session, row_id, doc)
        self.session.expire_all()
        return StoredPostmortem(doc=doc, version=version, created_at=created_at, updated_at=now)

    def delete(self, incident_id: str) -> None:
        """Remove a post-mortem with its revisions, events and parts; PostmortemNotFound if none.

        Its search row goes with it (``ON DELETE CASCADE``; on SQLite the FTS5 triggers fire
        for the cascaded delete too)."""
        result = self.session.execute(
            delete(PostmortemRow)
            .where(PostmortemRow.incident_id == incident_id)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) == 0:
            raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
        self.session.expire_all()

    # --- revisions ------------------------------------------------------------------------

    def history(self, incident_id: str) -> builtins.list[RevisionInfo]:
        """Every saved version, oldest first; PostmortemNotFound if the id is unknown."""
        row_id = self._require_row_id(incident_id)
        rows = self.session.execute(
            select(
                RevisionRow.version, RevisionRow.created_at, RevisionRow.message, RevisionRow.author
            )
            .where(RevisionRow.postmortem_id == row_id)
            .order_by(RevisionRow.version)
        )
        return [RevisionInfo(version=v, created_at=c, message=m, author=a) for v, c, m, a in rows]

    def revision(self, incident_id: str, version: int) -> Revision:
        """The Markdown of one saved version; RevisionNotFound if there is no such version."""
        row_id = self._require_row_id(incident_id)
        row = self.session.execute(
            select(RevisionRow).where(
                RevisionRow.postmortem_id == row_id, RevisionRow.version == version
            )
        ).scalar_one_or_none()
        if row is None:
            raise RevisionNotFound(f"post-mortem {incident_id!r} has no version {version}")
        return Revision(
            incident_id=incident_id,
            version=row.version,
            created_at=row.created_at,
            message=row.message,
            markdown=row.markdown,
            author=row.author,
        )

    # --- timeline events ------------------------------------------------------------------

    def event_import(self, incident_id: str, *, by: str | None = None) -> EventImport:
        """Start adding many events to one post-mortem (locks it; see `store.event_import`);
        ``by`` is who records them."""
        return EventImport(
            self.session,
            incident_id,
            clock=self.clock,
            by=by,
            compose=self.compose_bare,
        )

    def list_events(self, incident_id: str) -> builtins.list[TimelineEvent]:
        """The post-mortem's timeline events in time order."""
        return self._events_of(self._require_row_id(incident_id))

    def recorded_events(self, incident_id: str) -> builtins.list[tuple[TimelineEvent, str | None]]:
        """The post-mortem's events in time order, each with who recorded it (None if unknown)."""
        rows = self._event_rows(self._require_row_id(incident_id))
        return [(event_of_row(r), r.recorded_by) for r in rows]

    def _events_of(self, row_id: int) -> builtins.list[TimelineEvent]:
        return [event_of_row(r) for r in self._event_rows(row_id)]

    def _event_rows(self, row_id: int) -> Iterable[TimelineEventRow]:
        return self.session.execute(
            select(TimelineEventRow)
            .where(TimelineEventRow.postmortem_id == row_id)
            .order_by(TimelineEventRow.time, TimelineEventRow.id)
        ).scalars()

    # --- internals ------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    def _row_id(self, incident_id: str) -> int | None:
        return self.session.execute(
            select(PostmortemRow.id).where(PostmortemRow.incident_id == incident_id)
        ).scalar_one_or_none()

    def _require_row_id(self, incident_id: str) -> int:
        row_id = self._row_id(incident_id)
        if row_id is None:
            raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
        return row_id

    def _add_revision(
        self,
        row_id: int,
        version: int,
        markdown: str,
        message: str | None,
        now: dt.datetime,
        by: str | None,
    ) -> None:
        self.session.execute(
            insert(RevisionRow).values(
                postmortem_id=row_id,
                version=version,
                markdown=markdown,
                created_at=now,
                message=message,
                author=by,
            )
        )

    def _write_children(
        self, row_id: int, doc: Postmortem, *, replace: bool, now: dt.datetime, by: str | None
    ) -> None:
        if replace:
            self.session.execute(
                delete(ContributingFactorRow).where(ContributingFactorRow.postmortem_id == row_id)
            )
        factors = [
            {"postmortem_id": row_id, "position": i, "text": text}
            for i, text in enumerate(doc.root_cause_analysis.contributing_factors)
        ]
        if factors:
            self.session.execute(insert(ContributingFactorRow), factors)
        # Action items and prevention measures carry status and history: see follow_through.
        write_prevention_measures(self.session, row_id, doc, now=now)
        write_action_items(self.session, row_id, doc, now=now, by=by)
        write_sign_offs(self.session, row_id, doc, now=now, by=by)
        self._write_events(row_id, doc, replace=replace, by=by)

    def _write_events(self, row_id: int, doc: Postmortem, *, replace: bool, by: str | None) -> None:
        """The document's event log is the truth: the rows become exactly its events. An event
        that was stored already keeps who recorded it; a new one is recorded by ``by``."""
        recorded: dict[tuple[Any, ...], str | None] = {}
        if replace:
            stored = self.session.execute(
                select(
                    TimelineEventRow.source_tool,
                    TimelineEventRow.source_id,
                    TimelineEventRow.time,
                    TimelineEventRow.text,
                    TimelineEventRow.recorded_by,
                ).where(TimelineEventRow.postmortem_id == row_id)
            )
            for tool, source_id, time, text, recorded_by in stored:
                recorded[_recorded_key(tool, source_id, time, text)] = recorded_by
            self.session.execute(
                delete(TimelineEventRow).where(TimelineEventRow.postmortem_id == row_id)
            )
        rows = []
        for event in doc.timeline.events:
            key = _recorded_key(event.source.tool, event.source.id, event.time, event.text)
            values = _event_values(row_id, event)
            values["recorded_by"] = recorded.get(key, by)
            rows.append(values)
        if rows:
            self.session.execute(insert(TimelineEventRow), rows)

    def compose_bare(self, row: PostmortemRow) -> Postmortem:
        """The document of a stored row without its event log (the search index reads the
        events itself, in bounded parts)."""
        return self._compose(row, events=False)

    def _compose(self, row: PostmortemRow, *, events: bool = True) -> Postmortem:
        data: dict[str, Any] = dict(row.body)
        logged = self._events_of(row.id) if events else []
        data["timeline"] = {**data.get("timeline", {}), "events": logged}
        data.update(
            incident_id=row.incident_id,
            title=row.title,
            severity=row.severity,
            date=row.date,
            impact_start=row.impact_start,
            duration=row.duration_seconds,
        )
        factors = self.session.execute(
            select(ContributingFactorRow.text)
            .where(ContributingFactorRow.postmortem_id == row.id)
            .order_by(ContributingFactorRow.position)
        ).scalars()
        data["root_cause_analysis"] = {
            **data.get("root_cause_analysis", {}),
            "contributing_factors": list(factors),
        }
        stated = {name: data.get(name, {}) for name in _CHILD_FIELDS}
        data["action_items"] = {
            **stated["action_items"],
            **compose_action_items(self.session, row.id),
        }
        data["prevention_measures"] = {
            **stated["prevention_measures"],
            **compose_prevention_measures(self.session, row.id),
        }
        return Postmortem.model_validate(data)


@lru_cache(maxsize=1)
def _stamp_query() -> Select[int, int, dt.datetime, dt.datetime]:
    return select(
        PostmortemRow.id, PostmortemRow.version, PostmortemRow.created_at, PostmortemRow.updated_at
    ).where(PostmortemRow.incident_id == bindparam("incident_id"), hidden_clause(PostmortemRow.id))


def _rowcount(result: Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE (Session.execute types it as a plain Result)."""
    return cast(CursorResult[Any], result).rowcount


def _required_id(doc: Postmortem) -> str:
    if not doc.incident_id:
        raise ValidationFailed(
            "a post-mortem needs an incident id to be stored", field="incident_id"
        )
    try:
        return ids.incident_id(doc.incident_id)
    except ValueError as error:
        raise ValidationFailed(str(error), field="incident_id") from error


def _stale(incident_id: str, expected: int, stored: int | None) -> StaleEdit:
    if stored is None:
        return StaleEdit(
            f"post-mortem {incident_id!r} was deleted or renamed since version {expected} "
            "was read; nothing was saved"
        )
    return StaleEdit(
        f"post-mortem {incident_id!r} is at version {stored}, but this edit is based on "
        f"version {expected}; nothing was saved. Reload it and apply the edit again."
    )


def _header_values(doc: Postmortem) -> dict[str, Any]:
    """The ``postmortems`` columns of a document, ``body`` included."""
    body = doc.model_dump(mode="json", by_alias=True, exclude=set(_HEADER_FIELDS + _CHILD_FIELDS))
    body["root_cause_analysis"].pop("contributing_factors", None)
    body["timeline"].pop("events", None)  # events live in timeline_events
    for name in _CHILD_FIELDS:
        # Items live in their own tables; the author's word that a list has none, here.
        stated = {
            key: value
            for key, value in getattr(doc, name).settled().model_dump(mode="json").items()
            if key.endswith("_none") and value is not None
        }
        if stated:
            body[name] = stated
    return {
        "incident_id": doc.incident_id,
        "title": doc.title,
        "severity": doc.severity.value if doc.severity is not None else None,
        "date": doc.date,
        "impact_start": doc.impact_start,
        "duration_seconds": doc.duration,
        "body": body,
    }


def _recorded_key(
    tool: str, source_id: str | None, time: dt.datetime, text: str
) -> tuple[Any, ...]:
    """What tells a stored event apart across saves: its source id, else its time and text."""
    if source_id is not None:
        return (tool, source_id)
    return (tool, time.astimezone(dt.UTC), text)


def _event_values(row_id: int, event: TimelineEvent) -> dict[str, Any]:
    return {
        "postmortem_id": row_id,
        "time": event.time,
        "time_text": event.time_text,
        "phase": event.phase.value if event.phase is not None else None,
        "kind": event.kind.value,
        "actor": event.actor,
        "text": event.text,
        "source_tool": event.source.tool,
        "source_id": event.source.id,
        "key": event.key,
        "link": event.link,
    }


__all__ = [
    "PostmortemRepository",
    "PostmortemSummary",
    "Revision",
    "RevisionInfo",
    "StoredPostmortem",
    "VersionStamp",
    "utc_now",
]
