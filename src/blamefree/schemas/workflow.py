"""The review workflow and the audit log as the API and ``--json`` show them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import Field

from blamefree.domain.audit import AuditEntry
from blamefree.domain.workflow import MemberRole, State, Transition
from blamefree.schemas.base import InputModel, ReadModel, Timestamp

if TYPE_CHECKING:
    from blamefree.services.workflow import WorkflowView


class TransitionCreate(InputModel):
    """The body of a transition: the comment of a request for changes or the reason of a
    reopen (both required), an optional remark otherwise."""

    note: str | None = Field(default=None, max_length=4000)


class MembersUpdate(InputModel):
    """Who is named on a post-mortem: a new owner, reviewers and approvers to add, names to
    remove from every role."""

    owner: str | None = Field(default=None, max_length=200)
    reviewers: list[str] = Field(default_factory=list, max_length=50)
    approvers: list[str] = Field(default_factory=list, max_length=50)
    remove: list[str] = Field(default_factory=list, max_length=50)


class MemberRead(ReadModel):
    name: str
    role: MemberRole
    added_by: str | None
    added_at: Timestamp


class ApprovalRead(ReadModel):
    name: str
    as_approver: bool = Field(description="Counted as an approver's (named approver, or role)")
    at: Timestamp


class TransitionRead(ReadModel):
    transition: Transition
    from_state: State
    to_state: State
    round: int
    by: str | None
    at: Timestamp
    note: str | None = Field(description="The comment (request-changes) or reason (reopen)")


class SignOffNamesRead(ReadModel):
    """The Sign-Off section as the workflow fills it."""

    prepared_by: str | None
    reviewed_by: str | None
    approved_by: str | None
    date: dt.date | None


class WorkflowRead(ReadModel):
    """Where a post-mortem's review stands and what the one asking may do next."""

    incident_id: str
    state: State
    entered: bool = Field(description="False: it never entered the workflow")
    locked: bool = Field(description="Approved or published: no edit until it is reopened")
    owner: str | None
    reviewers: list[MemberRead]
    approvers: list[MemberRead]
    round: int = Field(description="How many times it was submitted")
    approvals: list[ApprovalRead] = Field(description="Approvals of the current round")
    approvals_needed: int
    approvals_needed_from_approvers: int
    approved_at: Timestamp | None
    allowed: list[Transition] = Field(description="What the one asking may do now")
    sign_off: SignOffNamesRead
    transitions: list[TransitionRead]

    @classmethod
    def of(cls, view: WorkflowView) -> WorkflowRead:
        return cls(
            incident_id=view.incident_id,
            state=view.state,
            entered=view.entered,
            locked=view.locked,
            owner=view.owner,
            reviewers=[MemberRead(**vars(m)) for m in view.reviewers],
            approvers=[MemberRead(**vars(m)) for m in view.approvers],
            round=view.round,
            approvals=[ApprovalRead(**vars(a)) for a in view.approvals],
            approvals_needed=view.rule.approvals,
            approvals_needed_from_approvers=view.rule.from_approvers,
            approved_at=view.approved_at,
            allowed=view.allowed,
            sign_off=SignOffNamesRead(**vars(view.sign_off)),
            transitions=[TransitionRead(**vars(t)) for t in view.transitions],
        )


class AuditEntryRead(ReadModel):
    """One entry of the append-only audit log."""

    id: int
    at: Timestamp
    actor: str | None
    action: str = Field(description="create, edit, delete, workflow.<transition>, ...")
    incident_id: str | None
    channel: str = Field(description="cli or web")
    address: str | None = Field(description="The client address (web) or host (cli)")
    details: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryRead:
        return cls(**vars(entry))
