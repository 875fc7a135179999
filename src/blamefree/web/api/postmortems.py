"""``/api/v1/postmortems``: the post-mortems themselves."""

from __future__ import annotations

from fastapi import APIRouter

from blamefree.domain.actions import evaluate_success_criteria
from blamefree.errors import PostmortemNotFound
from blamefree.schemas.convert import postmortem_read
from blamefree.schemas.postmortems import PostmortemRead
from blamefree.services import postmortems
from blamefree.web.deps import UoW
from blamefree.web.errors import error_responses

router = APIRouter(prefix="/postmortems", tags=["post-mortems"])


@router.get(
    "/{incident_id}",
    response_model=PostmortemRead,
    responses=error_responses(PostmortemNotFound),
    summary="One post-mortem as stored, with its version and success-criteria states",
)
def get_postmortem(incident_id: str, uow: UoW) -> PostmortemRead:
    stored = postmortems.get_postmortem(uow, incident_id=incident_id)
    return postmortem_read(stored, evaluate_success_criteria(stored.doc))
