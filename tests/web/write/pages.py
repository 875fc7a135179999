"""Helpers of the writing-page tests: the edit form as a browser submits it, what is stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from blamefree.services import postmortems
from blamefree.store import StoredPostmortem
from blamefree.store.unit_of_work import UnitOfWork
from support.page_forms import form_fields
from support.web import WebClient

DATA = Path(__file__).parents[2] / "data"
BERLIN = DATA / "postmortems" / "berlin-payments-queue.md"


def edit_form(client: WebClient, incident_id: str) -> dict[str, str]:
    """The section forms of the edit page as a browser would submit them untouched."""
    page = client.get(f"/postmortems/{incident_id}/edit")
    assert page.status_code == 200, page.text
    return form_fields(page.text, f"/postmortems/{incident_id}/edit")


def stored(engine: Engine, incident_id: str) -> StoredPostmortem:
    with UnitOfWork(engine) as uow:
        return postmortems.get_postmortem(uow, incident_id=incident_id)


def exported(engine: Engine, incident_id: str) -> str:
    with UnitOfWork(engine) as uow:
        return postmortems.export_markdown(uow, incident_id=incident_id)
