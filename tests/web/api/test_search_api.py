"""GET /api/v1/search on SQLite and PostgreSQL: results, filters, paging and errors."""

from __future__ import annotations

from sqlalchemy import Engine

from support.search_docs import store_three
from support.web import WebClient


def test_search_answers_ranked_hits_with_escaped_highlights(
    client: WebClient, engine: Engine
) -> None:
    store_three(engine)
    answer = client.get("/api/v1/search", params={"q": "pool"})
    assert answer.status_code == 200
    body = answer.json()
    assert [h["incident_id"] for h in body["hits"]] == ["INC-2026-0003", "INC-2026-0002"]
    assert (body["total"], body["offset"], body["limit"], body["next_offset"]) == (2, 0, 20, None)
    assert body["words"] == ["pool"]
    first = body["hits"][0]
    assert (first["title"], first["severity"], first["date"]) == (
        "Staging pool exhausted during a load test",
        "P3",
        "2026-04-20",
    )
    assert first["snippet"]["section"] == "root_cause"
    assert "<mark>pool</mark>" in first["snippet"]["highlight"]
    assert {"text": "pool", "hit": True} in first["snippet"]["segments"]
    xss = client.get("/api/v1/search", params={"q": "onerror"}).json()["hits"][0]["snippet"]
    assert "<img" not in xss["highlight"]
    assert "<mark>onerror</mark>=&quot;alert(1)&quot;&gt;&lt;script&gt;" in xss["highlight"]


def test_parameters_add_to_the_query_and_page(client: WebClient, engine: Engine) -> None:
    store_three(engine)
    found = client.get(
        "/api/v1/search", params=[("severity", "P1"), ("severity", "P3"), ("open_actions", "true")]
    ).json()
    assert [h["incident_id"] for h in found["hits"]] == ["INC-2026-0001"]
    assert found["filters"]["severity"] == ["P1", "P3"]
    assert found["filters"]["open_actions"] is True
    paged = client.get("/api/v1/search", params={"limit": 2}).json()
    assert [h["incident_id"] for h in paged["hits"]] == ["INC-2026-0003", "INC-2026-0001"]
    assert (paged["total"], paged["next_offset"]) == (3, 2)
    rest = client.get("/api/v1/search", params={"limit": 2, "offset": 2}).json()
    assert [h["incident_id"] for h in rest["hits"]] == ["INC-2026-0002"]
    assert rest["next_offset"] is None
    owned = client.get("/api/v1/search", params={"q": "owner:bo", "since": "2026-01-01"}).json()
    assert [h["incident_id"] for h in owned["hits"]] == ["INC-2026-0002"]


def test_an_unreadable_query_is_a_422_naming_the_place(client: WebClient, engine: Engine) -> None:
    store_three(engine)
    answer = client.get("/api/v1/search", params={"q": 'pool "open'})
    assert answer.status_code == 422
    body = answer.json()
    assert "character 6: a quote is opened here and never closed" in str(body)
    assert client.get("/api/v1/search", params={"section": "nowhere"}).status_code == 422
    assert client.get("/api/v1/search", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/search", params={"since": "soon"}).status_code == 422
