"""The review workflow and the audit log: state, members, transitions, and who did what."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from blamefree.domain.workflow import Transition
from blamefree.errors import (
    PostmortemNotFound,
    ReviewForbidden,
    StaleEdit,
    SubmissionBlocked,
    TransitionNotAllowed,
    Unauthenticated,
    ValidationFailed,
)
from blamefree.schemas.workflow import (
    AuditEntryRead,
    MembersUpdate,
    TransitionCreate,
    WorkflowRead,
)
from blamefree.services import audit
from blamefree.services import workflow as service
from blamefree.web.deps import CurrentPrincipal, Now, State, UoW
from blamefree.web.errors import error_responses

router = APIRouter(tags=["review workflow"])


@router.get(
    "/postmortems/{incident_id}/workflow",
    response_model=WorkflowRead,
    responses=error_responses(PostmortemNotFound),
    summary="Where the review stands: state, people, approvals, history, what you may do",
)
def workflow_status(
    incident_id: str, uow: UoW, state: State, principal: CurrentPrincipal
) -> WorkflowRead:
    view = service.workflow_status(
        uow,
        incident_id=incident_id,
        principal=principal,
        review=service.review_rules(state.settings),
    )
    return WorkflowRead.of(view)


@router.put(
    "/postmortems/{incident_id}/workflow/members",
    response_model=WorkflowRead,
    responses=error_responses(
        PostmortemNotFound, Unauthenticated, ReviewForbidden, ValidationFailed
    ),
    summary="Name the owner, reviewers and approvers (or remove people)",
)
def assign_members(
    incident_id: str,
    members_in: MembersUpdate,
    uow: UoW,
    state: State,
    now: Now,
    principal: CurrentPrincipal,
) -> WorkflowRead:
    view = service.assign(
        uow,
        incident_id=incident_id,
        principal=principal,
        now=now,
        review=service.review_rules(state.settings),
        owner=members_in.owner,
        reviewers=members_in.reviewers,
        approvers=members_in.approvers,
        remove=members_in.remove,
    )
    return WorkflowRead.of(view)


@router.post(
    "/postmortems/{incident_id}/workflow/{transition}",
    response_model=WorkflowRead,
    responses=error_responses(
        PostmortemNotFound,
        Unauthenticated,
        ReviewForbidden,
        TransitionNotAllowed,
        StaleEdit,
        SubmissionBlocked,
        ValidationFailed,
    ),
    summary="Make a review step: submit, approve, request-changes, publish or reopen",
    description="`request-changes` needs a `note` (what should change) and `reopen` a `note` "
    "(why); a submission with lint findings at a blocking level answers 422 "
    "`SubmissionBlocked` with the `findings`; the wrong state is 409 `TransitionNotAllowed`, "
    "the wrong person 403 `ReviewForbidden`.",
)
def make_transition(
    incident_id: str,
    transition: Transition,
    uow: UoW,
    state: State,
    now: Now,
    principal: CurrentPrincipal,
    transition_in: Annotated[TransitionCreate | None, Body()] = None,
) -> WorkflowRead:
    view = service.transition(
        uow,
        incident_id=incident_id,
        step=transition,
        principal=principal,
        now=now,
        review=service.review_rules(state.settings),
        note=transition_in.note if transition_in else None,
    )
    return WorkflowRead.of(view)


@router.get(
    "/audit",
    response_model=list[AuditEntryRead],
    responses=error_responses(ValidationFailed),
    summary="The append-only audit log, oldest first (of one post-mortem with ?incident=)",
)
def audit_log(
    uow: UoW,
    incident: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int | None, Query(ge=1, le=10000)] = None,
) -> list[AuditEntryRead]:
    entries = audit.audit_log(uow, incident_id=incident, limit=limit)
    return [AuditEntryRead.of(e) for e in entries]
