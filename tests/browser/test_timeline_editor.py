"""The timeline editor in Chromium: add, edit, tag, mark and remove events, import a file, and
watch the phase times and metrics follow; by keyboard where it matters; with and without JS."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.services import postmortems
from support.browser import screenshot, serious_violations
from support.timeline_data import IMPORTERS, INCIDENT, checkout_postmortem
from support.uow import in_uow

PAGE = f"/postmortems/{INCIDENT}/timeline"
PAGERDUTY = [
    str(IMPORTERS / "pagerduty" / "log_entries_page1.json"),
    str(IMPORTERS / "pagerduty" / "log_entries_page2.json"),
]


@pytest.fixture
def incident(browser_engine: Engine) -> str:
    in_uow(
        browser_engine, postmortems.create_postmortem, postmortem_in=checkout_postmortem(), by="Ana"
    )
    return INCIDENT


def _shot(page: Any, name: str) -> None:
    """A screenshot from the top of the page (where the sticky metrics panel sits)."""
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def _metric(page: Any, name: str) -> str:
    text: str = page.locator(f'[data-metric="{name}"] dd').inner_text()
    return " ".join(text.split())


def _flash(page: Any, starts: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(".tl-flash")).to_contain_text(starts)


def _event(page: Any, text: str) -> Any:
    return page.locator(".tl-event").filter(has_text=text)


def test_editing_the_timeline_moves_the_metrics(page: Any, incident: str) -> None:
    page.goto(PAGE)
    page.evaluate("window.loadedOnce = 'yes'")  # gone if any step reloads the whole page
    assert page.title() == f"Timeline of {INCIDENT} · Blamefree"
    assert _metric(page, "response_time") == "unknown"
    assert serious_violations(page) == []
    _shot(page, "timeline-empty")

    page.get_by_label("Time", exact=True).fill("2024-03-12T15:00:00")
    page.get_by_label("What happened").fill("Checkout starts failing for card payments")
    page.get_by_label("Phase", exact=True).select_option("impact_start")
    page.get_by_label("Key event").check()
    page.get_by_role("button", name="Add event").click()
    _flash(page, "Added “Checkout starts failing for card payments”.")
    assert _metric(page, "detection_time") == "15 minutes as written"

    page.get_by_label("Tool", exact=True).select_option("pagerduty")
    page.get_by_label("Files", exact=True).set_input_files(PAGERDUTY)
    page.get_by_role("button", name="Import events").click()
    _flash(page, "7 events read, 7 added, 0 already known.")
    assert _metric(page, "detection_time").startswith("1m 10s from the timeline")
    assert "written: 15 minutes" in _metric(page, "detection_time")
    assert _metric(page, "response_time") == "2m 32s from the timeline"
    assert _metric(page, "resolution_time") == "35m from the timeline"
    assert serious_violations(page) == []
    _shot(page, "timeline-imported")

    # edit: impact began two minutes earlier
    _event(page, "Checkout starts failing").get_by_role("link", name="Edit").click()
    form = page.locator("form.tl-edit")
    form.wait_for()
    assert serious_violations(page) == []
    _shot(page, "timeline-edit-form")
    form.get_by_label("Time").fill("2024-03-12T14:58:00")
    form.get_by_role("button", name="Save event").click()
    _flash(page, "Saved “Checkout starts failing for card payments”.")
    assert _metric(page, "detection_time").startswith("3m 10s from the timeline")
    assert _metric(page, "resolution_time") == "37m from the timeline"

    # tag: the escalation was where mitigation began; then pin it
    escalated = _event(page, "Escalated to level 2")
    assert _metric(page, "mitigation_time") == "unknown"
    escalated.get_by_label("Phase of the event").select_option("mitigation")
    escalated.get_by_role("button", name="Tag").click()
    _flash(page, "Tagged “Escalated to level 2 by Ana Lopez”: Mitigation.")
    assert _metric(page, "mitigation_time") == "8m 10s from the timeline"
    _event(page, "Escalated to level 2").get_by_role("button", name="Mark key").click()
    _flash(page, "Marked as a key event")
    assert (
        _event(page, "Escalated to level 2").get_by_role("button", name="Unmark key").count() == 1
    )

    # remove, confirmed by keyboard (the confirm button has the focus)
    _event(page, "Checkout starts failing").get_by_role("link", name="Remove").click()
    confirm = page.get_by_role("button", name="Remove event")
    confirm.wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Remove event"
    assert serious_violations(page) == []
    _shot(page, "timeline-remove-confirm")
    confirm.press("Enter")
    _flash(page, "Removed “Checkout starts failing for card payments”.")
    assert _event(page, "Checkout starts failing").count() == 0
    # no event marks the impact start any more: the first detection stands in for it
    assert _metric(page, "detection_time").startswith("0s from the timeline")
    _shot(page, "timeline-after-remove")
    assert page.evaluate("window.loadedOnce") == "yes"  # every change was answered in place


def test_an_event_is_added_from_the_keyboard(page: Any, incident: str) -> None:
    page.goto(PAGE)
    page.get_by_label("Time", exact=True).fill("2024-03-12T15:02:00")
    page.get_by_label("Phase", exact=True).focus()
    page.keyboard.press("Tab")  # to "Who or what acted"
    page.keyboard.type("Alertmanager")
    page.keyboard.press("Tab")  # to "What happened"
    page.keyboard.type("Error-rate alert fired")
    page.keyboard.press("Tab")  # to "Key event"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # to "Add event"
    assert page.evaluate("document.activeElement.textContent") == "Add event"
    page.keyboard.press("Enter")
    _flash(page, "Added “Error-rate alert fired”.")
    added = _event(page, "Error-rate alert fired")
    assert "key event" in added.inner_text()
    assert "Alertmanager" in added.inner_text()
    # the change is announced to screen readers
    from playwright.sync_api import expect

    expect(page.locator("#tl-announce")).to_have_text("Added “Error-rate alert fired”.")


def test_a_bad_time_is_shown_at_its_field_and_the_text_is_kept(page: Any, incident: str) -> None:
    page.goto(PAGE)
    field = page.get_by_label("Time", exact=True)
    # a browser without a date-time picker lets a person type anything: the server says no
    field.evaluate("element => { element.type = 'text'; }")
    field.fill("after lunch")
    page.get_by_label("What happened").fill("Someone noticed slow checkouts")
    page.get_by_role("button", name="Add event").click()
    error = page.locator("#add-time-error")
    error.wait_for()
    assert "is not a time" in error.inner_text()
    assert page.get_by_label("Time", exact=True).input_value() == "after lunch"
    assert page.get_by_label("What happened").input_value() == "Someone noticed slow checkouts"
    assert page.evaluate("document.activeElement.id") == "add-time"
    assert serious_violations(page) == []
    _shot(page, "timeline-error")


def test_without_javascript_every_form_still_works(
    browser: Any, live_server: Any, incident: str
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(PAGE)
        page.get_by_label("Time", exact=True).fill("2024-03-12T15:02:00")
        page.get_by_label("What happened").fill("Error-rate alert fired")
        page.get_by_label("Phase", exact=True).select_option("detection")
        page.get_by_role("button", name="Add event").click()
        _flash(page, "Added “Error-rate alert fired”.")
        _event(page, "Error-rate alert fired").get_by_role("link", name="Remove").click()
        page.get_by_role("button", name="Remove event").click()
        _flash(page, "Removed “Error-rate alert fired”.")
        assert page.get_by_text("No events yet.").count() == 1
    finally:
        context.close()


def test_the_editor_reads_well_on_a_phone(browser: Any, live_server: Any, incident: str) -> None:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(PAGE)
        page.get_by_label("Tool", exact=True).select_option("pagerduty")
        page.get_by_label("Files", exact=True).set_input_files(PAGERDUTY)
        page.get_by_role("button", name="Import events").click()
        _flash(page, "7 added")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing sticks out sideways
        assert serious_violations(page) == []
        _shot(page, "timeline-phone")
    finally:
        context.close()


def test_a_refused_write_shows_the_error_page_and_is_not_sent_again(
    page: Any, incident: str, browser_engine: Engine
) -> None:
    from blamefree.services import timeline

    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(PAGE)
    page.evaluate(
        "document.querySelectorAll('input[name=csrf_token]').forEach(i => { i.value = 'stale'; })"
    )
    page.get_by_label("Time", exact=True).fill("2024-03-12T15:02:00")
    page.get_by_label("What happened").fill("Alert fired")
    page.get_by_role("button", name="Add event").click()
    page.get_by_text("this form's security token is missing or out of date").wait_for()
    assert posts == [f"{page.url.split('/postmortems')[0]}{PAGE}/events"]
    assert in_uow(browser_engine, timeline.list_events, incident_id=INCIDENT) == []


def test_the_timeline_of_a_demo_post_mortem(browser: Any, browser_engine: Engine) -> None:
    from blamefree.services import timeline
    from blamefree.web.demo import load_demo
    from support.browser import LiveServer
    from support.web import make_app

    load_demo(browser_engine)
    summaries = in_uow(browser_engine, postmortems.list_postmortems)
    counts = {
        s.incident_id: len(in_uow(browser_engine, timeline.list_events, incident_id=s.incident_id))
        for s in summaries
    }
    busiest = max(counts, key=lambda incident_id: counts[incident_id])
    with LiveServer(make_app(browser_engine, demo=True)) as server:
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"/postmortems/{busiest}/timeline")
            shown = min(counts[busiest], 50)
            assert page.locator("li.tl-event").count() == shown
            assert f"{counts[busiest]} events" in page.locator(".tl-head").inner_text()
            assert serious_violations(page) == []
            _shot(page, "timeline-demo")
        finally:
            context.close()
