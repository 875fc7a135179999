"""Metrics and lint through the API: a stored post-mortem and a posted draft."""

from __future__ import annotations

from support.web import WebClient
from web.api.conftest import MARKDOWN

API = "/api/v1"


def test_metrics_of_a_stored_post_mortem_say_where_each_came_from(
    client: WebClient, pay318: str
) -> None:
    metrics = client.get(f"{API}/postmortems/{pay318}/metrics").json()
    assert sorted(metrics) == [
        "detection_time",
        "mitigation_time",
        "resolution_time",
        "response_time",
        "total_duration",
    ]
    assert metrics["detection_time"] == {"seconds": 720, "source": "timeline", "text": "12m"}
    assert metrics["response_time"] == {"seconds": 540, "source": "timeline", "text": "9m"}


def test_metrics_unknown_are_null_never_zero(client: WebClient) -> None:
    client.post(
        f"{API}/postmortems", json={"title": "Quiet", "severity": "P3", "date": "2026-11-01"}
    )
    metrics = client.get(f"{API}/postmortems/INC-20261101/metrics").json()
    assert {name: m["seconds"] for name, m in metrics.items()} == dict.fromkeys(metrics)
    assert {m["source"] for m in metrics.values()} == {None}


def test_lint_of_a_stored_post_mortem_points_at_lines_and_fields(
    client: WebClient, pay318: str
) -> None:
    findings = client.get(f"{API}/postmortems/{pay318}/lint").json()
    assert findings, "the Berlin post-mortem has lint findings"
    assert {f["file"] for f in findings} == {pay318}
    first = findings[0]
    assert sorted(first) == [
        "category",
        "column",
        "end_column",
        "end_line",
        "field",
        "file",
        "line",
        "message",
        "rule",
        "severity",
        "suggestion",
    ]
    assert all(f["line"] >= 1 and f["rule"].startswith("BF") for f in findings)


def test_lint_of_a_posted_draft_finds_blaming_language(client: WebClient) -> None:
    template = client.post(
        f"{API}/postmortems",
        json={"title": "Queue backlog", "severity": "P2", "date": "2026-11-02"},
    )
    assert template.status_code == 201
    draft = client.get(f"{API}/postmortems/INC-20261102/export", params={"base": "false"}).text
    draft = draft.replace(
        "**What Happened:** [",
        "**What Happened:** Dave carelessly broke the deploy. [",
        1,
    )
    findings = client.post(f"{API}/lint", content=draft, headers=MARKDOWN).json()
    blaming = [f for f in findings if f["rule"].startswith("BF1")]
    assert blaming, findings
    assert blaming[0]["file"] == "request body"
    assert blaming[0]["field"] == "executive_summary.what_happened"
    assert client.get(f"{API}/postmortems").json()["total"] == 1  # nothing stored
    not_markdown = client.post(f"{API}/lint", content="hello\n", headers=MARKDOWN)
    assert (not_markdown.status_code, not_markdown.json()["error"]["type"]) == (
        422,
        "TemplateParseError",
    )
