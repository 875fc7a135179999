from __future__ import annotations

import json
import re

import httpx
import pytest

from blamefree.domain.timeline import EventKind
from blamefree.errors import ExternalServiceError
from blamefree.importers import fetch_pagerduty_log_entries

from .conftest import DATA

PAGES = [
    json.loads((DATA / "pagerduty" / name).read_text())
    for name in ("log_entries_page1.json", "log_entries_page2.json")
]


def test_fetch_pages_through_offset_limit_more() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        offset = int(request.url.params["offset"])
        page = PAGES[0] if offset == 0 else PAGES[1]
        return httpx.Response(200, json=page)

    events = fetch_pagerduty_log_entries(
        "Q1ABCDEF",
        token="s3cret",
        base_url="https://pd.test/",
        transport=httpx.MockTransport(handler),
    )
    assert [r.url.path for r in seen] == ["/incidents/Q1ABCDEF/log_entries"] * 2
    assert [r.url.params["offset"] for r in seen] == ["0", "4"]
    assert seen[0].url.params["limit"] == "100"
    assert seen[0].headers["Authorization"] == "Token token=s3cret"
    assert seen[0].headers["Accept"] == "application/vnd.pagerduty+json;version=2"
    assert len(events) == 8  # the overlap is removed later, by read-side dedupe
    assert events[0].source.id == "R5RESOLVE01"
    assert events[-1].kind is EventKind.PAGE_TRIGGERED


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(401, json={"error": {"message": "Unauthorized"}}), "refused the API token"),
        (
            httpx.Response(429, headers={"Retry-After": "17"}),
            "rate limit reached (429); retry after 17 s",
        ),
        (httpx.Response(404), "no incident 'Q1ABCDEF'"),
        (httpx.Response(502), "HTTP 502"),
        (httpx.Response(200, text="<html>"), "not JSON"),
    ],
)
def test_fetch_errors(response: httpx.Response, message: str) -> None:
    transport = httpx.MockTransport(lambda request: response)
    with pytest.raises(ExternalServiceError, match=re.escape(message)):
        fetch_pagerduty_log_entries("Q1ABCDEF", token="t", transport=transport)


def test_fetch_network_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(
        ExternalServiceError, match=re.escape("cannot reach PagerDuty at https://pd.test")
    ):
        fetch_pagerduty_log_entries(
            "Q1", token="t", base_url="https://pd.test", transport=httpx.MockTransport(handler)
        )


def test_fetch_needs_a_token() -> None:
    with pytest.raises(ExternalServiceError, match="BLAMEFREE_PAGERDUTY_TOKEN"):
        fetch_pagerduty_log_entries("Q1", token="")
