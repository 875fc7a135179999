"""POST /hooks/pagerduty: V3 signatures verified before anything is read or stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from blamefree.services import inbox, timeline
from support.hooks import INCIDENT, payload, pd_signature, store_incident
from support.uow import in_uow
from web.hooks.conftest import hooks_app


def post(client: TestClient, name: str, signature: str | None = "good"):  # type: ignore[no-untyped-def]
    body = payload(name)
    headers = {"content-type": "application/json"}
    if signature == "good":
        headers["x-pagerduty-signature"] = pd_signature(body)
    elif signature is not None:
        headers["x-pagerduty-signature"] = signature
    return client.post("/hooks/pagerduty", content=body, headers=headers)


def test_a_signed_trigger_waits_until_a_note_names_the_postmortem(
    raw_client: TestClient, engine: Engine
) -> None:
    store_incident(engine)
    first = post(raw_client, "pagerduty-triggered.json")
    assert (first.status_code, first.json()["inbox"]) == (202, 1)
    note = post(raw_client, "pagerduty-annotated.json")
    assert note.status_code == 200
    assert note.json() == {
        "source": "pagerduty",
        "added": 2,
        "postmortems": [{"incident_id": INCIDENT, "added": 2}],
        "inbox": 0,
        "known": 0,
        "from_inbox": 1,
    }
    ack = post(raw_client, "pagerduty-acknowledged.json")
    assert ack.json()["postmortems"] == [{"incident_id": INCIDENT, "added": 1}]
    events = in_uow(engine, timeline.list_recorded_events, incident_id=INCIDENT)
    assert [(e.kind.value, e.actor, by) for e, by in events] == [
        ("page_triggered", "Checkout API", "webhook:pagerduty"),
        ("acknowledged", "Amara Okafor", "webhook:pagerduty"),
        ("annotation", "Amara Okafor", "webhook:pagerduty"),
    ]


def test_a_repeated_signed_delivery_adds_nothing(raw_client: TestClient, engine: Engine) -> None:
    post(raw_client, "pagerduty-triggered.json")
    again = post(raw_client, "pagerduty-triggered.json")
    assert (again.status_code, again.json()["inbox"], again.json()["known"]) == (200, 0, 1)
    assert in_uow(engine, inbox.count_inbox) == 1


def test_a_signature_among_rotated_ones_is_enough(raw_client: TestClient, engine: Engine) -> None:
    body = payload("pagerduty-triggered.json")
    rotated = f"{pd_signature(body, secret='the-secret-before')},{pd_signature(body)}"
    answer = raw_client.post(
        "/hooks/pagerduty", content=body, headers={"x-pagerduty-signature": rotated}
    )
    assert answer.status_code == 202
    assert in_uow(engine, inbox.count_inbox) == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "v1=" + "f" * 64,
        "sha256=0d3f",
        "v1=c0ffee,v1=decaf",
    ],
    ids=["missing", "empty", "wrong", "other-scheme", "none-of-several"],
)
def test_a_bad_or_missing_signature_is_401_and_stores_nothing(
    raw_client: TestClient, engine: Engine, signature: str | None
) -> None:
    store_incident(engine)
    answer = post(raw_client, "pagerduty-annotated.json", signature=signature)
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "Unauthenticated"
    assert in_uow(engine, timeline.list_events, incident_id=INCIDENT) == []
    assert in_uow(engine, inbox.count_inbox) == 0


def test_a_signature_of_another_body_is_refused(raw_client: TestClient, engine: Engine) -> None:
    signed_for = pd_signature(payload("pagerduty-acknowledged.json"))
    answer = post(raw_client, "pagerduty-triggered.json", signature=signed_for)
    assert answer.status_code == 401
    assert in_uow(engine, inbox.count_inbox) == 0


def test_without_a_configured_secret_every_delivery_is_401(engine: Engine) -> None:
    with TestClient(hooks_app(engine, pagerduty_secret=None)) as client:
        answer = post(client, "pagerduty-triggered.json")
    assert answer.status_code == 401
    assert "no webhook secret is configured" in answer.json()["error"]["message"]
    assert in_uow(engine, inbox.count_inbox) == 0


def test_a_ping_is_answered_and_stores_nothing(raw_client: TestClient, engine: Engine) -> None:
    answer = post(raw_client, "pagerduty-ping.json")
    assert answer.status_code == 200
    assert (answer.json()["added"], answer.json()["inbox"]) == (0, 0)


def test_a_signed_body_of_the_wrong_shape_names_its_field(raw_client: TestClient) -> None:
    body = b'{"event": {"id": "01X", "event_type": "incident.triggered"}}'
    answer = raw_client.post(
        "/hooks/pagerduty", content=body, headers={"x-pagerduty-signature": pd_signature(body)}
    )
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "event.occurred_at")
