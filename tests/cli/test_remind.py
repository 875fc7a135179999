"""`blamefree remind` end to end: a real store, a real SMTP server, real HTTP receivers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from blamefree.store import UnitOfWork, make_engine
from blamefree.store.follow_through import FollowThroughRepository, Person
from support.cli import Invoke
from support.fake_http import Answer, FakeServer, Seen, fake_server
from support.fake_smtp import Inbox, body, free_port, smtp_server

NOW = "2024-04-05T09:00:00Z"

DOCUMENT = """\
# Post-Mortem: Checkout outage

**Incident ID:** INC-7
**Date:** 2024-03-12
**Severity:** P1
**Duration:** 2h

---

## Action Items

### Immediate (This Week)
- [x] Raise the pool size
  - **Owner:** Tomás
  - **Due Date:** 2024-03-15
  - **Priority:** High

- [ ] Alert on pool saturation
  - **Owner:** Priya
  - **Due Date:** 2024-03-19
  - **Priority:** High

### Short-term (Next 30 Days)
- [ ] Show config diffs in deploy reviews
  - **Owner:** Sam
  - **Due Date:** 2024-04-10
  - **Priority:** Medium

- [ ] Write the runbook
  - **Due Date:** 2024-04-08

### Long-term (Next 90 Days)
- [ ] Split the config template
  - **Owner:** Priya
  - **Due Date:** 2024-06-07
  - **Priority:** Low

---

## Sign-Off

**Prepared By:** Priya
"""


@dataclass
class Receivers:
    inbox: Inbox
    smtp_port: int
    slack: FakeServer
    hook: FakeServer

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "BLAMEFREE_SMTP_HOST": "127.0.0.1",
            "BLAMEFREE_SMTP_PORT": str(self.smtp_port),
            "BLAMEFREE_SMTP_FROM": "Blamefree <pm@example.com>",
            "BLAMEFREE_SLACK_WEBHOOK_URL": f"{self.slack.url}/services/T000/B000/XXXX",
            "BLAMEFREE_WEBHOOK_URL": f"{self.hook.url}/blamefree",
            "BLAMEFREE_REMIND_FALLBACK": "incidents@example.com",
            "BLAMEFREE_NOW": NOW,
            **extra,
        }


def ok(request: Seen) -> Answer:
    return Answer(200, "ok")


@pytest.fixture
def receivers() -> Iterator[Receivers]:
    with smtp_server() as (inbox, port), fake_server(ok) as slack, fake_server(ok) as hook:
        yield Receivers(inbox, port, slack, hook)


@pytest.fixture
def store(cli: Invoke, database_url: str, tmp_path: Path) -> str:
    """The store with one post-mortem and a people directory where Sam has no address."""
    path = tmp_path / "inc-7.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    engine = make_engine(database_url)
    try:
        with UnitOfWork(engine) as uow:
            people = FollowThroughRepository(uow.session)
            people.put_person(Person("Priya", "priya@example.com", "@priya"))
            people.put_person(Person("Sam", None, "@sam"))
    finally:
        engine.dispose()
    return database_url


def test_digests_go_out_once_per_day_by_every_channel(
    cli: Invoke, store: str, receivers: Receivers
) -> None:
    run = cli("remind", env=receivers.env())
    assert run.exit_code == 0, run.stderr
    mail = receivers.inbox.by_recipient()
    assert sorted(mail) == ["incidents@example.com", "priya@example.com"]
    priya = mail["priya@example.com"]
    # INC-7 is a P1: the default policy asks it submitted for review within 5 business days.
    assert priya["Subject"] == "Blamefree reminders for Priya: 1 overdue, 2 reviews, 1 post-mortem"
    assert priya["From"] == "Blamefree <pm@example.com>"
    text = body(priya)
    assert "Alert on pool saturation (INC-7, due 2024-03-19, 17 days late, High)" in text
    assert (
        "1-week review of INC-7 Post-Mortem: Checkout outage (due 2024-03-19, 17 days late)" in text
    )
    assert (
        "1-month review of INC-7 Post-Mortem: Checkout outage (due 2024-04-11, in 6 days)" in text
    )
    assert (
        "Post-mortems the policy asks for:\n"
        "  - P1 post-mortem INC-7 Post-Mortem: Checkout outage: submission due 2024-03-19, "
        "17 days late\n"
    ) in text
    assert "Split the config template" not in text  # due in June: not yet
    fallback = body(mail["incidents@example.com"])
    assert "Sam\n===\n\nDue soon:\n" in fallback
    assert (
        "Show config diffs in deploy reviews (INC-7, due 2024-04-10, in 5 days, Medium)" in fallback
    )
    assert "(no owner)\n==========\n\nDue soon:\n" in fallback
    assert "Write the runbook (INC-7, due 2024-04-08, in 3 days)" in fallback
    assert "Raise the pool size" not in fallback + text  # done

    slack_texts = [s.json()["text"] for s in receivers.slack.seen]
    assert slack_texts == [
        "Blamefree reminders for Priya (@priya): 1 overdue, 0 due soon, 2 reviews, 1 post-mortem",
        "Blamefree reminders for Sam (@sam): 0 overdue, 1 due soon, 0 reviews",
        "Blamefree reminders for (no owner): 0 overdue, 1 due soon, 0 reviews",
    ]
    assert {s.path for s in receivers.slack.seen} == {"/services/T000/B000/XXXX"}
    hooks = [s.json() for s in receivers.hook.seen]
    assert [(h["event"], h["recipient"]["name"], h["recipient"]["email"]) for h in hooks] == [
        ("blamefree.reminder", "Priya", "priya@example.com"),
        ("blamefree.reminder", "Sam", None),
        ("blamefree.reminder", None, None),
    ]
    assert [i["text"] for i in hooks[0]["overdue"]] == ["Alert on pool saturation"]
    assert hooks[0]["postmortems"] == [
        {
            "incident_id": "INC-7",
            "title": "Post-Mortem: Checkout outage",
            "severity": "P1",
            "needs": "submission",
            "due_date": "2024-03-19",
            "days_late": 17,
        }
    ]

    again = cli("remind", "--json", env=receivers.env())
    assert again.exit_code == 0, again.stderr
    statuses = {
        (d["channel"], d["recipient"]): d["status"] for d in json.loads(again.stdout)["deliveries"]
    }
    assert set(statuses.values()) == {"already sent"}
    assert len(statuses) == 8
    assert (len(receivers.inbox.messages), len(receivers.slack.seen), len(receivers.hook.seen)) == (
        2,
        3,
        3,
    )

    next_day = cli("remind", env=receivers.env(BLAMEFREE_NOW="2024-04-06T09:00:00Z"))
    assert next_day.exit_code == 0, next_day.stderr
    assert (len(receivers.inbox.messages), len(receivers.slack.seen), len(receivers.hook.seen)) == (
        4,
        6,
        6,
    )


def test_a_failed_delivery_exits_8_and_is_retried_next_run(
    cli: Invoke, store: str, receivers: Receivers
) -> None:
    receivers.hook.answer_with(lambda request: Answer(500, "receiver down"))
    first = cli("remind", env=receivers.env())
    assert first.exit_code == 8
    assert (
        "3 of 8 reminders failed: webhook to Priya: webhook at 127.0.0.1 answered HTTP 500: receiver down"
        in " ".join(first.stderr.split())
    )
    assert (len(receivers.inbox.messages), len(receivers.slack.seen), len(receivers.hook.seen)) == (
        2,
        3,
        3,
    )

    receivers.hook.answer_with(ok)
    second = cli("remind", "--json", env=receivers.env())
    assert second.exit_code == 0, second.stderr
    deliveries = json.loads(second.stdout)["deliveries"]
    by_status: dict[str, list[tuple[str, str, int]]] = {}
    for d in deliveries:
        by_status.setdefault(d["status"], []).append((d["channel"], d["recipient"], d["attempts"]))
    assert by_status["sent"] == [
        ("webhook", "Priya", 2),
        ("webhook", "Sam", 2),
        ("webhook", "(no owner)", 2),
    ]
    assert len(by_status["already sent"]) == 5
    # Slack and e-mail were not sent twice; the webhook got each digest again.
    assert (len(receivers.inbox.messages), len(receivers.slack.seen), len(receivers.hook.seen)) == (
        2,
        3,
        6,
    )


def test_dry_run_shows_the_messages_and_records_nothing(
    cli: Invoke, store: str, receivers: Receivers
) -> None:
    dry = cli("remind", "--dry-run", env=receivers.env())
    assert dry.exit_code == 0, dry.stderr
    assert "Alert on pool saturation (INC-7, due 2024-03-19, 17 days late, High)" in dry.stdout
    assert "dry run: nothing sent" in dry.stdout
    assert dry.stdout.count("would send") == 8
    assert (len(receivers.inbox.messages), len(receivers.slack.seen), len(receivers.hook.seen)) == (
        0,
        0,
        0,
    )
    real = cli("remind", env=receivers.env())
    assert real.exit_code == 0, real.stderr
    assert (len(receivers.inbox.messages), len(receivers.slack.seen), len(receivers.hook.seen)) == (
        2,
        3,
        3,
    )


def test_owners_without_address_and_no_fallback_are_an_error_not_silence(
    cli: Invoke, store: str, receivers: Receivers
) -> None:
    env = receivers.env(
        BLAMEFREE_REMIND_FALLBACK="", BLAMEFREE_SLACK_WEBHOOK_URL="", BLAMEFREE_WEBHOOK_URL=""
    )
    run = cli("remind", env=env)
    assert run.exit_code == 6
    assert (
        "no e-mail address for Sam, (no owner), and BLAMEFREE_REMIND_FALLBACK is not set"
        in " ".join(run.stderr.split())
    )
    # The command to add an address is the CLI's hint, not part of the service's message.
    assert "(`blamefree people add NAME --email ADDRESS`)" in " ".join(run.stderr.split())
    assert [to for _, to, _ in receivers.inbox.messages] == [["priya@example.com"]]


def test_no_channel_configured_is_a_config_error(cli: Invoke, store: str) -> None:
    run = cli("--now", NOW, "remind")
    assert run.exit_code == 6
    assert "no reminder channel is configured" in run.stderr


def test_nothing_due(cli: Invoke, receivers: Receivers) -> None:
    run = cli("remind", env=receivers.env())
    assert run.exit_code == 0, run.stderr
    assert "Nothing to remind anyone of on 2024-04-05" in run.stdout
    assert receivers.inbox.messages == []


def test_an_unreachable_smtp_server_fails_only_the_mails_which_go_out_next_run(
    cli: Invoke, store: str, receivers: Receivers
) -> None:
    down = receivers.env(BLAMEFREE_SMTP_PORT=str(free_port()))
    first = cli("remind", "--json", env=down)
    assert first.exit_code == 8
    failed = [
        (d["channel"], d["recipient"])
        for d in json.loads(first.stdout)["deliveries"]
        if d["status"] == "failed"
    ]
    assert failed == [("email", "Priya"), ("email", "(fallback)")]
    assert "2 of 8 reminders failed: email to Priya: SMTP server 127.0.0.1:" in " ".join(
        first.stderr.split()
    )
    assert (len(receivers.inbox.messages), len(receivers.slack.seen), len(receivers.hook.seen)) == (
        0,
        3,
        3,
    )

    second = cli("remind", env=receivers.env())
    assert second.exit_code == 0, second.stderr
    assert sorted(receivers.inbox.by_recipient()) == ["incidents@example.com", "priya@example.com"]
    assert (len(receivers.inbox.messages), len(receivers.slack.seen), len(receivers.hook.seen)) == (
        2,
        3,
        3,
    )
