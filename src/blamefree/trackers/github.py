"""GitHub (and GitHub Enterprise Server): create issues and read their state, REST API 2022-11-28.

Create: ``POST /repos/{owner}/{repo}/issues`` with ``title``, ``body``, ``labels`` and
``assignees`` (string arrays) and ``milestone`` (an integer); answer ``201`` with the issue
(``number``, ``html_url``, ``state``). Every issue carries the ``blamefree`` label and a hidden
marker ``<!-- blamefree-action-<uid> -->`` in its body, so a re-run finds what an interrupted run
created (``GET /repos/{owner}/{repo}/issues?labels=blamefree&state=all``, paginated).
State: ``GET /repos/{owner}/{repo}/issues/{number}``; closed as completed is done, closed as
not planned is won't-do.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from blamefree import __version__
from blamefree.errors import ConfigError, ExternalServiceError
from blamefree.trackers.base import ExternalIssue, HttpApi, IssueDraft, RemoteState, Sleep

SYSTEM = "github"
API_VERSION = "2022-11-28"
LABEL = "blamefree"
TITLE_LIMIT = 256
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_LOGIN = re.compile(r"^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$")
_KEY = re.compile(r"^(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(?P<number>\d+)$")
_MARKER = re.compile(r"<!--\s*(blamefree-action-[A-Za-z0-9_.-]+)\s*-->")


class GitHubTracker:
    """Files action items as issues in one repository."""

    system = SYSTEM

    def __init__(
        self,
        *,
        repo: str,
        token: str,
        api_url: str = "https://api.github.com",
        milestone: int | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        if not _REPO.match(repo):
            raise ConfigError(f"BLAMEFREE_GITHUB_REPO must be OWNER/NAME, not {repo!r}")
        self.repo = repo
        self.milestone = milestone
        self._known: dict[str, ExternalIssue] | None = None
        self.api = HttpApi(
            name="GitHub",
            base_url=api_url,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {token}",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"blamefree/{__version__}",
            },
            transport=transport,
            sleep=sleep,
            token_hint="BLAMEFREE_GITHUB_TOKEN (it needs Issues: write on the repository)",
        )

    def close(self) -> None:
        """Release the connection pool."""
        self.api.close()

    def issue_body(self, draft: IssueDraft) -> dict[str, Any]:
        """The JSON body of the create request."""
        body: dict[str, Any] = {
            "title": title(draft.text),
            "body": markdown_body(draft),
            "labels": labels(draft),
        }
        login = assignee(draft.owner)
        if login:
            body["assignees"] = [login]
        if self.milestone is not None:
            body["milestone"] = self.milestone
        return body

    def find(self, draft: IssueDraft) -> ExternalIssue | None:
        """The issue whose body carries this item's marker, if one exists."""
        if self._known is None:
            self._known = {}
            for issue in self.api.get_pages(
                f"/repos/{self.repo}/issues",
                params={"labels": LABEL, "state": "all", "per_page": 100},
            ):
                if not isinstance(issue, dict) or "pull_request" in issue:
                    continue
                found = _MARKER.search(str(issue.get("body") or ""))
                if found and found.group(1) not in self._known:
                    self._known[found.group(1)] = self._issue(issue, "list")
        return self._known.get(draft.marker)

    def create(self, draft: IssueDraft) -> ExternalIssue:
        """Create the issue; returns OWNER/NAME#NUMBER and its html_url."""
        data = self.api.request("POST", f"/repos/{self.repo}/issues", json=self.issue_body(draft))
        issue = self._issue(data, "create")
        if self._known is not None:
            self._known[draft.marker] = issue
        return issue

    def state(self, key: str) -> RemoteState:
        """Closed (completed) is done, closed (not planned) won't-do, open is open."""
        repo, number = parse_key(key)
        data = self.api.request("GET", f"/repos/{repo}/issues/{number}")
        if not isinstance(data, dict) or "state" not in data:
            raise ExternalServiceError(f"GitHub issue {key}: the answer has no state")
        state = str(data["state"])
        reason = data.get("state_reason")
        if state != "closed":
            return RemoteState(key, None, state)
        mapped = "wont_do" if reason == "not_planned" else "done"
        return RemoteState(key, mapped, f"closed ({reason})" if reason else "closed")

    def _issue(self, data: Any, what: str) -> ExternalIssue:
        number = data.get("number") if isinstance(data, dict) else None
        url = data.get("html_url") if isinstance(data, dict) else None
        if not isinstance(number, int) or not isinstance(url, str):
            raise ExternalServiceError(f"GitHub {what}: the answer has no issue number or URL")
        return ExternalIssue(SYSTEM, f"{self.repo}#{number}", url)


def parse_key(key: str) -> tuple[str, int]:
    """``OWNER/NAME#123`` as (repo, number)."""
    found = _KEY.match(key)
    if not found:
        raise ExternalServiceError(f"{key!r} is not a GitHub issue key (OWNER/NAME#NUMBER)")
    return found.group("repo"), int(found.group("number"))


def title(text: str) -> str:
    """One line, at most 256 characters."""
    line = " ".join(text.split()) or "Action item"
    return line if len(line) <= TITLE_LIMIT else line[: TITLE_LIMIT - 1] + "…"


def labels(draft: IssueDraft) -> list[str]:
    """``blamefree`` plus the priority and horizon as labels."""
    found = [LABEL, f"horizon: {draft.horizon.replace('_', ' ')}"]
    if draft.priority:
        found.append(f"priority: {draft.priority.lower()}")
    return found


def assignee(owner: str | None) -> str | None:
    """A GitHub login when the owner is written as one (``@login``); names are not guessed."""
    found = _LOGIN.match((owner or "").strip())
    return found.group(1) if found else None


def markdown_body(draft: IssueDraft) -> str:
    """The issue body: the item, its facts, and the hidden marker."""
    facts = [
        f"- **Post-mortem:** {draft.incident_id}"
        + (f" ({draft.incident_title})" if draft.incident_title else ""),
        f"- **Horizon:** {draft.horizon.replace('_', ' ')}",
    ]
    if draft.owner:
        facts.append(f"- **Owner:** {draft.owner}")
    if draft.due_date:
        facts.append(f"- **Due:** {draft.due_date.isoformat()}")
    if draft.priority:
        facts.append(f"- **Priority:** {draft.priority}")
    if draft.item_type:
        facts.append(f"- **Type:** {draft.item_type}")
    facts.append(f"- **Blamefree action item:** `{draft.uid}`")
    return "\n".join([draft.text.strip(), "", *facts, "", f"<!-- {draft.marker} -->", ""])
