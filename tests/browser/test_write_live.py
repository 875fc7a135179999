"""Writing in Chromium, live: a lint warning appears while you type and goes when fixed, and
two browsers editing one post-mortem are told about each other and never overwrite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.domain.accounts import Role
from blamefree.domain.enums import Severity
from blamefree.services import postmortems, writing
from blamefree.store.unit_of_work import UnitOfWork
from support.browser import LiveServer, screenshot, serious_violations
from support.web import FIXED_NOW, TEST_PASSWORD, ensure_account

WHAT = "What happened"


@pytest.fixture
def draft(browser_engine: Engine) -> str:
    with UnitOfWork(browser_engine, clock=lambda: FIXED_NOW) as uow:
        made = writing.start(
            uow,
            title="Checkout API outage",
            severity=Severity.P1,
            day=FIXED_NOW.date(),
            timezone="Europe/Berlin",
            by="Ana Lopez",
        )
        return made.stored.incident_id


@pytest.fixture
def other_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A second browser (its own cookies), as a colleague at another desk."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_lint_warning_appears_while_typing_and_goes_when_fixed(page: Any, draft: str) -> None:
    page.goto(f"/postmortems/{draft}/edit")
    panel = page.locator("[data-lint-panel]")
    what = page.get_by_role("group", name="Summary").get_by_label(WHAT)
    what.fill("Dave broke checkout because he was careless with the deploy.")
    blaming = panel.locator(".finding", has_text="BF1").first
    blaming.wait_for(state="visible")
    assert "executive_summary.what_happened" in blaming.inner_text()
    assert "Suggestion:" in blaming.inner_text()
    assert panel.locator("[data-lint-status]").inner_text() == "Findings in your unsaved changes."
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "write-edit-lint")
    what.fill("A deploy lowered the pool limit and checkout ran out of connections.")
    panel.locator(".finding", has_text="BF1").first.wait_for(state="detached")
    assert "executive_summary.what_happened" not in panel.inner_text()


def test_an_edit_conflict_between_two_browsers_is_settled_field_by_field(
    page: Any, other_page: Any, browser_engine: Engine, draft: str
) -> None:
    page.goto(f"/postmortems/{draft}/edit")
    other_page.goto(f"/postmortems/{draft}/edit")

    ensure_account(browser_engine, "sam.ortiz", role=Role.AUTHOR)
    other_page.context.clear_cookies()  # a colleague, logged in as themselves
    other_page.goto(f"/login?next=/postmortems/{draft}/edit")
    other_page.get_by_label("User name").fill("sam.ortiz")
    other_page.get_by_label("Password").fill(TEST_PASSWORD)
    other_page.get_by_role("button", name="Log in").click()
    other_page.wait_for_url(f"**/postmortems/{draft}/edit")
    other_page.get_by_role("group", name="Summary").get_by_label(WHAT).fill(
        "The pool limit was lowered and checkout failed."
    )
    other_page.get_by_role("group", name="Names and date").get_by_label("Reviewed by").fill(
        "Priya Raman"
    )
    other_page.get_by_role("button", name="Save Executive Summary").click()
    other_page.wait_for_url("**saved=2**")

    notice = page.locator("[data-changed-notice]")
    notice.wait_for(state="visible")  # the page polls the version every 10 s
    assert "Version 2 was saved at 10:00 Europe/Berlin by sam.ortiz." in notice.inner_text()
    assert "by sam.ortiz" in notice.inner_text()
    assert serious_violations(page) == []
    screenshot(page, "write-edit-changed")

    page.get_by_role("group", name="Summary").get_by_label(WHAT).fill(
        "Checkout failed for 85 minutes after a pool change."
    )
    page.get_by_role("group", name="Names and date").get_by_label("Approved by").fill("Lee Park")
    page.get_by_role("button", name="Save Executive Summary").click()
    page.wait_for_load_state()
    assert page.title().startswith("Choose:")
    assert "sam.ortiz saved version 2" in page.get_by_role("alert").first.inner_text()
    assert serious_violations(page) == []
    screenshot(page, "write-conflict")
    with UnitOfWork(browser_engine) as uow:
        assert postmortems.get_postmortem(uow, incident_id=draft).version == 2

    page.get_by_label("Keep yours for executive_summary.what_happened").check()
    page.get_by_role("button", name="Save with these choices").click()
    page.wait_for_url("**settled=1**")
    assert "with the fields you chose" in page.get_by_role("status").first.inner_text()
    with UnitOfWork(browser_engine) as uow:
        doc = postmortems.get_postmortem(uow, incident_id=draft).doc
    assert doc.executive_summary.what_happened == (
        "Checkout failed for 85 minutes after a pool change."
    )
    assert doc.sign_off.reviewed_by == "Priya Raman"  # theirs, merged
    assert doc.sign_off.approved_by == "Lee Park"  # yours, merged
