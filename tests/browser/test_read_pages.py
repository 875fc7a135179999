"""The reading pages in Chromium over the demo post-mortems (one of them with its tools'
timelines imported): each page renders, passes axe-core, works by its labels, and is
screenshotted (dashboard, filtered list, post-mortem on screen and in print, history, diff)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from blamefree.services import timeline_import
from blamefree.store import UnitOfWork
from blamefree.store.engine import make_engine
from blamefree.store.migrate import ensure_schema
from support.browser import LiveServer, screenshot, serious_violations
from support.demo_docs import DEMO_FILES, import_demo
from support.demo_manifest import DEMO_DIR, manifest
from support.web import make_app

PARTITION = "INC-2026-0174"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the module: the demo post-mortems, INC-2026-0174 with its five sources."""
    assert DEMO_FILES
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('read') / 'read.sqlite3'}")
    ensure_schema(engine)
    import_demo(engine)
    entry = next(pm for pm in manifest()["postmortems"] if pm["incident_id"] == PARTITION)
    for source in entry["sources"]:
        options = source["options"]
        channel = [options[1]] if options[:1] == ["--channel"] else None
        with UnitOfWork(engine) as uow:
            timeline_import.import_files(
                uow,
                incident_id=PARTITION,
                source=source["source"],
                paths=[DEMO_DIR / path for path in source["paths"]],
                channel=channel,
                by="Inês Carvalho",
            )
    try:
        with LiveServer(make_app(engine)) as server:
            yield server
    finally:
        engine.dispose()


def test_the_dashboard(page: Any) -> None:
    page.goto("/")
    assert page.title() == "Dashboard · Blamefree"
    assert page.get_by_role("heading", name="Median times, last 90 days").is_visible()
    assert page.get_by_label("3 in review").inner_text() == "3"
    medians = page.get_by_role("region", name="Median times by severity").get_by_role("table")
    assert "1m over 2 of 2" in medians.inner_text()
    within = page.get_by_role("region", name="Share done within policy by severity")
    # The demo's finished post-mortems are signed off in their Markdown; its P1 draft is late.
    shares = within.get_by_role("table").inner_text()
    assert "100% 2 of 2" in shares
    assert "0% 0 of 1" in shares
    months = page.get_by_role("region", name="Month by month").get_by_role("table")
    assert "2026-11\t1\t0% 0 of 1" in months.inner_text()
    assert serious_violations(page) == []
    screenshot(page, "read-dashboard")


def test_the_list_filtered_through_its_form(page: Any) -> None:
    page.goto("/postmortems")
    page.get_by_label("P0").check()
    page.get_by_label("Action items").select_option("overdue")
    page.get_by_label("Sort by").select_option("title")
    page.get_by_label("Order").select_option("asc")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert "severity=P0" in page.url and "items=overdue" in page.url and "sort=title" in page.url
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 2
    assert rows.first.inner_text().startswith("Post-Mortem: Orders failed")
    assert page.get_by_label("P0").is_checked()
    assert serious_violations(page) == []
    screenshot(page, "read-list-filtered")
    page.get_by_role("link", name="Clear").click()
    page.wait_for_load_state()
    assert page.locator("table.listing tbody tr").count() == 14


def test_the_postmortem_page_with_its_timeline_picture_and_lint_links(page: Any) -> None:
    page.goto(f"/postmortems/{PARTITION}")
    picture = page.get_by_role("img", name=f"Timeline of {PARTITION}")
    assert picture.is_visible()
    assert page.locator("svg.timeline-svg circle.dot.key").count() >= 3
    assert page.locator("table.events tbody tr").count() > 40
    findings = page.locator(".lint-panel .finding a")
    for index in range(findings.count()):
        target = findings.nth(index).get_attribute("href")
        assert target is not None and page.locator(target).count() == 1, target
    if findings.count():
        findings.first.click()
        assert page.locator(":target").count() == 1
    assert serious_violations(page) == []
    screenshot(page, "read-postmortem")


def test_the_postmortem_page_in_print(page: Any) -> None:
    page.goto(f"/postmortems/{PARTITION}")
    page.emulate_media(media="print")
    assert not page.locator(".lint-panel").is_visible()
    assert not page.get_by_role("navigation", name="This post-mortem").is_visible()
    assert not page.locator("header.top").is_visible()
    assert page.get_by_role("heading", name="Executive Summary").is_visible()
    assert page.get_by_role("img", name=f"Timeline of {PARTITION}").is_visible()
    screenshot(page, "read-postmortem-print")
    pdf = page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-"


def test_history_and_diff(page: Any) -> None:
    page.goto(f"/postmortems/{PARTITION}/history")
    rows = page.locator("table.history tbody tr")
    assert rows.count() == 6  # imported, then one version per source
    assert "Inês Carvalho" in rows.first.inner_text()
    assert serious_violations(page) == []
    screenshot(page, "read-history")
    page.get_by_label("Compare version").select_option("1")
    page.get_by_label("with version").select_option("2")
    page.get_by_role("button", name="Show changes").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/postmortems/{PARTITION}/diff?from=1&to=2")
    assert page.locator("table.diff tr.add").count() > 0
    assert serious_violations(page) == []
    screenshot(page, "read-diff")
    page.get_by_label("Layout").select_option("split")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("table.diff.split td.add").count() > 0
    assert serious_violations(page) == []
    screenshot(page, "read-diff-split")


def test_restore_by_keyboard_after_confirming(page: Any) -> None:
    page.goto(f"/postmortems/{PARTITION}/history")
    page.on("dialog", lambda dialog: dialog.accept())
    button = page.get_by_role("button", name="Restore version 1")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/history?restored=1&outcome=restored")
    assert page.get_by_role("status").inner_text() == (
        "Version 1 was restored as version 7. The versions in between stay in the history."
    )
    assert page.locator("table.history tbody tr").count() == 7


def test_every_reading_page_is_under_150_kb_with_its_css_and_js(page: Any) -> None:
    for url in ("/", "/postmortems", f"/postmortems/{PARTITION}",
                f"/postmortems/{PARTITION}/history", f"/postmortems/{PARTITION}/diff"):  # fmt: skip
        page.goto(url)
        assets = page.evaluate(
            "[...document.querySelectorAll('link[rel=stylesheet], script[src]')]"
            ".map(e => e.href || e.src)"
        )
        size = len(page.request.get(url).body())
        size += sum(len(page.request.get(asset).body()) for asset in assets)
        assert size < 150_000, (url, size)
