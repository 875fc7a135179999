"""With ``webhook_token`` set, the unsigned senders must present it; nothing else is stored."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from blamefree.services import inbox
from support.hooks import payload, pd_signature
from support.uow import in_uow
from web.hooks.conftest import hooks_app

TOKEN = "hook-token-4f8b2c1e9d7a6b5c3e2f1a0d"
SENDERS = [
    ("alertmanager", "alertmanager-firing.json"),
    ("grafana", "grafana-firing.json"),
    ("opsgenie", "opsgenie-create-untagged.json"),
]


@pytest.fixture
def guarded(engine: Engine) -> Iterator[TestClient]:
    with TestClient(hooks_app(engine, token=TOKEN)) as client:
        yield client


def basic(password: str) -> str:
    return "Basic " + base64.b64encode(f"alertmanager:{password}".encode()).decode()


@pytest.mark.parametrize(("source", "name"), SENDERS)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-the-token", f"Token {TOKEN}", basic("wrong"), "Basic !!!"],
    ids=["missing", "wrong-bearer", "other-scheme", "wrong-basic", "broken-basic"],
)
def test_a_delivery_without_the_token_is_401_and_stores_nothing(
    guarded: TestClient, engine: Engine, source: str, name: str, authorization: str | None
) -> None:
    headers = {"authorization": authorization} if authorization else {}
    answer = guarded.post(f"/hooks/{source}", content=payload(name), headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "Unauthenticated"
    assert in_uow(engine, inbox.count_inbox) == 0


@pytest.mark.parametrize(("source", "name"), SENDERS)
def test_the_token_as_bearer_or_basic_password_is_let_in(
    guarded: TestClient, engine: Engine, source: str, name: str
) -> None:
    bearer = guarded.post(
        f"/hooks/{source}", content=payload(name), headers={"authorization": f"Bearer {TOKEN}"}
    )
    again = guarded.post(
        f"/hooks/{source}", content=payload(name), headers={"authorization": basic(TOKEN)}
    )
    assert (bearer.status_code, again.status_code) == (202, 200)
    assert again.json()["known"] == bearer.json()["inbox"]


def test_pagerduty_keeps_to_its_signature(guarded: TestClient, engine: Engine) -> None:
    body = payload("pagerduty-triggered.json")
    answer = guarded.post(
        "/hooks/pagerduty", content=body, headers={"x-pagerduty-signature": pd_signature(body)}
    )
    assert answer.status_code == 202
