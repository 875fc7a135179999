"""The section forms: each section saved through its typed inputs, the author's text kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import ActionStatus, Horizon, Priority, Severity
from blamefree.markdown.parse import parse
from blamefree.services import actions, postmortems
from blamefree.store.unit_of_work import UnitOfWork
from blamefree.web.editing.fields import value_at
from support.page_forms import form_fields
from support.web import FIXED_NOW, WebClient
from web.write.pages import DATA, edit_form, exported, stored


def save(client: WebClient, incident_id: str, form: dict[str, str], **kwargs: Any) -> Any:
    return client.post(f"/postmortems/{incident_id}/edit", data=form, **kwargs)


def test_saving_an_untouched_form_keeps_the_authors_text_byte_for_byte(
    client: WebClient, engine: Engine, berlin: str
) -> None:
    before = exported(engine, berlin)
    response = save(client, berlin, edit_form(client, berlin), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/postmortems/{berlin}/edit?saved=unchanged"
    assert stored(engine, berlin).version == 1
    assert exported(engine, berlin) == before


def test_one_changed_field_changes_one_line_of_the_authors_text(
    client: WebClient, engine: Engine, berlin: str
) -> None:
    before = exported(engine, berlin).splitlines()
    form = edit_form(client, berlin)
    assert form["severity"] == "P2"  # the author wrote "Sev 2"
    assert form["duration"] == "2h48m"  # as written
    form["sign_off.reviewed_by"] = "Priya Raman"
    response = save(client, berlin, form, follow_redirects=False)
    assert response.headers["location"] == f"/postmortems/{berlin}/edit?saved=2"
    after = exported(engine, berlin).splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    assert changed[0][1].startswith("**Reviewed By:** Priya Raman")
    assert stored(engine, berlin).doc.sign_off.reviewed_by == "Priya Raman"


SECTION_CHANGES: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "header": (
        {
            "title": "Checkout API outage after pool change",
            "severity": "P0",
            "date": "2026-11-19",
            "duration": "1h 25m",
        },
        {
            "title": "Checkout API outage after pool change",
            "severity": Severity.P0,
            "date": dt.date(2026, 11, 19),
            "duration": 5100,
        },
    ),
    "executive_summary": (
        {
            "executive_summary.what_happened": "Checkout returned errors for 85 minutes.",
            "executive_summary.root_cause": "The pool limit was lowered from 50 to 5.",
        },
        {
            "executive_summary.what_happened": "Checkout returned errors for 85 minutes.",
            "executive_summary.root_cause": "The pool limit was lowered from 50 to 5.",
        },
    ),
    "timeline": (
        {
            "timeline.detection.time": "2026-11-19T14:02",
            "timeline.detection.detected_by": "Alertmanager",
            "timeline.resolution.resolution_method": "Rolled the pool change back.",
        },
        {
            "timeline.detection.time": dt.datetime(2026, 11, 19, 14, 2, tzinfo=dt.UTC),
            "timeline.detection.detected_by": "Alertmanager",
            "timeline.resolution.resolution_method": "Rolled the pool change back.",
        },
    ),
    "impact_assessment": (
        {
            "impact_assessment.users_affected.total_users": "120000",
            "impact_assessment.users_affected.affected_users": "30000",
            "impact_assessment.users_affected.percentage": "25",
            "impact_assessment.features_affected-0-text": "Checkout",
            "impact_assessment.business_impact.support_tickets": "42",
        },
        {
            "impact_assessment.users_affected.total_users": 120000,
            "impact_assessment.users_affected.affected_users": 30000,
            "impact_assessment.users_affected.percentage": 25.0,
            "impact_assessment.features_affected": ["Checkout"],
            "impact_assessment.business_impact.support_tickets": 42,
        },
    ),
    "root_cause_analysis": (
        {
            "root_cause_analysis.primary_cause": "A config change lowered the pool limit.",
            "root_cause_analysis.contributing_factors-0-text": "No alert on pool saturation",
        },
        {
            "root_cause_analysis.primary_cause": "A config change lowered the pool limit.",
            "root_cause_analysis.contributing_factors": ["No alert on pool saturation"],
        },
    ),
    "what_went_well": (
        {
            "what_went_well.items-0-text": "Rollback took two minutes",
            "what_went_well.lessons": "Fast rollbacks pay off.",
        },
        {
            "what_went_well.items": ["Rollback took two minutes"],
            "what_went_well.lessons": "Fast rollbacks pay off.",
        },
    ),
    "what_went_wrong": (
        {"what_went_wrong.items-0-text": "The change skipped review"},
        {"what_went_wrong.items": ["The change skipped review"]},
    ),
    "metrics": (
        {
            "metrics.incident_metrics.detection_time": "4m",
            "metrics.performance_impact.error_rate.during": "38%",
        },
        {
            "metrics.incident_metrics.detection_time": 240,
            "metrics.performance_impact.error_rate.during.value": 38.0,
            "metrics.performance_impact.error_rate.during.unit": "%",
        },
    ),
    "follow_up": (
        {
            "follow_up.review_schedule.one_week": "2026-11-27",
            "follow_up.success_criteria-2-done": "on",
        },
        {"follow_up.review_schedule.one_week": dt.date(2026, 11, 27)},
    ),
    "appendix": (
        {"appendix.references-0-text": "Runbook: checkout pool"},
        {"appendix.references": ["Runbook: checkout pool"]},
    ),
    "sign_off": (
        {"sign_off.prepared_by": "Ana Lopez", "sign_off.date": "2026-11-21"},
        {"sign_off.prepared_by": "Ana Lopez", "sign_off.date": dt.date(2026, 11, 21)},
    ),
}


@pytest.mark.parametrize("section", sorted(SECTION_CHANGES))
def test_each_section_saves_its_typed_values(
    client: WebClient, engine: Engine, new_draft: Callable[..., str], section: str
) -> None:
    incident_id = new_draft()
    inputs, expected = SECTION_CHANGES[section]
    form = edit_form(client, incident_id)
    for name in inputs:
        assert name in form or name.endswith("-done"), f"the page has no input {name}"
    form.update(inputs, section=section)
    response = save(client, incident_id, form, follow_redirects=False)
    assert response.status_code == 303, response.text
    anchor = "#s-" + section.replace("_", "-")
    assert response.headers["location"] == f"/postmortems/{incident_id}/edit?saved=2{anchor}"
    doc = stored(engine, incident_id).doc
    for path, value in expected.items():
        assert value_at(doc, path) == value, path
    if section == "follow_up":
        assert [c.done for c in doc.follow_up.success_criteria] == [False, False, True, False]


def test_action_items_and_measures_are_rows_to_add_tick_and_remove(
    client: WebClient, engine: Engine, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft()
    form = edit_form(client, incident_id)
    form.update(
        {
            "action_items.immediate-0-text": "Alert on pool saturation",
            "action_items.immediate-0-owner": "Sam Ortiz",
            "action_items.immediate-0-due": "2026-11-27",
            "action_items.immediate-0-priority": "High",
            # a second new row, as the page's script adds it
            "action_items.immediate-1-base": "",
            "action_items.immediate-1-text": "Review pool limits",
            "prevention_measures.technical-0-text": "Pool limit checked in CI",
        }
    )
    save(client, incident_id, form)
    doc = stored(engine, incident_id).doc
    first, second = doc.action_items.immediate
    assert (first.text, first.owner, first.due_date, first.priority) == (
        "Alert on pool saturation",
        "Sam Ortiz",
        dt.date(2026, 11, 27),
        Priority.HIGH,
    )
    assert (second.text, second.owner, second.due_date, second.priority) == (
        "Review pool limits",
        None,
        None,
        None,
    )
    assert [m.text for m in doc.prevention_measures.technical] == ["Pool limit checked in CI"]

    form = edit_form(client, incident_id)
    assert form["action_items.immediate-0-owner"] == "Sam Ortiz"
    form["action_items.immediate-0-done"] = "on"
    form["action_items.immediate-1-remove"] = "on"
    form["prevention_measures.technical-0-done"] = "on"
    save(client, incident_id, form)
    doc = stored(engine, incident_id).doc
    assert [(i.text, i.status) for i in doc.action_items.immediate] == [
        ("Alert on pool saturation", ActionStatus.DONE)
    ]
    assert doc.action_items.immediate[0].owner == "Sam Ortiz"
    assert doc.prevention_measures.technical[0].status is ActionStatus.DONE


def test_times_are_typed_and_shown_in_the_post_mortems_zone(
    client: WebClient, engine: Engine, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft(timezone="America/New_York")
    form = edit_form(client, incident_id)
    form["timeline.detection.time"] = "2026-11-19T09:05"  # EST, UTC-5
    form["impact_start"] = "2026-07-01T09:05:30"  # EDT, UTC-4, with seconds
    save(client, incident_id, form)
    doc = stored(engine, incident_id).doc
    assert doc.timeline.detection.time == dt.datetime(2026, 11, 19, 14, 5, tzinfo=dt.UTC)
    assert doc.impact_start == dt.datetime(2026, 7, 1, 13, 5, 30, tzinfo=dt.UTC)
    shown = edit_form(client, incident_id)
    assert shown["timeline.detection.time"] == "2026-11-19T09:05"
    assert shown["impact_start"] == "2026-07-01T09:05:30"
    page = client.get(f"/postmortems/{incident_id}/edit").text
    assert 'Time <span class="zone-tag">America/New_York</span>' in page


def test_a_time_the_clock_skips_is_refused_and_nothing_is_saved(
    client: WebClient, engine: Engine, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft(timezone="America/New_York")
    form = edit_form(client, incident_id)
    form["timeline.detection.time"] = "2026-03-08T02:30"  # the spring-forward gap
    form["impact_assessment.users_affected.total_users"] = "many"
    form["executive_summary.what_happened"] = "Logins failed."
    response = save(client, incident_id, form)
    assert response.status_code == 422
    assert "2026-03-08 02:30 does not exist in America/New_York" in response.text
    assert "Total users: &#39;many&#39; is not a whole number of 0 or more" in response.text
    assert "Nothing was saved: 2 inputs need a fix." in response.text
    assert 'value="many"' in response.text  # what was typed is shown again
    assert ">Logins failed.</textarea>" in response.text
    assert stored(engine, incident_id).version == 1


def test_a_list_entry_without_text_is_refused(
    client: WebClient, engine: Engine, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft()
    form = edit_form(client, incident_id)
    form["action_items.short_term-0-owner"] = "Sam Ortiz"  # an owner for no item
    response = save(client, incident_id, form)
    assert response.status_code == 422
    assert "Short-term, item 1: give it a text (or tick Remove)" in response.text
    assert stored(engine, incident_id).version == 1


def test_a_value_typed_as_unknown_reads_as_unknown(
    client: WebClient, engine: Engine, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft()
    form = edit_form(client, incident_id)
    form["impact_assessment.business_impact.revenue_impact"] = "TBD (waiting on finance)"
    save(client, incident_id, form)
    impact = stored(engine, incident_id).doc.impact_assessment.business_impact
    assert impact.revenue_impact is None
    assert impact.revenue_impact_text == "TBD (waiting on finance)"
    again = edit_form(client, incident_id)
    assert again["impact_assessment.business_impact.revenue_impact"] == "TBD (waiting on finance)"


def test_the_edit_page_of_an_unknown_post_mortem_is_not_found(client: WebClient) -> None:
    response = client.get("/postmortems/NOPE-1/edit")
    assert response.status_code == 404
    assert "NOPE-1" in response.text


REAL_WORLD = sorted((DATA / "postmortems").glob("*.md"))


@pytest.mark.parametrize("path", REAL_WORLD, ids=[p.stem for p in REAL_WORLD])
def test_untouched_saves_of_real_world_documents_store_nothing(
    client: WebClient, engine: Engine, path: Path
) -> None:
    text = path.read_bytes().decode("utf-8")
    doc = parse(text, source=str(path))
    assert doc.incident_id is not None
    with UnitOfWork(engine) as uow:
        postmortems.create_postmortem(uow, postmortem_in=doc, text=text)
    incident_id = doc.incident_id
    before = exported(engine, incident_id)
    response = save(client, incident_id, edit_form(client, incident_id), follow_redirects=False)
    assert response.headers["location"].endswith("?saved=unchanged")
    markdown_url = f"/postmortems/{incident_id}/edit/markdown"
    typed = form_fields(client.get(markdown_url).text, markdown_url)
    typed["markdown"] = typed["markdown"].replace("\r\n", "\n").replace("\n", "\r\n")  # a browser
    response = client.post(markdown_url, data=typed, follow_redirects=False)
    assert response.headers["location"].endswith("?saved=unchanged")
    assert exported(engine, incident_id) == before
    assert stored(engine, incident_id).version == 1


def test_an_items_id_and_status_are_shown_and_kept(
    client: WebClient, engine: Engine, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft()
    with UnitOfWork(engine) as uow:
        added = actions.add_action(
            uow,
            incident_id=incident_id,
            text="Alert on pool saturation",
            horizon=Horizon.IMMEDIATE,
            now=dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC),
            status=ActionStatus.IN_PROGRESS,
        )
    uid = added.action.uid
    page = client.get(f"/postmortems/{incident_id}/edit").text
    assert '<span class="vh"> of Immediate</span> <span class="row-meta">in progress</span>' in page
    form = edit_form(client, incident_id)
    form["action_items.immediate-0-owner"] = "Sam Ortiz"
    save(client, incident_id, form)
    item = stored(engine, incident_id).doc.action_items.immediate[0]
    assert (item.status, item.owner) == (ActionStatus.IN_PROGRESS, "Sam Ortiz")
    with UnitOfWork(engine) as uow:  # the same item, with its id and history
        record = actions.get_action(uow, action_id=uid, today=FIXED_NOW.date()).record
    assert (record.owner, record.status) == ("Sam Ortiz", ActionStatus.IN_PROGRESS)
