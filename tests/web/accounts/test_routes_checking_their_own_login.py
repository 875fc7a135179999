"""The most read routes check the login themselves, in their own unit of work (web/auth.py,
``checks_own_login``), rather than in a transaction of the guard's: they must refuse exactly
what the guard refuses (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from blamefree.domain.accounts import Role, TokenScope
from blamefree.services import accounts, sessions
from blamefree.store.tables import ApiTokenRow
from blamefree.store.unit_of_work import UnitOfWork
from blamefree.web import auth
from support.web import BASE_URL, FIXED_NOW, WebClient, ensure_account

INCIDENT = "INC-OWN-1"
PAGE = f"/postmortems/{INCIDENT}"
API = f"/api/v1/postmortems/{INCIDENT}"


def _stored(client: WebClient) -> None:
    made = client.post(
        "/api/v1/postmortems",
        json={"title": "Queue backlog", "severity": "P2", "incident_id": INCIDENT},
    )
    assert made.status_code == 201


def _anonymous(app: FastAPI) -> WebClient:
    return WebClient(app, base_url=BASE_URL, headers={"origin": BASE_URL}, user=None)


def test_exactly_the_two_most_read_routes_check_their_own_login() -> None:
    # A route added here must be added to the tests below, which send it what the guard refuses.
    assert sorted(endpoint.__name__ for endpoint in auth._CHECKS_OWN_LOGIN) == [
        "get_postmortem",
        "postmortem_page",
    ]


def test_a_live_session_reads_both_and_is_named_on_the_page(client: WebClient) -> None:
    _stored(client)
    page = client.get(PAGE)
    assert (page.status_code, "<strong>Tester</strong>" in page.text) == (200, True)
    read = client.get(API)
    assert (read.status_code, read.json()["incident_id"]) == (200, INCIDENT)


def test_a_copied_cookie_reads_neither_after_logout(client: WebClient, web_app: FastAPI) -> None:
    _stored(client)
    for _ in range(2):  # the second time from the page memo, which must not skip the check
        assert client.get(PAGE).status_code == 200
        assert client.get(API).status_code == 200
    copied = client.cookies["blamefree_session"]
    out = client.post("/logout", data={"csrf_token": client.csrf()}, follow_redirects=False)
    assert out.status_code == 303
    with _anonymous(web_app) as thief:
        thief.cookies.set("blamefree_session", copied)
        page = thief.get(PAGE, follow_redirects=False)
        assert (page.status_code, page.headers["location"]) == (
            303,
            f"/login?next=%2Fpostmortems%2F{INCIDENT}",
        )
        api = thief.get(API)
        assert (api.status_code, api.json()["error"]["type"]) == (401, "LoginRequired")
        assert "Queue backlog" not in page.text + api.text


def test_a_disabled_account_reads_neither(client: WebClient, engine: Engine) -> None:
    _stored(client)
    client.login_as("erin", role=Role.VIEWER)
    assert client.get(PAGE).status_code == 200
    with UnitOfWork(engine) as uow:
        accounts.set_disabled(uow, name="erin", disabled=True)
    assert client.get(PAGE, follow_redirects=False).status_code == 303
    assert client.get(API).status_code == 401


def test_tokens_read_the_api_until_revoked_and_never_the_page(
    client: WebClient, web_app: FastAPI, engine: Engine
) -> None:
    _stored(client)
    account = ensure_account(engine, "ci", role=Role.AUTHOR)
    with UnitOfWork(engine) as uow:
        made, secret = sessions.create_token(
            uow, owner=account.name, name="reader", scope=TokenScope.READ, now=FIXED_NOW
        )
    bearer = {"authorization": f"Bearer {secret}"}
    with _anonymous(web_app) as script:
        read = script.get(API, headers=bearer)
        assert (read.status_code, read.json()["title"]) == (200, "Queue backlog")
        # A token is for the API: the page ignores it and asks for a login.
        assert script.get(PAGE, headers=bearer, follow_redirects=False).status_code == 303
        unknown = script.get(API, headers={"authorization": "Bearer bf_" + "x" * 43})
        assert (unknown.status_code, unknown.json()["error"]["message"]) == (
            401,
            "this API token is unknown or revoked, or its account is disabled",
        )
        with UnitOfWork(engine) as uow:
            sessions.revoke_token(uow, token_id=made.id, now=FIXED_NOW)
        assert script.get(API, headers=bearer).status_code == 401
    with UnitOfWork(engine) as uow:
        used = uow.session.scalar(select(ApiTokenRow.last_used_at).where(ApiTokenRow.id == made.id))
    assert used == FIXED_NOW  # the route's own unit of work wrote the last use


@pytest.mark.parametrize("path", [PAGE, API])
def test_no_login_at_all_is_refused_before_anything_is_read(web_app: FastAPI, path: str) -> None:
    with _anonymous(web_app) as nobody:
        answer = nobody.get(path, follow_redirects=False)
        assert answer.status_code == (303 if path == PAGE else 401)
