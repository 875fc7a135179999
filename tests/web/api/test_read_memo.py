"""Reads served from the per-process memo (``web.memo``) are never stale: an edit made through
another unit of work (another worker, the CLI) is a new version, so a new key (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from sqlalchemy import Engine

from blamefree.domain.actions import evaluate_success_criteria
from blamefree.domain.enums import Severity
from blamefree.schemas.convert import postmortem_read
from blamefree.services import postmortems
from blamefree.store import UnitOfWork
from blamefree.web.state import WebState
from support.web import WebClient
from web.api.conftest import BERLIN, store_markdown

API = "/api/v1/postmortems"


def _memo_size(app: FastAPI) -> int:
    state = app.state.blamefree
    assert isinstance(state, WebState)
    return len(state.memo)


def test_the_json_of_a_post_mortem_is_what_the_schema_serialises(
    client: WebClient, engine: Engine
) -> None:
    store_markdown(client, BERLIN)
    first = client.get(f"{API}/PAY-318")
    again = client.get(f"{API}/PAY-318")
    with UnitOfWork(engine) as uow:
        stored = postmortems.get_postmortem(uow, incident_id="PAY-318")
    expected = postmortem_read(stored, evaluate_success_criteria(stored.doc))
    assert first.headers["content-type"] == "application/json"
    assert first.content == again.content
    assert first.json() == expected.model_dump(mode="json", by_alias=True)


def test_an_edit_through_another_unit_of_work_is_served_at_once(
    client: WebClient, engine: Engine, web_app: FastAPI
) -> None:
    store_markdown(client, BERLIN)
    before = client.get(f"{API}/PAY-318").json()
    assert (before["version"], before["title"]) == (
        1,
        "Post-incident review: payments queue backlog",
    )
    assert _memo_size(web_app) == 1
    with UnitOfWork(engine) as uow:  # as another worker or the CLI would
        stored = postmortems.get_postmortem(uow, incident_id="PAY-318")
        renamed = stored.doc.model_copy(update={"title": "Payments queue backlog, reviewed"})
        postmortems.update_postmortem(
            uow, incident_id="PAY-318", postmortem_in=renamed, expected_version=1, by="Other"
        )
    after = client.get(f"{API}/PAY-318").json()
    assert (after["version"], after["title"]) == (2, "Payments queue backlog, reviewed")
    assert _memo_size(web_app) == 2


def test_a_post_mortem_deleted_and_created_again_is_read_anew(
    client: WebClient, engine: Engine
) -> None:
    answer = client.post(API, json={"title": "First try", "severity": "P2", "incident_id": "INC-9"})
    assert answer.status_code == 201, answer.text
    assert client.get(f"{API}/INC-9").json()["title"] == "First try"
    assert client.delete(f"{API}/INC-9").status_code == 204
    with UnitOfWork(engine) as uow:
        postmortems.start_postmortem(
            uow,
            title="Second try",
            severity=Severity.P3,
            day=dt.date(2026, 11, 19),
            incident_id="INC-9",
            save=True,
            by="Other",
        )
    again = client.get(f"{API}/INC-9").json()
    assert (again["version"], again["title"], again["severity"]) == (1, "Second try", "P3")
