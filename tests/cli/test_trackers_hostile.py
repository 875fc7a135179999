"""`blamefree actions pull` on Tracker lines written to steer requests: refused, never sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.cli import Invoke
from support.fake_http import FakeServer, fake_server
from support.fake_trackers import FakeGitHub, FakeJira

HOSTILE = Path(__file__).parent.parent / "data" / "hostile" / "outbound" / "tracker-links.md"
NOW = "2024-03-01T09:00:00Z"


@pytest.fixture
def servers() -> Iterator[tuple[FakeServer, FakeServer]]:
    jira, github = FakeJira(), FakeGitHub()
    with fake_server(jira) as jira_server, fake_server(github) as github_server:
        jira.base_url, github.base_url = jira_server.url, github_server.url
        jira.issues["OPS-5"] = {
            "id": "10005",
            "key": "OPS-5",
            "fields": {},
            "status": {"name": "Done", "statusCategory": {"key": "done"}},
            "resolution": None,
        }
        for number in (9, 10):
            github.issues[number] = {"number": number, "state": "open", "state_reason": None}
        yield jira_server, github_server


def env(jira: FakeServer, github: FakeServer) -> dict[str, str]:
    return {
        "BLAMEFREE_JIRA_URL": jira.url,
        "BLAMEFREE_JIRA_EMAIL": "pm@example.com",
        "BLAMEFREE_JIRA_TOKEN": "jira-token",
        "BLAMEFREE_JIRA_PROJECT": "OPS",
        "BLAMEFREE_GITHUB_API_URL": github.url,
        "BLAMEFREE_GITHUB_TOKEN": "gh-token",
        "BLAMEFREE_GITHUB_REPO": "acme/ops",
        "BLAMEFREE_NOW": NOW,
    }


def test_pull_refuses_hostile_links_and_exits_3(
    cli: Invoke, servers: tuple[FakeServer, FakeServer]
) -> None:
    jira, github = servers
    assert cli("import", str(HOSTILE)).exit_code == 0
    run = cli("actions", "pull", "--json", env=env(jira, github))
    assert run.exit_code == 3, run.stderr
    results = json.loads(run.stdout)
    assert sorted((r["key"], r["outcome"]) for r in results if r["outcome"] != "refused") == [
        ("#9", "unchanged"),
        ("Acme/OPS#10", "unchanged"),
        ("OPS-5", "updated"),
    ]
    assert sum(r["outcome"] == "refused" for r in results) == 13
    assert [(s.method, s.path) for s in jira.seen] == [("GET", "/rest/api/3/issue/OPS-5")]
    assert sorted(s.path for s in github.seen) == [
        "/repos/acme/ops/issues/10",
        "/repos/acme/ops/issues/9",
    ]
    assert "13 of 16 items were not pulled" in " ".join(run.stderr.split())

    table = cli("actions", "pull", env=env(jira, github))
    assert table.exit_code == 3
    flat = " ".join(table.stdout.split())
    assert "refused" in flat
    assert "PAYROLL-12" in flat
