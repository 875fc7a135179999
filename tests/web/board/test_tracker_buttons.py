"""Push to and pull from Jira / GitHub from the board, against the fake trackers of
``support.fake_trackers`` on 127.0.0.1, configured through settings (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from blamefree.services import actions
from support.board_docs import NOW
from support.board_pages import ClientWith
from support.fake_http import FakeServer, fake_server
from support.fake_trackers import FakeGitHub, FakeJira
from support.uow import in_uow


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


def github_settings(server: FakeServer, token: str = "gh-token") -> dict[str, object]:
    return {"github_api_url": server.url, "github_token": token, "github_repo": "acme/ops"}


def jira_settings(server: FakeServer) -> dict[str, object]:
    return {
        "jira_url": server.url,
        "jira_email": "pm@example.com",
        "jira_token": "jira-token",
        "jira_project": "OPS",
    }


def outcomes(html: str) -> list[str]:
    import re

    return re.findall(r'<span class="outcome outcome-\w+">([^<]+)</span>', html)


def tracker_of(engine: Engine, uid: str) -> tuple[str, str] | None:
    link = in_uow(
        engine, actions.show_action, action_id=uid, today=NOW.date()
    ).action.record.tracker
    return (link.system.value, link.key) if link else None


def test_selected_items_are_pushed_to_github_once(
    engine: Engine,
    client_with: ClientWith,
    ids: dict[str, str],
    github: tuple[FakeGitHub, FakeServer],
) -> None:
    fake, server = github
    chosen = [ids["Write the reindex runbook"], ids["Alert on cache hit ratio below 80%"]]
    with client_with(**github_settings(server)) as client:
        board = client.get("/actions").text
        assert "Push selected to GitHub" in board
        assert "Push to Jira (not configured)" in board
        assert (
            "Jira needs BLAMEFREE_JIRA_URL, BLAMEFREE_JIRA_TOKEN, BLAMEFREE_JIRA_PROJECT." in board
        )
        first = client.post_form(
            "/actions/push", {"action_id": chosen, "to": "github", "back": "/actions?group=due"}
        )
        assert first.status_code == 200
        assert outcomes(first.text) == ["created", "created"]
        assert "acme/ops#1347" in first.text and "acme/ops#1348" in first.text
        assert 'href="/actions?group=due"' in first.text
        again = client.post_form("/actions/push", {"action_id": chosen, "to": "github"})
        assert outcomes(again.text) == ["linked already", "linked already"]
    assert fake.problems == []
    assert [tracker_of(engine, uid) for uid in chosen] == [
        ("github", "acme/ops#1347"),
        ("github", "acme/ops#1348"),
    ]
    assert sorted(issue["title"] for issue in fake.issues.values()) == [
        "Alert on cache hit ratio below 80%",
        "Write the reindex runbook",
    ]
    history = in_uow(engine, actions.action_history, action_id=chosen[0])
    assert history[0].by == "Kim"


def test_pull_brings_a_closed_issue_back_as_done(
    engine: Engine,
    client_with: ClientWith,
    ids: dict[str, str],
    github: tuple[FakeGitHub, FakeServer],
) -> None:
    fake, server = github
    runbook, alert = ids["Write the reindex runbook"], ids["Alert on cache hit ratio below 80%"]
    unlinked = ids["Load test the checkout path every week"]
    with client_with(**github_settings(server)) as client:
        client.post_form("/actions/push", {"action_id": [runbook, alert], "to": "github"})
        fake.close_issue(1347)  # the runbook's issue, closed as completed on GitHub
        pulled = client.post_form("/actions/pull", {"action_id": [runbook, alert, unlinked]})
    assert pulled.status_code == 200
    assert outcomes(pulled.text) == ["updated", "unchanged", "not linked"]
    assert "open → <strong>done</strong>" in pulled.text
    assert "push it to Jira or GitHub first" in pulled.text
    status = {
        uid: in_uow(
            engine, actions.show_action, action_id=uid, today=NOW.date()
        ).action.record.status.value
        for uid in (runbook, alert, unlinked)
    }
    assert status == {runbook: "done", alert: "open", unlinked: "open"}
    assert in_uow(engine, actions.action_history, action_id=runbook)[-1].by == "Tester"


def test_jira_push_and_pull(
    engine: Engine,
    client_with: ClientWith,
    ids: dict[str, str],
    jira: tuple[FakeJira, FakeServer],
) -> None:
    fake, server = jira
    uid = ids["Page when the indexer lags by 15 minutes"]
    with client_with(**jira_settings(server)) as client:
        pushed = client.post_form("/actions/push", {"action_id": uid, "to": "jira"})
        assert outcomes(pushed.text) == ["created"]
        fake.resolve("OPS-1")
        pulled = client.post_form("/actions/pull", {"action_id": uid})
        assert outcomes(pulled.text) == ["updated"]
    assert fake.problems == []
    assert tracker_of(engine, uid) == ("jira", "OPS-1")
    view = in_uow(engine, actions.show_action, action_id=uid, today=NOW.date()).action
    assert view.record.status.value == "done"


def test_a_tracker_that_refuses_is_shown_per_item(
    engine: Engine,
    client_with: ClientWith,
    ids: dict[str, str],
    github: tuple[FakeGitHub, FakeServer],
) -> None:
    _fake, server = github
    chosen = [ids["Write the reindex runbook"], ids["Alert on cache hit ratio below 80%"]]
    with client_with(**github_settings(server, token="wrong-token")) as client:
        answer = client.post_form("/actions/push", {"action_id": chosen, "to": "github"})
    assert answer.status_code == 200
    assert outcomes(answer.text) == ["failed", "not tried"]
    assert f"GitHub failed on {chosen[0]}" in answer.text
    assert "wrong-token" not in answer.text
    assert [tracker_of(engine, uid) for uid in chosen] == [None, None]


def test_without_trackers_the_buttons_say_so(
    client_with: ClientWith,
    ids: dict[str, str],
    github: tuple[FakeGitHub, FakeServer],
) -> None:
    uid = ids["Write the reindex runbook"]
    with client_with() as client:
        board = client.get("/actions").text
        assert "Push to Jira (not configured)" in board
        assert "Push to GitHub (not configured)" in board
        assert "Pull status (no tracker configured)" in board
        assert 'formaction="/actions/push"' not in board
        refused = client.post_form("/actions/push", {"action_id": uid, "to": "github"})
        assert refused.status_code == 500
        assert "GitHub is not configured: set BLAMEFREE_GITHUB_TOKEN" in refused.text
    _fake, server = github
    with client_with(**github_settings(server)) as client:
        client.post_form("/actions/push", {"action_id": uid, "to": "github"})
    with client_with(**jira_settings(server)) as jira_only:
        pulled = jira_only.post_form("/actions/pull", {"action_id": uid})
    assert outcomes(pulled.text) == ["not configured"]
    assert "GitHub is not configured: set BLAMEFREE_GITHUB_TOKEN, BLAMEFREE_GITHUB_REPO" in (
        pulled.text
    )
