"""The review workflow and audit log through the API (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from blamefree.domain.accounts import Role
from support.updates_doc import DOCUMENT
from support.web import BASE_URL, WebClient, make_app
from support.workflow_doc import ID, REVIEWABLE, TWO_APPROVALS

API = "/api/v1/postmortems"
MARKDOWN = {"content-type": "text/markdown"}


@pytest.fixture
def client(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebClient]:
    monkeypatch.setenv("BLAMEFREE_REVIEW_APPROVALS", TWO_APPROVALS)
    with WebClient(make_app(engine), base_url=BASE_URL, headers={"origin": BASE_URL}) as c:
        yield c


ROLES = {"Kim": Role.AUTHOR, "Ravi": Role.REVIEWER, "Ana": Role.APPROVER, "Bo": Role.APPROVER}
"""Each person's account role (anyone else: an admin)."""


def act_as(client: WebClient, name: str) -> None:
    client.login_as(name, role=ROLES.get(name, Role.ADMIN))


def store(client: WebClient, text: str = REVIEWABLE) -> None:
    act_as(client, "Kim")
    answer = client.post(API, content=text.encode(), headers=MARKDOWN)
    assert answer.status_code == 201, answer.text


def step(client: WebClient, who: str, transition: str, note: str | None = None) -> dict:  # type: ignore[type-arg]
    act_as(client, who)
    answer = client.post(f"{API}/{ID}/workflow/{transition}", json={"note": note} if note else None)
    assert answer.status_code == 200, answer.text
    data: dict = answer.json()  # type: ignore[type-arg]
    return data


def test_a_review_through_the_api(client: WebClient) -> None:
    store(client)
    members = client.put(
        f"{API}/{ID}/workflow/members", json={"reviewers": ["Ravi"], "approvers": ["Ana", "Bo"]}
    )
    assert members.status_code == 200, members.text
    assert [m["name"] for m in members.json()["approvers"]] == ["Ana", "Bo"]
    assert step(client, "Kim", "submit")["state"] == "in_review"
    missing = client.post(f"{API}/{ID}/workflow/request-changes")
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "note")
    assert step(client, "Ravi", "request-changes", "Say why")["state"] == "draft"
    step(client, "Kim", "submit")
    own = client.post(f"{API}/{ID}/workflow/approve")
    assert (own.status_code, own.json()["error"]["type"]) == (403, "ReviewForbidden")
    assert step(client, "Ana", "approve")["state"] == "in_review"
    done = step(client, "Bo", "approve")
    assert (done["state"], done["locked"], done["sign_off"]["approved_by"]) == (
        "approved",
        True,
        "Ana, Bo",
    )
    assert done["allowed"] == ["publish", "reopen"]  # Bo is an approver (admin here)

    locked = client.post(
        f"{API}/{ID}/events", json={"time": "2025-02-09T03:00:00Z", "text": "Disk alert"}
    )
    assert (locked.status_code, locked.json()["error"]["type"]) == (423, "PostmortemLocked")
    wrong = client.post(f"{API}/{ID}/workflow/submit")
    assert (wrong.status_code, wrong.json()["error"]["type"]) == (409, "TransitionNotAllowed")
    bad = client.post(f"{API}/{ID}/workflow/celebrate")
    assert bad.status_code == 422
    assert step(client, "Kim", "reopen", "A gap")["state"] == "draft"

    status = client.get(f"{API}/{ID}/workflow").json()
    assert [t["transition"] for t in status["transitions"]] == [
        "submit",
        "request-changes",
        "submit",
        "approve",
        "approve",
        "reopen",
    ]
    entries = client.get("/api/v1/audit", params={"incident": ID}).json()
    assert [e["action"] for e in entries][:3] == ["create", "workflow.assign", "workflow.submit"]
    assert {(e["channel"], e["address"]) for e in entries} == {("web", "testclient")}
    assert entries[-1]["action"] == "workflow.sign-off"
    assert client.get("/api/v1/audit", params={"limit": 1}).json() == entries[-1:]


def test_a_blocked_submission_lists_the_findings(client: WebClient) -> None:
    store(client, DOCUMENT)
    answer = client.post(f"{API}/{ID}/workflow/submit")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["type"] == "SubmissionBlocked"
    assert [(f["rule"], f["severity"]) for f in error["findings"]] == [("BF202", "error")]


def test_the_openapi_document_names_the_workflow_errors(client: WebClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    post = paths["/api/v1/postmortems/{incident_id}/workflow/{transition}"]["post"]
    assert sorted(post["responses"]) == ["200", "401", "403", "404", "409", "422", "423"]
    assert "SubmissionBlocked" in post["responses"]["422"]["description"]
    assert "/api/v1/audit" in paths
