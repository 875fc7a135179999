"""The senders against a real local SMTP server (aiosmtpd) and a local HTTP server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from blamefree.errors import ConfigError, ExternalServiceError
from blamefree.notify.digest import ActionRef, Channel, Delivery, Digest
from blamefree.notify.email import Mailer, SmtpConfig, smtp_config
from blamefree.notify.slack import send_slack
from blamefree.notify.webhook import send_webhook
from support.fake_http import Answer, fake_server
from support.fake_smtp import Inbox, free_port, smtp_server

TODAY = dt.date(2024, 5, 2)
DIGEST = Digest(
    owner="Dana",
    today=TODAY,
    overdue=(
        ActionRef(
            "A-1", "Fix the pool", "Dana", dt.date(2024, 5, 1), "High", "open", "INC-1", "immediate"
        ),
    ),
)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


def test_mail_reaches_a_real_smtp_server(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    config = SmtpConfig("127.0.0.1", port, "Blamefree <pm@example.com>")
    delivery = Delivery(Channel.EMAIL, "Dana", "dana@example.com", (DIGEST,))
    with Mailer(config) as mailer:
        mailer.send(delivery)
        mailer.send(Delivery(Channel.EMAIL, "Lee", "lee@example.com", (DIGEST,)))
    assert [(sender, to) for sender, to, _ in inbox.messages] == [
        ("pm@example.com", ["dana@example.com"]),
        ("pm@example.com", ["lee@example.com"]),
    ]
    message = inbox.messages[0][2]
    assert message["Subject"] == "Blamefree reminders for Dana: 1 overdue"
    assert message["To"] == "dana@example.com"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "[A-1] Fix the pool (INC-1, due 2024-05-01, 1 day late, High)" in body.decode()


def test_a_refused_recipient_fails_alone(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    config = SmtpConfig("127.0.0.1", port, "pm@example.com")
    with Mailer(config) as mailer:
        with pytest.raises(ExternalServiceError) as caught:
            mailer.send(Delivery(Channel.EMAIL, "X", "x@refuse.example", (DIGEST,)))
        mailer.send(Delivery(Channel.EMAIL, "Dana", "dana@example.com", (DIGEST,)))
    assert str(caught.value) == (
        f"SMTP server 127.0.0.1:{port} refused the recipient (x@refuse.example: 550 5.1.1 no such user)"
    )
    assert [to for _, to, _ in inbox.messages] == [["dana@example.com"]]


def test_no_server_is_an_external_service_error() -> None:
    port = free_port()
    config = SmtpConfig("127.0.0.1", port, "pm@example.com", timeout=5)
    expected = rf"^SMTP server 127.0.0.1:{port} failed: .*refused"
    with Mailer(config) as mailer, pytest.raises(ExternalServiceError, match=expected):
        mailer.send(Delivery(Channel.EMAIL, "Dana", "dana@example.com", (DIGEST,)))


def test_smtp_settings_need_a_sender() -> None:
    assert smtp_config(host=None, port=25, sender=None) is None
    with pytest.raises(ConfigError, match="BLAMEFREE_SMTP_FROM"):
        smtp_config(host="mail", port=25, sender=None)


def test_slack_and_webhook_post_json_to_a_local_server() -> None:
    with fake_server(lambda request: Answer(200, "ok")) as server, httpx.Client() as client:
        send_slack(
            client,
            Delivery(Channel.SLACK, "Dana", f"{server.url}/services/T0/B0/secret", (DIGEST,)),
        )
        send_webhook(client, Delivery(Channel.WEBHOOK, "Dana", f"{server.url}/hook", (DIGEST,)))
    slack, hook = server.seen
    assert (slack.method, slack.path, slack.headers["content-type"]) == (
        "POST",
        "/services/T0/B0/secret",
        "application/json",
    )
    assert slack.json()["text"] == "Blamefree reminders for Dana: 1 overdue, 0 due soon, 0 reviews"
    assert [b["type"] for b in slack.json()["blocks"]] == ["header", "section", "section"]
    assert hook.json()["overdue"][0]["uid"] == "A-1"


def test_a_failing_receiver_is_reported_without_the_secret_path() -> None:
    with (
        fake_server(lambda request: Answer(500, "boom")) as server,
        httpx.Client() as client,
        pytest.raises(ExternalServiceError) as caught,
    ):
        send_slack(
            client,
            Delivery(Channel.SLACK, "Dana", f"{server.url}/services/T0/B0/secret", (DIGEST,)),
        )
    assert str(caught.value) == (
        "Slack webhook at 127.0.0.1 answered HTTP 500: boom; it will be retried on the next run"
    )
    assert "secret" not in str(caught.value)
