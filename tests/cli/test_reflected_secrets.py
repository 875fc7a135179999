"""No secret in output or the store, even from servers that reflect the request back.

Each fake service here answers an error whose body echoes what it was sent: the request's
headers (Authorization included), its path and query, the decoded Basic credentials. The
commands must fail with a useful message in which none of the configured secrets appears, and
`remind` must store the errors in `reminder_deliveries.last_error` without them.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session

from blamefree.errors import ExternalServiceError
from blamefree.importers.pagerduty_fetch import fetch_pagerduty_log_entries
from blamefree.store import UnitOfWork, make_engine
from blamefree.store.deliveries import DeliveryRepository
from support.cli import Invoke
from support.fake_http import Answer, Seen, fake_server
from support.fake_smtp import free_port

OWNERS = Path(__file__).parent.parent / "data" / "hostile" / "outbound" / "owners.md"
NOW = "2024-04-05T09:00:00Z"
GITHUB_TOKEN = "ghp_" + "R3fl3ct" * 6
JIRA_TOKEN = "jira-api-token-7Q2x9"
JIRA_EMAIL = "pm@example.com"
SMTP_PASSWORD = "smtp-pa55-Hq8"
SLACK_PATH = "/services/T0SECRET/B0SECRET/s3cr3tSlackPart"
HOOK_TOKEN = "wh-token-Zx81"


def flat(text: str) -> str:
    """Output without whitespace: a token wrapped over two lines must not hide from the test."""
    return "".join(text.split())


def reflect_json(request: Seen) -> Answer:
    """A server that puts everything it received into its error answer."""
    headers = dict(request.headers)
    basic = headers.get("authorization", "").removeprefix("Basic ")
    try:
        decoded = base64.b64decode(basic).decode()
    except ValueError:
        decoded = ""
    return Answer(
        400,
        {
            "message": f"bad request; you sent {json.dumps(headers)}",
            "errorMessages": [f"path {request.path} query {request.query}", f"as {decoded}"],
            "errors": {"authorization": headers.get("authorization", "")},
        },
    )


def reflect_text(request: Seen) -> Answer:
    # Authorization first: it must be inside the part of the body that is shown.
    ordered = sorted(request.headers.items(), key=lambda item: item[0] != "authorization")
    lines = [f"{name}: {value}" for name, value in ordered]
    return Answer(
        500, "upstream error; " + "\n".join(lines) + f"\nfor {request.path}?{request.query}"
    )


SECRETS = (
    GITHUB_TOKEN,
    JIRA_TOKEN,
    base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode(),
    SMTP_PASSWORD,
    "s3cr3tSlackPart",
    HOOK_TOKEN,
)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in flat(text), (secret, text)


@pytest.fixture
def ids(cli: Invoke) -> list[str]:
    assert cli("import", str(OWNERS)).exit_code == 0
    run = cli("--now", NOW, "actions", "list", "--json")
    return [item["id"] for item in json.loads(run.stdout)]


@pytest.mark.parametrize("handler", [reflect_json, reflect_text])
def test_github_errors_reflecting_the_token_do_not_show_it(
    cli: Invoke, ids: list[str], handler: Any
) -> None:
    with fake_server(handler) as server:
        env = {
            "BLAMEFREE_GITHUB_API_URL": server.url,
            "BLAMEFREE_GITHUB_TOKEN": GITHUB_TOKEN,
            "BLAMEFREE_GITHUB_REPO": "acme/ops",
            "BLAMEFREE_NOW": NOW,
        }
        run = cli("actions", "push", ids[0], "--to", "github", env=env)
        as_json = cli("actions", "push", ids[0], "--to", "github", "--json", env=env)
    assert server.seen[0].headers["authorization"] == f"Bearer {GITHUB_TOKEN}"
    assert (run.exit_code, as_json.exit_code) == (8, 8)
    assert "GitHub GET /repos/acme/ops/issues: HTTP " in " ".join(run.stderr.split())
    assert_no_secret(run.stdout, run.stderr, as_json.stdout, as_json.stderr)


@pytest.mark.parametrize("handler", [reflect_json, reflect_text])
def test_jira_errors_reflecting_basic_credentials_do_not_show_them(
    cli: Invoke, ids: list[str], handler: Any
) -> None:
    with fake_server(handler) as server:
        env = {
            "BLAMEFREE_JIRA_URL": server.url,
            "BLAMEFREE_JIRA_EMAIL": JIRA_EMAIL,
            "BLAMEFREE_JIRA_TOKEN": JIRA_TOKEN,
            "BLAMEFREE_JIRA_PROJECT": "OPS",
            "BLAMEFREE_NOW": NOW,
        }
        run = cli("actions", "push", ids[0], "--to", "jira", "--json", env=env)
    assert run.exit_code == 8
    assert "Jira GET /rest/api/3/search/jql: HTTP " in " ".join(run.stderr.split())
    assert_no_secret(run.stdout, run.stderr)


class Refusing:
    """An SMTP server that refuses every recipient, quoting the login back."""

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        login = base64.b64encode(f"\0mailer\0{SMTP_PASSWORD}".encode()).decode()
        return f"550 5.7.1 relay denied for AUTH PLAIN {login} (password={SMTP_PASSWORD})"


@pytest.fixture
def refusing_smtp() -> Iterator[int]:
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_remind_stores_and_prints_receiver_errors_without_secrets(
    cli: Invoke, ids: list[str], database_url: str, refusing_smtp: int
) -> None:
    with fake_server(reflect_text) as slack, fake_server(reflect_json) as hook:
        env = {
            "BLAMEFREE_SMTP_HOST": "127.0.0.1",
            "BLAMEFREE_SMTP_PORT": str(refusing_smtp),
            "BLAMEFREE_SMTP_FROM": "pm@example.com",
            "BLAMEFREE_SMTP_PASSWORD": SMTP_PASSWORD,
            "BLAMEFREE_REMIND_FALLBACK": "oncall@example.com",
            "BLAMEFREE_SLACK_WEBHOOK_URL": f"{slack.url}{SLACK_PATH}",
            "BLAMEFREE_WEBHOOK_URL": f"{hook.url}/hook?token={HOOK_TOKEN}",
            "BLAMEFREE_NOW": NOW,
        }
        run = cli("remind", env=env)
        as_json = cli("remind", "--json", env=env)
    assert slack.seen[0].path == SLACK_PATH
    assert hook.seen[0].query == {"token": HOOK_TOKEN}
    assert (run.exit_code, as_json.exit_code) == (8, 8)
    deliveries = json.loads(as_json.stdout)["deliveries"]
    assert {d["status"] for d in deliveries} == {"failed"}
    assert {d["channel"] for d in deliveries} == {"email", "slack", "webhook"}
    assert any("relay denied" in (d["error"] or "") for d in deliveries)
    assert any("answered HTTP 500: upstream error" in (d["error"] or "") for d in deliveries)
    assert_no_secret(run.stdout, run.stderr, as_json.stdout, as_json.stderr)
    engine = make_engine(database_url)
    try:
        with UnitOfWork(engine) as uow:
            stored = DeliveryRepository(uow.session).recent(since=dt.date(2024, 4, 5))
    finally:
        engine.dispose()
    assert len(stored) == len(deliveries)
    assert all(record.last_error for record in stored)
    assert_no_secret(*(record.last_error or "" for record in stored))
    assert_no_secret(*(record.address for record in stored))


def test_a_database_url_with_passwords_anywhere_is_printed_masked(cli: Invoke) -> None:
    url = (
        "postgresql://pm:userinfo-pw-41@127.0.0.1:1/pm"
        "?password=query-pw-42&sslpassword=ssl-pw-43&options=-c%20password%3Dopt-pw-44"
    )
    run = cli("--db", url, "list")
    assert run.exit_code == 7
    shown = flat(run.stderr)
    assert "thestoreatpostgresql+psycopg://pm:***@127.0.0.1:1/pm?" in shown
    for secret in ("userinfo-pw-41", "query-pw-42", "ssl-pw-43", "opt-pw-44"):
        assert secret not in shown
    bad = cli("--db", "postgresql://pm:colon-pw-45@host:port/pm", "list")
    assert bad.exit_code == 6
    assert "colon-pw-45" not in flat(bad.stderr)
    assert "not a database URL" in bad.stderr


def test_pagerduty_failures_do_not_echo_the_token() -> None:
    token = "pd-rest-key-Uv4"

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"proxy said: Authorization: {request.headers['authorization']}")

    with pytest.raises(ExternalServiceError) as caught:
        fetch_pagerduty_log_entries("PABC123", token=token, transport=httpx.MockTransport(refuse))
    assert token not in caught.value.message
    assert caught.value.message.startswith("cannot reach PagerDuty at https://api.pagerduty.com:")

    def reflect(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text=f"error; you sent {dict(request.headers)}")

    with pytest.raises(ExternalServiceError) as failed:
        fetch_pagerduty_log_entries("PABC123", token=token, transport=httpx.MockTransport(reflect))
    assert token not in failed.value.message
