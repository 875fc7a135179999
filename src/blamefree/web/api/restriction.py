"""Restricted post-mortems: whether one is restricted, who is named on it, and changing it."""

from __future__ import annotations

from fastapi import APIRouter

from blamefree.errors import Forbidden, PostmortemNotFound, ValidationFailed
from blamefree.schemas.restriction import RestrictionRead, RestrictionUpdate
from blamefree.services import restriction as service
from blamefree.web.deps import CurrentPrincipal, Now, UoW
from blamefree.web.errors import error_responses

router = APIRouter(tags=["restriction"])


@router.get(
    "/postmortems/{incident_id}/restriction",
    response_model=RestrictionRead,
    responses=error_responses(PostmortemNotFound),
    summary="Whether it is restricted, and who is named on it",
)
def restriction_status(incident_id: str, uow: UoW, principal: CurrentPrincipal) -> RestrictionRead:
    view = service.restriction_status(uow, incident_id=incident_id, principal=principal)
    return RestrictionRead.of(view)


@router.put(
    "/postmortems/{incident_id}/restriction",
    response_model=RestrictionRead,
    responses=error_responses(PostmortemNotFound, Forbidden, ValidationFailed),
    summary="Restrict it or lift it, name or un-name members (its owner or an admin)",
)
def set_restriction(
    incident_id: str,
    restriction_in: RestrictionUpdate,
    uow: UoW,
    now: Now,
    principal: CurrentPrincipal,
) -> RestrictionRead:
    view = service.set_restriction(
        uow,
        incident_id=incident_id,
        principal=principal,
        now=now,
        restricted=restriction_in.restricted,
        add_members=restriction_in.add_members,
        remove_members=restriction_in.remove_members,
    )
    return RestrictionRead.of(view)
