"""The page shell in Chromium: it renders, passes axe-core, and the name form works by keyboard."""

from __future__ import annotations

from typing import Any

from support.browser import screenshot, serious_violations


def test_the_dashboard_renders_with_no_serious_accessibility_violation(page: Any) -> None:
    page.goto("/")
    assert page.title() == "Dashboard · Blamefree"
    assert (
        page.locator("footer")
        .inner_text()
        .startswith("Post-mortems are about learning, not blame.")
    )
    assert serious_violations(page) == []
    screenshot(page, "shell-dashboard")


def test_the_writing_as_name_is_saved_by_keyboard_alone(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Writing as").fill("Olusegun Adeyemi")
    page.get_by_label("Writing as").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_label("Writing as").input_value() == "Olusegun Adeyemi"


def test_no_request_leaves_the_app(page: Any, live_server: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert requested, "the page made no request at all"
    assert [url for url in requested if not url.startswith(live_server.url)] == []
