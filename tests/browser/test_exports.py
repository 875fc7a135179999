"""Exports in Chromium: the post-mortem page's Export menu (opened, checked by axe, a PDF
downloaded from it) and the standalone HTML file opened from disk, where it loads nothing and
reads well on screen and in print. Screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.services import exporting
from support.browser import artifacts_dir, screenshot, serious_violations
from support.export_doc import TODAY, store_export_doc
from support.uow import in_uow


@pytest.fixture
def pay318(browser_engine: Engine, tmp_path: Path) -> str:
    return store_export_doc(browser_engine, tmp_path)


def test_the_export_menu_offers_every_format_and_downloads_a_pdf(page: Any, pay318: str) -> None:
    page.goto(f"/postmortems/{pay318}")
    menu = page.get_by_role("list", name="Export this post-mortem")
    assert not menu.is_visible()
    page.get_by_text("Export", exact=True).click()
    assert menu.is_visible()
    names = [link.inner_text() for link in menu.get_by_role("link").all()]
    assert names == ["PDF", "HTML, one file", "Markdown", "JSON", "Action items, CSV",
                     "Timeline events, CSV"]  # fmt: skip
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 500})
    page.screenshot(path=str(artifacts_dir() / "export-menu.png"))
    with page.expect_download(timeout=120_000) as download_info:  # a PDF takes seconds
        menu.get_by_role("link", name="PDF").click()
    download = download_info.value
    assert download.suggested_filename == "PAY-318.pdf"
    saved = artifacts_dir().parent / "PAY-318.pdf"
    download.save_as(str(saved))
    assert saved.read_bytes().startswith(b"%PDF-")


def test_the_standalone_html_loads_nothing_and_reads_on_screen_and_in_print(
    browser: Any, browser_engine: Engine, pay318: str, tmp_path: Path
) -> None:
    exported = in_uow(browser_engine, exporting.export_html, incident_id=pay318, today=TODAY)
    path = tmp_path / exported.file_name
    path.write_bytes(exported.content)
    context = browser.new_context(viewport={"width": 1100, "height": 900}, offline=True)
    try:
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(path.as_uri())
        assert requested == [path.as_uri()]
        assert page.title() == "PAY-318: Post-incident review: payments queue backlog"
        assert page.get_by_role("heading", name="Action Items").is_visible()
        figure = page.get_by_role("img", name="Timeline of PAY-318", exact=False)
        assert figure.bounding_box()["width"] > 600
        screenshot(page, "export-html")
        page.emulate_media(media="print")
        screenshot(page, "export-html-print")
        page.set_viewport_size({"width": 390, "height": 800})
        page.emulate_media(media="screen")
        screenshot(page, "export-html-phone")
    finally:
        context.close()
