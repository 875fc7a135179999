"""What `actions pull` may request: only the configured Jira project and GitHub repository.

Each action item of tests/data/hostile/outbound/tracker-links.md carries a Tracker line; the
transport records every URL the clients build, so the tests assert the exact requests and that
no hostile line produced one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from blamefree.config import Settings
from blamefree.domain.enums import TrackerSystem
from blamefree.domain.tracker_refs import GitHubRef, JiraRef
from blamefree.errors import ConfigError, ExternalServiceError, ValidationFailed
from blamefree.services.postmortems import import_files
from blamefree.services.trackers import FAILED, REFUSED, UNCHANGED, make_tracker, pull_actions
from blamefree.store import UnitOfWork
from blamefree.store.follow_through import FollowThroughRepository
from blamefree.trackers.base import IssueDraft
from blamefree.trackers.github import GitHubTracker
from blamefree.trackers.jira import JiraTracker
from support.uow import in_uow

NOW = dt.datetime(2024, 3, 2, tzinfo=dt.UTC)
HOSTILE = Path(__file__).parent.parent / "data" / "hostile" / "outbound" / "tracker-links.md"
JIRA = "https://acme.atlassian.net"
GITHUB = "https://api.github.com"


def settings() -> Settings:
    return Settings(
        database_url="sqlite://",
        jira_url=JIRA,
        jira_email="pm@example.com",
        jira_token=SecretStr("jira-secret-token"),
        jira_project="OPS",
        github_repo="acme/ops",
        github_token=SecretStr("ghp_" + "S" * 36),
        github_api_url=GITHUB,
    )


class Recorder:
    """A MockTransport handler that answers like Jira and GitHub and keeps every URL."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        if request.url.host == "acme.atlassian.net":
            body: dict[str, Any] = {
                "key": request.url.path.rsplit("/", 1)[-1],
                "fields": {"status": {"name": "To Do", "statusCategory": {"key": "new"}}},
            }
            return httpx.Response(200, json=body)
        number = int(request.url.path.rsplit("/", 1)[-1])
        return httpx.Response(200, json={"number": number, "state": "open"})


@pytest.fixture
def hostile_store(engine: Engine) -> Engine:
    report = in_uow(engine, import_files, paths=[HOSTILE], today=dt.date(2024, 3, 1))
    assert [o.error for o in report.outcomes] == [None]
    return engine


def test_pull_requests_the_configured_project_and_repository_only(hostile_store: Engine) -> None:
    recorder = Recorder()

    def trackers(system: TrackerSystem) -> Any:
        return make_tracker(settings(), system, transport=httpx.MockTransport(recorder))

    with UnitOfWork(hostile_store) as uow:
        before = uow.postmortems.history("INC-OUT-1")
        results = pull_actions(uow, trackers=trackers, now=NOW)
        after = uow.postmortems.history("INC-OUT-1")
    assert sorted(recorder.urls) == [
        f"{JIRA}/rest/api/3/issue/OPS-5?fields=status%2Cresolution",
        f"{GITHUB}/repos/acme/ops/issues/10",
        f"{GITHUB}/repos/acme/ops/issues/9",
    ]
    outcomes = {r.key: r.outcome for r in results}
    assert outcomes == {
        "OPS-5": UNCHANGED,
        "#9": UNCHANGED,
        "Acme/OPS#10": UNCHANGED,
        "../../../../rest/auth/1/session": REFUSED,
        "OPS-6?expand=names,renderedFields": REFUSED,
        "OPS-7%2F..%2F..%2Fmyself": REFUSED,
        "PAYROLL-12": REFUSED,
        "ops-8": REFUSED,
        "OPS-١٢": REFUSED,
        "OPS-123456789012345": REFUSED,
        "rival-org/secret-plans#4": REFUSED,
        "../../user/repos#1": REFUSED,
        "https://evil.example/acme/ops#2": REFUSED,
        "acme/ops#3#comments": REFUSED,
        "acme/ops#007": REFUSED,
        "acme/..#5": REFUSED,
    }
    reasons = {r.key: r.error for r in results}
    assert reasons["PAYROLL-12"] == (
        "PAYROLL-12 is in project PAYROLL, not in BLAMEFREE_JIRA_PROJECT OPS: not requested"
    )
    assert reasons["rival-org/secret-plans#4"] == (
        "rival-org/secret-plans#4 is in rival-org/secret-plans, not in BLAMEFREE_GITHUB_REPO "
        "acme/ops: not requested"
    )
    assert str(reasons["OPS-6?expand=names,renderedFields"]).startswith(
        "'OPS-6?expand=names,renderedFields' is not a Jira issue key: PROJECT-123"
    )
    assert str(reasons["acme/ops#3#comments"]).startswith(
        "'acme/ops#3#comments' is not a GitHub issue reference"
    )
    assert after == before  # nothing was written


def test_refused_links_need_no_tracker_configured(hostile_store: Engine) -> None:
    made: list[TrackerSystem] = []

    def trackers(system: TrackerSystem) -> Any:
        made.append(system)
        raise AssertionError("no client is needed to refuse a link")

    uids = [r.uid for r in _records(hostile_store) if r.tracker and "../" in r.tracker.key]
    results = in_uow(hostile_store, pull_actions, trackers=trackers, uids=uids, now=NOW)
    assert [r.outcome for r in results] == [REFUSED, REFUSED]
    assert made == []


def test_every_request_is_built_from_checked_parts() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"key": "OPS-1", "fields": {"status": {"name": "Done"}}})

    jira = JiraTracker(
        base_url="https://jira.example/prefix/",
        project="OPS",
        token="t0ken-value",
        api_version=2,
        transport=httpx.MockTransport(answer),
    )
    assert jira.state(JiraRef("OPS", 1)).detail == "Done"
    with pytest.raises(ValidationFailed, match="not in BLAMEFREE_JIRA_PROJECT OPS"):
        jira.state(JiraRef("HR", 1))
    with pytest.raises(ValidationFailed, match="not a Jira issue key"):
        jira.state(GitHubRef(1))
    assert jira.browse_url("OPS-1") == "https://jira.example/prefix/browse/OPS-1"
    # A segment is encoded whole, and dot segments are never built.
    assert str(jira.api.url("issue", "a/b?c#d")) == (
        "https://jira.example/prefix/issue/a%2Fb%3Fc%23d"
    )
    with pytest.raises(ExternalServiceError, match=r"path segment '\.\.'"):
        jira.api.url("issue", "..")
    jira.close()
    assert seen == ["https://jira.example/prefix/rest/api/2/issue/OPS-1?fields=status%2Cresolution"]


def test_answers_naming_issues_elsewhere_are_not_stored() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json={"id": "1", "key": "../../admin"})

    jira = JiraTracker(
        base_url=JIRA, project="OPS", token="t", transport=httpx.MockTransport(answer)
    )
    draft = IssueDraft(uid="A-1X", text="t", incident_id="INC-1", horizon="immediate")
    with pytest.raises(ExternalServiceError, match="is not a Jira issue key"):
        jira.create(draft)
    jira.close()


def test_a_next_page_link_to_another_place_is_not_followed() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        link = '<https://collector.example/steal?page=2>; rel="next"'
        return httpx.Response(200, json=[], headers={"Link": link})

    github = GitHubTracker(
        repo="acme/ops", token="ghp_secret", transport=httpx.MockTransport(answer)
    )
    draft = IssueDraft(uid="A-1X", text="t", incident_id="INC-1", horizon="immediate")
    with pytest.raises(ExternalServiceError, match="next-page link points elsewhere"):
        github.find(draft)
    github.close()
    assert seen == [
        f"{GITHUB}/repos/acme/ops/issues?labels=blamefree&state=all&per_page=100",
    ]


def test_a_next_page_link_on_the_same_resource_is_followed() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if "page=2" in str(request.url):
            return httpx.Response(200, json=[])
        link = f'<{GITHUB}/repos/acme/ops/issues?labels=blamefree&state=all&page=2>; rel="next"'
        return httpx.Response(200, json=[], headers={"Link": link})

    github = GitHubTracker(repo="acme/ops", token="ghp_x", transport=httpx.MockTransport(answer))
    draft = IssueDraft(uid="A-1X", text="t", incident_id="INC-1", horizon="immediate")
    assert github.find(draft) is None
    github.close()
    assert seen[1] == f"{GITHUB}/repos/acme/ops/issues?labels=blamefree&state=all&page=2"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"jira_project": "../x"}, "BLAMEFREE_JIRA_PROJECT must be a Jira project key"),
        ({"jira_url": "file:///etc/passwd"}, "BLAMEFREE_JIRA_URL must be an http(s) URL"),
        ({"jira_url": "https://u:p@jira.example"}, "must not hold credentials"),
        ({"jira_url": "https://jira.example/?x=1"}, "no query"),
    ],
)
def test_settings_that_would_steer_requests_are_config_errors(
    options: dict[str, str], message: str
) -> None:
    configured = settings().model_copy(update=options)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make_tracker(configured, TrackerSystem.JIRA)


def test_a_github_repository_setting_outside_githubs_rules_is_a_config_error() -> None:
    for repo in ("../ops", "acme/..", "acme/ops/x", "-acme/ops"):
        configured = settings().model_copy(update={"github_repo": repo})
        with pytest.raises(ConfigError, match="OWNER/NAME by GitHub's naming rules"):
            make_tracker(configured, TrackerSystem.GITHUB)


def test_a_failing_tracker_is_failed_not_refused(hostile_store: Engine) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def trackers(system: TrackerSystem) -> Any:
        return make_tracker(settings(), system, transport=httpx.MockTransport(down))

    uid = next(r.uid for r in _records(hostile_store) if r.tracker and r.tracker.key == "OPS-5")
    (result,) = in_uow(hostile_store, pull_actions, trackers=trackers, uids=[uid], now=NOW)
    assert (result.outcome, result.error) == (
        FAILED,
        f"Jira at {JIRA} could not be reached: connection refused",
    )


def _records(engine: Engine) -> list[Any]:
    with UnitOfWork(engine) as uow:
        return list(FollowThroughRepository(uow.session).list_actions())
