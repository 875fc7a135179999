"""Every page of the app in Chromium over the demo store, at a desktop and a phone width:
a screenshot of each, no serious axe-core finding, a label on every field, under 150 KB of
HTML + CSS + JS, no request to anywhere but the app; and the dashboard and the list by keyboard,
each link and button reached with a visible focus ring."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from blamefree.store.engine import make_engine
from blamefree.store.migrate import ensure_schema
from blamefree.web.demo import load_demo
from support.browser import LiveServer, screenshot, serious_violations
from support.web import make_app

RICH = "INC-2026-0174"  # five tools' timelines, action items, reviews held and to come
WEIGHT_LIMIT = 150 * 1024
WEIGHED = ("document", "stylesheet", "script")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Shown:
    name: str
    path: str
    status: int = 200


PAGES = [
    Shown("dashboard", "/"),
    Shown("postmortems", "/postmortems"),
    Shown("postmortems-filtered", "/postmortems?severity=P1&severity=P2&items=open&sort=title"),
    Shown("postmortems-nothing-found", "/postmortems?q=no+such+words+anywhere"),
    Shown("postmortems-policy-overdue", "/postmortems?policy=overdue"),
    Shown("postmortem", f"/postmortems/{RICH}"),
    Shown("history", f"/postmortems/{RICH}/history"),
    Shown("diff", f"/postmortems/{RICH}/diff?from=1&to=3"),
    Shown("edit", f"/postmortems/{RICH}/edit"),
    Shown("edit-markdown", f"/postmortems/{RICH}/edit/markdown"),
    Shown("delete", f"/postmortems/{RICH}/delete"),
    Shown("timeline", f"/postmortems/{RICH}/timeline"),
    Shown("new", "/new"),
    Shown("actions", "/actions"),
    Shown("actions-by-due", "/actions?group=due&sort=owner"),
    Shown("actions-prevention", "/actions/prevention"),
    Shown("follow-up", "/follow-up"),
    Shown("review", f"/follow-up/{RICH}/3m"),
    Shown("inbox", "/inbox"),
    Shown("search", "/search?q=certificate+expired"),
    Shown("search-filtered", "/search?q=config+-edge&severity=P1&severity=P2&open=yes"),
    Shown("search-start", "/search"),
    Shown("search-nothing-found", "/search?q=no+such+words+anywhere"),
    Shown("search-unreadable", "/search?q=%22unclosed", status=422),
    Shown("audit", "/audit"),
    Shown("postmortem-audit", f"/postmortems/{RICH}/audit"),
    Shown("api-docs", "/api/docs"),
    Shown("account", "/account"),
    Shown("api-schemas", "/api/docs/schemas"),
    Shown("not-found", "/postmortems/INC-NO-SUCH", status=404),
]

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter((el) => el.type !== 'hidden')
  .filter((el) => {
    if (el.labels && [...el.labels].some((label) => label.textContent.trim())) return false;
    if ((el.getAttribute('aria-label') || '').trim()) return false;
    const by = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    if (by.some((id) => (document.getElementById(id)?.textContent || '').trim())) return false;
    if (['submit', 'button', 'reset'].includes(el.type) && el.value.trim()) return false;
    return true;
  })
  .map((el) => el.outerHTML.slice(0, 120))"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the module, on the demo store as ``serve --demo`` fills it."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('every') / 'demo.sqlite3'}")
    ensure_schema(engine)
    assert load_demo(engine).postmortems == 14
    try:
        with LiveServer(make_app(engine, demo=True)) as server:
            yield server
    finally:
        engine.dispose()


def open_page(browser: Any, server: LiveServer, viewport: dict[str, int]) -> tuple[Any, Any]:
    context = browser.new_context(base_url=server.url, viewport=viewport)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.mark.parametrize("shown", PAGES, ids=[p.name for p in PAGES])
def test_every_page(browser: Any, live_server: LiveServer, shown: Shown) -> None:
    context, page = open_page(browser, live_server, DESKTOP)
    try:
        requested: list[str] = []
        weighed: list[Any] = []
        page.on("request", lambda request: requested.append(request.url))
        page.on(
            "response",
            lambda response: (
                weighed.append(response) if response.request.resource_type in WEIGHED else None
            ),
        )
        response = page.goto(shown.path)
        assert response is not None
        if shown.name == "timeline" and response.status == 404:
            pytest.skip("no timeline editor on this branch yet (/postmortems/{id}/timeline)")
        assert response.status == shown.status
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == []
        assert page.evaluate(UNLABELLED) == []
        screenshot(page, f"every-{shown.name}")
        weight = sum(len(r.body()) for r in weighed)
        print(f"WEIGHT {shown.name} {weight / 1024:.1f} KB")
        assert weight < WEIGHT_LIMIT, f"{shown.path}: {weight} bytes"
        page.set_viewport_size(PHONE)
        wider = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, f"every-{shown.name}-phone")
        assert wider <= PHONE["width"], f"{shown.path} is {wider} px wide on a phone"
        outside = [url for url in requested if not url.startswith(live_server.url + "/")]
        assert outside == []
    finally:
        context.close()


FOCUSABLE = """() => [...document.querySelectorAll(
    'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), '
    + 'select:not([disabled]), textarea:not([disabled]), summary')]
  .filter((el) => el.getClientRects().length > 0 || el.classList.contains('skip'))
  .filter((el) => !el.closest('details:not([open]) > :not(summary)'))
  .map((el) => el.outerHTML.slice(0, 160))"""

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {tag: el.tagName, html: el.outerHTML.slice(0, 160), ring: ring || style.boxShadow !== 'none'};
}"""


@pytest.mark.parametrize("path", ["/", "/postmortems"])
def test_tab_reaches_every_link_and_button_with_a_visible_ring(
    browser: Any, live_server: LiveServer, path: str
) -> None:
    context, page = open_page(browser, live_server, DESKTOP)
    try:
        page.goto(path)
        expected = page.evaluate(FOCUSABLE)
        reached: list[str] = []
        without_ring: list[str] = []
        for _ in range(2 * len(expected) + 10):  # until focus leaves the page's last stop
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused["tag"] == "BODY":
                break
            if focused["html"] in reached:
                continue
            reached.append(focused["html"])
            if not focused["ring"]:
                without_ring.append(focused["html"])
        assert [html for html in expected if html not in reached] == []
        assert without_ring == []
        assert len(expected) > 20
    finally:
        context.close()
