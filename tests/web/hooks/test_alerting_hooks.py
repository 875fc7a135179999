"""POST /hooks/alertmanager and /hooks/grafana: routed by label, the rest to the inbox."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from blamefree.services import inbox, timeline
from support.hooks import INCIDENT, UNKNOWN_INCIDENT, payload, store_incident
from support.uow import in_uow

JSON = {"content-type": "application/json"}


def test_alertmanager_files_the_labelled_alert_and_keeps_the_other(
    raw_client: TestClient, engine: Engine
) -> None:
    store_incident(engine)
    answer = raw_client.post(
        "/hooks/alertmanager", content=payload("alertmanager-firing.json"), headers=JSON
    )
    assert answer.status_code == 202
    assert answer.json() == {
        "source": "alertmanager",
        "added": 1,
        "postmortems": [{"incident_id": INCIDENT, "added": 1}],
        "inbox": 1,
        "known": 0,
        "from_inbox": 0,
    }
    events = in_uow(engine, timeline.list_recorded_events, incident_id=INCIDENT)
    assert [(e.kind.value, e.link, by) for e, by in events] == [
        (
            "alert_fired",
            "https://prometheus.basketful.example/graph?g0.expr=checkout_5xx_ratio+%3E+0.05",
            "webhook:alertmanager",
        )
    ]


def test_a_repeated_alertmanager_delivery_adds_nothing(
    raw_client: TestClient, engine: Engine
) -> None:
    store_incident(engine)
    body = payload("alertmanager-firing.json")
    raw_client.post("/hooks/alertmanager", content=body, headers=JSON)
    again = raw_client.post("/hooks/alertmanager", content=body, headers=JSON)
    assert again.status_code == 200
    assert again.json() == {
        "source": "alertmanager",
        "added": 0,
        "postmortems": [{"incident_id": INCIDENT, "added": 0}],
        "inbox": 0,
        "known": 2,
        "from_inbox": 0,
    }
    assert len(in_uow(engine, timeline.list_events, incident_id=INCIDENT)) == 1
    assert in_uow(engine, inbox.count_inbox) == 1


def test_the_resolve_of_a_filed_alert_is_answered_200(
    raw_client: TestClient, engine: Engine
) -> None:
    store_incident(engine)
    raw_client.post("/hooks/alertmanager", content=payload("alertmanager-firing.json"))
    answer = raw_client.post("/hooks/alertmanager", content=payload("alertmanager-resolved.json"))
    assert (answer.status_code, answer.json()["added"], answer.json()["known"]) == (200, 1, 1)


def test_grafana_naming_an_unknown_postmortem_goes_to_the_inbox(
    raw_client: TestClient, engine: Engine
) -> None:
    answer = raw_client.post("/hooks/grafana", content=payload("grafana-firing.json"))
    assert answer.status_code == 202
    assert (answer.json()["added"], answer.json()["inbox"]) == (0, 1)
    [item] = in_uow(engine, inbox.list_inbox)
    assert (item.source, item.named, item.event.link) == (
        "grafana",
        UNKNOWN_INCIDENT,
        "https://grafana.basketful.example/d/search-ops?viewPanel=4",
    )


def test_a_label_set_by_the_operator_is_the_one_read(engine: Engine) -> None:
    from blamefree.config import load_settings
    from blamefree.web.app import create_app
    from support.web import SECRET

    store_incident(engine)
    settings = load_settings(
        database_url=str(engine.url), secret_key=SECRET, webhook_postmortem_label="incident_doc"
    )
    app = create_app(settings, engine=engine, prepare=False)
    body = payload("alertmanager-firing.json").replace(b'"postmortem"', b'"incident_doc"')
    with TestClient(app) as client:
        answer = client.post("/hooks/alertmanager", content=body)
    assert answer.json()["postmortems"] == [{"incident_id": INCIDENT, "added": 1}]


def test_bad_json_is_a_422_naming_the_body(raw_client: TestClient, engine: Engine) -> None:
    answer = raw_client.post("/hooks/alertmanager", content=b'{"alerts": [', headers=JSON)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert (error["type"], error["file"]) == ("SourceFormatError", "request body")
    assert error["message"].startswith("not JSON")
    assert in_uow(engine, inbox.count_inbox) == 0


def test_a_payload_of_the_wrong_shape_names_its_field(raw_client: TestClient) -> None:
    no_alerts = raw_client.post("/hooks/alertmanager", content=b'{"version": "4"}')
    assert (no_alerts.status_code, no_alerts.json()["error"]["field"]) == (422, "alerts")
    bad_status = payload("alertmanager-firing.json").replace(
        b'"status": "firing",\n      "labels"', b'"status": "pending",\n      "labels"', 1
    )
    answer = raw_client.post("/hooks/alertmanager", content=bad_status)
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "status")
    version = raw_client.post("/hooks/alertmanager", content=payload("grafana-firing.json"))
    assert (version.status_code, version.json()["error"]["field"]) == (422, "version")
    empty = raw_client.post("/hooks/grafana", content=b"")
    assert (empty.status_code, empty.json()["error"]["field"]) == (422, "body")


def test_a_hook_takes_writes_from_another_site(raw_client: TestClient, engine: Engine) -> None:
    store_incident(engine)
    answer = raw_client.post(
        "/hooks/alertmanager",
        content=payload("alertmanager-resolved.json"),
        headers={
            "origin": "https://alertmanager.basketful.example",
            "sec-fetch-site": "cross-site",
        },
    )
    assert answer.status_code == 200


def test_a_body_larger_than_accepted_is_refused_before_it_is_read(raw_client: TestClient) -> None:
    answer = raw_client.post(
        "/hooks/alertmanager",
        content=b"{}",
        headers={"content-length": str(6 * 1024 * 1024)},
    )
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "body")
    assert "larger than the 5,242,880 accepted" in answer.json()["error"]["message"]


def test_the_receivers_are_described_in_the_openapi_schema(raw_client: TestClient) -> None:
    paths = raw_client.get("/api/openapi.json").json()["paths"]
    hooks = sorted(path for path in paths if path.startswith("/hooks/"))
    assert hooks == ["/hooks/alertmanager", "/hooks/grafana", "/hooks/opsgenie", "/hooks/pagerduty"]
    responses = paths["/hooks/pagerduty"]["post"]["responses"]
    assert sorted(responses) == ["200", "202", "401", "422", "503"]
