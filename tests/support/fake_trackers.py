"""Fake Jira and GitHub REST APIs that check requests the way the real ones document them.

Each fake is a ``Handler`` for ``fake_server``: it checks method, path, headers and body shape,
keeps the issues it created, and answers with the documented response payloads. A request the
real API would reject gets the real API's error status (400/401/404/422) and a ``problems`` list
naming what was wrong, which tests assert to be empty.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from support.fake_http import Answer, Seen

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ADF_BLOCKS = {"paragraph", "bulletList", "orderedList", "heading", "codeBlock", "rule"}


def check_adf(node: Any, problems: list[str], where: str = "description") -> None:
    """Atlassian Document Format: a doc, version 1, block nodes holding inline text nodes."""
    if not isinstance(node, dict) or node.get("type") != "doc" or node.get("version") != 1:
        problems.append(f"{where}: not an ADF doc with version 1: {node!r}")
        return
    content = node.get("content")
    if not isinstance(content, list):
        problems.append(f"{where}: doc.content must be a list")
        return
    for block in content:
        _check_block(block, problems, where)


def _check_block(block: Any, problems: list[str], where: str) -> None:
    kind = block.get("type") if isinstance(block, dict) else None
    if kind not in ADF_BLOCKS and kind != "listItem":
        problems.append(f"{where}: unknown block node {kind!r}")
        return
    children = block.get("content", [])
    if kind == "paragraph":
        for inline in children:
            if inline.get("type") != "text" or not inline.get("text"):
                problems.append(f"{where}: paragraph holds a non-text or empty node {inline!r}")
    elif kind in ("bulletList", "orderedList"):
        if not children or any(c.get("type") != "listItem" for c in children):
            problems.append(f"{where}: lists hold listItem nodes only")
        for child in children:
            _check_block(child, problems, where)
    elif kind == "listItem":
        for child in children:
            _check_block(child, problems, where)


@dataclass
class FakeJira:
    """Jira Cloud (v3) or Server (v2): create, JQL search, get issue."""

    base_url: str = ""
    email: str | None = "pm@example.com"
    token: str = "jira-token"
    project: str = "OPS"
    api_version: int = 3
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    fail_next: list[Answer] = field(default_factory=list)

    def __call__(self, request: Seen) -> Answer:
        if self.fail_next:
            return self.fail_next.pop(0)
        if not self._authorised(request):
            return Answer(401, {"errorMessages": ["You are not authenticated."], "errors": {}})
        api = f"/rest/api/{self.api_version}"
        if request.method == "POST" and request.path == f"{api}/issue":
            return self._create(request)
        search = f"{api}/search/jql" if self.api_version == 3 else f"{api}/search"
        if request.method == "GET" and request.path == search:
            return self._search(request)
        match = re.fullmatch(rf"{api}/issue/([A-Z][A-Z0-9]+-\d+)", request.path)
        if request.method == "GET" and match:
            return self._get(match.group(1), request)
        self.problems.append(f"unexpected {request.method} {request.path}")
        return Answer(404, {"errorMessages": ["Not found"], "errors": {}})

    def _authorised(self, request: Seen) -> bool:
        header = request.headers.get("authorization", "")
        if self.email:
            expected = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
            return header == f"Basic {expected}"
        return header == f"Bearer {self.token}"

    def _create(self, request: Seen) -> Answer:
        problems: list[str] = []
        if not request.headers.get("content-type", "").startswith("application/json"):
            problems.append("Content-Type must be application/json")
        if "application/json" not in request.headers.get("accept", ""):
            problems.append("Accept should be application/json")
        body = request.json()
        if set(body) - {"fields", "update"}:
            problems.append(f"unknown top-level keys {sorted(set(body) - {'fields', 'update'})}")
        fields = body.get("fields", {})
        if fields.get("project") != {"key": self.project}:
            problems.append(f"fields.project must be {{'key': {self.project!r}}}")
        summary = fields.get("summary")
        if not isinstance(summary, str) or not summary or "\n" in summary or len(summary) > 255:
            problems.append(f"fields.summary must be one line of 1-255 characters: {summary!r}")
        issuetype = fields.get("issuetype")
        if not isinstance(issuetype, dict) or not isinstance(issuetype.get("name"), str):
            problems.append("fields.issuetype must be {'name': ...}")
        if "priority" in fields and not isinstance(fields["priority"].get("name"), str):
            problems.append("fields.priority must be {'name': ...}")
        if "duedate" in fields and not DATE.match(str(fields["duedate"])):
            problems.append("fields.duedate must be YYYY-MM-DD")
        labels = fields.get("labels", [])
        if not all(isinstance(x, str) and " " not in x for x in labels):
            problems.append("fields.labels must be strings without spaces")
        description = fields.get("description")
        if self.api_version == 3:
            check_adf(description, problems)
        elif not isinstance(description, str):
            problems.append("v2 fields.description must be a plain string")
        if problems:
            self.problems += problems
            return Answer(400, {"errorMessages": [], "errors": {"fields": "; ".join(problems)}})
        number = 10000 + len(self.issues)
        key = f"{self.project}-{len(self.issues) + 1}"
        self.issues[key] = {
            "id": str(number),
            "key": key,
            "fields": fields,
            "status": {"name": "To Do", "statusCategory": {"key": "new", "name": "To Do"}},
            "resolution": None,
        }
        return Answer(
            201,
            {"id": str(number), "key": key, "self": f"{self.base_url}/rest/api/3/issue/{number}"},
        )

    def _search(self, request: Seen) -> Answer:
        jql = request.query.get("jql", "")
        found = re.search(r'labels = "([^"]+)"', jql)
        label = found.group(1) if found else None
        hits = [
            {"id": issue["id"], "key": key, "self": f"{self.base_url}/issue/{issue['id']}"}
            for key, issue in self.issues.items()
            if label in issue["fields"].get("labels", [])
        ]
        limit = int(request.query.get("maxResults", 50))
        if self.api_version == 3:
            return Answer(200, {"issues": hits[:limit], "isLast": True})
        return Answer(
            200, {"startAt": 0, "maxResults": limit, "total": len(hits), "issues": hits[:limit]}
        )

    def _get(self, key: str, request: Seen) -> Answer:
        issue = self.issues.get(key)
        if issue is None:
            return Answer(
                404, {"errorMessages": ["Issue does not exist or you do not have permission"]}
            )
        return Answer(
            200,
            {
                "id": issue["id"],
                "key": key,
                "self": f"{self.base_url}/rest/api/3/issue/{issue['id']}",
                "fields": {"status": issue["status"], "resolution": issue["resolution"]},
            },
        )

    def resolve(self, key: str, resolution: str = "Done") -> None:
        """Move an issue to Done, as a person would in Jira."""
        self.issues[key]["status"] = {"name": "Done", "statusCategory": {"key": "done"}}
        self.issues[key]["resolution"] = {"name": resolution}


@dataclass
class FakeGitHub:
    """GitHub REST 2022-11-28: create an issue, list a repository's issues, get one."""

    base_url: str = ""
    token: str = "gh-token"
    repo: str = "acme/ops"
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    fail_next: list[Answer] = field(default_factory=list)

    def __call__(self, request: Seen) -> Answer:
        if self.fail_next:
            return self.fail_next.pop(0)
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(
                401,
                {
                    "message": "Bad credentials",
                    "documentation_url": "https://docs.github.com/rest",
                },
            )
        problems = []
        if request.headers.get("accept") != "application/vnd.github+json":
            problems.append("Accept must be application/vnd.github+json")
        if request.headers.get("x-github-api-version") != "2022-11-28":
            problems.append("X-GitHub-Api-Version must be 2022-11-28")
        if not request.headers.get("user-agent"):
            problems.append("GitHub requires a User-Agent")
        self.problems += problems
        issues = f"/repos/{self.repo}/issues"
        if request.method == "POST" and request.path == issues:
            return self._create(request)
        if request.method == "GET" and request.path == issues:
            return self._list(request)
        match = re.fullmatch(rf"{issues}/(\d+)", request.path)
        if request.method == "GET" and match:
            issue = self.issues.get(int(match.group(1)))
            return Answer(200, issue) if issue else Answer(404, {"message": "Not Found"})
        self.problems.append(f"unexpected {request.method} {request.path}")
        return Answer(404, {"message": "Not Found"})

    def _create(self, request: Seen) -> Answer:
        problems = []
        body = request.json()
        allowed = {"title", "body", "assignee", "milestone", "labels", "assignees", "type"}
        if set(body) - allowed:
            problems.append(f"unknown keys {sorted(set(body) - allowed)}")
        if not isinstance(body.get("title"), str) or not body["title"]:
            problems.append("title is required and must be a string")
        if "body" in body and not isinstance(body["body"], str):
            problems.append("body must be a string")
        for name in ("labels", "assignees"):
            if name in body and not (
                isinstance(body[name], list) and all(isinstance(x, str) for x in body[name])
            ):
                problems.append(f"{name} must be an array of strings")
        if "milestone" in body and not isinstance(body["milestone"], int):
            problems.append("milestone must be an integer")
        if problems:
            self.problems += problems
            return Answer(
                422,
                {
                    "message": "Validation Failed",
                    "errors": [{"resource": "Issue", "code": "invalid", "field": "title"}],
                },
            )
        number = 1347 + len(self.issues)
        owner = self.repo.split("/")[0]
        issue = {
            "id": 1000 + number,
            "node_id": f"I_{number}",
            "url": f"{self.base_url}/repos/{self.repo}/issues/{number}",
            "html_url": f"https://github.com/{self.repo}/issues/{number}",
            "number": number,
            "state": "open",
            "state_reason": None,
            "title": body["title"],
            "body": body.get("body"),
            "user": {"login": owner, "id": 1},
            "labels": [{"id": i, "name": name} for i, name in enumerate(body.get("labels", []))],
            "assignees": [{"login": login} for login in body.get("assignees", [])],
            "milestone": {"number": body["milestone"]} if "milestone" in body else None,
            "comments": 0,
            "created_at": "2024-05-02T09:00:00Z",
            "updated_at": "2024-05-02T09:00:00Z",
            "closed_at": None,
        }
        self.issues[number] = issue
        return Answer(201, issue, {"Location": issue["url"]})

    def _list(self, request: Seen) -> Answer:
        label = request.query.get("labels")
        wanted = [
            issue
            for issue in self.issues.values()
            if label is None or label in [x["name"] for x in issue["labels"]]
        ]
        if request.query.get("state", "open") == "open":
            wanted = [issue for issue in wanted if issue["state"] == "open"]
        return Answer(200, wanted)

    def close_issue(self, number: int, reason: str = "completed") -> None:
        """Close an issue, as a person would on GitHub."""
        self.issues[number]["state"] = "closed"
        self.issues[number]["state_reason"] = reason
