"""Jira: create issues (REST v3 for Cloud, v2 for Server / Data Center) and read their status.

Create: ``POST /rest/api/{3|2}/issue`` with ``fields`` = project key, summary, issue type name,
priority name, ``duedate`` (YYYY-MM-DD), labels and the description: an Atlassian Document Format
document in v3, plain text in v2. Answer: ``201 {"id", "key", "self"}``.
Find (so a re-run adopts what an interrupted run created): JQL on the item's marker label, via
``GET /rest/api/3/search/jql`` (Cloud) or ``GET /rest/api/2/search`` (Server).
Status: ``GET /rest/api/{v}/issue/{key}?fields=status,resolution``.
Auth: Basic email:API-token for Cloud; a Bearer personal access token when no email is given.

Only issues of the configured project are read: a key is a ``JiraRef`` (``PROJECT-123``, see
``domain.tracker_refs``) and one of another project is refused before any request.
"""

from __future__ import annotations

from typing import Any

import httpx

from blamefree.domain.tracker_refs import (
    InvalidReference,
    JiraRef,
    TrackerRef,
    is_jira_project,
    parse_jira_key,
)
from blamefree.errors import ConfigError, ExternalServiceError, ValidationFailed
from blamefree.redact import basic_auth_form, secret_forms
from blamefree.trackers.base import ExternalIssue, HttpApi, IssueDraft, RemoteState, Sleep

SYSTEM = "jira"
SUMMARY_LIMIT = 255
WONT_DO_RESOLUTIONS = frozenset(
    {"won't do", "won't fix", "wont do", "wont fix", "declined", "cannot reproduce", "duplicate"}
)


class JiraTracker:
    """Files action items as Jira issues in one project."""

    system = SYSTEM

    def __init__(
        self,
        *,
        base_url: str,
        project: str,
        token: str,
        email: str | None = None,
        api_version: int = 3,
        issue_type: str = "Task",
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        if api_version not in (2, 3):
            raise ConfigError(f"BLAMEFREE_JIRA_API_VERSION must be 2 or 3, not {api_version}")
        if not is_jira_project(project):
            raise ConfigError(
                f"BLAMEFREE_JIRA_PROJECT must be a Jira project key (an upper-case letter, then "
                f"1-9 upper-case letters, digits or underscores), not {project!r}"
            )
        self.project = project
        self.api_version = api_version
        self.issue_type = issue_type
        auth: httpx.Auth | None = httpx.BasicAuth(email, token) if email else None
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if not email:
            headers["Authorization"] = f"Bearer {token}"
        self.api = HttpApi(
            name="Jira",
            base_url=base_url,
            headers=headers,
            auth=auth,
            transport=transport,
            token_hint="BLAMEFREE_JIRA_EMAIL and BLAMEFREE_JIRA_TOKEN",
            sleep=sleep,
            secrets=secret_forms(token, basic_auth_form(email, token)),
            setting="BLAMEFREE_JIRA_URL",
        )
        self.base_url = self.api.base_url

    def _path(self, *segments: str) -> httpx.URL:
        return self.api.url("rest", "api", str(self.api_version), *segments)

    def close(self) -> None:
        """Release the connection pool."""
        self.api.close()

    def issue_fields(self, draft: IssueDraft) -> dict[str, Any]:
        """The ``fields`` object of the create request."""
        fields: dict[str, Any] = {
            "project": {"key": self.project},
            "summary": summary(draft.text),
            "issuetype": {"name": self.issue_type},
            "labels": ["blamefree", draft.marker],
            "description": (
                adf_description(draft) if self.api_version == 3 else text_description(draft)
            ),
        }
        if draft.priority:
            fields["priority"] = {"name": draft.priority}
        if draft.due_date:
            fields["duedate"] = draft.due_date.isoformat()
        return fields

    def find(self, draft: IssueDraft) -> ExternalIssue | None:
        """The issue carrying this item's marker label, if one exists."""
        path = self._path("search", "jql") if self.api_version == 3 else self._path("search")
        # The project key and the marker are checked characters only: nothing to escape.
        jql = f'project = "{self.project}" AND labels = "{draft.marker}" ORDER BY created ASC'
        data = self.api.request(
            "GET", path, params={"jql": jql, "fields": "status", "maxResults": 1}
        )
        issues = data.get("issues") if isinstance(data, dict) else None
        if not issues:
            return None
        key = self._key(issues[0], "search")
        return ExternalIssue(SYSTEM, key, self.browse_url(key))

    def create(self, draft: IssueDraft) -> ExternalIssue:
        """Create the issue; returns its key (e.g. OPS-42) and browse URL."""
        body = {"fields": self.issue_fields(draft)}
        data = self.api.request("POST", self._path("issue"), json=body)
        key = self._key(data, "create")
        return ExternalIssue(SYSTEM, key, self.browse_url(key))

    def check(self, ref: TrackerRef) -> JiraRef:
        """The reference, if it names an issue of the configured project; else ValidationFailed."""
        if not isinstance(ref, JiraRef):
            raise ValidationFailed(f"{ref.key!r} is not a Jira issue key", field="Tracker")
        if ref.project != self.project:
            raise ValidationFailed(
                f"{ref.key} is in project {ref.project}, not in BLAMEFREE_JIRA_PROJECT "
                f"{self.project}: not requested",
                field="Tracker",
            )
        return ref

    def state(self, ref: TrackerRef) -> RemoteState:
        """Done when the status category is done or a resolution is set."""
        key = self.check(ref).key
        data = self.api.request(
            "GET", self._path("issue", key), params={"fields": "status,resolution"}
        )
        fields = data.get("fields") if isinstance(data, dict) else None
        if not isinstance(fields, dict):
            raise ExternalServiceError(f"Jira issue {key}: the answer has no fields")
        status = fields.get("status") or {}
        category = (status.get("statusCategory") or {}).get("key")
        resolution = fields.get("resolution")
        name = str(status.get("name") or "?")
        if isinstance(resolution, dict):
            resolved = str(resolution.get("name") or "resolved")
            mapped = "wont_do" if resolved.casefold() in WONT_DO_RESOLUTIONS else "done"
            return RemoteState(key, mapped, f"{name} ({resolved})")
        return RemoteState(key, "done" if category == "done" else None, name)

    def browse_url(self, key: str) -> str:
        """The issue's page for people."""
        return str(self.api.url("browse", key))

    def _key(self, data: Any, what: str) -> str:
        """The issue key of an answer, which must be a key of the configured project."""
        key = data.get("key") if isinstance(data, dict) else None
        if not isinstance(key, str) or not key:
            raise ExternalServiceError(f"Jira {what}: the answer has no issue key")
        try:
            ref = parse_jira_key(key)
        except InvalidReference as error:
            raise ExternalServiceError(f"Jira {what}: {error.reason}") from error
        if ref.project != self.project:
            raise ExternalServiceError(
                f"Jira {what}: the answer names {ref.key}, not an issue of project {self.project}"
            )
        return ref.key


def summary(text: str) -> str:
    """One line of at most 255 characters, as Jira requires."""
    line = " ".join(text.split()) or "Action item"
    return line if len(line) <= SUMMARY_LIMIT else line[: SUMMARY_LIMIT - 1] + "…"


def _facts(draft: IssueDraft) -> list[str]:
    facts = [
        f"Post-mortem: {draft.incident_id}"
        + (f" ({draft.incident_title})" if draft.incident_title else ""),
        f"Horizon: {draft.horizon.replace('_', ' ')}",
    ]
    if draft.owner:
        facts.append(f"Owner: {draft.owner}")
    if draft.item_type:
        facts.append(f"Type: {draft.item_type}")
    facts.append(f"Blamefree action item: {draft.uid}")
    return facts


def text_description(draft: IssueDraft) -> str:
    """The v2 (Server / Data Center) description: plain text with wiki-style bullets."""
    lines = [draft.text.strip(), "", *(f"* {fact}" for fact in _facts(draft))]
    lines += ["", f"Filed by Blamefree; marker {draft.marker}."]
    return "\n".join(lines)


def adf_description(draft: IssueDraft) -> dict[str, Any]:
    """The v3 (Cloud) description: an Atlassian Document Format document."""
    return {
        "type": "doc",
        "version": 1,
        "content": [
            _paragraph(draft.text.strip() or "Action item"),
            {
                "type": "bulletList",
                "content": [
                    {"type": "listItem", "content": [_paragraph(fact)]} for fact in _facts(draft)
                ],
            },
            _paragraph(f"Filed by Blamefree; marker {draft.marker}."),
        ],
    }


def _paragraph(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "content": [{"type": "text", "text": text}]}
