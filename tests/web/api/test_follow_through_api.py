"""Action items, prevention measures, reviews and people through the API."""

from __future__ import annotations

from typing import Any

from support.web import WebClient

API = "/api/v1"


def _items(client: WebClient, **params: Any) -> list[dict[str, Any]]:
    answer = client.get(f"{API}/actions", params=params)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()
    return items


def test_action_items_across_post_mortems_with_filters(client: WebClient, pay318: str) -> None:
    everything = _items(client)
    assert [(i["text"], i["status"], i["owner"]) for i in everything] == [
        ("Require `CONCURRENTLY` for every index migration", "done", "Jonas"),
        ("Post migration deploys to #payments-deploys", "done", "Lena"),
        ("Block migrations during the settlement window", "open", "Platform"),
        ("Staging data at production scale for the largest tables", "open", "Data platform"),
    ]
    assert [i["text"] for i in _items(client, owner="@lena")] == [
        "Post migration deploys to #payments-deploys"
    ]
    open_items = _items(client, status="open")
    assert [i["owner"] for i in open_items] == ["Platform", "Data platform"]
    # Today is 2026-11-20 (the test clock): the open items of March 2024 are overdue.
    assert [i["overdue"] for i in _items(client, overdue="true")] == [True, True]
    assert _items(client, severity="P0") == []
    assert len(_items(client, incident_id=pay318)) == 4


def test_one_action_item_with_its_history_and_a_change(client: WebClient, pay318: str) -> None:
    item = _items(client, owner="Platform")[0]
    changed = client.patch(
        f"{API}/actions/{item['id']}",
        json={"status": "in_progress", "owner": "Ines", "due_date": "2026-12-01"},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["status"], body["owner"], body["due_date"], body["overdue"]) == (
        "in_progress",
        "Ines",
        "2026-12-01",
        False,
    )
    detail = client.get(f"{API}/actions/{item['id']}").json()
    assert [(h["field"], h["old"], h["new"], h["by"]) for h in detail["history"]] == [
        ("created", None, "open", "Tester"),
        ("status", "open", "in_progress", "Tester"),
        ("owner", "Platform", "Ines", "Tester"),
        ("due_date", "2024-04-05", "2026-12-01", "Tester"),
    ]
    history = client.get(f"{API}/postmortems/{pay318}/history").json()
    assert history[-1]["message"] == (
        f"{item['id']}: status in progress, due 2026-12-01, assigned to Ines"
    )
    moved = client.patch(f"{API}/actions/{item['id']}", json={"horizon": "long_term"})
    assert moved.json()["horizon"] == "long_term"


def test_action_item_errors_name_the_item_and_the_field(client: WebClient, pay318: str) -> None:
    missing = client.get(f"{API}/actions/A-NOPE00")
    assert (missing.status_code, missing.json()["error"]["type"]) == (404, "ActionItemNotFound")
    item = _items(client, owner="Platform")[0]
    bad_status = client.patch(f"{API}/actions/{item['id']}", json={"status": "finished"})
    assert (bad_status.status_code, bad_status.json()["error"]["field"]) == (422, "status")
    empty_owner = client.patch(f"{API}/actions/{item['id']}", json={"owner": "  "})
    assert (empty_owner.status_code, empty_owner.json()["error"]["field"]) == (422, "owner")
    done = _items(client, owner="Jonas")[0]
    reopen = client.patch(f"{API}/actions/{done['id']}", json={"status": "proposed"})
    assert (reopen.status_code, reopen.json()["error"]["field"]) == (422, "status")
    assert client.get(f"{API}/postmortems/{pay318}").json()["version"] == 1


def test_add_an_action_item_to_a_post_mortem(client: WebClient, pay318: str) -> None:
    added = client.post(
        f"{API}/postmortems/{pay318}/actions",
        json={"text": "Alert on settlement lock waits", "horizon": "immediate", "owner": "Lena"},
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["incident_id"], body["horizon"], body["owner"], body["due_date"]) == (
        pay318,
        "immediate",
        "Lena",
        "2024-03-19",
    )
    assert body["id"].startswith("A-")
    assert len(_items(client, incident_id=pay318)) == 5
    empty = client.post(f"{API}/postmortems/{pay318}/actions", json={"text": ""})
    assert (empty.status_code, empty.json()["error"]["field"]) == (422, "text")
    nowhere = client.post(f"{API}/postmortems/INC-404/actions", json={"text": "Something"})
    assert (nowhere.status_code, nowhere.json()["error"]["type"]) == (404, "PostmortemNotFound")


def test_prevention_measures_across_post_mortems(client: WebClient, pay318: str) -> None:
    listed = client.get(f"{API}/prevention").json()
    assert [(m["incident_id"], m["category"], m["number"], m["status"]) for m in listed] == [
        (pay318, "technical", 1, "done"),
        (pay318, "technical", 2, "open"),
        (pay318, "process", 1, "open"),
        (pay318, "monitoring", 1, "done"),
    ]
    still_open = client.get(f"{API}/prevention", params={"status": "open"}).json()
    assert [m["text"] for m in still_open] == [
        "Lock wait timeout of 5 s for migrations",
        "Migration freeze during the settlement window",
    ]
    done = client.patch(
        f"{API}/postmortems/{pay318}/prevention/technical/2", json={"status": "done"}
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["closed_at"]) == (
        "done",
        "2026-11-20T09:00:00+00:00",
    )
    one = client.get(f"{API}/postmortems/{pay318}/prevention").json()
    assert [m["status"] for m in one] == ["done", "done", "open", "done"]
    missing = client.patch(
        f"{API}/postmortems/{pay318}/prevention/technical/9", json={"status": "done"}
    )
    assert (missing.status_code, missing.json()["error"]["type"]) == (404, "MeasureNotFound")
    bad = client.patch(f"{API}/postmortems/{pay318}/prevention/cultural/1", json={"status": "done"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "category")


def test_reviews_scheduled_and_held(client: WebClient, pay318: str) -> None:
    pending = client.get(f"{API}/reviews").json()
    assert [(r["kind"], r["due_date"], r["overdue"]) for r in pending] == [
        ("1w", "2024-03-19", True),
        ("1m", "2024-04-12", True),
        ("3m", "2024-06-12", True),
    ]
    held = client.post(
        f"{API}/postmortems/{pay318}/reviews",
        json={"kind": "1w", "notes": "Linter rule shipped; freeze still open."},
    )
    assert held.status_code == 201, held.text
    assert (held.json()["done_at"], held.json()["by"], held.json()["notes"]) == (
        "2026-11-20T09:00:00+00:00",
        "Tester",
        "Linter rule shipped; freeze still open.",
    )
    moved = client.put(f"{API}/postmortems/{pay318}/reviews/3m", json={"date": "2026-12-15"})
    assert (moved.json()["due_date"], moved.json()["overdue"]) == ("2026-12-15", False)
    upcoming = client.get(f"{API}/reviews", params={"upcoming": 30}).json()
    assert [r["kind"] for r in upcoming] == ["3m"]
    everything = client.get(f"{API}/reviews", params={"include_done": "true"}).json()
    assert [r["kind"] for r in everything] == ["1w", "1m", "3m"]
    early = client.put(f"{API}/postmortems/{pay318}/reviews/1m", json={"date": "2024-01-01"})
    assert (early.status_code, early.json()["error"]["field"]) == (422, "date")
    bad_kind = client.post(f"{API}/postmortems/{pay318}/reviews", json={"kind": "2y"})
    assert (bad_kind.status_code, bad_kind.json()["error"]["field"]) == (422, "kind")
    nowhere = client.get(f"{API}/reviews", params={"incident_id": "INC-404"})
    assert nowhere.status_code == 404


def test_people_added_updated_listed_and_removed(client: WebClient) -> None:
    added = client.post(f"{API}/people", json={"name": "Lena", "slack": "lena.k"})
    assert (added.status_code, added.json()) == (
        201,
        {"name": "Lena", "email": None, "slack": "@lena.k"},
    )
    updated = client.post(f"{API}/people", json={"name": "Lena", "email": "lena@example.com"})
    assert (updated.status_code, updated.json()["email"]) == (200, "lena@example.com")
    assert [p["name"] for p in client.get(f"{API}/people").json()] == ["Lena"]
    bad = client.post(f"{API}/people", json={"name": "Jonas", "email": "not an address"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "email")
    assert client.delete(f"{API}/people/Lena").status_code == 204
    gone = client.delete(f"{API}/people/Lena")
    assert (gone.status_code, gone.json()["error"]["type"]) == (404, "PersonNotFound")
    assert client.get(f"{API}/people").json() == []


def test_changes_made_on_an_older_version_are_stale_edits(client: WebClient, pay318: str) -> None:
    item = _items(client, owner="Platform")[0]
    saved = client.patch(
        f"{API}/actions/{item['id']}", params={"version": 1}, json={"owner": "Ines"}
    )
    assert saved.status_code == 200, saved.text
    stale = client.patch(
        f"{API}/actions/{item['id']}", params={"version": 1}, json={"owner": "Jonas"}
    )
    assert (stale.status_code, stale.json()["error"]["type"]) == (409, "StaleEdit")
    added = client.post(
        f"{API}/postmortems/{pay318}/actions", params={"version": 1}, json={"text": "Late idea"}
    )
    assert added.status_code == 409
    measure = client.patch(
        f"{API}/postmortems/{pay318}/prevention/process/1",
        params={"version": 1},
        json={"status": "done"},
    )
    assert measure.status_code == 409
    assert _items(client, owner="Ines")[0]["id"] == item["id"]
    assert len(_items(client, incident_id=pay318)) == 4
    assert client.get(f"{API}/postmortems/{pay318}").json()["version"] == 2
