"""``/api/v1/actions`` and prevention measures: follow-through across post-mortems."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from blamefree.domain.enums import ActionStatus, Severity
from blamefree.errors import (
    ActionItemNotFound,
    MeasureNotFound,
    PostmortemNotFound,
    StaleEdit,
    ValidationFailed,
)
from blamefree.schemas import (
    ActionItemCreate,
    ActionItemDetailRead,
    ActionItemRead,
    ActionItemUpdate,
    PreventionMeasureRead,
    PreventionMeasureUpdate,
)
from blamefree.schemas.convert import action_detail_read, action_read, measure_read
from blamefree.services import actions
from blamefree.web.api.params import BasedOn
from blamefree.web.deps import Actor, Now, Today, UoW
from blamefree.web.errors import error_responses

router = APIRouter(tags=["action items"])


@router.get(
    "/actions",
    response_model=list[ActionItemRead],
    responses=error_responses(ValidationFailed),
    summary="Action items across all post-mortems, filtered; due dates default to the horizon",
)
def list_actions(
    uow: UoW,
    today: Today,
    owner: Annotated[str | None, Query(description="Case and a leading @ ignored")] = None,
    status: Annotated[list[ActionStatus] | None, Query(description="Repeat for several")] = None,
    severity: Annotated[list[Severity] | None, Query(description="Repeat for several")] = None,
    overdue: Annotated[bool, Query(description="Only items past due")] = False,
    due_within: Annotated[
        int | None, Query(ge=0, description="Only open items due within this many days")
    ] = None,
    incident_id: Annotated[str | None, Query(description="Only this post-mortem's")] = None,
) -> list[ActionItemRead]:
    views = actions.list_actions(
        uow,
        today=today,
        owner=owner,
        statuses=status,
        severities=severity,
        overdue=overdue,
        due_within=due_within,
        incident_id=incident_id,
    )
    return [action_read(view) for view in views]


@router.get(
    "/actions/{action_id}",
    response_model=ActionItemDetailRead,
    responses=error_responses(ActionItemNotFound),
    summary="One action item with every recorded change",
)
def get_action(action_id: str, uow: UoW, today: Today) -> ActionItemDetailRead:
    detail = actions.show_action(uow, action_id=action_id, today=today)
    return action_detail_read(detail.action, detail.history)


@router.patch(
    "/actions/{action_id}",
    response_model=ActionItemRead,
    responses=error_responses(ActionItemNotFound, StaleEdit, ValidationFailed),
    summary="Change an action item's status, owner, due date, horizon, priority, type or text",
)
def update_action(
    action_id: str,
    changes: ActionItemUpdate,
    uow: UoW,
    now: Now,
    by: Actor,
    based_on: BasedOn = None,
) -> ActionItemRead:
    view = actions.update_action(
        uow, action_id=action_id, changes=changes, now=now, based_on=based_on, by=by
    )
    return action_read(view)


@router.post(
    "/postmortems/{incident_id}/actions",
    status_code=201,
    response_model=ActionItemRead,
    responses=error_responses(PostmortemNotFound, StaleEdit, ValidationFailed),
    summary="Add an action item to a post-mortem (due at its horizon's end unless given)",
)
def add_action(
    incident_id: str,
    action_in: ActionItemCreate,
    uow: UoW,
    now: Now,
    by: Actor,
    based_on: BasedOn = None,
) -> ActionItemRead:
    added = actions.add_action(
        uow,
        incident_id=incident_id,
        text=action_in.text,
        horizon=action_in.horizon,
        now=now,
        owner=action_in.owner,
        due=action_in.due_date,
        priority=action_in.priority,
        type=action_in.type,
        status=action_in.status,
        based_on=based_on,
        by=by,
    )
    return action_read(added.action)


# --- prevention measures ----------------------------------------------------------------------


@router.get(
    "/prevention",
    response_model=list[PreventionMeasureRead],
    responses=error_responses(ValidationFailed),
    summary="Prevention measures across all post-mortems, optionally by status",
    tags=["prevention measures"],
)
def list_all_measures(
    uow: UoW,
    status: Annotated[list[ActionStatus] | None, Query(description="Repeat for several")] = None,
) -> list[PreventionMeasureRead]:
    return [measure_read(m) for m in actions.list_all_measures(uow, statuses=status)]


@router.get(
    "/postmortems/{incident_id}/prevention",
    response_model=list[PreventionMeasureRead],
    responses=error_responses(PostmortemNotFound),
    summary="A post-mortem's prevention measures, category by category",
    tags=["prevention measures"],
)
def list_measures(incident_id: str, uow: UoW) -> list[PreventionMeasureRead]:
    return [measure_read(m) for m in actions.list_measures(uow, incident_id=incident_id)]


@router.patch(
    "/postmortems/{incident_id}/prevention/{category}/{number}",
    response_model=PreventionMeasureRead,
    responses=error_responses(PostmortemNotFound, MeasureNotFound, StaleEdit, ValidationFailed),
    summary="Set the status of one prevention measure (its checkbox follows)",
    tags=["prevention measures"],
)
def set_measure(
    incident_id: str,
    category: str,
    number: int,
    measure_in: PreventionMeasureUpdate,
    uow: UoW,
    now: Now,
    by: Actor,
    based_on: BasedOn = None,
) -> PreventionMeasureRead:
    measure = actions.set_measure(
        uow,
        incident_id=incident_id,
        category=category,
        number=number,
        status=measure_in.status,
        now=now,
        based_on=based_on,
        by=by,
    )
    return measure_read(measure)
