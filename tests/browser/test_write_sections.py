"""Writing in Chromium: create a post-mortem, fill every section through the forms, and the
exported Markdown reads back as the stored document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from blamefree.domain.enums import ActionStatus, Priority, Severity
from blamefree.markdown.parse import parse
from blamefree.services import postmortems
from blamefree.store.unit_of_work import UnitOfWork
from support.browser import screenshot, serious_violations


def _stored(engine: Engine, incident_id: str) -> Any:
    with UnitOfWork(engine) as uow:
        return postmortems.get_postmortem(uow, incident_id=incident_id)


def _fill_group(page: Any, legend: str, values: dict[str, str]) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    for label, value in values.items():
        group.get_by_label(label).fill(value)


def test_a_post_mortem_is_written_section_by_section(page: Any, browser_engine: Engine) -> None:
    page.goto("/new")
    assert page.title() == "New post-mortem · Blamefree"
    page.get_by_label("Title").fill("Checkout API outage after connection-pool change")
    page.get_by_label("Severity").select_option("P1")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    assert serious_violations(page) == []
    screenshot(page, "write-new")
    page.get_by_role("button", name="Create and start writing").click()
    page.wait_for_url("**/postmortems/INC-20261120/edit")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Checkout API outage after connection-pool change"
    )
    assert serious_violations(page) == []
    screenshot(page, "write-edit-empty")

    _fill_group(
        page,
        "Summary",
        {
            "What happened": "Checkout returned errors for 85 minutes after a pool change.",
            "Impact": "About 30,000 shoppers could not pay; orders were delayed.",
            "Root cause": "A config change lowered the database pool from 50 to 5.",
            "Resolution": "The change was rolled back and the pool refilled.",
        },
    )
    _fill_group(
        page,
        "Detection",
        {
            "Time": "2026-11-19T15:02",
            "Detected by": "Alertmanager",
            "Detection method": "HighErrorRate alert on checkout",
        },
    )
    _fill_group(
        page,
        "Resolution",
        {
            "Time": "2026-11-19T16:27",
            "Resolved by": "Payments team",
            "Resolution method": "Rolled back the pool change",
        },
    )
    _fill_group(
        page,
        "Users Affected",
        {"Total users": "120000", "Affected users": "30000", "Percentage (%)": "25"},
    )
    features = page.get_by_role("group", name="Features Affected", exact=True)
    features.get_by_label("Feature 1 of Features affected").fill("Checkout")
    features.get_by_role("button", name="Add a feature").click()
    features.get_by_label("Feature 2 of Features affected").fill("Order history")
    _fill_group(page, "Business Impact", {"Support tickets": "42", "Customer complaints": "17"})
    causes = page.get_by_role("group", name="Causes", exact=True)
    causes.get_by_label("Primary cause").fill("The pool limit was lowered in a routine change.")
    causes.get_by_label("Factor 1 of Contributing factors").fill("No alert on pool saturation")
    causes.get_by_role("button", name="Add a factor").click()
    causes.get_by_label("Factor 2 of Contributing factors").fill("The change skipped review")
    well = page.locator("#s-what-went-well")
    well.get_by_label("Point 1 of What went well").fill("The rollback took two minutes")
    wrong = page.locator("#s-what-went-wrong")
    wrong.get_by_label("Point 1 of What went wrong").fill("The alert fired 20 minutes late")
    immediate = page.get_by_role("group", name="Immediate (This Week)", exact=True)
    immediate.get_by_label("Item 1 of Immediate").fill("Alert on pool saturation")
    immediate.get_by_label("Owner (Immediate item 1)").fill("Sam Ortiz")
    immediate.get_by_label("Due date (Immediate item 1)").fill("2026-11-27")
    immediate.get_by_label("Priority (Immediate item 1)").select_option("High")
    technical = page.get_by_role("group", name="Technical", exact=True)
    technical.get_by_label("Measure 1 of Technical").fill("Pool limits checked in CI")
    _fill_group(page, "Incident Metrics", {"Detection time": "4m", "Total duration": "1h 25m"})
    _fill_group(
        page,
        "Error rate",
        {"Error rate before": "0.2%", "Error rate during": "38%", "Error rate after": "0.2%"},
    )
    _fill_group(page, "Review Schedule", {"1 week follow-up": "2026-11-27"})
    page.get_by_role("group", name="Success Criteria", exact=True).get_by_label(
        "Done (Success criteria criterion 4)"
    ).check()
    page.locator("#s-appendix").get_by_label("Reference 1 of References").fill(
        "Runbook: checkout database pool"
    )
    _fill_group(page, "Names and date", {"Prepared by": "Ana Lopez", "Sign-off date": "2026-11-21"})
    page.get_by_role("button", name="Save Sign-Off").click()
    page.wait_for_url("**/edit?saved=2#s-sign-off")
    assert "Saved as version 2." in page.get_by_role("status").first.inner_text()
    assert serious_violations(page) == []
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "write-edit-filled")

    stored = _stored(browser_engine, "INC-20261120")
    doc = stored.doc
    assert doc.severity is Severity.P1
    assert doc.executive_summary.root_cause == (
        "A config change lowered the database pool from 50 to 5."
    )
    # 15:02 in Berlin (CET, UTC+1) is 14:02 UTC
    assert doc.timeline.detection.time == dt.datetime(2026, 11, 19, 14, 2, tzinfo=dt.UTC)
    assert doc.impact_assessment.users_affected.affected_users == 30000
    assert doc.impact_assessment.features_affected == ["Checkout", "Order history"]
    assert doc.root_cause_analysis.contributing_factors == [
        "No alert on pool saturation",
        "The change skipped review",
    ]
    item = doc.action_items.immediate[0]
    assert (item.text, item.owner, item.due_date, item.priority, item.status) == (
        "Alert on pool saturation",
        "Sam Ortiz",
        dt.date(2026, 11, 27),
        Priority.HIGH,
        ActionStatus.OPEN,
    )
    assert doc.metrics.incident_metrics.total_duration == 5100
    assert doc.metrics.performance_impact.error_rate.during is not None
    assert doc.metrics.performance_impact.error_rate.during.value == 38.0
    assert [c.done for c in doc.follow_up.success_criteria] == [False, False, False, True]
    assert doc.sign_off.date == dt.date(2026, 11, 21)
    detection = page.get_by_role("group", name="Detection", exact=True)
    assert detection.get_by_label("Time").input_value() == "2026-11-19T15:02"

    with UnitOfWork(browser_engine) as uow:
        text = postmortems.export_markdown(uow, incident_id="INC-20261120")
    assert parse(text) == doc


def test_markdown_with_a_mistake_is_shown_at_its_line(page: Any, browser_engine: Engine) -> None:
    page.goto("/new")
    page.get_by_label("Title").fill("Search index swap left results empty")
    page.get_by_role("button", name="Create and start writing").click()
    page.get_by_role("link", name="Edit as Markdown").click()
    page.wait_for_url("**/edit/markdown")
    area = page.get_by_label("The whole post-mortem", exact=False)
    text = area.input_value()
    area.fill(text.replace("**Date:** 2026-11-20", "**Date:** 2026-02-31", 1))
    page.get_by_role("button", name="Save the Markdown").click()
    alert = page.locator("#parse-error")
    assert "Line 4" in alert.inner_text()
    assert "2026-02-31" in page.get_by_label("The whole post-mortem", exact=False).input_value()
    assert serious_violations(page) == []
    screenshot(page, "write-markdown-error")
    assert _stored(browser_engine, "INC-20261120").version == 1

    fixed = text.replace("**Duration:** [Duration]", "**Duration:** 2h 5m", 1)
    page.get_by_label("The whole post-mortem", exact=False).fill(fixed)
    page.get_by_role("button", name="Save the Markdown").click()
    page.wait_for_url("**/edit/markdown?saved=2")
    with UnitOfWork(browser_engine) as uow:
        saved = postmortems.export_markdown(uow, incident_id="INC-20261120")
    assert saved == fixed  # the browser sends CRLF; the text keeps its own line endings
    assert "\r" not in saved
    assert _stored(browser_engine, "INC-20261120").doc.duration == 7500


def test_delete_asks_for_the_id(page: Any, browser_engine: Engine) -> None:
    page.goto("/new")
    page.get_by_label("Title").fill("Duplicate draft")
    page.get_by_role("button", name="Create and start writing").click()
    page.get_by_role("link", name="Delete…").click()
    assert serious_violations(page) == []
    screenshot(page, "write-delete")
    page.get_by_label("Type INC-20261120 to confirm").fill("INC-20261120")
    page.get_by_role("button", name="Delete INC-20261120").click()
    page.wait_for_url("**/postmortems?deleted=INC-20261120")
    with UnitOfWork(browser_engine) as uow:
        assert postmortems.list_postmortems(uow) == []


def test_a_tool_file_that_does_not_read_creates_nothing(page: Any, browser_engine: Engine) -> None:
    page.goto("/new")
    page.get_by_label("Title").fill("Checkout errors")
    page.get_by_label("The files come from").select_option("pagerduty")
    page.get_by_label("Files", exact=True).set_input_files(
        files=[{"name": "log_entries.json", "mimeType": "application/json", "buffer": b"{oops"}]
    )
    page.get_by_role("button", name="Create and start writing").click()
    alert = page.get_by_role("alert")
    assert "Nothing was created." in alert.inner_text()
    assert "log_entries.json" in alert.inner_text()
    assert page.get_by_label("Title").input_value() == "Checkout errors"
    assert serious_violations(page) == []
    screenshot(page, "write-new-error")
    with UnitOfWork(browser_engine) as uow:
        assert postmortems.list_postmortems(uow) == []
