"""/search and the header's search box, in-process on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import Engine

from support.search_docs import store_three
from support.web import WebClient


def test_the_results_page_lists_hits_with_marked_passages(
    client: WebClient, engine: Engine
) -> None:
    store_three(engine)
    page = client.get("/search", params={"q": "pool"})
    assert page.status_code == 200
    html = page.text
    assert "2 post-mortems match" in html
    titles = re.findall(r'<h2><a href="/postmortems/([^"]+)">', html)
    assert titles == ["INC-2026-0003", "INC-2026-0002"]
    assert "<mark>pool</mark>" in html
    # The header's box keeps the words on the results page.
    assert (
        'id="top-q" name="q" type="search" maxlength="500" placeholder="Search" value="pool"'
        in html
    )


def test_author_html_in_a_section_is_shown_as_text(client: WebClient, engine: Engine) -> None:
    store_three(engine)
    html = client.get("/search", params={"q": "onerror"}).text
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    assert "<mark>onerror</mark>=&#34;alert(1)&#34;&gt;&lt;script&gt;" in html


def test_filters_and_paging_live_in_the_url(client: WebClient, engine: Engine) -> None:
    store_three(engine)
    html = client.get("/search", params=[("severity", "P2"), ("severity", "P3")]).text
    assert re.findall(r'<h2><a href="/postmortems/([^"]+)">', html) == [
        "INC-2026-0003",
        "INC-2026-0002",
    ]
    assert 'value="P2" checked' in html and 'value="P1" >' in html
    nothing = client.get("/search", params={"q": "zeppelin"}).text
    assert "No post-mortem matches" in nothing


def test_an_unreadable_query_is_explained_beside_the_form(
    client: WebClient, engine: Engine
) -> None:
    store_three(engine)
    page = client.get("/search", params={"q": "owner:"})
    assert page.status_code == 422
    assert "This search cannot be read." in page.text
    assert "owner: needs a value" in page.text
    assert 'aria-invalid="true"' in page.text


def test_every_page_has_the_search_box(client: WebClient, engine: Engine) -> None:
    store_three(engine)
    for path in ("/", "/postmortems", "/postmortems/INC-2026-0001", "/actions"):
        html = client.get(path).text
        assert '<form class="top-search" method="get" action="/search" role="search"' in html
