"""The inbox in Chromium: attach a waiting event, start a draft, discard by keyboard; axe-clean."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from blamefree.services import inbox, timeline
from blamefree.services.postmortems import get_postmortem
from support.browser import screenshot, serious_violations
from support.hooks import INCIDENT, UNKNOWN_INCIDENT, payload, store_incident
from support.uow import in_uow

LATENCY = "Firing: CheckoutLatencyP99High: p99 latency of /checkout above 2s"
SEARCH = "Firing: Search index lag: Product search index is 14 minutes behind the catalogue"
OPSGENIE = "Alert created: #3186 Search API 5xx above 2%"
PAGERDUTY = "Triggered: #4817 CheckoutErrorRateHigh: 5xx ratio on /checkout above 5%"


def fill(engine: Engine) -> None:
    store_incident(engine)
    for source, name in [
        ("alertmanager", "alertmanager-firing.json"),
        ("grafana", "grafana-firing.json"),
        ("pagerduty", "pagerduty-triggered.json"),
        ("opsgenie", "opsgenie-create-untagged.json"),
    ]:
        in_uow(engine, inbox.receive_delivery, source=source, body=payload(name))


def test_attach_an_event_then_start_a_draft_from_another(page: Any, browser_engine: Engine) -> None:
    fill(browser_engine)
    page.goto("/inbox")
    assert page.title() == "Inbox · Blamefree"
    assert page.get_by_text("4 events waiting.").count() == 1
    assert serious_violations(page) == []
    screenshot(page, "inbox-waiting")

    page.get_by_label(LATENCY).check()
    page.get_by_label(PAGERDUTY).check()
    page.get_by_label("Post-mortem", exact=True).select_option(INCIDENT)
    page.get_by_role("button", name="Attach chosen events").click()
    page.wait_for_url("**/inbox?attached=2*")
    notice = page.get_by_role("status")
    assert notice.inner_text().startswith(f"Attached 2 events to {INCIDENT}.")
    screenshot(page, "inbox-attached")
    events = in_uow(browser_engine, timeline.list_events, incident_id=INCIDENT)
    assert [e.text for e in events] == [
        "Firing: CheckoutErrorRateHigh: 5xx ratio on /checkout above 5%",
        PAGERDUTY,
        LATENCY,
    ]

    page.get_by_label(SEARCH).check()
    assert page.get_by_label("Incident id").input_value() == UNKNOWN_INCIDENT
    page.get_by_label("Title").fill("Search results went stale")
    page.get_by_label("Severity").select_option("P2")
    page.get_by_role("button", name="Start draft from chosen events").click()
    page.wait_for_url("**/inbox?drafted=*")
    assert (
        page.get_by_role("status")
        .inner_text()
        .startswith(f"Started the draft {UNKNOWN_INCIDENT} with 1 event on its timeline.")
    )
    assert serious_violations(page) == []
    screenshot(page, "inbox-drafted")
    draft = in_uow(browser_engine, get_postmortem, incident_id=UNKNOWN_INCIDENT)
    assert (draft.doc.title, [e.text for e in draft.doc.timeline.events]) == (
        "Search results went stale",
        [SEARCH],
    )
    assert [i.event.text for i in in_uow(browser_engine, inbox.list_inbox)] == [OPSGENIE]


def test_the_last_event_is_discarded_by_keyboard_alone(page: Any, browser_engine: Engine) -> None:
    store_incident(browser_engine)
    in_uow(
        browser_engine,
        inbox.receive_delivery,
        source="opsgenie",
        body=payload("opsgenie-create-untagged.json"),
    )
    page.goto("/inbox")
    page.get_by_label(OPSGENIE).focus()
    page.keyboard.press("Space")
    assert page.get_by_label(OPSGENIE).is_checked()
    discard = page.get_by_role("button", name="Discard chosen events")
    for _ in range(30):  # Tab through the links and fields to the button
        if page.evaluate("document.activeElement.textContent") == "Discard chosen events":
            break
        page.keyboard.press("Tab")
    assert discard.evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox?discarded=1")
    assert page.get_by_role("heading", name="Nothing waiting").count() == 1
    assert serious_violations(page) == []
    screenshot(page, "inbox-empty")
    assert in_uow(browser_engine, inbox.count_inbox) == 0


def test_choose_all_ticks_every_shown_event(page: Any, browser_engine: Engine) -> None:
    fill(browser_engine)
    page.goto("/inbox")
    page.get_by_label("Choose all 4 shown").check()
    boxes = page.locator('input[name="items"]')
    assert [boxes.nth(i).is_checked() for i in range(boxes.count())] == [True] * 4
