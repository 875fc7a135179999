"""The review workflow in Chromium, as people would go through it: the author submits a draft,
a reviewer asks for changes, the author resubmits, two approvers approve, the Sign-Off shows
them, and an edit of the approved post-mortem is refused until it is reopened with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.domain.accounts import Role
from blamefree.services import postmortems
from support.browser import LiveServer, artifacts_dir, log_in_as, screenshot, serious_violations
from support.uow import in_uow
from support.updates_doc import NOW
from support.web import FIXED_NOW, make_app
from support.workflow_doc import ID, REVIEWABLE, TWO_APPROVALS


@pytest.fixture
def live_server(browser_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    monkeypatch.setenv("BLAMEFREE_REVIEW_APPROVALS", TWO_APPROVALS)
    with LiveServer(make_app(browser_engine)) as server:
        yield server


ROLES = {"Kim": Role.AUTHOR, "Ravi": Role.REVIEWER, "Ana": Role.APPROVER, "Bo": Role.APPROVER}
"""Each person's account role."""


def act_as(page: Any, server: LiveServer, name: str) -> None:
    log_in_as(page, server, name, role=ROLES[name])
    page.reload()


def step(page: Any, button: str, note: str | None = None, field: str | None = None) -> None:
    panel = page.locator("#workflow")
    if note is not None and field is not None:
        panel.get_by_label(field).fill(note)
    panel.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def test_submit_request_changes_resubmit_two_approvals_locked_then_reopened(
    page: Any, live_server: LiveServer, browser_engine: Engine, tmp_path: Any
) -> None:
    path = tmp_path / "ledger.md"
    path.write_text(REVIEWABLE, encoding="utf-8")
    in_uow(browser_engine, postmortems.import_files, paths=[path], today=NOW.date(), by="Kim")
    page.goto(f"/postmortems/{ID}")
    act_as(page, live_server, "Kim")
    panel = page.locator("#workflow")
    assert "not in the workflow" in panel.locator("h2").inner_text()
    panel.get_by_text("Name reviewers and approvers").click()
    panel.get_by_label("Reviewers (comma-separated)").fill("Ravi")
    panel.get_by_label("Approvers (comma-separated)").fill("Ana, Bo")
    panel.get_by_role("button", name="Name them").click()
    page.wait_for_load_state()
    assert panel.locator("dd").nth(2).inner_text() == "Ana, Bo"
    step(page, "Submit for review")
    assert "in review" in panel.locator("h2").inner_text()

    act_as(page, live_server, "Ravi")
    step(page, "Request changes", "Say why the disk filled up", "What should change")
    assert "draft" in panel.locator("h2").inner_text()
    assert "Say why the disk filled up" in panel.inner_text()

    act_as(page, live_server, "Kim")
    step(page, "Submit for review")
    assert panel.get_by_role("button", name="Approve").count() == 0  # not for the author
    act_as(page, live_server, "Ana")
    step(page, "Approve")
    assert "in review" in panel.locator("h2").inner_text()
    act_as(page, live_server, "Bo")
    step(page, "Approve")
    assert "approved" in panel.locator("h2").inner_text()
    assert "locked" in panel.locator("h2").inner_text()

    sign_off = page.locator("section[aria-labelledby='h-signoff']")
    facts = dict(
        zip(
            sign_off.locator("dt").all_text_contents(),
            sign_off.locator("dd").all_inner_texts(),
            strict=True,
        )
    )
    assert facts == {
        "Prepared By": "Kim",
        "Reviewed By": "Ravi, Ana, Bo",
        "Approved By": "Ana, Bo",
        "Date": FIXED_NOW.date().isoformat(),  # the day of the last approval
    }
    assert serious_violations(page) == []
    screenshot(page, "review-approved")
    panel.screenshot(path=str(artifacts_dir() / "review-panel-approved.png"))

    # An edit of the approved post-mortem is refused.
    act_as(page, live_server, "Kim")
    page.goto(f"/postmortems/{ID}/edit/markdown")
    text = page.get_by_label("The whole post-mortem").input_value()
    page.get_by_label("The whole post-mortem").fill(
        text.replace("Ledger export stalled overnight", "Ledger export stalled")
    )
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save the Markdown").click()
    assert answer.value.status == 423
    assert "is approved and takes no edit" in page.locator("main").inner_text()
    screenshot(page, "review-edit-refused")

    page.goto(f"/postmortems/{ID}")
    step(page, "Reopen", "The 1-week review found a gap", "Why it reopens")
    assert "draft" in panel.locator("h2").inner_text()
    page.goto(f"/postmortems/{ID}/edit/markdown")
    text = page.get_by_label("The whole post-mortem").input_value()
    page.get_by_label("The whole post-mortem").fill(
        text.replace("Ledger export stalled overnight", "Ledger export stalled")
    )
    page.get_by_role("button", name="Save the Markdown").click()
    page.wait_for_load_state()
    assert page.url.endswith("/edit/markdown?saved=7")
    assert page.locator("h1").first.inner_text() == "Post-Mortem: Ledger export stalled as Markdown"

    page.goto(f"/postmortems/{ID}/audit")
    actions = page.locator("table.audit tbody tr td:nth-child(3)").all_inner_texts()
    assert actions[:3] == ["create", "workflow.assign", "workflow.submit"]
    assert actions[-2:] == ["workflow.sign-off", "edit"]
    assert serious_violations(page) == []
    screenshot(page, "review-audit")
