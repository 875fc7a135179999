"""Credentials are removed from outside text (error bodies, driver messages) before it is shown."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from blamefree.config import Settings
from blamefree.redact import MASK, MAX_INPUT, redact, secret_forms, settings_secrets, shorten

TOKEN = "tok-9f8e7d6c5b4a"


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("echo: Authorization: Bearer abc.def.ghi123", "abc.def.ghi123"),
        ('{"headers": {"authorization": "Basic ZGFuYTpodW50ZXIy"}}', "ZGFuYTpodW50ZXIy"),
        ("{'Authorization': 'token ghp_0123456789abcdefghijklmnopqrstuvwxyz'}", "ghp_0123456789"),
        ("proxy-authorization=Negotiate YIIabc", "YIIabc"),
        ("X-Api-Key: 12345-abcde", "12345-abcde"),
        ("Cookie: session=deadbeef42", "deadbeef42"),
        ("GET /x?password=hunter2&user=dana", "hunter2"),
        ("api_key=AKIAEXAMPLE1&x=1", "AKIAEXAMPLE1"),
        ('{"access_token": "ya29.a0Af"}', "ya29.a0Af"),
        ("client_secret: s3cr3t-value", "s3cr3t-value"),
        ("see https://dana:pa55word@proxy.example/path", "pa55word"),
        ("Token token=y_NbAkKc66ryYTWUXYEu", "y_NbAkKc66ryYTWUXYEu"),
        ("posted to https://hooks.slack.com/services/T000/B000/XXXXYYYYZZZZ", "XXXXYYYYZZZZ"),
        ("bot token xoxb-1234567890-abcdefghij", "xoxb-1234567890"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_nature-x", "eyJzdWIiOiIxMjM0In0"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "github_pat_11ABC"),
        ("ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123=1A2B3C", "ATATT3xFfGF0"),
    ],
)
def test_credential_shapes_are_masked(text: str, hidden: str) -> None:
    shown = redact(text)
    assert hidden not in shown
    assert MASK in shown


@pytest.mark.parametrize(
    "text",
    [
        "HTTP 502: Bad Gateway",
        "Validation Failed; Issue assignees invalid",
        "basic checks failed on the field summary",
        "the token was not accepted; check BLAMEFREE_GITHUB_TOKEN",
        "connection to server at 127.0.0.1, port 5432 failed",
        "https://acme.atlassian.net:8443/browse/OPS-1",
    ],
)
def test_ordinary_error_words_are_left_alone(text: str) -> None:
    assert redact(text) == text


def test_configured_secrets_are_masked_in_every_form_a_server_echoes() -> None:
    basic = base64.b64encode(f"dana@example.com:{TOKEN}".encode()).decode()
    for echoed in (TOKEN, base64.b64encode(TOKEN.encode()).decode(), "tok-9f8e7d6c5b4a"):
        text = f"you sent {echoed} and {basic}"
        shown = redact(text, secrets=[*secret_forms(TOKEN), basic])
        assert TOKEN not in shown
        assert basic not in shown
    assert redact("a%2Fb+c", secrets=secret_forms("a/b c")) == MASK


def test_a_secret_that_straddles_the_cut_is_not_half_shown() -> None:
    text = "x" * (MAX_INPUT - 5) + " " + TOKEN + " more"
    shown = redact(text, secrets=[TOKEN])
    assert "tok-" not in shown
    other = "y" * (MAX_INPUT - 5) + " abcdefghijklmnopqrstuvwxyz"
    assert "abcde" not in redact(other)  # the cut word is dropped: it may start a token
    assert redact(other).endswith(" …")


def test_the_settings_name_every_secret_they_hold() -> None:
    settings = Settings(
        database_url="postgresql://pm:db-pass-123@db.example/pm",
        github_token=SecretStr("ghp_" + "G" * 36),
        jira_email="pm@example.com",
        jira_token=SecretStr("jira-tok-456"),
        smtp_username="mailer",
        smtp_password=SecretStr("smtp-pass-789"),
        pagerduty_token=SecretStr("pd-tok-000"),
        slack_webhook_url="https://hooks.slack.com/services/T1/B2/C3D4E5",
        webhook_url="https://hooks.example/blamefree/path-secret",
    )
    secrets = settings_secrets(settings)
    text = (
        "db-pass-123 ghp_GGGG jira-tok-456 smtp-pass-789 pd-tok-000 /services/T1/B2/C3D4E5 "
        "/blamefree/path-secret "
        + base64.b64encode(b"pm@example.com:jira-tok-456").decode()
        + " "
        + "G" * 36
    )
    shown = redact(text, secrets=secrets)
    for secret in ("db-pass-123", "jira-tok-456", "smtp-pass-789", "pd-tok-000", "C3D4E5"):
        assert secret not in shown
    assert "path-secret" not in shown
    assert "cG1AZXhhbXBsZS5jb206amlyYS10b2stNDU2" not in shown


def test_shorten_is_one_line() -> None:
    assert shorten("a\n b\r\n\tc", 10) == "a b c"
    assert shorten("abcdefghij", 5) == "abcd…"


@given(
    st.text(alphabet=st.characters(blacklist_characters="*"), max_size=200),
    st.text(alphabet=st.characters(blacklist_characters="*"), max_size=200),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=8, max_size=40),
)
def test_a_configured_secret_never_survives(before: str, after: str, secret: str) -> None:
    assert secret not in redact(before + secret + after, secrets=secret_forms(secret))
