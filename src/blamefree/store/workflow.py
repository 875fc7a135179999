"""The review workflow's rows (state, members, transitions, approvals) and the audit log.

The audit log is only ever inserted into here: this module has no code that updates or deletes
an entry, and the database refuses both (triggers of migration 0010_workflow).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from blamefree.domain.audit import AuditEntry, Origin
from blamefree.domain.workflow import Approval, MemberRole, State, Transition
from blamefree.store.tables import (
    ApprovalRow,
    AuditRow,
    PostmortemRow,
    WorkflowMemberRow,
    WorkflowRow,
    WorkflowTransitionRow,
)
from blamefree.store.visibility import forget


@dataclass(frozen=True)
class WorkflowRecord:
    """A post-mortem's workflow row."""

    state: State
    owner: str | None
    round: int
    approved_at: dt.datetime | None
    updated_at: dt.datetime


@dataclass(frozen=True)
class TransitionRecord:
    """One transition as it happened."""

    transition: Transition
    from_state: State
    to_state: State
    round: int
    by: str | None
    at: dt.datetime
    note: str | None


@dataclass(frozen=True)
class Member:
    """A named reviewer or approver."""

    name: str
    role: MemberRole
    added_by: str | None
    added_at: dt.datetime


class WorkflowRepository:
    """Workflow rows of post-mortems (by their row id), on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def state_of(self, incident_id: str) -> State | None:
        """The workflow state of a post-mortem, None when it never entered the workflow."""
        found = self.session.execute(
            select(WorkflowRow.state)
            .join(PostmortemRow, PostmortemRow.id == WorkflowRow.postmortem_id)
            .where(PostmortemRow.incident_id == incident_id)
        ).scalar_one_or_none()
        return State(found) if found is not None else None

    def get(self, row_id: int) -> WorkflowRecord | None:
        row = self.session.get(WorkflowRow, row_id, populate_existing=True)
        if row is None:
            return None
        return WorkflowRecord(
            State(row.state), row.owner, row.round, row.approved_at, row.updated_at
        )

    def put(
        self,
        row_id: int,
        *,
        state: State,
        owner: str | None,
        round_: int,
        approved_at: dt.datetime | None,
        now: dt.datetime,
    ) -> None:
        forget(self.session)  # the owner is named on it (store.visibility)
        values = {
            "state": state.value,
            "owner": owner,
            "round": round_,
            "approved_at": approved_at,
            "updated_at": now,
        }
        changed = self.session.execute(
            update(WorkflowRow)
            .where(WorkflowRow.postmortem_id == row_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if getattr(changed, "rowcount", 0) == 0:
            self.session.execute(insert(WorkflowRow).values(postmortem_id=row_id, **values))

    def members(self, row_id: int) -> list[Member]:
        rows = self.session.execute(
            select(
                WorkflowMemberRow.name,
                WorkflowMemberRow.role,
                WorkflowMemberRow.added_by,
                WorkflowMemberRow.added_at,
            )
            .where(WorkflowMemberRow.postmortem_id == row_id)
            .order_by(WorkflowMemberRow.added_at, WorkflowMemberRow.name)
        )
        return [Member(name, MemberRole(role), by, at) for name, role, by, at in rows]

    def add_member(
        self, row_id: int, name: str, role: MemberRole, *, by: str | None, now: dt.datetime
    ) -> bool:
        """Name someone; False when they were named in that role already."""
        if any(m.name == name and m.role is role for m in self.members(row_id)):
            return False
        forget(self.session)
        self.session.execute(
            insert(WorkflowMemberRow).values(
                postmortem_id=row_id, name=name, role=role.value, added_by=by, added_at=now
            )
        )
        return True

    def remove_member(self, row_id: int, name: str, role: MemberRole) -> bool:
        """Un-name someone; False when they were not named in that role."""
        forget(self.session)
        result = self.session.execute(
            delete(WorkflowMemberRow).where(
                WorkflowMemberRow.postmortem_id == row_id,
                WorkflowMemberRow.name == name,
                WorkflowMemberRow.role == role.value,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def add_transition(
        self,
        row_id: int,
        transition: Transition,
        *,
        from_state: State,
        to_state: State,
        round_: int,
        by: str | None,
        now: dt.datetime,
        note: str | None,
    ) -> None:
        self.session.execute(
            insert(WorkflowTransitionRow).values(
                postmortem_id=row_id,
                transition=transition.value,
                from_state=from_state.value,
                to_state=to_state.value,
                round=round_,
                by=by,
                at=now,
                note=note,
            )
        )

    def transitions(self, row_id: int) -> list[TransitionRecord]:
        rows = self.session.execute(
            select(WorkflowTransitionRow)
            .where(WorkflowTransitionRow.postmortem_id == row_id)
            .order_by(WorkflowTransitionRow.id)
        ).scalars()
        return [
            TransitionRecord(
                Transition(r.transition),
                State(r.from_state),
                State(r.to_state),
                r.round,
                r.by,
                r.at,
                r.note,
            )
            for r in rows
        ]

    def add_approval(
        self,
        row_id: int,
        round_: int,
        name: str,
        *,
        as_approver: bool,
        version: int,
        now: dt.datetime,
    ) -> None:
        self.session.execute(
            insert(ApprovalRow).values(
                postmortem_id=row_id,
                round=round_,
                name=name,
                as_approver=as_approver,
                version=version,
                approved_at=now,
            )
        )

    def approvals(self, row_id: int, round_: int) -> list[Approval]:
        rows = self.session.execute(
            select(ApprovalRow.name, ApprovalRow.as_approver, ApprovalRow.approved_at)
            .where(ApprovalRow.postmortem_id == row_id, ApprovalRow.round == round_)
            .order_by(ApprovalRow.approved_at, ApprovalRow.name)
        )
        return [Approval(name, bool(as_approver), at) for name, as_approver, at in rows]


class AuditLog:
    """The append-only audit log: ``append`` and reads, nothing else."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self,
        *,
        action: str,
        incident_id: str | None,
        actor: str | None,
        origin: Origin,
        at: dt.datetime,
        details: dict[str, Any],
    ) -> None:
        self.session.execute(
            insert(AuditRow).values(
                at=at,
                actor=actor,
                action=action,
                incident_id=incident_id,
                channel=origin.channel,
                address=origin.address,
                details=details,
            )
        )

    def entries(
        self, *, incident_id: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """Entries oldest first (the last ``limit`` of them), of one post-mortem or all."""
        query = select(AuditRow).order_by(AuditRow.id.desc())
        if incident_id is not None:
            query = query.where(AuditRow.incident_id == incident_id)
        if limit is not None:
            query = query.limit(limit)
        rows = list(self.session.execute(query).scalars())
        return [
            AuditEntry(
                id=r.id,
                at=r.at,
                actor=r.actor,
                action=r.action,
                incident_id=r.incident_id,
                channel=r.channel,
                address=r.address,
                details=dict(r.details or {}),
            )
            for r in reversed(rows)
        ]
