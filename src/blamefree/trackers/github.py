"""GitHub (and GitHub Enterprise Server): create issues and read their state, REST API 2022-11-28.

Create: ``POST /repos/{owner}/{repo}/issues`` with ``title``, ``body``, ``labels`` and
``assignees`` (string arrays) and ``milestone`` (an integer); answer ``201`` with the issue
(``number``, ``html_url``, ``state``). Every issue carries the ``blamefree`` label and a hidden
marker ``<!-- blamefree-action-<uid> -->`` in its body, so a re-run finds what an interrupted run
created (``GET /repos/{owner}/{repo}/issues?labels=blamefree&state=all``, paginated).
State: ``GET /repos/{owner}/{repo}/issues/{number}``; closed as completed is done, closed as
not planned is won't-do.

Only the configured repository is read or written: a key is a ``GitHubRef`` (``owner/repo#N``
or ``#N``, see ``domain.tracker_refs``) and one naming another repository is refused before
any request.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from blamefree import __version__
from blamefree.domain.tracker_refs import GitHubRef, TrackerRef, is_github_repo
from blamefree.errors import ConfigError, ExternalServiceError, ValidationFailed
from blamefree.redact import secret_forms
from blamefree.trackers.base import ExternalIssue, HttpApi, IssueDraft, RemoteState, Sleep

SYSTEM = "github"
API_VERSION = "2022-11-28"
LABEL = "blamefree"
TITLE_LIMIT = 256
_LOGIN = re.compile(r"@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))")
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
        if not is_github_repo(repo):
            raise ConfigError(
                f"BLAMEFREE_GITHUB_REPO must be OWNER/NAME by GitHub's naming rules, not {repo!r}"
            )
        self.repo = repo
        self.owner, self.name = repo.split("/")
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
            secrets=secret_forms(token),
            setting="BLAMEFREE_GITHUB_API_URL",
        )

    def close(self) -> None:
        """Release the connection pool."""
        self.api.close()

    def _issues(self, *segments: str | int) -> httpx.URL:
        return self.api.url("repos", self.owner, self.name, "issues", *segments)

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
                self._issues(),
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
        data = self.api.request("POST", self._issues(), json=self.issue_body(draft))
        issue = self._issue(data, "create")
        if self._known is not None:
            self._known[draft.marker] = issue
        return issue

    def check(self, ref: TrackerRef) -> GitHubRef:
        """The reference, if it names an issue of the configured repository (``#N`` does)."""
        if not isinstance(ref, GitHubRef):
            raise ValidationFailed(f"{ref.key!r} is not a GitHub issue reference", field="Tracker")
        # GitHub's owner and repository names are case-insensitive.
        if ref.repo is not None and ref.repo.casefold() != self.repo.casefold():
            raise ValidationFailed(
                f"{ref.key} is in {ref.repo}, not in BLAMEFREE_GITHUB_REPO {self.repo}: "
                "not requested",
                field="Tracker",
            )
        return ref

    def state(self, ref: TrackerRef) -> RemoteState:
        """Closed (completed) is done, closed (not planned) won't-do, open is open."""
        key = ref.key
        data = self.api.request("GET", self._issues(self.check(ref).number))
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
    found = _LOGIN.fullmatch((owner or "").strip())
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
