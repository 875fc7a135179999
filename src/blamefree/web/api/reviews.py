"""``/api/v1/reviews``: follow-up reviews, scheduled and held."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from blamefree.domain.enums import ReviewKind
from blamefree.errors import PostmortemNotFound, StaleEdit, ValidationFailed
from blamefree.schemas import ReviewCreate, ReviewRead, ReviewScheduleUpdate
from blamefree.schemas.convert import review_read
from blamefree.services import reviews
from blamefree.web.deps import Actor, Now, Today, UoW
from blamefree.web.errors import error_responses

router = APIRouter(tags=["reviews"])


@router.get(
    "/reviews",
    response_model=list[ReviewRead],
    responses=error_responses(PostmortemNotFound, ValidationFailed),
    summary="Follow-up reviews by due date (held ones only when asked)",
)
def list_reviews(
    uow: UoW,
    today: Today,
    upcoming: Annotated[
        int | None, Query(ge=0, description="Only those due from today to this many days ahead")
    ] = None,
    overdue: Annotated[bool, Query(description="Only those due before today, not held")] = False,
    include_done: Annotated[bool, Query(description="Held reviews too")] = False,
    incident_id: Annotated[str | None, Query(description="Only this post-mortem's")] = None,
) -> list[ReviewRead]:
    views = reviews.list_reviews(
        uow,
        today=today,
        upcoming=upcoming,
        overdue=overdue,
        include_done=include_done,
        incident_id=incident_id,
    )
    return [review_read(view) for view in views]


@router.post(
    "/postmortems/{incident_id}/reviews",
    status_code=201,
    response_model=ReviewRead,
    responses=error_responses(PostmortemNotFound, ValidationFailed),
    summary="Record that a review was held (now), with its notes",
)
def record_review(
    incident_id: str, review_in: ReviewCreate, uow: UoW, now: Now, by: Actor
) -> ReviewRead:
    view = reviews.record_review(
        uow, incident_id=incident_id, kind=review_in.kind, now=now, notes=review_in.notes, by=by
    )
    return review_read(view)


@router.put(
    "/postmortems/{incident_id}/reviews/{kind}",
    response_model=ReviewRead,
    responses=error_responses(PostmortemNotFound, StaleEdit, ValidationFailed),
    summary="Schedule a review for another date (written into the Follow-Up section)",
)
def schedule_review(
    incident_id: str,
    kind: ReviewKind,
    schedule_in: ReviewScheduleUpdate,
    uow: UoW,
    now: Now,
    by: Actor,
) -> ReviewRead:
    view = reviews.schedule_review(
        uow, incident_id=incident_id, kind=kind, date=schedule_in.date, now=now, by=by
    )
    return review_read(view)
