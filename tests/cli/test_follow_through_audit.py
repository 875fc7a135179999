"""Acceptance audit of follow-through: the real `blamefree` command in a subprocess.

A fresh store (SQLite, and PostgreSQL for the shorter run), a fixed clock, a real SMTP server
(aiosmtpd), a local webhook receiver and local Jira / GitHub fakes written here from the APIs'
documentation (Jira Cloud REST v3 and v2 create issue, GitHub REST create issue 2022-11-28),
independently of the fakes in ``support.fake_trackers``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
from sqlalchemy import Engine

from blamefree.store import UnitOfWork
from blamefree.store.deliveries import Claim, DeliveryRepository, Holder
from blamefree.trackers.base import HttpApi
from support.cli import Invoke, Run
from support.fake_http import Answer, Seen, fake_server
from support.fake_smtp import Inbox, smtp_server

NOW = "2024-04-05T09:00:00Z"

SEARCH = """\
# Post-Mortem: Search outage

**Incident ID:** INC-2
**Date:** 2024-04-01
**Severity:** P2
**Duration:** 1h

---

## Action Items

### Immediate (This Week)
- [ ] Add an index on search terms
  - **Owner:** Dana
  - **Priority:** High

- [ ] Page on search latency
  - **Owner:** @octodev
  - **Due Date:** 2024-04-03
  - **Priority:** Medium

### Short-term (Next 30 Days)
- [ ] Write the reindex runbook
  - **Priority:** Low

### Long-term (Next 90 Days)
- [x] Move search to its own cluster
  - **Owner:** Priya Raman
  - **Due Date:** 2024-04-20

---

## Sign-Off

**Prepared By:** Priya Raman
"""

CHECKOUT = """\
# Post-Mortem: Checkout outage

**Incident ID:** INC-1
**Date:** 2024-03-12
**Severity:** P1
**Duration:** 3h

---

## Action Items

### Immediate (This Week)
- [ ] Alert on pool saturation
  - **Owner:** Priya Raman
  - **Due Date:** 2024-03-19
  - **Priority:** High

---

## Sign-Off

**Prepared By:** Priya Raman
"""


# --- the command, as a user runs it ---------------------------------------------------------


def _command() -> list[str]:
    script = Path(sys.executable).with_name("blamefree")
    if script.exists():
        return [str(script)]
    found = shutil.which("blamefree")
    return [found] if found else [sys.executable, "-m", "blamefree"]


class Blamefree:
    """Runs `blamefree` in a subprocess with only the settings given (no inherited ones)."""

    def __init__(self, database_url: str, cwd: Path) -> None:
        self.cwd = cwd
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("BLAMEFREE_")}
        self.env |= {"BLAMEFREE_DATABASE_URL": database_url, "BLAMEFREE_NOW": NOW}
        self.env |= {"COLUMNS": "200", "BLAMEFREE_CONFIG": str(cwd / "none.toml")}
        (cwd / "none.toml").write_text("[blamefree]\n", encoding="utf-8")

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Run:
        done = subprocess.run(
            [*_command(), *args],
            capture_output=True,
            text=True,
            env=self.env | (env or {}),
            cwd=self.cwd,
            timeout=120,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    def json(self, *args: str, env: dict[str, str] | None = None) -> Any:
        run = self(*args, "--json", env=env)
        assert run.exit_code == 0, run.stderr
        return json.loads(run.stdout)


@pytest.fixture
def blamefree(database_url: str, tmp_path: Path) -> Blamefree:
    (tmp_path / "search.md").write_text(SEARCH, encoding="utf-8")
    (tmp_path / "checkout.md").write_text(CHECKOUT, encoding="utf-8")
    return Blamefree(database_url, tmp_path)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as found:
        yield found


# --- Jira and GitHub as their documentation describes them ------------------------------------

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ADF_INLINE = {"text", "hardBreak", "mention", "emoji", "inlineCard"}


def adf_problems(node: Any) -> list[str]:
    """Atlassian Document Format: doc v1 > blocks (paragraph, bulletList > listItem > blocks)."""
    if not (isinstance(node, dict) and node.get("type") == "doc" and node.get("version") == 1):
        return [f"not an ADF doc: {node!r}"]
    problems: list[str] = []

    def block(item: Any) -> None:
        kind = item.get("type")
        if kind == "paragraph":
            for inline in item.get("content", []):
                if inline.get("type") not in ADF_INLINE:
                    problems.append(f"paragraph holds {inline!r}")
                if inline.get("type") == "text" and not inline.get("text"):
                    problems.append("empty text node")
        elif kind in ("bulletList", "orderedList"):
            for child in item.get("content") or [None]:
                if not isinstance(child, dict) or child.get("type") != "listItem":
                    problems.append(f"list holds {child!r}")
                    continue
                for inner in child.get("content", []):
                    block(inner)
        else:
            problems.append(f"unexpected block {kind!r}")

    for item in node.get("content", []):
        block(item)
    return problems


class Jira:
    """Jira Cloud (v3, ADF description) or Server (v2, plain description): create and search."""

    def __init__(self, *, version: int, email: str | None) -> None:
        self.version, self.email, self.token = version, email, "jira-token"
        self.created: list[dict[str, Any]] = []
        self.problems: list[str] = []

    def __call__(self, request: Seen) -> Answer:
        auth = request.headers.get("authorization", "")
        if self.email:
            basic = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
            expected = f"Basic {basic}"
        else:
            expected = f"Bearer {self.token}"
        if auth != expected:
            return Answer(401, {"errorMessages": ["You are not authenticated."], "errors": {}})
        api = f"/rest/api/{self.version}"
        search = f"{api}/search/jql" if self.version == 3 else f"{api}/search"
        if request.method == "GET" and request.path == search:
            wanted = re.search(r'labels = "([^"]+)"', request.query.get("jql", ""))
            hits = [
                {"id": str(10000 + n), "key": f"OPS-{n + 1}"}
                for n, fields in enumerate(self.created)
                if wanted and wanted.group(1) in fields["labels"]
            ]
            return Answer(200, {"issues": hits[:1], "isLast": True})
        if request.method == "POST" and request.path == f"{api}/issue":
            return self._create(request)
        self.problems.append(f"unexpected {request.method} {request.path}")
        return Answer(404, {"errorMessages": ["Not found"], "errors": {}})

    def _create(self, request: Seen) -> Answer:
        if not request.headers.get("content-type", "").startswith("application/json"):
            self.problems.append("Content-Type is not application/json")
        body = request.json()
        fields = body["fields"]
        if set(body) != {"fields"}:
            self.problems.append(f"top-level keys {sorted(body)}")
        expected_keys = {"project", "summary", "issuetype", "labels", "description"}
        if not expected_keys <= set(fields) <= expected_keys | {"priority", "duedate"}:
            self.problems.append(f"fields {sorted(fields)}")
        if fields["project"] != {"key": "OPS"} or fields["issuetype"] != {"name": "Task"}:
            self.problems.append(f"project/issuetype {fields['project']} {fields['issuetype']}")
        if "\n" in fields["summary"] or not 0 < len(fields["summary"]) <= 255:
            self.problems.append(f"summary {fields['summary']!r}")
        if "duedate" in fields and not DATE.match(fields["duedate"]):
            self.problems.append(f"duedate {fields['duedate']!r}")
        if "priority" in fields and set(fields["priority"]) != {"name"}:
            self.problems.append(f"priority {fields['priority']!r}")
        if any(" " in label for label in fields["labels"]):
            self.problems.append(f"labels {fields['labels']}")
        if self.version == 3:
            self.problems += adf_problems(fields["description"])
        elif not isinstance(fields["description"], str):
            self.problems.append("v2 description is not a string")
        self.created.append(fields)
        n = len(self.created)
        return Answer(201, {"id": str(10000 + n), "key": f"OPS-{n}", "self": f"/issue/{n}"})


class GitHub:
    """GitHub REST 2022-11-28: list a repository's issues, create one, get one."""

    def __init__(self) -> None:
        self.created: list[dict[str, Any]] = []
        self.closed: set[int] = set()
        self.problems: list[str] = []

    def __call__(self, request: Seen) -> Answer:
        headers = request.headers
        if headers.get("authorization") != "Bearer gh-token":
            return Answer(401, {"message": "Bad credentials"})
        if headers.get("accept") != "application/vnd.github+json":
            self.problems.append(f"Accept {headers.get('accept')!r}")
        if headers.get("x-github-api-version") != "2022-11-28":
            self.problems.append("X-GitHub-Api-Version missing")
        if request.path == "/repos/acme/web/issues" and request.method == "GET":
            return Answer(200, [self._issue(n) for n in range(1, len(self.created) + 1)])
        if request.path == "/repos/acme/web/issues" and request.method == "POST":
            body = request.json()
            types = {"title": str, "body": str, "labels": list, "assignees": list, "milestone": int}
            for key, value in body.items():
                if key not in types or not isinstance(value, types[key]):
                    self.problems.append(f"{key}={value!r}")
            for key in ("labels", "assignees"):
                if not all(isinstance(x, str) for x in body.get(key, [])):
                    self.problems.append(f"{key} must be strings")
            self.created.append(body)
            return Answer(201, self._issue(len(self.created)))
        found = re.fullmatch(r"/repos/acme/web/issues/(\d+)", request.path)
        if found and request.method == "GET":
            return Answer(200, self._issue(int(found.group(1))))
        self.problems.append(f"unexpected {request.method} {request.path}")
        return Answer(404, {"message": "Not Found"})

    def _issue(self, number: int) -> dict[str, Any]:
        closed = number in self.closed
        return {
            "number": number,
            "html_url": f"https://github.com/acme/web/issues/{number}",
            "state": "closed" if closed else "open",
            "state_reason": "completed" if closed else None,
            "body": self.created[number - 1].get("body"),
        }


def _ids(items: list[dict[str, Any]]) -> dict[str, str]:
    return {item["text"]: item["id"] for item in items}


# --- the scenario ---------------------------------------------------------------------------


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_scenario_end_to_end(blamefree: Blamefree, inbox: tuple[Inbox, int]) -> None:
    """Items, overdue lists, reminders once, the ICS feed and tracker pushes, as a user runs them."""
    assert blamefree("import", "search.md", "checkout.md").exit_code == 0
    ids = _ids(blamefree.json("actions", "list"))

    # Overdue on the fixed clock; an item without a due date is due at its horizon's end.
    overdue = blamefree.json("actions", "list", "--overdue")
    assert [i["text"] for i in overdue] == ["Page on search latency", "Alert on pool saturation"]
    soon = {i["text"]: i for i in blamefree.json("actions", "list", "--due-within", "7d")}
    assert soon["Add an index on search terms"]["due_date"] == "2024-04-08"
    assert soon["Add an index on search terms"]["due_date_is_default"] is True
    later = blamefree.json("--now", "2024-04-09T08:00:00Z", "actions", "list", "--overdue")
    assert len(later) == 3
    mine = blamefree.json("actions", "list", "--owner", "priya raman", "--status", "open")
    assert [i["text"] for i in mine] == ["Alert on pool saturation"]

    # Bad input: exit codes and messages, nothing written.
    bad = blamefree("actions", "set", "A-NOPE00", "--status", "done")
    assert (bad.exit_code, "no action item with id 'A-NOPE00'" in bad.stderr) == (4, True)
    bad = blamefree("actions", "set", ids["Page on search latency"], "--status", "finished")
    assert (bad.exit_code, "--status 'finished' is not one of" in bad.stderr) == (2, True)
    bad = blamefree("actions", "list", "--due-within", "7x")
    assert (bad.exit_code, "'7x' is not a number of days" in bad.stderr) == (2, True)
    bad = blamefree("actions", "set", ids["Page on search latency"], "--due", "2024-13-01")
    assert bad.exit_code == 2
    assert blamefree.json("actions", "show", ids["Page on search latency"])["status"] == "open"

    # Reminders: one e-mail per owner with an address, the fallback for the rest, once a day.
    smtp, port = inbox
    with fake_server(lambda request: Answer(200, "ok")) as hooks:
        assert (
            blamefree("people", "add", "Priya Raman", "--email", "priya@example.com").exit_code == 0
        )
        remind_env = {
            "BLAMEFREE_SMTP_HOST": "127.0.0.1",
            "BLAMEFREE_SMTP_PORT": str(port),
            "BLAMEFREE_SMTP_FROM": "Blamefree <pm@example.com>",
            "BLAMEFREE_WEBHOOK_URL": f"{hooks.url}/hook/generic",
            "BLAMEFREE_SLACK_WEBHOOK_URL": f"{hooks.url}/hook/slack",
            "BLAMEFREE_REMIND_FALLBACK": "oncall@example.com",
        }
        dry = blamefree("remind", "--dry-run", env=remind_env)
        assert (dry.exit_code, len(smtp.messages), len(hooks.seen)) == (0, 0, 0)
        first = blamefree("remind", env=remind_env)
        assert first.exit_code == 0, first.stderr
        assert sorted(to for _, tos, _ in smtp.messages for to in tos) == [
            "oncall@example.com",
            "priya@example.com",
        ]
        owners = sorted(
            str(json.loads(r.body)["owner"]) for r in hooks.seen if r.path == "/hook/generic"
        )
        assert owners == ["@octodev", "Dana", "Priya Raman"]
        assert len([r for r in hooks.seen if r.path == "/hook/slack"]) == 3
        again = blamefree("remind", env=remind_env)
        assert again.exit_code == 0
        assert again.stdout.count("already sent") == 8
        assert (len(smtp.messages), len(hooks.seen)) == (2, 6)

    # The calendar feed: RFC 5545 basics, all-day events, UIDs stable across exports.
    assert blamefree("calendar", "-o", "feed.ics").exit_code == 0
    raw = (blamefree.cwd / "feed.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    feed = icalendar.Calendar.from_ical(raw)
    assert (str(feed["VERSION"]), str(feed["PRODID"])) == (
        "2.0",
        "-//Blamefree//Follow-through//EN",
    )
    events = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    index = events[f"{ids['Add an index on search terms']}@blamefree"]
    assert index["DTSTART"].to_ical() == b"20240408"
    assert index["DTSTART"].params["VALUE"] == "DATE"
    assert index["DTSTAMP"].to_ical() == b"20240405T090000Z"
    assert f"{ids['Move search to its own cluster']}@blamefree" not in events  # done
    assert "review-INC-2-1w@blamefree" in events
    blamefree("actions", "set", ids["Add an index on search terms"], "--due", "2024-04-12")
    second = icalendar.Calendar.from_ical(blamefree("calendar").stdout)
    moved = {str(e["UID"]): e for e in second.walk("VEVENT")}
    assert set(moved) == set(events)
    assert moved[f"{ids['Add an index on search terms']}@blamefree"]["DTSTART"].to_ical() == (
        b"20240412"
    )

    # Jira Cloud (v3): the documented create body; a re-run creates nothing.
    jira = Jira(version=3, email="pm@example.com")
    with fake_server(jira) as server:
        env = {
            "BLAMEFREE_JIRA_URL": server.url,
            "BLAMEFREE_JIRA_EMAIL": "pm@example.com",
            "BLAMEFREE_JIRA_TOKEN": "jira-token",
            "BLAMEFREE_JIRA_PROJECT": "OPS",
        }
        pushed = blamefree.json(
            "actions", "push", ids["Page on search latency"], "--to", "jira", env=env
        )
        assert [(p["outcome"], p["key"]) for p in pushed] == [("created", "OPS-1")]
        again_pushed = blamefree.json(
            "actions", "push", ids["Page on search latency"], "--to", "jira", env=env
        )
        assert [p["outcome"] for p in again_pushed] == ["linked already"]
        denied = blamefree(
            "actions",
            "push",
            ids["Write the reindex runbook"],
            "--to",
            "jira",
            env=env | {"BLAMEFREE_JIRA_TOKEN": "wrong"},
        )
        assert (denied.exit_code, "did not accept the credentials" in denied.stderr) == (8, True)
    assert jira.problems == []
    fields = jira.created[0]
    assert (fields["summary"], fields["duedate"], fields["priority"]) == (
        "Page on search latency",
        "2024-04-03",
        {"name": "Medium"},
    )
    assert blamefree.json("actions", "show", ids["Write the reindex runbook"])["tracker"] is None

    # GitHub: the documented create body; closed as completed comes back as done.
    github = GitHub()
    with fake_server(github) as server:
        env = {
            "BLAMEFREE_GITHUB_API_URL": server.url,
            "BLAMEFREE_GITHUB_TOKEN": "gh-token",
            "BLAMEFREE_GITHUB_REPO": "acme/web",
        }
        pushed = blamefree.json(
            "actions", "push", "--all", "--to", "github", "--milestone", "2", env=env
        )
        outcomes = {p["text"]: p["outcome"] for p in pushed}
        assert outcomes["Page on search latency"] == "linked already"
        assert outcomes["Write the reindex runbook"] == "created"
        github.closed.add(1)
        index = ids["Add an index on search terms"]
        pulled = blamefree.json("actions", "pull", index, env=env)
        assert [(p["outcome"], p["after"]) for p in pulled] == [("updated", "done")]
    assert github.problems == []
    issue = next(b for b in github.created if b["title"] == "Add an index on search terms")
    assert (issue["labels"][0], issue["milestone"], "assignees" in issue) == ("blamefree", 2, False)
    assert f"<!-- blamefree-action-{ids['Add an index on search terms']} -->" in issue["body"]
    missing = blamefree("actions", "push", "--all", "--to", "jira")
    assert (missing.exit_code, "BLAMEFREE_JIRA_URL" in missing.stderr) == (6, True)


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_short_scenario_on_postgresql(blamefree: Blamefree, inbox: tuple[Inbox, int]) -> None:
    """The same store behaviour on PostgreSQL: overdue list, one reminder a day, Jira v2 push."""
    assert blamefree("import", "search.md", "checkout.md").exit_code == 0
    overdue = blamefree.json("actions", "list", "--overdue")
    assert [i["text"] for i in overdue] == ["Page on search latency", "Alert on pool saturation"]
    smtp, port = inbox
    env = {
        "BLAMEFREE_SMTP_HOST": "127.0.0.1",
        "BLAMEFREE_SMTP_PORT": str(port),
        "BLAMEFREE_SMTP_FROM": "pm@example.com",
        "BLAMEFREE_REMIND_FALLBACK": "oncall@example.com",
    }
    assert blamefree("remind", env=env).exit_code == 0
    assert blamefree("remind", env=env).exit_code == 0
    assert [tos for _, tos, _ in smtp.messages] == [["oncall@example.com"]]
    jira = Jira(version=2, email=None)
    with fake_server(jira) as server:
        server_env = {
            "BLAMEFREE_JIRA_URL": server.url,
            "BLAMEFREE_JIRA_TOKEN": "jira-token",
            "BLAMEFREE_JIRA_PROJECT": "OPS",
            "BLAMEFREE_JIRA_API_VERSION": "2",
        }
        pushed = blamefree.json("actions", "push", "--all", "--to", "jira", env=server_env)
    assert [p["outcome"] for p in pushed] == ["created"] * 4
    assert jira.problems == []
    assert all(isinstance(fields["description"], str) for fields in jira.created)


# --- what the audit found -------------------------------------------------------------------


def test_actions_table_fits_an_80_column_terminal(cli: Invoke, tmp_path: Path) -> None:
    """No column of `actions list` is cut off at 80 columns; the incident moves under the text."""
    (tmp_path / "checkout.md").write_text(CHECKOUT, encoding="utf-8")
    (tmp_path / "search.md").write_text(SEARCH, encoding="utf-8")
    cli("import", str(tmp_path / "checkout.md"), str(tmp_path / "search.md"))
    run = cli("--now", NOW, "actions", "list", env={"COLUMNS": "80"})
    rows = [line for line in run.stdout.splitlines() if line[:1] in "┏┃┡│└"]
    assert {line[-1] for line in rows} <= {"┓", "┃", "┩", "│", "┘"}
    assert max(len(line) for line in rows) == 80
    assert run.stdout.count("INC-2 · immediate") == 2
    wide = cli("--now", NOW, "actions", "list", env={"COLUMNS": "140"})
    assert "Horizon" in wide.stdout and "INC-2 · immediate" not in wide.stdout


def test_owner_filter_ignores_case_and_at(cli: Invoke, tmp_path: Path) -> None:
    """`--owner` finds an owner as reminders do: case and a leading @ ignored."""
    (tmp_path / "search.md").write_text(SEARCH, encoding="utf-8")
    cli("import", str(tmp_path / "search.md"))
    found = json.loads(cli("actions", "list", "--owner", "OCTODEV", "--json").stdout)
    assert [i["owner"] for i in found] == ["@octodev"]
    found = json.loads(cli("actions", "list", "--owner", " dana ", "--json").stdout)
    assert [i["owner"] for i in found] == ["Dana"]


def test_a_short_rate_limit_on_a_listed_page_is_waited_out() -> None:
    """GitHub's issue listing (paginated) honours a short Retry-After like single requests do."""
    answers = [Answer(429, {"message": "slow down"}, {"Retry-After": "2"}), Answer(200, [{"n": 1}])]
    slept: list[float] = []
    with fake_server(lambda request: answers.pop(0)) as server:
        api = HttpApi(name="GitHub", base_url=server.url, headers={}, sleep=slept.append)
        try:
            issues = api.url("repos", "acme", "web", "issues")
            items = list(api.get_pages(issues, params={"per_page": 100}))
        finally:
            api.close()
    assert (items, slept, len(server.seen)) == ([{"n": 1}], [2.0], 2)


def test_overlapping_runs_send_each_reminder_once(
    blamefree: Blamefree, inbox: tuple[Inbox, int]
) -> None:
    """Three `remind` runs started together (cron and a hand-run): every message goes out once."""
    assert blamefree("import", "search.md", "checkout.md").exit_code == 0
    smtp, port = inbox
    with fake_server(lambda request: Answer(200, "ok")) as hooks:
        env = blamefree.env | {
            "BLAMEFREE_SMTP_HOST": "127.0.0.1",
            "BLAMEFREE_SMTP_PORT": str(port),
            "BLAMEFREE_SMTP_FROM": "pm@example.com",
            "BLAMEFREE_REMIND_FALLBACK": "oncall@example.com",
            "BLAMEFREE_WEBHOOK_URL": f"{hooks.url}/hook",
        }
        runs = [
            subprocess.Popen(
                [*_command(), "remind", "--json"],
                env=env,
                cwd=blamefree.cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0], outputs
        statuses = sorted(d["status"] for out, _ in outputs for d in json.loads(out)["deliveries"])
        assert [tos for _, tos, _ in smtp.messages] == [["oncall@example.com"]]
        assert sorted(json.loads(r.body)["owner"] for r in hooks.seen) == [
            "@octodev",
            "Dana",
            "Priya Raman",
        ]
    assert statuses.count("sent") == 4
    assert len(statuses) - statuses.count("sent") == 8  # already sent, or sent by another run


def test_a_claim_left_by_a_dead_run_is_taken_over_after_its_lease(engine: Engine) -> None:
    """A run that died while sending blocks the message for the lease, then it is retried."""
    day = dt.date(2024, 4, 5)
    start = dt.datetime(2024, 4, 5, 9, tzinfo=dt.UTC)
    where = {"day": day, "channel": "email", "recipient": "Dana", "address": "d@x.io"}

    def claim(minutes: int) -> Claim:
        # Runs on another host: whether they live is not known here, so the lease decides.
        with UnitOfWork(engine) as uow:
            return DeliveryRepository(uow.session).claim(
                **where,
                items=["A-1"],
                at=start,
                lease_start=start + dt.timedelta(minutes=minutes),
                stale_before=start + dt.timedelta(minutes=minutes - 10),
                holder=Holder(f"{minutes:04x}", 4242, "another-host.invalid"),
            )

    assert [claim(0), claim(1), claim(9)] == [Claim.CLAIMED, Claim.BUSY, Claim.BUSY]
    assert claim(11) is Claim.CLAIMED  # the first claimer died; its lease ran out
    with UnitOfWork(engine) as uow:
        repo = DeliveryRepository(uow.session)
        record = repo.record(**where, items=["A-1"], error=None, at=start)
    assert (record.status, record.attempts) == ("sent", 1)
    assert claim(30) is Claim.SENT  # sent: never again that day
