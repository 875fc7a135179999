"""POST /hooks/opsgenie: the post-mortem from a tag or an alert detail."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from blamefree.services import inbox, timeline
from support.hooks import INCIDENT, payload, store_incident
from support.uow import in_uow


def test_a_tagged_alert_and_its_acknowledgement_join_the_timeline(
    raw_client: TestClient, engine: Engine
) -> None:
    store_incident(engine)
    created = raw_client.post("/hooks/opsgenie", content=payload("opsgenie-create.json"))
    acked = raw_client.post("/hooks/opsgenie", content=payload("opsgenie-acknowledge.json"))
    assert (created.status_code, acked.status_code) == (200, 200)
    events = in_uow(engine, timeline.list_recorded_events, incident_id=INCIDENT)
    assert [(e.kind.value, e.time.isoformat(), by) for e, by in events] == [
        ("page_triggered", "2026-11-19T22:06:52.503000+00:00", "webhook:opsgenie"),
        ("acknowledged", "2026-11-19T22:10:01.904000+00:00", "webhook:opsgenie"),
    ]


def test_an_alert_detail_names_the_postmortem_too(raw_client: TestClient, engine: Engine) -> None:
    store_incident(engine)
    doc = json.loads(payload("opsgenie-create-untagged.json"))
    doc["alert"]["details"]["postmortem"] = INCIDENT
    answer = raw_client.post("/hooks/opsgenie", content=json.dumps(doc).encode())
    assert answer.json()["postmortems"] == [{"incident_id": INCIDENT, "added": 1}]


def test_an_untagged_alert_waits_and_a_repeat_adds_nothing(
    raw_client: TestClient, engine: Engine
) -> None:
    body = payload("opsgenie-create-untagged.json")
    first = raw_client.post("/hooks/opsgenie", content=body)
    again = raw_client.post("/hooks/opsgenie", content=body)
    assert (first.status_code, first.json()["inbox"]) == (202, 1)
    assert (again.status_code, again.json()["known"]) == (200, 1)
    assert [i.event.text for i in in_uow(engine, inbox.list_inbox)] == [
        "Alert created: #3186 Search API 5xx above 2%"
    ]


def test_a_body_without_an_alert_names_the_field(raw_client: TestClient) -> None:
    answer = raw_client.post("/hooks/opsgenie", content=b'{"action": "Create"}')
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "alert")
