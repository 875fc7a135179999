"""The Jira client against a fake Jira on 127.0.0.1 that checks the documented formats."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from blamefree.domain.tracker_refs import JiraRef, parse_jira_key
from blamefree.errors import ConfigError, ExternalServiceError
from blamefree.trackers.base import ExternalIssue, IssueDraft, RemoteState
from blamefree.trackers.jira import JiraTracker, summary
from support.fake_http import Answer, FakeServer, fake_server
from support.fake_trackers import FakeJira

DRAFT = IssueDraft(
    uid="A-7F3K2Q",
    text="Add a connection-pool saturation alert",
    incident_id="INC-2024-0142",
    incident_title="Checkout outage",
    horizon="short_term",
    owner="Dana",
    due_date=dt.date(2024, 4, 11),
    priority="High",
    item_type="detect",
)


@pytest.fixture
def jira() -> Iterator[tuple[FakeJira, FakeServer]]:
    fake = FakeJira()
    with fake_server(fake) as server:
        fake.base_url = server.url
        yield fake, server


def tracker(server: FakeServer, **options: object) -> JiraTracker:
    settings: dict[str, object] = {
        "base_url": server.url,
        "project": "OPS",
        "token": "jira-token",
        "email": "pm@example.com",
    }
    settings.update(options)
    return JiraTracker(**settings)  # type: ignore[arg-type]


def test_create_sends_the_v3_body_with_an_adf_description(
    jira: tuple[FakeJira, FakeServer],
) -> None:
    fake, server = jira
    client = tracker(server)
    issue = client.create(DRAFT)
    client.close()
    assert issue == ExternalIssue("jira", "OPS-1", f"{server.url}/browse/OPS-1")
    assert fake.problems == []
    (request,) = server.seen
    assert (request.method, request.path) == ("POST", "/rest/api/3/issue")
    token = base64.b64encode(b"pm@example.com:jira-token").decode()
    assert request.headers["authorization"] == f"Basic {token}"
    fields = request.json()["fields"]
    assert fields["project"] == {"key": "OPS"}
    assert fields["summary"] == "Add a connection-pool saturation alert"
    assert fields["issuetype"] == {"name": "Task"}
    assert fields["priority"] == {"name": "High"}
    assert fields["duedate"] == "2024-04-11"
    assert fields["labels"] == ["blamefree", "blamefree-action-A-7F3K2Q"]
    description = fields["description"]
    assert (description["type"], description["version"]) == ("doc", 1)
    assert description["content"][0] == {
        "type": "paragraph",
        "content": [{"type": "text", "text": "Add a connection-pool saturation alert"}],
    }
    bullets = [
        item["content"][0]["content"][0]["text"] for item in description["content"][1]["content"]
    ]
    assert bullets == [
        "Post-mortem: INC-2024-0142 (Checkout outage)",
        "Horizon: short term",
        "Owner: Dana",
        "Type: detect",
        "Blamefree action item: A-7F3K2Q",
    ]


def test_v2_for_jira_server_sends_a_plain_description_and_a_bearer_token() -> None:
    fake = FakeJira(email=None, api_version=2, token="pat")
    with fake_server(fake) as server:
        fake.base_url = server.url
        client = tracker(server, email=None, token="pat", api_version=2, issue_type="Bug")
        issue = client.create(DRAFT)
        client.close()
    assert fake.problems == []
    assert issue.key == "OPS-1"
    request = server.seen[0]
    assert request.path == "/rest/api/2/issue"
    assert request.headers["authorization"] == "Bearer pat"
    fields = request.json()["fields"]
    assert fields["issuetype"] == {"name": "Bug"}
    assert fields["description"] == (
        "Add a connection-pool saturation alert\n\n"
        "* Post-mortem: INC-2024-0142 (Checkout outage)\n* Horizon: short term\n* Owner: Dana\n"
        "* Type: detect\n* Blamefree action item: A-7F3K2Q\n\n"
        "Filed by Blamefree; marker blamefree-action-A-7F3K2Q."
    )


def test_items_without_due_date_or_priority_leave_those_fields_out(
    jira: tuple[FakeJira, FakeServer],
) -> None:
    fake, server = jira
    client = tracker(server)
    client.create(
        IssueDraft(uid="A-1", text="Write\nrunbook", incident_id="I", horizon="long_term")
    )
    client.close()
    fields = server.seen[0].json()["fields"]
    assert "duedate" not in fields and "priority" not in fields
    assert fields["summary"] == "Write runbook"
    assert fake.problems == []


def test_find_uses_jql_on_the_marker_label(jira: tuple[FakeJira, FakeServer]) -> None:
    _fake, server = jira
    client = tracker(server)
    assert client.find(DRAFT) is None
    created = client.create(DRAFT)
    assert client.find(DRAFT) == created
    client.close()
    search = server.seen[0]
    assert (search.method, search.path) == ("GET", "/rest/api/3/search/jql")
    assert search.query["jql"] == (
        'project = "OPS" AND labels = "blamefree-action-A-7F3K2Q" ORDER BY created ASC'
    )


def test_state_maps_done_and_wont_do(jira: tuple[FakeJira, FakeServer]) -> None:
    fake, server = jira
    client = tracker(server)
    first = client.create(DRAFT)
    second = client.create(DRAFT)
    assert client.state(parse_jira_key(first.key)) == RemoteState("OPS-1", None, "To Do")
    fake.resolve("OPS-1")
    fake.resolve("OPS-2", "Won't Do")
    assert client.state(parse_jira_key(first.key)) == RemoteState("OPS-1", "done", "Done (Done)")
    assert client.state(parse_jira_key(second.key)) == RemoteState(
        "OPS-2", "wont_do", "Done (Won't Do)"
    )
    client.close()
    assert server.seen[-1].query == {"fields": "status,resolution"}


def test_bad_credentials_are_a_clear_error(jira: tuple[FakeJira, FakeServer]) -> None:
    _, server = jira
    client = tracker(server, token="wrong")
    with pytest.raises(ExternalServiceError) as caught:
        client.create(DRAFT)
    client.close()
    assert str(caught.value) == (
        "Jira POST /rest/api/3/issue: HTTP 401, Jira did not accept the credentials; check "
        "BLAMEFREE_JIRA_EMAIL and BLAMEFREE_JIRA_TOKEN"
    )
    assert caught.value.exit_code == 8


def test_429_with_retry_after_waits_then_retries(jira: tuple[FakeJira, FakeServer]) -> None:
    fake, server = jira
    fake.fail_next.append(Answer(429, {"errorMessages": ["Rate limit"]}, {"Retry-After": "3"}))
    waits: list[float] = []
    client = tracker(server, sleep=waits.append)
    issue = client.create(DRAFT)
    client.close()
    assert waits == [3.0]
    assert issue.key == "OPS-1"
    assert len(server.seen) == 2


def test_a_long_rate_limit_is_reported_not_waited_for(jira: tuple[FakeJira, FakeServer]) -> None:
    fake, server = jira
    fake.fail_next.append(Answer(429, {}, {"Retry-After": "3600"}))
    waits: list[float] = []
    client = tracker(server, sleep=waits.append)
    with pytest.raises(
        ExternalServiceError, match=r"Jira rate limit reached .*try again in 60 min"
    ):
        client.create(DRAFT)
    client.close()
    assert waits == []
    assert fake.issues == {}


def test_field_errors_are_passed_on(jira: tuple[FakeJira, FakeServer]) -> None:
    fake, server = jira
    fake.fail_next.append(
        Answer(
            400, {"errorMessages": [], "errors": {"priority": "Priority name 'High' is not valid"}}
        )
    )
    client = tracker(server)
    with pytest.raises(ExternalServiceError) as caught:
        client.create(DRAFT)
    client.close()
    assert str(caught.value) == (
        "Jira POST /rest/api/3/issue: HTTP 400: priority: Priority name 'High' is not valid"
    )


def test_a_network_failure_is_an_external_service_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = JiraTracker(
        base_url="https://jira.example",
        project="OPS",
        token="t",
        transport=httpx.MockTransport(refuse),
    )
    with pytest.raises(ExternalServiceError) as caught:
        client.state(JiraRef("OPS", 1))
    client.close()
    assert (
        str(caught.value) == "Jira at https://jira.example could not be reached: connection refused"
    )


def test_unknown_api_version_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="must be 2 or 3"):
        JiraTracker(base_url="https://j", project="P", token="t", api_version=4)


def test_summary_is_one_line_and_at_most_255_characters() -> None:
    assert summary("a\n b\tc") == "a b c"
    long = summary("x" * 300)
    assert (len(long), long[-1]) == (255, "…")
