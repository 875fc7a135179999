"""``/api/v1/postmortems``: create, read, list, update (merged), delete, history and Markdown."""

from __future__ import annotations

from typing import Any

from support.web import WebClient
from web.api.conftest import BERLIN, DATA, MARKDOWN, store_markdown

API = "/api/v1/postmortems"


def _create(client: WebClient, title: str, severity: str, day: str) -> dict[str, Any]:
    answer = client.post(API, json={"title": title, "severity": severity, "date": day})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_new_post_mortem_from_the_template_is_version_1_by_the_actor(client: WebClient) -> None:
    created = _create(client, "Checkout errors after deploy", "P1", "2026-11-18")
    assert (created["incident_id"], created["version"], created["title"]) == (
        "INC-20261118",
        1,
        "Checkout errors after deploy",
    )
    assert (created["severity"], created["date"]) == ("P1", "2026-11-18")
    second = _create(client, "Second incident that day", "P3", "2026-11-18")
    assert second["incident_id"] == "INC-20261118-2"
    history = client.get(f"{API}/INC-20261118/history").json()
    assert [(r["version"], r["message"], r["by"]) for r in history] == [(1, "created", "Tester")]


def test_a_markdown_body_is_stored_as_its_author_wrote_it(client: WebClient, pay318: str) -> None:
    assert pay318 == "PAY-318"
    stored = client.get(f"{API}/PAY-318").json()
    assert (stored["title"], stored["severity"], stored["date"]) == (
        "Post-incident review: payments queue backlog",
        "P2",
        "2024-03-12",
    )
    exported = client.get(f"{API}/PAY-318/export", params={"base": "false"})
    assert exported.headers["content-type"].startswith("text/markdown")
    assert exported.text == BERLIN.read_text(encoding="utf-8")
    again = client.post(API, content=BERLIN.read_bytes(), headers=MARKDOWN)
    assert (again.status_code, again.json()["error"]["type"]) == (409, "DuplicatePostmortem")


def test_an_unknown_post_mortem_is_a_404_on_every_route(client: WebClient) -> None:
    for method, path in [
        ("GET", f"{API}/INC-404"),
        ("DELETE", f"{API}/INC-404"),
        ("GET", f"{API}/INC-404/history"),
        ("GET", f"{API}/INC-404/diff"),
        ("GET", f"{API}/INC-404/export"),
        ("GET", f"{API}/INC-404/metrics"),
        ("GET", f"{API}/INC-404/lint"),
    ]:
        answer = client.request(method, path)
        assert (answer.status_code, answer.json()["error"]["type"]) == (404, "PostmortemNotFound")
    restore = client.post(f"{API}/INC-404/restore", json={"version": 1})
    assert restore.json()["error"]["type"] == "PostmortemNotFound"


def test_a_bad_body_is_a_422_naming_the_field(client: WebClient) -> None:
    bad_severity = client.post(API, json={"title": "Disk full", "severity": "P9"})
    assert bad_severity.status_code == 422
    assert bad_severity.json()["error"]["field"] == "severity"
    unknown_key = client.post(API, json={"title": "Disk full", "severity": "P2", "owner": "x"})
    assert (unknown_key.status_code, unknown_key.json()["error"]["field"]) == (422, "owner")
    not_json = client.post(API, content=b"{not json", headers={"content-type": "application/json"})
    assert (not_json.status_code, not_json.json()["error"]["field"]) == (422, "body")
    no_template = client.post(API, content="just words\n", headers=MARKDOWN)
    assert no_template.status_code == 422
    assert no_template.json()["error"]["type"] == "TemplateParseError"
    assert no_template.json()["error"]["file"] == "request body"
    bad_limit = client.get(API, params={"limit": 0})
    assert (bad_limit.status_code, bad_limit.json()["error"]["field"]) == (422, "query.limit")
    assert client.get(API).json()["total"] == 0


def _seed_listing(client: WebClient) -> None:
    _create(client, "Search latency", "P2", "2026-09-01")
    _create(client, "Login outage", "P0", "2026-10-05")
    _create(client, "Billing export late", "P3", "2026-11-02")
    store_markdown(client, BERLIN)  # PAY-318, 2024-03-12, P2, open action items (Platform)


def test_the_list_filters_sorts_and_pages_with_a_total(client: WebClient) -> None:
    _seed_listing(client)
    everything = client.get(API).json()
    assert [s["incident_id"] for s in everything["items"]] == [
        "INC-20261102",
        "INC-20261005",
        "INC-20260901",
        "PAY-318",
    ]
    assert (everything["total"], everything["next_offset"]) == (4, None)

    page = client.get(API, params={"limit": 2, "offset": 1, "sort": "date"}).json()
    assert [s["incident_id"] for s in page["items"]] == ["INC-20260901", "INC-20261005"]
    assert (page["total"], page["limit"], page["offset"], page["next_offset"]) == (4, 2, 1, 3)

    p2 = client.get(API, params={"severity": "P2"}).json()
    assert [s["incident_id"] for s in p2["items"]] == ["INC-20260901", "PAY-318"]
    several = client.get(API, params=[("severity", "P0"), ("severity", "P3")]).json()
    assert several["total"] == 2
    ranged = client.get(API, params={"since": "2026-09-01", "until": "2026-10-31"}).json()
    assert [s["incident_id"] for s in ranged["items"]] == ["INC-20261005", "INC-20260901"]
    words = client.get(API, params={"q": "OUTAGE"}).json()
    assert [s["title"] for s in words["items"]] == ["Login outage"]
    by_severity = client.get(API, params={"sort": "severity"}).json()
    assert [s["severity"] for s in by_severity["items"]] == ["P0", "P2", "P2", "P3"]


def test_the_list_filters_by_action_items_and_their_owner(client: WebClient) -> None:
    _seed_listing(client)
    with_open = client.get(API, params={"actions": "open"}).json()
    assert [s["incident_id"] for s in with_open["items"]] == ["PAY-318"]
    assert (
        with_open["items"][0]["action_items_total"],
        with_open["items"][0]["action_items_done"],
    ) == (4, 2)
    none = client.get(API, params={"actions": "none"}).json()
    assert none["total"] == 3
    assert client.get(API, params={"actions": "done"}).json()["total"] == 0
    owned = client.get(API, params={"owner": "@data PLATFORM"}).json()
    assert [s["incident_id"] for s in owned["items"]] == ["PAY-318"]
    assert client.get(API, params={"owner": "Nobody"}).json()["total"] == 0
    backwards = client.get(API, params={"since": "2026-12-01", "until": "2026-01-01"})
    assert (backwards.status_code, backwards.json()["error"]["field"]) == (422, "since")


def _document(client: WebClient, incident_id: str) -> tuple[int, dict[str, Any]]:
    read = client.get(f"{API}/{incident_id}").json()
    return read["version"], read["document"]


def test_an_update_on_the_current_version_saves_the_next_one(
    client: WebClient, pay318: str
) -> None:
    version, doc = _document(client, pay318)
    doc["title"] = "Payments queue backlog during settlement"
    saved = client.put(f"{API}/{pay318}", json={"version": version, "document": doc})
    assert saved.status_code == 200, saved.text
    assert (saved.json()["version"], saved.json()["title"]) == (
        2,
        "Payments queue backlog during settlement",
    )
    text = client.get(f"{API}/{pay318}/export", params={"base": "false"}).text
    assert text.splitlines()[0] == "# Payments queue backlog during settlement"
    # Only the title line changed: the author's words elsewhere are kept.
    assert text.splitlines()[1:] == BERLIN.read_text(encoding="utf-8").splitlines()[1:]
    diff = client.get(f"{API}/{pay318}/diff").json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert "-# Post-incident review: payments queue backlog" in diff["diff"]
    assert "+# Payments queue backlog during settlement" in diff["diff"]


def test_edits_to_different_fields_from_the_same_version_merge(
    client: WebClient, pay318: str
) -> None:
    version, first = _document(client, pay318)
    _, second = _document(client, pay318)
    first["title"] = "Payments queue backlog (settlement lock)"
    assert (
        client.put(f"{API}/{pay318}", json={"version": version, "document": first}).json()[
            "version"
        ]
        == 2
    )
    second["executive_summary"]["impact"] = "40k card payments delayed by up to 2h48m."
    merged = client.put(f"{API}/{pay318}", json={"version": version, "document": second})
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["version"] == 3
    assert body["title"] == "Payments queue backlog (settlement lock)"
    assert body["document"]["executive_summary"]["impact"] == (
        "40k card payments delayed by up to 2h48m."
    )
    history = client.get(f"{API}/{pay318}/history").json()
    assert history[-1]["message"] == "updated (merged onto version 2)"


def test_the_same_field_changed_on_both_sides_is_a_409_with_both_values(
    client: WebClient, pay318: str
) -> None:
    version, first = _document(client, pay318)
    _, second = _document(client, pay318)
    first["title"] = "Settlement lock held the payments queue"
    client.put(f"{API}/{pay318}", json={"version": version, "document": first})
    second["title"] = "Index migration blocked payouts"
    clash = client.put(f"{API}/{pay318}", json={"version": version, "document": second})
    assert clash.status_code == 409
    error = clash.json()["error"]
    assert error["type"] == "MergeConflict"
    assert error["conflicts"] == [
        {
            "path": "title",
            "kind": "changed",
            "base": "Post-incident review: payments queue backlog",
            "stored": "Settlement lock held the payments queue",
            "file": "Index migration blocked payouts",
        }
    ]
    # Nothing of the refused save was stored.
    assert client.get(f"{API}/{pay318}").json()["version"] == 2
    assert (
        client.get(f"{API}/{pay318}").json()["title"] == "Settlement lock held the payments queue"
    )


def test_an_older_version_without_merging_is_a_stale_edit(client: WebClient, pay318: str) -> None:
    version, doc = _document(client, pay318)
    doc["title"] = "First save"
    client.put(f"{API}/{pay318}", json={"version": version, "document": doc})
    doc["title"] = "Second save from the old version"
    stale = client.put(
        f"{API}/{pay318}", params={"merge": "false"}, json={"version": version, "document": doc}
    )
    assert (stale.status_code, stale.json()["error"]["type"]) == (409, "StaleEdit")
    assert "version 2" in stale.json()["error"]["message"]
    assert client.get(f"{API}/{pay318}").json()["title"] == "First save"
    future = client.put(f"{API}/{pay318}", json={"version": 9, "document": doc})
    assert (future.status_code, future.json()["error"]["type"]) == (404, "RevisionNotFound")
    nested = dict(doc, severity="P9")
    invalid = client.put(f"{API}/{pay318}", json={"version": 2, "document": nested})
    assert (invalid.status_code, invalid.json()["error"]["field"]) == (422, "document.severity")
    renamed = dict(doc, incident_id="PAY-999")
    refused = client.put(f"{API}/{pay318}", json={"version": 2, "document": renamed})
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "document.incident_id")


def test_sending_back_what_was_read_stores_no_derived_value(client: WebClient) -> None:
    created = _create(client, "Cache stampede", "P2", "2026-11-10")
    incident_id = created["incident_id"]
    client.post(
        f"{API}/{incident_id}/events",
        json={"time": "2026-11-10T10:04:00Z", "text": "Cache hit rate alert", "phase": "detection"},
    )
    before = client.get(f"{API}/{incident_id}/export", params={"base": "false"}).text
    version, doc = _document(client, incident_id)
    assert doc["timeline"]["detection"]["time"] == "2026-11-10T10:04:00Z"  # derived, shown
    doc["title"] = "Cache stampede after eviction"
    saved = client.put(f"{API}/{incident_id}", json={"version": version, "document": doc})
    assert saved.status_code == 200, saved.text
    after = client.get(f"{API}/{incident_id}/export", params={"base": "false"}).text
    # Only the title changed: the detection block still says its time comes from the event
    # log, so it follows the events instead of being frozen as if someone had written it.
    assert after.splitlines()[0] == "# Cache stampede after eviction"
    assert after.splitlines()[1:] == before.splitlines()[1:]
    assert "- **Time:** 2026-11-10 10:04 UTC (from event log)" in after


def test_a_markdown_update_from_an_export_merges_with_what_was_saved_since(
    client: WebClient, pay318: str
) -> None:
    exported = client.get(f"{API}/{pay318}/export").text
    assert exported.startswith("<!-- blamefree: PAY-318 version 1")
    version, doc = _document(client, pay318)
    doc["title"] = "Changed in the meantime"
    client.put(f"{API}/{pay318}", json={"version": version, "document": doc})
    edited = exported.replace("**Severity:** Sev 2", "**Severity:** Sev 1")
    saved = client.put(f"{API}/{pay318}", content=edited, headers=MARKDOWN)
    assert saved.status_code == 200, saved.text
    assert (saved.json()["version"], saved.json()["severity"], saved.json()["title"]) == (
        3,
        "P1",
        "Changed in the meantime",
    )
    clash = exported.replace("# Post-incident review: payments queue backlog", "# A third title")
    refused = client.put(f"{API}/{pay318}", content=clash, headers=MARKDOWN)
    assert (refused.status_code, refused.json()["error"]["type"]) == (409, "MergeConflict")
    assert refused.json()["error"]["conflicts"][0]["stored"] == "Changed in the meantime"
    assert refused.json()["error"]["conflicts"][0]["file"] == "A third title"


def test_history_revisions_and_restore(client: WebClient, pay318: str) -> None:
    version, doc = _document(client, pay318)
    doc["title"] = "Renamed"
    client.put(f"{API}/{pay318}", json={"version": version, "document": doc})
    first = client.get(f"{API}/{pay318}/revisions/1")
    assert first.text == BERLIN.read_text(encoding="utf-8")
    restored = client.post(f"{API}/{pay318}/restore", json={"version": 1})
    assert restored.json() == {
        "incident_id": pay318,
        "action": "restored",
        "restored_version": 1,
        "version": 3,
    }
    assert client.get(f"{API}/{pay318}").json()["title"] == (
        "Post-incident review: payments queue backlog"
    )
    assert [r["message"] for r in client.get(f"{API}/{pay318}/history").json()] == [
        "imported from request body",
        "updated",
        "restored version 1",
    ]
    missing = client.post(f"{API}/{pay318}/restore", json={"version": 7})
    assert (missing.status_code, missing.json()["error"]["type"]) == (404, "RevisionNotFound")
    bad = client.post(f"{API}/{pay318}/restore", json={"version": 0})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "version")


def test_delete_removes_the_post_mortem(client: WebClient, pay318: str) -> None:
    assert client.delete(f"{API}/{pay318}").status_code == 204
    assert client.get(f"{API}/{pay318}").status_code == 404
    assert client.get(API).json()["total"] == 0


def test_markdown_import_by_upload_creates_then_updates(client: WebClient) -> None:
    path = DATA / "postmortems" / "cloudflare-waf-regex.md"
    upload = {"file": (path.name, path.read_bytes(), "text/markdown")}
    created = client.post(f"{API}/import", files=upload)
    assert created.status_code == 201, created.text
    assert created.json() == {
        "file": "cloudflare-waf-regex.md",
        "incident_id": "CF-2019-0702",
        "action": "created",
        "version": 1,
        "error": None,
    }
    again = client.post(f"{API}/import", files=upload)
    assert (again.status_code, again.json()["error"]["type"]) == (409, "DuplicatePostmortem")
    exported = client.get(f"{API}/CF-2019-0702/export").text
    changed = exported.replace("**Severity:** P0", "**Severity:** P1")
    updated = client.post(
        f"{API}/import", params={"update": "true"}, content=changed, headers=MARKDOWN
    )
    assert (updated.status_code, updated.json()["action"], updated.json()["version"]) == (
        200,
        "updated",
        2,
    )
    assert client.get(f"{API}/CF-2019-0702").json()["severity"] == "P1"


def test_a_too_large_document_is_refused_before_anything_is_stored(client: WebClient) -> None:
    from blamefree.web.api.bodies import MAX_DOCUMENT_BYTES

    huge = b"# Big\n" + b"x" * MAX_DOCUMENT_BYTES
    answer = client.post(API, content=huge, headers=MARKDOWN)
    assert answer.status_code == 413
    assert answer.json()["error"]["status"] == 413
    assert client.get(API).json()["total"] == 0
