"""``POST /api/v1/postmortems`` with ``events``: a new post-mortem whose first version holds its
timeline, the same events as adding each one after it (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from blamefree.markdown.parse import parse
from support.web import WebClient

API = "/api/v1/postmortems"
HEADER = {"title": "Checkout latency", "severity": "P2", "incident_id": "INC-700"}
EVENTS = [
    {"time": "2026-11-20T09:20:00Z", "text": "Rolled back the deploy", "phase": "mitigation"},
    {"time": "2026-11-20T09:05:00Z", "text": "Latency alert fired", "phase": "detection"},
    {"time": "2026-11-20T09:12:00+01:00", "text": "Paged the on-call", "actor": "Ana", "key": True},
]


def _shape(events: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(e["time"], e["text"], e["phase"], e["actor"], e["key"], e["source"]) for e in events]


def test_the_events_are_in_the_first_version_in_time_order(client: WebClient) -> None:
    answer = client.post(API, json={**HEADER, "events": EVENTS})
    assert answer.status_code == 201, answer.text
    assert answer.json()["version"] == 1
    events = client.get(f"{API}/INC-700/events").json()
    assert _shape(events) == [
        ("2026-11-20T08:12:00.000000Z", "Paged the on-call", None, "Ana", True, "manual"),
        ("2026-11-20T09:05:00.000000Z", "Latency alert fired", "detection", None, False, "manual"),
        (
            "2026-11-20T09:20:00.000000Z",
            "Rolled back the deploy",
            "mitigation",
            None,
            False,
            "manual",
        ),
    ]
    assert [e["recorded_by"] for e in events] == ["Tester"] * 3
    history = client.get(f"{API}/INC-700/history").json()
    assert [(r["version"], r["message"]) for r in history] == [(1, "created")]


def test_the_stored_text_reads_back_as_the_same_events(client: WebClient) -> None:
    assert client.post(API, json={**HEADER, "events": EVENTS}).status_code == 201
    text = client.get(f"{API}/INC-700/export", params={"base": "false"}).text
    read_back = parse(text).timeline.events
    stored = client.get(f"{API}/INC-700/events").json()
    assert [
        (f"{e.time.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S.%fZ}", e.text, e.phase, e.actor, e.key)
        for e in read_back
    ] == [(e["time"], e["text"], e["phase"], e["actor"], e["key"]) for e in stored]
    assert [e.source.id for e in read_back] == [e["source_id"] for e in stored]


def test_the_same_events_as_adding_each_after_creating(client: WebClient) -> None:
    assert client.post(API, json={**HEADER, "events": EVENTS}).status_code == 201
    one_by_one = {**HEADER, "incident_id": "INC-701"}
    assert client.post(API, json=one_by_one).status_code == 201
    for event in EVENTS:
        assert client.post(f"{API}/INC-701/events", json=event).status_code == 201
    together = client.get(f"{API}/INC-700/events").json()
    apart = client.get(f"{API}/INC-701/events").json()
    drop = ("ref", "source_id")
    assert [{k: v for k, v in e.items() if k not in drop} for e in together] == [
        {k: v for k, v in e.items() if k not in drop} for e in apart
    ]


def test_a_bad_event_stores_nothing(client: WebClient) -> None:
    bad = [*EVENTS, {"time": "2026-11-20T09:30:00", "text": "No time zone"}]
    answer = client.post(API, json={**HEADER, "events": bad})
    assert answer.status_code == 422
    assert answer.json()["error"]["type"] == "ValidationFailed"
    assert client.get(f"{API}/INC-700").status_code == 404
