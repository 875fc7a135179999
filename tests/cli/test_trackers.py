"""`blamefree actions push / pull` end to end against fake Jira and GitHub servers on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from blamefree.trackers.base import IssueDraft
from blamefree.trackers.github import GitHubTracker
from support.cli import Invoke
from support.fake_http import Answer, FakeServer, Seen, fake_server
from support.fake_trackers import FakeGitHub, FakeJira

NOW = "2024-04-05T09:00:00Z"
DOCUMENT = """\
# Post-Mortem: Checkout outage

**Incident ID:** INC-7
**Date:** 2024-03-12
**Severity:** P1

---

## Action Items

### Immediate (This Week)
- [x] Raise the pool size
  - **Owner:** Tomás
  - **Due Date:** 2024-03-15
  - **Priority:** High

- [ ] Alert on pool saturation
  - **Owner:** @priya
  - **Due Date:** 2024-03-19
  - **Priority:** High

### Short-term (Next 30 Days)
- [ ] Show config diffs in deploy reviews
  - **Owner:** Sam
  - **Priority:** Medium

### Long-term (Next 90 Days)
- [ ] Split the config template
  - **Owner:** Priya
  - **Due Date:** 2024-06-07
  - **Priority:** Low
"""


@pytest.fixture
def ids(cli: Invoke, tmp_path: Path) -> dict[str, str]:
    """The store with one post-mortem; its action items' ids by text."""
    path = tmp_path / "inc-7.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    run = cli("--now", NOW, "actions", "list", "--json")
    assert run.exit_code == 0, run.stderr
    return {item["text"]: item["id"] for item in json.loads(run.stdout)}


@pytest.fixture
def github() -> Iterator[tuple[FakeGitHub, FakeServer]]:
    fake = FakeGitHub()
    with fake_server(fake) as server:
        fake.base_url = server.url
        yield fake, server


@pytest.fixture
def jira() -> Iterator[tuple[FakeJira, FakeServer]]:
    fake = FakeJira()
    with fake_server(fake) as server:
        fake.base_url = server.url
        yield fake, server


def github_env(server: FakeServer) -> dict[str, str]:
    return {
        "BLAMEFREE_GITHUB_API_URL": server.url,
        "BLAMEFREE_GITHUB_TOKEN": "gh-token",
        "BLAMEFREE_GITHUB_REPO": "acme/ops",
        "BLAMEFREE_NOW": NOW,
    }


def jira_env(server: FakeServer, **extra: str) -> dict[str, str]:
    return {
        "BLAMEFREE_JIRA_URL": server.url,
        "BLAMEFREE_JIRA_EMAIL": "pm@example.com",
        "BLAMEFREE_JIRA_TOKEN": "jira-token",
        "BLAMEFREE_JIRA_PROJECT": "OPS",
        "BLAMEFREE_NOW": NOW,
        **extra,
    }


def tracker_of(cli: Invoke, uid: str) -> object:
    run = cli("--now", NOW, "actions", "show", uid, "--json")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)["tracker"]


def status_of(cli: Invoke, uid: str) -> str:
    run = cli("--now", NOW, "actions", "show", uid, "--json")
    return str(json.loads(run.stdout)["status"])


def test_push_all_to_github_files_each_open_item_once(
    cli: Invoke, ids: dict[str, str], github: tuple[FakeGitHub, FakeServer]
) -> None:
    fake, server = github
    run = cli(
        "actions",
        "push",
        "--all",
        "--to",
        "github",
        "--milestone",
        "2",
        "--json",
        env=github_env(server),
    )
    assert run.exit_code == 0, run.stderr
    results = json.loads(run.stdout)
    assert {r["text"]: r["outcome"] for r in results} == {
        "Alert on pool saturation": "created",
        "Show config diffs in deploy reviews": "created",
        "Split the config template": "created",
    }
    assert sorted(r["key"] for r in results) == ["acme/ops#1347", "acme/ops#1348", "acme/ops#1349"]
    assert fake.problems == []
    created = [s.json() for s in server.seen if s.method == "POST"]
    by_title = {body["title"]: body for body in created}
    alert = by_title["Alert on pool saturation"]
    assert alert["assignees"] == ["priya"]
    assert alert["labels"] == ["blamefree", "horizon: immediate", "priority: high"]
    assert alert["milestone"] == 2
    assert f"<!-- blamefree-action-{ids['Alert on pool saturation']} -->" in alert["body"]
    # No explicit due date: the short-term horizon ends 30 days after the incident.
    assert "- **Due:** 2024-04-11" in by_title["Show config diffs in deploy reviews"]["body"]
    assert "Raise the pool size" not in by_title  # done already

    alert_id = ids["Alert on pool saturation"]
    issue = next(r for r in results if r["id"] == alert_id)
    assert tracker_of(cli, alert_id) == {
        "system": "github",
        "key": issue["key"],
        "url": issue["url"],
    }
    rendered = cli("render", "INC-7")
    assert f"[{issue['key']}]({issue['url']})" in rendered.stdout

    again = cli("actions", "push", "--all", "--to", "github", "--json", env=github_env(server))
    assert again.exit_code == 0, again.stderr
    assert {r["outcome"] for r in json.loads(again.stdout)} == {"linked already"}
    assert len(fake.issues) == 3


def test_an_interrupted_push_can_be_run_again_without_duplicates(
    cli: Invoke, ids: dict[str, str], github: tuple[FakeGitHub, FakeServer]
) -> None:
    fake, server = github
    # An earlier run created this item's issue and died before recording it.
    orphan = ids["Split the config template"]
    early = GitHubTracker(repo="acme/ops", token="gh-token", api_url=server.url)
    early.create(
        IssueDraft(
            uid=orphan, text="Split the config template", incident_id="INC-7", horizon="long_term"
        )
    )
    early.close()
    # This run's first create fails: the tracker has a bad moment.
    calls = {"posts": 0}
    original = fake.__call__

    def flaky(request: Seen) -> Answer:
        if request.method == "POST":
            calls["posts"] += 1
            if calls["posts"] == 1:
                return Answer(502, {"message": "Server Error"})
        return original(request)

    server.answer_with(flaky)
    first = cli("actions", "push", "--all", "--to", "github", "--json", env=github_env(server))
    assert first.exit_code == 8
    outcomes = {r["text"]: r["outcome"] for r in json.loads(first.stdout)}
    assert outcomes == {
        "Alert on pool saturation": "failed",
        "Show config diffs in deploy reviews": "not tried",
        "Split the config template": "not tried",
    }
    assert "HTTP 502: Server Error; 2 not tried, run the push again" in " ".join(
        first.stderr.split()
    )

    server.answer_with(original)
    second = cli("actions", "push", "--all", "--to", "github", "--json", env=github_env(server))
    assert second.exit_code == 0, second.stderr
    outcomes = {r["text"]: r["outcome"] for r in json.loads(second.stdout)}
    assert outcomes == {
        "Alert on pool saturation": "created",
        "Show config diffs in deploy reviews": "created",
        "Split the config template": "found",
    }
    assert len(fake.issues) == 3
    assert tracker_of(cli, orphan) == {
        "system": "github",
        "key": "acme/ops#1347",
        "url": "https://github.com/acme/ops/issues/1347",
    }


def test_push_one_item_to_jira_then_pull_its_resolution(
    cli: Invoke, ids: dict[str, str], jira: tuple[FakeJira, FakeServer]
) -> None:
    fake, server = jira
    uid = ids["Alert on pool saturation"]
    run = cli("actions", "push", uid, "--to", "jira", env=jira_env(server))
    assert run.exit_code == 0, run.stderr
    assert "OPS-1" in run.stdout
    assert fake.problems == []
    create = next(s for s in server.seen if s.method == "POST")
    assert create.path == "/rest/api/3/issue"
    fields = create.json()["fields"]
    assert (fields["project"], fields["issuetype"], fields["priority"], fields["duedate"]) == (
        {"key": "OPS"},
        {"name": "Task"},
        {"name": "High"},
        "2024-03-19",
    )
    assert fields["description"]["type"] == "doc"
    assert tracker_of(cli, uid) == {
        "system": "jira",
        "key": "OPS-1",
        "url": f"{server.url}/browse/OPS-1",
    }

    unchanged = cli("actions", "pull", "--json", env=jira_env(server))
    assert unchanged.exit_code == 0, unchanged.stderr
    assert [(r["key"], r["outcome"], r["remote"]) for r in json.loads(unchanged.stdout)] == [
        ("OPS-1", "unchanged", "To Do")
    ]
    fake.resolve("OPS-1")
    pulled = cli("actions", "pull", "--json", env=jira_env(server))
    assert pulled.exit_code == 0, pulled.stderr
    assert [
        (r["id"], r["before"], r["after"], r["outcome"]) for r in json.loads(pulled.stdout)
    ] == [(uid, "open", "done", "updated")]
    assert status_of(cli, uid) == "done"
    assert "- [x] Alert on pool saturation" in cli("render", "INC-7").stdout


def test_jira_server_gets_v2_with_a_plain_description(cli: Invoke, ids: dict[str, str]) -> None:
    fake = FakeJira(email=None, token="pat", api_version=2)
    with fake_server(fake) as server:
        fake.base_url = server.url
        env = jira_env(
            server,
            BLAMEFREE_JIRA_EMAIL="",
            BLAMEFREE_JIRA_TOKEN="pat",
            BLAMEFREE_JIRA_API_VERSION="2",
        )
        run = cli("actions", "push", ids["Split the config template"], "--to", "jira", env=env)
    assert run.exit_code == 0, run.stderr
    assert fake.problems == []
    fields = next(s for s in server.seen if s.method == "POST").json()["fields"]
    assert fields["description"].startswith("Split the config template\n\n* Post-mortem: INC-7")


def test_github_closed_as_not_planned_becomes_wont_do(
    cli: Invoke, ids: dict[str, str], github: tuple[FakeGitHub, FakeServer]
) -> None:
    fake, server = github
    uid = ids["Split the config template"]
    assert cli("actions", "push", uid, "--to", "github", env=github_env(server)).exit_code == 0
    fake.close_issue(1347, "not_planned")
    run = cli("actions", "pull", uid, env=github_env(server))
    assert run.exit_code == 0, run.stderr
    assert status_of(cli, uid) == "wont_do"


def test_bad_credentials_exit_8_with_a_clear_message(
    cli: Invoke, ids: dict[str, str], github: tuple[FakeGitHub, FakeServer]
) -> None:
    _, server = github
    env = {**github_env(server), "BLAMEFREE_GITHUB_TOKEN": "expired"}
    run = cli("actions", "push", "--all", "--to", "github", env=env)
    assert run.exit_code == 8
    assert (
        "HTTP 401, GitHub did not accept the credentials; check BLAMEFREE_GITHUB_TOKEN"
        in " ".join(run.stderr.split())
    )


def test_rate_limited_push_says_when_to_try_again(
    cli: Invoke, ids: dict[str, str], jira: tuple[FakeJira, FakeServer]
) -> None:
    fake, server = jira
    fake.fail_next.append(
        Answer(429, {"errorMessages": ["Rate limit exceeded"]}, {"Retry-After": "900"})
    )
    run = cli(
        "actions", "push", ids["Split the config template"], "--to", "jira", env=jira_env(server)
    )
    assert run.exit_code == 8
    assert (
        "Jira rate limit reached (GET /rest/api/3/search/jql, HTTP 429); try again in 15 min"
        in " ".join(run.stderr.split())
    )


def test_missing_settings_and_bad_usage(cli: Invoke, ids: dict[str, str]) -> None:
    run = cli("actions", "push", "--all", "--to", "jira", env={"BLAMEFREE_JIRA_URL": ""})
    assert run.exit_code == 6
    assert (
        "Jira is not configured: set BLAMEFREE_JIRA_URL, BLAMEFREE_JIRA_TOKEN, BLAMEFREE_JIRA_PROJECT"
        in " ".join(run.stderr.split())
    )
    both = cli("actions", "push", "A-11", "--all", "--to", "github")
    assert both.exit_code == 2
    assert "not both" in both.stderr
    unknown = cli(
        "actions",
        "push",
        "A-NOPE99",
        "--to",
        "github",
        env={"BLAMEFREE_GITHUB_TOKEN": "t", "BLAMEFREE_GITHUB_REPO": "a/b"},
    )
    assert unknown.exit_code == 4
