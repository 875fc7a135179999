"""The one place the store applies the visibility rule (``domain.visibility``) as SQL.

A unit of work reads with a ``Viewer``. Unless it sees everything, every ORM query of its
session that touches a post-mortem or a row under one (events, action items and their history,
prevention measures, reviews, sign-offs, revisions, comments and mentions, search documents,
the workflow's rows, the audit log, inbox items filed to one) gets one more condition: the
post-mortem is not one of the restricted ones the viewer is not named on (``HIDDEN``). The
listener below adds it to each statement (SQLAlchemy's ``with_loader_criteria``), so a query
written tomorrow is covered without remembering to.

The few statements that run on the connection (Core statements built once for speed, the
search's SQL text) add the same ``HIDDEN`` through ``hidden_clause`` / ``hidden_sql`` with
``viewer_params``; `tests/store/test_visibility.py` checks each of them on both backends.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Integer, column, delete, event, insert, select, text
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql.elements import ClauseElement, TextClause
from sqlalchemy.sql.util import find_tables

from blamefree.domain.visibility import EVERYTHING, Viewer
from blamefree.errors import PostmortemNotFound
from blamefree.store import tables as t

VIEWER_KEY = "blamefree_viewer"
HIDDEN_KEY = "blamefree_hidden"

HIDDEN = (
    "SELECT r.postmortem_id FROM restrictions r WHERE :bf_all = 0 AND NOT ("
    "EXISTS (SELECT 1 FROM restriction_members rm WHERE rm.postmortem_id = r.postmortem_id "
    "AND lower(rm.name) = :bf_name) "
    "OR EXISTS (SELECT 1 FROM workflow_members wm WHERE wm.postmortem_id = r.postmortem_id "
    "AND lower(wm.name) = :bf_name) "
    "OR EXISTS (SELECT 1 FROM postmortems o "
    "LEFT JOIN workflows wf ON wf.postmortem_id = o.id "
    "LEFT JOIN revisions v1 ON v1.postmortem_id = o.id AND v1.version = 1 "
    "WHERE o.id = r.postmortem_id AND lower(coalesce(nullif(wf.owner, ''), v1.author)) = :bf_name))"
)
"""The ids of the post-mortems the viewer may not see: restricted, and the viewer is not their
owner (the workflow's, else who wrote version 1), a named reviewer or approver, or a member.
Bound: ``bf_all`` (1 when the viewer sees everything: nothing is hidden), ``bf_name`` (the
viewer's folded name, empty for nobody)."""

_CHILDREN: tuple[Any, ...] = (
    t.ContributingFactorRow,
    t.ActionItemRow,
    t.PreventionMeasureRow,
    t.ReviewRow,
    t.TimelineEventRow,
    t.SignOffRow,
    t.RevisionRow,
    t.ReviewCommentRow,
    t.SearchDocumentRow,
    t.WorkflowRow,
    t.WorkflowMemberRow,
    t.WorkflowTransitionRow,
    t.ApprovalRow,
    t.RestrictionRow,
    t.RestrictionMemberRow,
)
"""Tables whose rows belong to one post-mortem by ``postmortem_id``."""


def viewer_params(viewer: Viewer) -> dict[str, Any]:
    """The bound values of ``HIDDEN`` for ``viewer``."""
    return {"bf_all": 1 if viewer.sees_all else 0, "bf_name": viewer.folded}


def viewer_of_session(session: Session) -> Viewer:
    found = session.info.get(VIEWER_KEY)
    return found if isinstance(found, Viewer) else EVERYTHING


def params_of(session: Session) -> dict[str, Any]:
    """``viewer_params`` of the session's viewer (for statements using ``hidden_clause``)."""
    return viewer_params(viewer_of_session(session))


def _hidden(viewer: Viewer | None = None) -> Any:
    statement: TextClause = text(HIDDEN)
    if viewer is not None:
        statement = statement.bindparams(**viewer_params(viewer))
    return statement.columns(column("postmortem_id", Integer))


def hidden_clause(postmortem_id: Any) -> ColumnElement[bool]:
    """``postmortem_id`` is not hidden, for a Core statement built once: execute it with
    ``params_of(session)``."""
    clause: ColumnElement[bool] = postmortem_id.not_in(_hidden())
    return clause


def hidden_sql(column_sql: str) -> str:
    """``column_sql`` is not hidden, as SQL text (bound: ``viewer_params``)."""
    return f"{column_sql} NOT IN ({HIDDEN})"


def hidden_ids(session: Session, viewer: Viewer) -> tuple[int, ...]:
    """The row ids of the post-mortems ``viewer`` may not see (``HIDDEN``), read once per
    transaction and viewer (a change of a restriction or of the people named forgets it)."""
    cached = session.info.get(HIDDEN_KEY)
    if cached is not None and cached[0] == viewer:
        found: tuple[int, ...] = cached[1]
        return found
    # On the connection: no ORM event, so this read is not filtered by itself.
    rows = session.connection().execute(text(HIDDEN), viewer_params(viewer)).scalars()
    ids = tuple(sorted(int(row_id) for row_id in rows))
    session.info[HIDDEN_KEY] = (viewer, ids)
    return ids


def forget(session: Session) -> None:
    """Read the hidden ids again at the next query (a restriction or a name on it changed)."""
    session.info.pop(HIDDEN_KEY, None)


@lru_cache(maxsize=256)
def _criteria_by_table(hidden: tuple[int, ...]) -> dict[str, Any]:
    """``_criteria``'s options by the table each is about."""
    return {option.entity.local_table.name: option for option in _criteria(hidden)}


@lru_cache(maxsize=256)
def _criteria(hidden: tuple[int, ...]) -> tuple[Any, ...]:
    """The options of every read that must not see the post-mortems ``hidden`` (row ids)."""
    hidden_incidents = select(t.PostmortemRow.__table__.c.incident_id).where(
        t.PostmortemRow.__table__.c.id.in_(hidden)
    )
    items = t.ActionItemRow.__table__
    comments = t.ReviewCommentRow.__table__
    options: list[Any] = [
        with_loader_criteria(t.PostmortemRow, t.PostmortemRow.id.not_in(hidden)),
        *(
            with_loader_criteria(entity, entity.postmortem_id.not_in(hidden))
            for entity in _CHILDREN
        ),
        with_loader_criteria(
            t.ActionItemHistoryRow,
            t.ActionItemHistoryRow.action_item_id.in_(
                select(items.c.id).where(items.c.postmortem_id.not_in(hidden))
            ),
        ),
        with_loader_criteria(
            t.MentionDeliveryRow,
            t.MentionDeliveryRow.comment_id.in_(
                select(comments.c.id).where(comments.c.postmortem_id.not_in(hidden))
            ),
        ),
    ]
    # An inbox item filed to one, or waiting for one that is locked (it names it).
    options.append(
        with_loader_criteria(
            t.InboxItemRow,
            (
                t.InboxItemRow.incident_id.is_(None)
                | t.InboxItemRow.incident_id.not_in(hidden_incidents)
            )
            & (t.InboxItemRow.named.is_(None) | t.InboxItemRow.named.not_in(hidden_incidents)),
        )
    )
    options.append(
        with_loader_criteria(
            t.AuditRow,
            t.AuditRow.incident_id.is_(None)
            | (
                t.AuditRow.incident_id.not_in(hidden_incidents)
                & t.AuditRow.incident_id.not_in(_deleted_while_restricted())
            ),
        )
    )
    return tuple(options)


@lru_cache(maxsize=1)
def _audit_only() -> tuple[Any, ...]:
    """With nothing hidden, still the audit entries of one deleted while restricted."""
    return (
        with_loader_criteria(
            t.AuditRow,
            t.AuditRow.incident_id.is_(None)
            | t.AuditRow.incident_id.not_in(_deleted_while_restricted()),
        ),
    )


def _deleted_while_restricted() -> Any:
    """The incident ids of deleted post-mortems that were restricted when they went (their
    audit entries stay, and stay an admin's to read): the last restriction entry of the id is
    a ``restrict`` and no post-mortem has the id now."""
    log = t.AuditRow.__table__.alias("restricted_log")
    later = t.AuditRow.__table__.alias("later_log")
    stored = t.PostmortemRow.__table__.alias("stored")
    return select(log.c.incident_id).where(
        log.c.action == "restrict",
        log.c.incident_id.is_not(None),
        ~select(later.c.id)
        .where(
            later.c.incident_id == log.c.incident_id,
            later.c.action == "unrestrict",
            later.c.id > log.c.id,
        )
        .exists(),
        log.c.incident_id.not_in(select(stored.c.incident_id)),
    )


def _filter_reads(state: ORMExecuteState) -> None:
    viewer = viewer_of_session(state.session)
    # Writes too: an UPDATE or DELETE of a hidden row changes nothing, as for a missing one.
    if viewer.sees_all or not (state.is_select or state.is_update or state.is_delete):
        return
    hidden = hidden_ids(state.session, viewer)
    # Only the options of the tables the statement names (in any subquery too): building the
    # cache key of twenty options costs more than most of these queries take to run.
    named = {
        table.name
        for table in find_tables(
            cast(ClauseElement, state.statement), check_columns=True, include_crud=True
        )
        if hasattr(table, "name")
    }
    if not hidden:  # most stores restrict nothing: their reads stay as they are
        if t.AuditRow.__tablename__ in named:
            state.statement = state.statement.options(*_audit_only())
        return
    by_table = _criteria_by_table(hidden)
    chosen = [option for name, option in by_table.items() if name in named]
    if chosen:
        state.statement = state.statement.options(*chosen)


_listening = threading.Lock()
_LISTENING: list[bool] = []


def _forget_at_end(session: Session, _transaction: object) -> None:
    forget(session)


def install(session: Session, viewer: Viewer) -> None:
    """Make every ORM read of ``session`` see only what ``viewer`` may.

    The two listeners are on the Session class, added once at the first call (a listener per
    session cost more than the page reads it filters); a session nobody installed a viewer in
    reads everything (``viewer_of_session``), as before."""
    session.info[VIEWER_KEY] = viewer
    if not _LISTENING:
        with _listening:
            if not _LISTENING:
                event.listen(Session, "do_orm_execute", _filter_reads)
                event.listen(Session, "after_transaction_end", _forget_at_end)
                _LISTENING.append(True)


def set_viewer(session: Session, viewer: Viewer) -> Viewer:
    """Read with ``viewer`` from now on; returns the one before."""
    before = viewer_of_session(session)
    session.info[VIEWER_KEY] = viewer
    return before


def require_visible(session: Session, incident_id: str) -> None:
    """PostmortemNotFound (the same as for a missing one) unless the viewer sees it, for
    writes that go straight to the connection."""
    viewer = viewer_of_session(session)
    if viewer.sees_all:
        return
    found = session.execute(
        select(t.PostmortemRow.id).where(t.PostmortemRow.incident_id == incident_id)
    ).scalar_one_or_none()
    if found is None:
        raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")


# --- the restriction rows ------------------------------------------------------------------


@dataclass(frozen=True)
class RestrictionRecord:
    """A post-mortem's restriction: whether it is restricted, by whom, its extra members."""

    restricted: bool
    restricted_by: str | None
    restricted_at: dt.datetime | None
    members: tuple[str, ...]


class RestrictionRepository:
    """The restriction rows of post-mortems (by their row id), on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, row_id: int) -> RestrictionRecord:
        row = self.session.execute(
            select(t.RestrictionRow).where(t.RestrictionRow.postmortem_id == row_id)
        ).scalar_one_or_none()
        members = tuple(
            self.session.execute(
                select(t.RestrictionMemberRow.name)
                .where(t.RestrictionMemberRow.postmortem_id == row_id)
                .order_by(t.RestrictionMemberRow.added_at, t.RestrictionMemberRow.name)
            ).scalars()
        )
        if row is None:
            return RestrictionRecord(False, None, None, members)
        return RestrictionRecord(True, row.restricted_by, row.restricted_at, members)

    def set(self, row_id: int, restricted: bool, *, by: str | None, now: dt.datetime) -> bool:
        """Restrict it or lift its restriction; False when it already was so."""
        if self.get(row_id).restricted == restricted:
            return False
        forget(self.session)
        if restricted:
            self.session.execute(
                insert(t.RestrictionRow).values(
                    postmortem_id=row_id, restricted_by=by, restricted_at=now
                )
            )
        else:
            self.session.execute(
                delete(t.RestrictionRow).where(t.RestrictionRow.postmortem_id == row_id)
            )
        return True

    def add_member(self, row_id: int, name: str, *, by: str | None, now: dt.datetime) -> bool:
        folded = name.lower()
        if any(m.lower() == folded for m in self.get(row_id).members):
            return False
        forget(self.session)
        self.session.execute(
            insert(t.RestrictionMemberRow).values(
                postmortem_id=row_id, name=name, added_by=by, added_at=now
            )
        )
        return True

    def remove_member(self, row_id: int, name: str) -> bool:
        folded = name.lower()
        gone = [m for m in self.get(row_id).members if m.lower() == folded]
        forget(self.session)
        for member in gone:
            self.session.execute(
                delete(t.RestrictionMemberRow).where(
                    t.RestrictionMemberRow.postmortem_id == row_id,
                    t.RestrictionMemberRow.name == member,
                )
            )
        return bool(gone)


def viewer_for_name(session: Session, name: str | None) -> Viewer:
    """What the person of that name sees (for a message to them): everything for an admin's
    account; else what is unrestricted or names them (nobody: only the unrestricted)."""
    if not name:
        return Viewer(sees_all=False)
    role = session.execute(
        select(t.UserRow.role).where(
            t.UserRow.name_folded == name.casefold(), t.UserRow.disabled.is_(False)
        )
    ).scalar_one_or_none()
    return EVERYTHING if role == "admin" else Viewer(sees_all=False, name=name)


def restricted_incident_ids(session: Session) -> set[str]:
    """The incident ids of the restricted post-mortems the session's viewer sees."""
    return set(
        session.execute(
            select(t.PostmortemRow.incident_id).join(
                t.RestrictionRow, t.RestrictionRow.postmortem_id == t.PostmortemRow.id
            )
        ).scalars()
    )


def seen_by(session: Session, viewer: Viewer, incident_ids: set[str]) -> set[str]:
    """Which of ``incident_ids`` ``viewer`` sees (the same SQL as every read)."""
    if viewer.sees_all or not incident_ids:
        return set(incident_ids)
    before = set_viewer(session, viewer)
    try:
        return set(
            session.execute(
                select(t.PostmortemRow.incident_id).where(
                    t.PostmortemRow.incident_id.in_(sorted(incident_ids))
                )
            ).scalars()
        )
    finally:
        set_viewer(session, before)
