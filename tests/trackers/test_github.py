"""The GitHub client against a fake GitHub on 127.0.0.1 that checks the documented formats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from blamefree.domain.tracker_refs import GitHubRef, InvalidReference, parse_github_key
from blamefree.errors import ConfigError, ExternalServiceError
from blamefree.trackers.base import ExternalIssue, IssueDraft, RemoteState, rate_limit_wait
from blamefree.trackers.github import GitHubTracker, assignee
from support.fake_http import Answer, FakeServer, fake_server
from support.fake_trackers import FakeGitHub

DRAFT = IssueDraft(
    uid="A-7F3K2Q",
    text="Add a connection-pool saturation alert",
    incident_id="INC-2024-0142",
    incident_title="Checkout outage",
    horizon="short_term",
    owner="@dana-ops",
    due_date=dt.date(2024, 4, 11),
    priority="High",
)


@pytest.fixture
def github() -> Iterator[tuple[FakeGitHub, FakeServer]]:
    fake = FakeGitHub()
    with fake_server(fake) as server:
        fake.base_url = server.url
        yield fake, server


def tracker(server: FakeServer, **options: object) -> GitHubTracker:
    settings: dict[str, object] = {"repo": "acme/ops", "token": "gh-token", "api_url": server.url}
    settings.update(options)
    return GitHubTracker(**settings)  # type: ignore[arg-type]


def test_create_sends_the_documented_body_and_headers(
    github: tuple[FakeGitHub, FakeServer],
) -> None:
    fake, server = github
    client = tracker(server, milestone=3)
    issue = client.create(DRAFT)
    client.close()
    assert fake.problems == []
    assert issue == ExternalIssue(
        "github", "acme/ops#1347", "https://github.com/acme/ops/issues/1347"
    )
    (request,) = server.seen
    assert (request.method, request.path) == ("POST", "/repos/acme/ops/issues")
    assert request.headers["accept"] == "application/vnd.github+json"
    assert request.headers["authorization"] == "Bearer gh-token"
    assert request.headers["x-github-api-version"] == "2022-11-28"
    body = request.json()
    assert body == {
        "title": "Add a connection-pool saturation alert",
        "body": (
            "Add a connection-pool saturation alert\n\n"
            "- **Post-mortem:** INC-2024-0142 (Checkout outage)\n- **Horizon:** short term\n"
            "- **Owner:** @dana-ops\n- **Due:** 2024-04-11\n- **Priority:** High\n"
            "- **Blamefree action item:** `A-7F3K2Q`\n\n<!-- blamefree-action-A-7F3K2Q -->\n"
        ),
        "labels": ["blamefree", "horizon: short term", "priority: high"],
        "assignees": ["dana-ops"],
        "milestone": 3,
    }


def test_owners_that_are_not_logins_are_not_assigned(github: tuple[FakeGitHub, FakeServer]) -> None:
    fake, server = github
    client = tracker(server)
    client.create(
        IssueDraft(
            uid="A-2", text="Runbook", incident_id="I", horizon="immediate", owner="Dana Scully"
        )
    )
    client.close()
    body = server.seen[0].json()
    assert "assignees" not in body and "milestone" not in body
    assert body["labels"] == ["blamefree", "horizon: immediate"]
    assert fake.problems == []
    assert (assignee("@octocat"), assignee("octocat"), assignee("@a b")) == ("octocat", None, None)


def test_find_lists_labelled_issues_once_and_matches_the_marker(
    github: tuple[FakeGitHub, FakeServer],
) -> None:
    _fake, server = github
    first = tracker(server)
    created = first.create(DRAFT)
    first.close()
    other = IssueDraft(uid="A-OTHER", text="x", incident_id="I", horizon="immediate")
    client = tracker(server)
    assert client.find(DRAFT) == created
    assert client.find(other) is None
    client.close()
    lists = [s for s in server.seen if s.method == "GET"]
    assert len(lists) == 1
    assert lists[0].query == {"labels": "blamefree", "state": "all", "per_page": "100"}


def test_state_maps_closed_reasons(github: tuple[FakeGitHub, FakeServer]) -> None:
    fake, server = github
    client = tracker(server)
    one = client.create(DRAFT)
    two = client.create(DRAFT)
    assert client.state(parse_github_key(one.key)) == RemoteState("acme/ops#1347", None, "open")
    fake.close_issue(1347)
    fake.close_issue(1348, "not_planned")
    assert client.state(parse_github_key(one.key)) == RemoteState(
        "acme/ops#1347", "done", "closed (completed)"
    )
    assert client.state(parse_github_key(two.key)).status == "wont_do"
    client.close()
    assert server.seen[-1].path == "/repos/acme/ops/issues/1348"


def test_primary_rate_limit_403_is_reported_with_the_reset_time(
    github: tuple[FakeGitHub, FakeServer],
) -> None:
    fake, server = github
    fake.fail_next.append(
        Answer(
            403,
            {"message": "API rate limit exceeded for user ID 1."},
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"},
        )
    )
    client = tracker(server)
    with pytest.raises(
        ExternalServiceError,
        match=r"^GitHub rate limit reached \(POST /repos/acme/ops/issues, HTTP 403\); try again in \d+ min$",
    ):
        client.create(DRAFT)
    client.close()
    assert fake.issues == {}


def test_secondary_rate_limit_with_retry_after_is_retried(
    github: tuple[FakeGitHub, FakeServer],
) -> None:
    fake, server = github
    fake.fail_next.append(Answer(403, {"message": "secondary rate limit"}, {"retry-after": "2"}))
    waits: list[float] = []
    client = tracker(server, sleep=waits.append)
    issue = client.create(DRAFT)
    client.close()
    assert (waits, issue.key) == ([2.0], "acme/ops#1347")


def test_forbidden_without_rate_limit_is_a_permission_error(
    github: tuple[FakeGitHub, FakeServer],
) -> None:
    fake, server = github
    fake.fail_next.append(
        Answer(
            403,
            {"message": "Resource not accessible by personal access token"},
            {"x-ratelimit-remaining": "4999"},
        )
    )
    client = tracker(server)
    with pytest.raises(ExternalServiceError) as caught:
        client.create(DRAFT)
    client.close()
    assert str(caught.value) == (
        "GitHub POST /repos/acme/ops/issues: HTTP 403, the credentials lack permission for this: "
        "Resource not accessible by personal access token; check BLAMEFREE_GITHUB_TOKEN "
        "(it needs Issues: write on the repository)"
    )


def test_bad_token(github: tuple[FakeGitHub, FakeServer]) -> None:
    _, server = github
    client = tracker(server, token="nope")
    with pytest.raises(
        ExternalServiceError, match="HTTP 401, GitHub did not accept the credentials"
    ):
        client.state(GitHubRef(1, "acme/ops"))
    client.close()


def test_validation_failures_name_the_field() -> None:
    def reject(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            422,
            json={
                "message": "Validation Failed",
                "errors": [
                    {"value": "ghost", "resource": "Issue", "field": "assignees", "code": "invalid"}
                ],
            },
        )

    client = GitHubTracker(repo="acme/ops", token="t", transport=httpx.MockTransport(reject))
    with pytest.raises(ExternalServiceError) as caught:
        client.create(DRAFT)
    client.close()
    assert str(caught.value) == (
        "GitHub POST /repos/acme/ops/issues: HTTP 422: Validation Failed; Issue assignees invalid"
    )


def test_timeouts_are_external_service_errors() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = GitHubTracker(
        repo="acme/ops",
        token="t",
        api_url="https://ghe.example/api/v3",
        transport=httpx.MockTransport(slow),
    )
    with pytest.raises(ExternalServiceError) as caught:
        client.state(GitHubRef(5, "acme/ops"))
    client.close()
    assert (
        str(caught.value)
        == "GitHub at https://ghe.example/api/v3 did not answer in time (timed out)"
    )


def test_enterprise_base_url_prefixes_every_path() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"state": "open", "number": 5})

    client = GitHubTracker(
        repo="acme/ops",
        token="t",
        api_url="https://ghe.example/api/v3/",
        transport=httpx.MockTransport(answer),
    )
    client.state(GitHubRef(5, "acme/ops"))
    client.close()
    assert seen == ["https://ghe.example/api/v3/repos/acme/ops/issues/5"]


def test_keys_and_repos_are_checked() -> None:
    assert parse_github_key("acme/ops#12") == GitHubRef(12, "acme/ops")
    with pytest.raises(InvalidReference, match="not a GitHub issue reference"):
        parse_github_key("OPS-12")
    with pytest.raises(ConfigError, match="OWNER/NAME"):
        GitHubTracker(repo="acme", token="t")


def test_rate_limit_wait_reads_retry_after_dates() -> None:
    response = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"})
    now = dt.datetime(2015, 10, 21, 7, 28, 0, tzinfo=dt.UTC).timestamp()
    assert rate_limit_wait(response, now=now) == 30.0
    assert rate_limit_wait(httpx.Response(500)) is None
    assert rate_limit_wait(httpx.Response(403, headers={"x-ratelimit-remaining": "10"})) is None
