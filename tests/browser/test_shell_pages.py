"""The page shell in Chromium: it renders, passes axe-core, logging out and in works by keyboard,
and the first admin is made from the one-time link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from blamefree.services import accounts
from blamefree.store.engine import make_engine
from blamefree.store.migrate import ensure_schema
from blamefree.store.unit_of_work import UnitOfWork
from support.browser import LiveServer, screenshot, serious_violations
from support.web import FIXED_NOW, TEST_PASSWORD, make_app


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


def test_logging_out_and_in_again_by_keyboard_alone(page: Any, live_server: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert "Logged in as Tester admin" in page.locator(".whoami").inner_text()
    page.get_by_role("button", name="Log out").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/login")
    assert page.get_by_role("status").inner_text() == "You are logged out."
    assert page.evaluate("document.activeElement.id") == "login-name"  # typing can start
    assert serious_violations(page) == []
    screenshot(page, "shell-login")
    page.keyboard.type("tester")
    page.keyboard.press("Tab")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "do not match an enabled account" in page.get_by_role("alert").inner_text()
    screenshot(page, "shell-login-failed")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    assert "Logged in as Tester" in page.locator(".whoami").inner_text()


def test_the_first_admin_page_creates_the_admin_and_logs_them_in(
    browser: Any, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    ensure_schema(engine)
    try:
        with UnitOfWork(engine) as uow:
            token = accounts.issue_setup_link(uow, now=FIXED_NOW)
        with LiveServer(make_app(engine), user=None) as server:
            context = browser.new_context(
                base_url=server.url, viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            assert page.goto("/").url == server.url + "/login?next=%2F"
            assert "There are no accounts yet." in page.locator("main").inner_text()
            page.goto(f"/first-admin?token={token}")
            assert serious_violations(page) == []
            screenshot(page, "first-admin")
            page.get_by_label("User name").fill("sam")
            page.get_by_label("Your name").fill("Sam Ortiz")
            page.get_by_label("Password at least 10 characters").fill("a long first password")
            page.get_by_label("Password again").fill("a long first password")
            page.get_by_role("button", name="Create the admin and log in").click()
            page.wait_for_url("**/account")
            assert (
                "Welcome, sam: you are the first admin."
                in page.get_by_role("status").first.inner_text()
            )
            assert "Logged in as Sam Ortiz admin" in page.locator(".whoami").inner_text()
            assert serious_violations(page) == []
            screenshot(page, "account")
            page.get_by_label("What uses it").fill("CI export")
            page.get_by_label("Scope").select_option("write")
            page.get_by_role("button", name="Create token").click()
            page.wait_for_load_state()
            assert page.get_by_label("The new token").inner_text().startswith("bf_")
            screenshot(page, "account-token-created")
            assert page.goto(f"/first-admin?token={token}").status == 401  # used up
            context.close()
    finally:
        engine.dispose()


def test_no_request_leaves_the_app(page: Any, live_server: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert requested, "the page made no request at all"
    assert [url for url in requested if not url.startswith(live_server.url)] == []
