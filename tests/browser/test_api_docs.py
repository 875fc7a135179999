"""The API reference pages in Chromium: routes by tag, schemas, no script of their own."""

from __future__ import annotations

from typing import Any

from support.browser import screenshot, serious_violations


def test_the_api_reference_lists_routes_by_tag_and_passes_axe(page: Any, live_server: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs")
    assert page.title() == "API reference · Blamefree"
    toc = page.get_by_role("navigation", name="API sections")
    assert toc.get_by_role("link", name="post-mortems").is_visible()
    heading = page.get_by_role("heading", name="PUT /api/v1/postmortems/{incident_id}", exact=True)
    route = page.locator("article", has=heading)
    assert route.get_by_role("link", name="PostmortemUpdate").is_visible()
    statuses = route.get_by_role("table", name="Responses").locator("tbody td:first-child")
    assert statuses.all_inner_texts() == ["200", "401", "403", "404", "409", "413", "422", "423"]
    assert serious_violations(page) == []
    screenshot(page, "api-docs")
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert not [url for url in requested if url.endswith(".js") and "app.js" not in url]


def test_the_schema_page_shows_each_schema_with_its_fields(page: Any) -> None:
    page.goto("/api/docs/schemas")
    assert page.get_by_role("heading", name="ErrorRead", exact=True).is_visible()
    assert page.locator("#schema-PostmortemUpdate").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "api-schemas")
