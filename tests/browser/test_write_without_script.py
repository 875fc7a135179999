"""The writing pages without JavaScript, and by keyboard: everything still works."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.services import postmortems
from blamefree.store.unit_of_work import UnitOfWork
from support.browser import LiveServer


@pytest.fixture
def no_script_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_rows_are_added_and_findings_shown_after_saving_without_script(
    no_script_page: Any, browser_engine: Engine
) -> None:
    page = no_script_page
    page.goto("/new")
    page.get_by_label("Title").fill("Login outage")
    page.get_by_role("button", name="Create and start writing").click()
    page.wait_for_url("**/edit")
    factors = page.get_by_role("group", name="Causes", exact=True)
    assert factors.get_by_role("button", name="Add a factor").is_hidden()
    assert factors.get_by_text("Fill the empty last row and save").is_visible()
    factors.get_by_label("Factor 1 of Contributing factors").fill("Session store ran out of memory")
    page.get_by_role("group", name="Summary").get_by_label("What happened").fill(
        "Sam broke logins because he was careless."
    )
    page.get_by_role("button", name="Save Root Cause Analysis").click()
    page.wait_for_url("**saved=2**")
    factors = page.get_by_role("group", name="Causes", exact=True)
    assert factors.get_by_label("Factor 1 of Contributing factors").input_value() == (
        "Session store ran out of memory"
    )
    factors.get_by_label("Factor 2 of Contributing factors").fill("No memory alert")
    panel = page.locator("[data-lint-panel]")
    assert "executive_summary.what_happened" in panel.inner_text()  # shown after the save
    page.get_by_role("button", name="Save Root Cause Analysis").click()
    page.wait_for_url("**saved=3**")
    with UnitOfWork(browser_engine) as uow:
        doc = postmortems.get_postmortem(uow, incident_id="INC-20261120").doc
    assert doc.root_cause_analysis.contributing_factors == [
        "Session store ran out of memory",
        "No memory alert",
    ]


def test_a_section_is_filled_and_saved_by_keyboard_alone(page: Any, browser_engine: Engine) -> None:
    page.goto("/new")
    page.get_by_label("Title").focus()
    page.keyboard.type("Queue backlog")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url("**/edit")
    page.get_by_role("link", name="Sign-Off").focus()
    page.keyboard.press("Enter")
    page.get_by_role("group", name="Names and date").get_by_label("Prepared by").focus()
    page.keyboard.type("Ana Lopez")
    page.keyboard.press("Tab")  # Reviewed by
    page.keyboard.type("Priya Raman")
    page.keyboard.press("Enter")  # a text input's Enter saves the form
    page.wait_for_url("**saved=2**")
    with UnitOfWork(browser_engine) as uow:
        doc = postmortems.get_postmortem(uow, incident_id="INC-20261120").doc
    assert (doc.title, doc.sign_off.prepared_by, doc.sign_off.reviewed_by) == (
        "Queue backlog",
        "Ana Lopez",
        "Priya Raman",
    )
