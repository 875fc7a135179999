"""The API's list and the /postmortems page are one listing: the same filters give the same
post-mortems in the same order, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from support.web import WebClient

# (the API's query, the page's query) asking for the same thing in each one's words
SAME_FILTERS = [
    ({}, {}),
    ({"severity": ["P0", "P2"]}, {"severity": ["P0", "P2"]}),
    ({"since": "2026-09-01", "until": "2026-10-31"}, {"from": "2026-09-01", "to": "2026-10-31"}),
    ({"owner": "@inês"}, {"owner": "@inês"}),
    ({"actions": "overdue"}, {"items": "overdue"}),
    ({"actions": "open", "severity": "P2"}, {"items": "open", "severity": "P2"}),
    ({"standing": "in_review"}, {"status": "in_review"}),
    ({"q": "kafka"}, {"q": "kafka"}),
    ({"sort": "severity"}, {"sort": "severity", "order": "desc"}),
    ({"sort": "-severity"}, {"sort": "severity", "order": "asc"}),
    ({"sort": "title"}, {"sort": "title", "order": "asc"}),
    ({"sort": "-updated"}, {"sort": "updated", "order": "desc"}),
    ({"sort": "date"}, {"sort": "date", "order": "asc"}),
    ({"sort": "-incident_id", "owner": "Tomasz"}, {"sort": "incident_id", "owner": "Tomasz"}),
]


def _page_ids(html: str) -> list[str]:
    return re.findall(r'<a href="/postmortems/(INC-[A-Z0-9-]+)">', html.split("<tbody>", 1)[-1])


@pytest.mark.parametrize(("api_query", "page_query"), SAME_FILTERS)
def test_the_api_and_the_page_list_the_same_ids_in_the_same_order(
    client: WebClient, demo: list[str], api_query: dict[str, object], page_query: dict[str, object]
) -> None:
    api = client.get("/api/v1/postmortems", params=api_query)  # type: ignore[arg-type]
    page = client.get("/postmortems", params=page_query)  # type: ignore[arg-type]
    assert (api.status_code, page.status_code) == (200, 200)
    ids = [item["incident_id"] for item in api.json()["items"]]
    assert ids == _page_ids(page.text)
    assert api.json()["total"] == len(ids)
    assert len(ids) > 0, "every filter here keeps some of the demo"


def test_the_api_s_pages_make_up_the_page_s_list(client: WebClient, demo: list[str]) -> None:
    pages = [
        client.get("/api/v1/postmortems", params={"sort": "title", "limit": 4, "offset": start})
        for start in (0, 4, 8, 12)
    ]
    ids = [item["incident_id"] for page in pages for item in page.json()["items"]]
    assert [page.json()["next_offset"] for page in pages] == [4, 8, 12, None]
    assert ids == _page_ids(client.get("/postmortems?sort=title&order=asc").text)
    assert len(ids) == 14
