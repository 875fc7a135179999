"""``remote.ApiClient`` on what the network can do to it (httpx.MockTransport stands in for it;
the real server is in tests/cli/test_remote.py)."""

from __future__ import annotations

import ssl
from collections.abc import Callable

import httpx
import pytest

from blamefree.errors import (
    ConfigError,
    MergeConflict,
    ServerUnavailable,
    TooManyAttempts,
    WouldLoseWork,
)
from blamefree.remote import ApiClient

TOKEN = "bf_secret-token-of-the-test-000000000000000000"


def client(handler: Callable[[httpx.Request], httpx.Response]) -> ApiClient:
    return ApiClient(
        "https://ops:pw-in-url@pm.example/", token=TOKEN, transport=httpx.MockTransport(handler)
    )


def failing(error: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    return handler


def test_the_token_goes_as_a_bearer_to_api_v1() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"items": [], "total": 0, "limit": 200, "offset": 0, "next_offset": None}
        )

    assert client(handler).list_postmortems() == []
    assert seen[0].url.path == "/api/v1/postmortems"
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_a_timeout_and_a_tls_failure_name_the_server_masked() -> None:
    with pytest.raises(ServerUnavailable) as slow:
        client(failing(httpx.ConnectTimeout("timed out"))).show_postmortem(incident_id="X")
    assert str(slow.value).startswith("https://ops:***@pm.example did not answer in time")
    assert slow.value.exit_code == 7
    tls = httpx.ConnectError("handshake")
    tls.__cause__ = ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    with pytest.raises(ServerUnavailable) as refused:
        client(failing(tls)).show_postmortem(incident_id="X")
    assert str(refused.value).startswith("the TLS connection to https://ops:***@pm.example failed")
    assert "pw-in-url" not in str(refused.value)


def test_a_redirect_is_not_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            302, headers={"location": "https://sso.example/login?token=abc123456"}
        )

    with pytest.raises(ServerUnavailable) as moved:
        client(handler).list_actions()
    assert "redirect to https://sso.example/login?token=***" in str(moved.value)


def test_an_error_answer_keeps_its_parts_and_masks_the_token() -> None:
    def conflict(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            409,
            json={
                "error": {
                    "type": "MergeConflict",
                    "status": 409,
                    "incident_id": "PAY-318",
                    "message": f"PAY-318 changed (you sent {TOKEN})",
                    "conflicts": [
                        {
                            "path": "title",
                            "kind": "changed",
                            "base": "a",
                            "stored": "b",
                            "file": "c",
                        }
                    ],
                }
            },
        )

    with pytest.raises(MergeConflict) as merged:
        client(conflict).stored_text(incident_id="PAY-318")
    assert merged.value.incident_id == "PAY-318"
    assert [(c.path, c.base, c.stored, c.file) for c in merged.value.conflicts] == [
        ("title", "a", "b", "c")
    ]
    assert TOKEN not in str(merged.value)
    assert merged.value.exit_code == 5

    def lose(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            409,
            json={
                "error": {
                    "type": "WouldLoseWork",
                    "status": 409,
                    "message": "would drop 1 event",
                    "losses": [{"path": "events.0", "what": "event", "stored": "x", "file": None}],
                }
            },
        )

    with pytest.raises(WouldLoseWork) as lost:
        client(lose).show_postmortem(incident_id="PAY-318")
    assert [loss.path for loss in lost.value.losses] == ["events.0"]

    def limited(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            429,
            headers={"retry-after": "120"},
            json={"error": {"type": "TooManyAttempts", "status": 429, "message": "wait 2 minutes"}},
        )

    with pytest.raises(TooManyAttempts) as waited:
        client(limited).list_postmortems()
    assert (waited.value.retry_after, waited.value.exit_code) == (120, 11)


def test_a_server_address_must_be_http() -> None:
    with pytest.raises(ConfigError) as bad:
        ApiClient("pm.example", token=TOKEN)
    assert "pm.example is not the address of a server" in str(bad.value)
