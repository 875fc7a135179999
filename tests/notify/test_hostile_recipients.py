"""Hostile owner names through every channel, against a real SMTP server and real HTTP receivers.

The names (tests/data/hostile/outbound/owner-names.json) carry Slack control sequences, CR/LF
header injections, encoded-word tricks, terminal escapes and JSON metacharacters. Each channel
must deliver them as text: no mention, link or header is made from them, nothing crashes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from blamefree.config import Settings
from blamefree.errors import ValidationFailed
from blamefree.notify.digest import (
    ActionRef,
    Channel,
    Contact,
    Delivery,
    Digest,
    ReviewRef,
    one_line,
    plan_deliveries,
)
from blamefree.notify.email import WORD_JOINER, Mailer, SmtpConfig, build_message, header_text
from blamefree.notify.slack import escape, send_slack, slack_payload
from blamefree.notify.webhook import send_webhook
from blamefree.services.reminders import remind
from blamefree.store import UnitOfWork
from blamefree.store.follow_through import FollowThroughRepository, Person
from support.fake_http import Answer, FakeServer, fake_server
from support.fake_smtp import body, smtp_server
from support.uow import in_uow

HOSTILE = Path(__file__).parent.parent / "data" / "hostile" / "outbound" / "owner-names.json"
NAMES: list[str] = json.loads(HOSTILE.read_text(encoding="utf-8"))
TODAY = dt.date(2024, 4, 5)
# What Slack would act on: <!...>, <@...>, <#...>, <url|...>, and any raw < or >.
SLACK_CONTROL = re.compile(r"[<>]")


def digest_for(name: str, *, url: str | None = None) -> Digest:
    item = ActionRef(
        uid="A-H0ST1L",
        text=f"Call {name} back",
        owner=name,
        due_date=dt.date(2024, 4, 1),
        priority="High",
        status="open",
        incident_id="INC-OUT-2",
        horizon="immediate",
        url=url,
    )
    return Digest(owner=name, today=TODAY, overdue=(item,))


def texts(node: Any) -> Iterator[str]:
    """Every string a Slack payload shows: ``text`` fields at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from texts(value)


@pytest.fixture
def receiver() -> Iterator[FakeServer]:
    with fake_server(lambda request: Answer(200, "ok")) as server:
        yield server


@pytest.mark.parametrize("name", NAMES)
def test_slack_escapes_every_field_including_the_notification_text(
    name: str, receiver: FakeServer
) -> None:
    digest = digest_for(name)
    contacts = [Contact(name, slack=f"@{name}")]
    plan = plan_deliveries([digest], contacts, email=False, slack_url=f"{receiver.url}/hook")
    with httpx.Client() as client:
        send_slack(client, plan.deliveries[0])
    (seen,) = receiver.seen
    payload = seen.json()
    shown = list(texts(payload))
    assert len(shown) == 4  # top-level text, header, summary, the overdue section
    for text in shown:
        assert SLACK_CONTROL.search(text) is None, text
        assert "\n" not in text.split("*Overdue*\n", 1)[-1]  # one line per item
    assert payload["text"].startswith(f"Blamefree reminders for {escape(one_line(name))}")
    assert all(
        block["text"].get("verbatim") is True
        for block in payload["blocks"]
        if block["text"]["type"] == "mrkdwn"
    )


def test_a_plain_tracker_url_is_the_only_link_slack_gets() -> None:
    good = slack_payload(
        _delivery(digest_for("Kim", url="https://acme.atlassian.net/browse/OPS-5"))
    )
    assert good["blocks"][2]["text"]["text"].endswith(" <https://acme.atlassian.net/browse/OPS-5>")
    for url in ("https://x.example/a|<!channel>", "javascript:alert(1)", "<!here>"):
        payload = slack_payload(_delivery(digest_for("Kim", url=url)))
        for text in texts(payload):
            assert SLACK_CONTROL.search(text) is None, (url, text)


@pytest.mark.parametrize("name", NAMES)
def test_email_headers_stay_headers(name: str) -> None:
    digest = digest_for(name)
    delivery = Delivery(Channel.EMAIL, digest.name, "owner@example.com", (digest,))
    with smtp_server() as (inbox, port):
        with Mailer(SmtpConfig("127.0.0.1", port, "Blamefree <pm@example.com>")) as mailer:
            mailer.send(delivery)
        ((sender, recipients, message),) = inbox.messages
    assert (sender, recipients) == ("pm@example.com", ["owner@example.com"])
    assert sorted(message.keys()) == [
        "Auto-Submitted",
        "Content-Transfer-Encoding",
        "Content-Type",
        "Date",
        "From",
        "MIME-Version",
        "Message-ID",
        "Subject",
        "To",
    ]
    # Unfolded and decoded the way a mail client reads it.
    subject = str(policy.default.header_fetch_parse("Subject", message["Subject"]))
    assert subject == header_text(f"Blamefree reminders for {one_line(name)}: 1 overdue")
    # What a reader sees is the name; an encoded word in it is shown, never decoded.
    assert (
        subject.replace(WORD_JOINER, "") == f"Blamefree reminders for {one_line(name)}: 1 overdue"
    )
    assert "\r" not in subject and "\n" not in subject
    text = body(message)
    assert f"[A-H0ST1L] Call {one_line(name)} back (INC-OUT-2" in text
    assert "\x1b" not in text and "\x07" not in text


def test_an_address_that_would_add_headers_fails_that_message_only() -> None:
    digest = digest_for("Eve")
    config = SmtpConfig("127.0.0.1", 25, "pm@example.com")
    for address in ("eve@example.com\r\nBcc: spy@evil.example", "Eve <eve@example.com>", "a, b@c"):
        delivery = Delivery(Channel.EMAIL, "Eve", address, (digest,))
        with pytest.raises(ValidationFailed, match="is not an e-mail address"):
            build_message(config, delivery)


def test_all_the_names_in_one_smtp_session_each_arrive() -> None:
    """One connection, one message per name: none is lost, none spills into the next."""
    with smtp_server() as (inbox, port):
        with Mailer(SmtpConfig("127.0.0.1", port, "pm@example.com")) as mailer:
            for index, name in enumerate(NAMES):
                digest = digest_for(name)
                mailer.send(Delivery(Channel.EMAIL, name, f"o{index}@example.com", (digest,)))
        received = inbox.by_recipient()
    assert sorted(received) == sorted(f"o{index}@example.com" for index in range(len(NAMES)))
    assert len(inbox.messages) == len(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_webhook_gets_the_name_back_exactly_as_json(name: str, receiver: FakeServer) -> None:
    digest = digest_for(name)
    contacts = [Contact(name, email="x@example.com", slack=name)]
    plan = plan_deliveries([digest], contacts, email=False, webhook_url=f"{receiver.url}/hook")
    with httpx.Client() as client:
        send_webhook(client, plan.deliveries[0])
    (seen,) = receiver.seen
    assert seen.headers["content-type"] == "application/json"
    payload = json.loads(seen.body.decode("utf-8"))
    assert payload["owner"] == name
    assert payload["recipient"] == {"name": name, "email": "x@example.com", "slack": name}
    assert payload["overdue"][0]["text"] == f"Call {name} back"


def _delivery(digest: Digest) -> Delivery:
    return Delivery(Channel.SLACK, digest.name, "https://hooks.example/x", (digest,))


def test_remind_mails_a_crlf_owner_once_and_records_it(engine: Engine) -> None:
    """A CR/LF in an owner's name used to crash `remind` after the claim; now it is mailed."""
    owner = "Eve\r\nBcc: spy@evil.example"
    with UnitOfWork(engine) as uow:
        FollowThroughRepository(uow.session).put_person(Person(owner, "eve@example.com", None))
    review = ReviewRef("INC-OUT-2", "1-week", TODAY, owner=owner, title="Notification storm")
    with smtp_server() as (inbox, port):
        configured = Settings(
            database_url="sqlite://",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_from="pm@example.com",
        )

        def once() -> list[tuple[str, str]]:
            report = in_uow(
                engine,
                remind,
                settings=configured,
                today=TODAY,
                now=dt.datetime(2024, 4, 5, 9, tzinfo=dt.UTC),
                reviews=lambda *_: [review],
                clock=lambda: dt.datetime.now(dt.UTC),
            )
            return [(r.recipient, r.status) for r in report.results]

        assert once() == [(owner, "sent")]
        assert once() == [(owner, "already sent")]
        ((_, recipients, message),) = inbox.messages
    assert recipients == ["eve@example.com"]
    assert "Bcc" not in message
    assert str(policy.default.header_fetch_parse("Subject", message["Subject"])) == (
        "Blamefree reminders for Eve Bcc: spy@evil.example: 1 review"
    )
