"""``/api/v1/postmortems/{id}/events``: the event log by hand and by upload from tools."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.web import WebClient
from web.api.conftest import DATA

IMPORTERS = DATA / "importers"


def _events_url(incident_id: str) -> str:
    return f"/api/v1/postmortems/{incident_id}/events"


def _new(client: WebClient) -> str:
    answer = client.post(
        "/api/v1/postmortems",
        json={"title": "Checkout errors", "severity": "P1", "date": "2024-03-12"},
    )
    assert answer.status_code == 201
    incident_id: str = answer.json()["incident_id"]
    return incident_id


def _files(*paths: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("file", (path.name, path.read_bytes(), "application/json")) for path in paths]


def test_add_edit_mark_and_remove_an_event(client: WebClient) -> None:
    incident_id = _new(client)
    added = client.post(
        _events_url(incident_id),
        json={
            "time": "2024-03-12T15:01:10+01:00",
            "text": "Error-rate alert fired for checkout",
            "phase": "detection",
            "actor": "Alertmanager",
        },
    )
    assert added.status_code == 201, added.text
    event = added.json()
    assert (event["time"], event["phase"], event["source"], event["recorded_by"]) == (
        "2024-03-12T14:01:10.000000Z",
        "detection",
        "manual",
        "Tester",
    )
    ref = event["ref"]
    edited = client.patch(f"{_events_url(incident_id)}/{ref}", json={"text": "Alert: 5% errors"})
    assert (edited.status_code, edited.json()["text"], edited.json()["key"]) == (
        200,
        "Alert: 5% errors",
        False,
    )
    marked = client.put(f"{_events_url(incident_id)}/{ref}/key")
    assert marked.json()["key"] is True
    listed = client.get(_events_url(incident_id)).json()
    assert [(e["ref"], e["text"], e["key"]) for e in listed] == [(ref, "Alert: 5% errors", True)]
    unmarked = client.delete(f"{_events_url(incident_id)}/{ref}/key")
    assert unmarked.json()["key"] is False
    assert client.delete(f"{_events_url(incident_id)}/{ref}").status_code == 204
    assert client.get(_events_url(incident_id)).json() == []
    history = client.get(f"/api/v1/postmortems/{incident_id}/history").json()
    assert [r["message"] for r in history] == [
        "created",
        f"timeline: added event {ref}",
        f"timeline: edited {ref}",
        f"timeline: edited {ref}",
        f"timeline: edited {ref}",
        f"timeline: removed {ref}",
    ]


def test_an_unknown_event_or_post_mortem_is_a_404(client: WebClient) -> None:
    incident_id = _new(client)
    missing = client.patch(f"{_events_url(incident_id)}/abcdef12", json={"text": "x"})
    assert (missing.status_code, missing.json()["error"]["type"]) == (404, "EventNotFound")
    nowhere = client.get(_events_url("INC-404"))
    assert (nowhere.status_code, nowhere.json()["error"]["type"]) == (404, "PostmortemNotFound")


def test_a_bad_event_is_a_422_naming_the_field(client: WebClient) -> None:
    incident_id = _new(client)
    no_zone = client.post(
        _events_url(incident_id), json={"time": "2024-03-12T14:01:10", "text": "Alert fired"}
    )
    assert (no_zone.status_code, no_zone.json()["error"]["field"]) == (422, "time")
    bad_phase = client.post(
        _events_url(incident_id),
        json={"time": "2024-03-12T14:01:10Z", "text": "Alert", "phase": "panic"},
    )
    assert (bad_phase.status_code, bad_phase.json()["error"]["field"]) == (422, "phase")
    assert client.get(_events_url(incident_id)).json() == []


def test_import_a_slack_export_zip(client: WebClient) -> None:
    incident_id = _new(client)
    archive = io.BytesIO()
    export = IMPORTERS / "slack_export"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(export.rglob("*.json")):
            zipped.write(path, path.relative_to(export).as_posix())
    upload = [("file", ("slack-export.zip", archive.getvalue(), "application/zip"))]
    answer = client.post(
        f"{_events_url(incident_id)}/import", params={"source": "slack"}, files=upload
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"read": 17, "added": 17, "skipped": 0, "version": 2}
    events = client.get(_events_url(incident_id)).json()
    assert len(events) == 17
    assert {e["source"] for e in events} == {"slack"}
    assert [e["source_id"] for e in events if e["key"]] == [
        "C01INC:1710252222.123456",
        "C01INC:1710252400.000000",
    ]
    again = client.post(
        f"{_events_url(incident_id)}/import", params={"source": "slack"}, files=upload
    )
    assert again.json() == {"read": 17, "added": 0, "skipped": 17, "version": 2}


def test_import_pagerduty_log_entry_pages(client: WebClient) -> None:
    incident_id = _new(client)
    pages = _files(
        IMPORTERS / "pagerduty" / "log_entries_page1.json",
        IMPORTERS / "pagerduty" / "log_entries_page2.json",
    )
    answer = client.post(
        f"{_events_url(incident_id)}/import", params={"source": "pagerduty"}, files=pages
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["added"], answer.json()["version"]) == (7, 2)
    events = client.get(_events_url(incident_id)).json()
    assert [(e["source_id"], e["phase"], e["key"]) for e in events] == [
        ("R0TRIGGER01", "detection", True),
        ("R1NOTIFY001", None, False),
        ("R2ACK000001", "response", True),
        ("R3ASSIGN001", None, False),
        ("R3ESCAL0001", None, False),
        ("R4ANNOT0001", None, False),
        ("R5RESOLVE01", "resolution", True),
    ]
    metrics = client.get(f"/api/v1/postmortems/{incident_id}/metrics").json()
    assert metrics["resolution_time"]["source"] == "timeline"


def test_import_alertmanager_webhook_payloads(client: WebClient) -> None:
    incident_id = _new(client)
    payloads = _files(
        IMPORTERS / "alertmanager" / "01-firing.json",
        IMPORTERS / "alertmanager" / "02-resolved.json",
    )
    answer = client.post(
        f"{_events_url(incident_id)}/import", params={"source": "alertmanager"}, files=payloads
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"read": 3, "added": 3, "skipped": 0, "version": 2}
    events = client.get(_events_url(incident_id)).json()
    assert {e["source"] for e in events} == {"alertmanager"}
    assert events[0]["time"] == "2024-03-12T14:00:05.123456Z"


def test_a_bad_file_in_an_upload_stores_nothing_of_the_import(client: WebClient) -> None:
    incident_id = _new(client)
    good = IMPORTERS / "alertmanager" / "01-firing.json"
    upload = [
        *_files(good),
        ("file", ("broken.json", b'{"receiver": "x", "alerts": [{"labels": ', "application/json")),
    ]
    answer = client.post(
        f"{_events_url(incident_id)}/import", params={"source": "alertmanager"}, files=upload
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["file"] == "broken.json"
    assert client.get(_events_url(incident_id)).json() == []
    assert client.get(f"/api/v1/postmortems/{incident_id}").json()["version"] == 1


def test_an_upload_names_its_source_and_sends_files(client: WebClient) -> None:
    incident_id = _new(client)
    good = _files(IMPORTERS / "alertmanager" / "01-firing.json")
    unknown = client.post(
        f"{_events_url(incident_id)}/import", params={"source": "fax"}, files=good
    )
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (422, "query.source")
    no_files = client.post(
        f"{_events_url(incident_id)}/import", params={"source": "alertmanager"}, json={}
    )
    assert (no_files.status_code, no_files.json()["error"]["field"]) == (422, "file")
    csv = [("file", ("manual.csv", (IMPORTERS / "manual.csv").read_bytes(), "text/csv"))]
    missing = client.post(f"{_events_url('INC-404')}/import", params={"source": "csv"}, files=csv)
    assert (missing.status_code, missing.json()["error"]["type"]) == (404, "PostmortemNotFound")


def test_a_change_made_on_an_older_version_is_a_stale_edit(client: WebClient) -> None:
    incident_id = _new(client)
    first = client.post(
        _events_url(incident_id),
        params={"version": 1},
        json={"time": "2024-03-12T14:01:10Z", "text": "Alert fired"},
    )
    assert first.status_code == 201, first.text
    ref = first.json()["ref"]
    # Someone else's page still shows version 1.
    stale = client.patch(
        f"{_events_url(incident_id)}/{ref}", params={"version": 1}, json={"text": "Overwritten"}
    )
    assert (stale.status_code, stale.json()["error"]["type"]) == (409, "StaleEdit")
    assert "version 2" in stale.json()["error"]["message"]
    assert (
        client.put(f"{_events_url(incident_id)}/{ref}/key", params={"version": 1}).status_code
        == 409
    )
    gone = client.delete(f"{_events_url(incident_id)}/{ref}", params={"version": 1})
    assert gone.status_code == 409
    assert [(e["text"], e["key"]) for e in client.get(_events_url(incident_id)).json()] == [
        ("Alert fired", False)
    ]
    current = client.patch(
        f"{_events_url(incident_id)}/{ref}", params={"version": 2}, json={"text": "Alert: 5%"}
    )
    assert (current.status_code, current.json()["text"]) == (200, "Alert: 5%")


def test_an_upload_past_the_limit_is_a_413_and_stores_nothing(
    client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blamefree.web.api import bodies

    incident_id = _new(client)
    monkeypatch.setattr(bodies, "MAX_UPLOAD_BYTES", 2_000)
    payload = IMPORTERS / "alertmanager" / "01-firing.json"
    big = [("file", ("01-firing.json", payload.read_bytes() * 3, "application/json"))]
    declared = client.post(
        f"{_events_url(incident_id)}/import", params={"source": "alertmanager"}, files=big
    )
    assert declared.status_code == 413
    assert declared.json()["error"] == {
        "type": "HTTPError",
        "status": 413,
        "message": "the upload is larger than the 2,000 bytes allowed",
    }
    encoded = httpx.Request("POST", "http://testserver/", files=big)
    body = encoded.read()
    headers = {"content-type": encoded.headers["content-type"]}

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(body), 500):
            yield body[start : start + 500]

    streamed = client.post(
        f"{_events_url(incident_id)}/import",
        params={"source": "alertmanager"},
        content=chunks(),
        headers=headers,
    )
    assert (streamed.status_code, streamed.json()["error"]["status"]) == (413, 413)
    assert client.get(_events_url(incident_id)).json() == []


@pytest.mark.parametrize(
    ("source", "names", "kinds"),
    [
        (
            "grafana",
            ["grafana/notification.json"],
            ["alert_fired", "alert_fired", "alert_resolved"],
        ),
        (
            "opsgenie",
            ["opsgenie/alerts.json"],
            ["page_triggered", "acknowledged", "assigned", "annotation", "resolved"],
        ),
        (
            "statuspage",
            ["statuspage/01-investigating.json", "statuspage/02-resolved.json"],
            ["status_update"] * 4,
        ),
        (
            "pagerduty",
            [f"pagerduty_webhooks/{n}" for n in ("01-triggered.json", "02-acknowledged.json")],
            ["page_triggered", "acknowledged"],
        ),
        ("csv", ["manual.csv"], ["deploy", "deploy", "custom"]),  # 13:55, 14:12:30, 14:50 UTC
        ("jsonl", ["manual.jsonl"], ["deploy", "deploy"]),
    ],
)
def test_every_other_source_imports_from_an_upload(
    client: WebClient, source: str, names: list[str], kinds: list[str]
) -> None:
    incident_id = _new(client)
    upload = _files(*(IMPORTERS / name for name in names))
    answer = client.post(
        f"{_events_url(incident_id)}/import", params={"source": source}, files=upload
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "read": len(kinds),
        "added": len(kinds),
        "skipped": 0,
        "version": 2,
    }
    events = client.get(_events_url(incident_id)).json()
    assert [e["kind"] for e in events] == kinds
    assert {e["recorded_by"] for e in events} == {"Tester"}
