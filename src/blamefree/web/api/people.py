"""``/api/v1/people``: who owns action items and how to reach them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from blamefree.errors import PersonNotFound, ValidationFailed
from blamefree.schemas import PersonCreate, PersonRead
from blamefree.schemas.convert import person_read
from blamefree.services import people
from blamefree.web.deps import UoW
from blamefree.web.errors import error_responses

router = APIRouter(prefix="/people", tags=["people"])

UPDATED: dict[int | str, dict[str, Any]] = {
    200: {"model": PersonRead, "description": "Updated someone already there"}
}


@router.get("", response_model=list[PersonRead], summary="Everyone in the directory, by name")
def list_people(uow: UoW) -> list[PersonRead]:
    return [person_read(person) for person in people.list_people(uow)]


@router.post(
    "",
    response_model=PersonRead,
    status_code=201,
    responses=UPDATED | error_responses(ValidationFailed),
    summary="Add someone (201), or update their addresses (200)",
)
def add_person(person_in: PersonCreate, uow: UoW, response: Response) -> PersonRead:
    person, new = people.add_person(
        uow, name=person_in.name, email=person_in.email, slack=person_in.slack
    )
    if not new:
        response.status_code = 200
    return person_read(person)


@router.delete(
    "/{name}",
    status_code=204,
    response_class=Response,
    responses=error_responses(PersonNotFound),
    summary="Take someone out of the directory",
)
def remove_person(name: str, uow: UoW) -> Response:
    people.remove_person(uow, name=name)
    return Response(status_code=204)
