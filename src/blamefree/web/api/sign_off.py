"""Success criteria and sign-off: what says a post-mortem's follow-through is done."""

from __future__ import annotations

from fastapi import APIRouter

from blamefree.domain.enums import SignOffRole
from blamefree.errors import CriterionNotFound, PostmortemNotFound, StaleEdit, ValidationFailed
from blamefree.schemas import (
    CriterionCreate,
    CriterionRead,
    CriterionUpdate,
    SignOffCreate,
    SignOffRead,
)
from blamefree.schemas.convert import criteria_read, sign_off_read
from blamefree.services import actions, reviews
from blamefree.web.deps import Actor, Now, UoW
from blamefree.web.errors import error_responses

router = APIRouter(prefix="/postmortems/{incident_id}")


@router.get(
    "/criteria",
    response_model=list[CriterionRead],
    responses=error_responses(PostmortemNotFound),
    summary="Success criteria: the tick as written beside what the data says",
    tags=["success criteria"],
)
def list_criteria(incident_id: str, uow: UoW) -> list[CriterionRead]:
    return criteria_read(actions.evaluate_criteria(uow, incident_id=incident_id))


@router.post(
    "/criteria",
    status_code=201,
    response_model=list[CriterionRead],
    responses=error_responses(PostmortemNotFound, StaleEdit, ValidationFailed),
    summary="Add a custom success criterion; answers every criterion as it then stands",
    tags=["success criteria"],
)
def add_criterion(
    incident_id: str, criterion_in: CriterionCreate, uow: UoW, now: Now, by: Actor
) -> list[CriterionRead]:
    states = actions.add_criterion(
        uow, incident_id=incident_id, text=criterion_in.text, now=now, by=by
    )
    return criteria_read(states)


@router.put(
    "/criteria/{number}",
    response_model=list[CriterionRead],
    responses=error_responses(PostmortemNotFound, CriterionNotFound, StaleEdit, ValidationFailed),
    summary="Tick or untick a hand-checked criterion (by its number, from 1)",
    tags=["success criteria"],
)
def check_criterion(
    incident_id: str, number: int, criterion_in: CriterionUpdate, uow: UoW, now: Now, by: Actor
) -> list[CriterionRead]:
    states = actions.check_criterion(
        uow, incident_id=incident_id, number=number, met=criterion_in.met, now=now, by=by
    )
    return criteria_read(states)


@router.post(
    "/criteria/apply",
    response_model=list[CriterionRead],
    responses=error_responses(PostmortemNotFound, StaleEdit),
    summary="Tick the criteria the data decides as the data says (a new version)",
    tags=["success criteria"],
)
def apply_criteria(incident_id: str, uow: UoW, now: Now, by: Actor) -> list[CriterionRead]:
    return criteria_read(actions.apply_criteria(uow, incident_id=incident_id, now=now, by=by))


@router.get(
    "/sign-offs",
    response_model=list[SignOffRead],
    responses=error_responses(PostmortemNotFound),
    summary="Who signed the post-mortem off, in which role, and who recorded it",
    tags=["reviews"],
)
def list_sign_offs(incident_id: str, uow: UoW) -> list[SignOffRead]:
    return [sign_off_read(r) for r in reviews.list_sign_offs(uow, incident_id=incident_id)]


@router.put(
    "/sign-offs/{role}",
    response_model=list[SignOffRead],
    responses=error_responses(PostmortemNotFound, StaleEdit, ValidationFailed),
    summary="Sign off in one role (prepared, reviewed, approved), dated today",
    tags=["reviews"],
)
def sign_off(
    incident_id: str, role: SignOffRole, sign_in: SignOffCreate, uow: UoW, now: Now, by: Actor
) -> list[SignOffRead]:
    records = reviews.sign_off(
        uow, incident_id=incident_id, role=role, now=now, name=sign_in.name, by=by
    )
    return [sign_off_read(r) for r in records]
