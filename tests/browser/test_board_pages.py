"""The action board and the follow-up calendar in Chromium: screenshots with the demo store,
axe-core, and completing, bulk-updating and reviewing the way a person would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from blamefree.domain.enums import ReviewKind
from blamefree.services import actions, reviews
from blamefree.web.demo import load_demo
from support.board_docs import CHECKOUT, NOW, store_board_docs
from support.browser import screenshot, serious_violations
from support.uow import in_uow


def test_the_board_with_the_demo_store(page: Any, browser_engine: Engine) -> None:
    assert load_demo(browser_engine, today=NOW.date()) == 14
    page.goto("/actions")
    assert page.title() == "Action items · Blamefree"
    assert serious_violations(page) == []
    screenshot(page, "board-actions")
    page.goto("/actions?group=due&sort=owner")
    screenshot(page, "board-actions-by-due")
    page.goto("/actions/prevention")
    assert serious_violations(page) == []
    screenshot(page, "board-prevention")


def test_the_follow_up_calendar_with_the_demo_store(page: Any, browser_engine: Engine) -> None:
    load_demo(browser_engine, today=NOW.date())
    page.goto("/follow-up")
    assert page.title() == "Follow-up · Blamefree"
    assert page.get_by_role("heading", name="November 2026", exact=True).count() == 1
    assert serious_violations(page) == []
    screenshot(page, "board-follow-up")
    page.get_by_role("link", name="December 2026").first.click()
    assert page.get_by_role("heading", name="December 2026", exact=True).count() == 1
    screenshot(page, "board-follow-up-december")


def test_an_action_item_is_completed_from_the_board_by_keyboard(
    page: Any, browser_engine: Engine, tmp_path: Path
) -> None:
    ids = store_board_docs(browser_engine, tmp_path)
    uid = ids["Write the reindex runbook"]
    page.goto("/actions")
    done = page.get_by_role("button", name=f"Mark {uid} done")
    done.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/actions?changed=*")
    assert page.get_by_role("status").filter(has_text=f"{uid} updated.").count() == 1
    page.locator("summary", has_text="Done").click()  # closed groups start folded
    assert page.get_by_role("button", name=f"Reopen {uid}").count() == 1
    stored = in_uow(browser_engine, actions.show_action, action_id=uid, today=NOW.date()).action
    assert stored.record.status.value == "done"
    history = in_uow(browser_engine, actions.action_history, action_id=uid)
    assert [(h.field, h.new, h.by) for h in history][-1] == ("status", "done", "Tester")


def test_two_action_items_are_updated_at_once(
    page: Any, browser_engine: Engine, tmp_path: Path
) -> None:
    ids = store_board_docs(browser_engine, tmp_path)
    chosen = [ids["Write the reindex runbook"], ids["Alert on cache hit ratio below 80%"]]
    page.goto("/actions?group=due")
    apply = page.get_by_role("button", name="Apply to selected")
    assert apply.is_disabled()  # with JavaScript: nothing selected, nothing to apply
    page.get_by_label(f"Select {chosen[0]}: Write the reindex runbook").check()
    page.get_by_label(f"Select {chosen[1]}: Alert on cache hit ratio below 80%").check()
    assert page.get_by_text("(2 selected)").count() == 1
    page.get_by_label("Set status").select_option("in_progress")
    page.get_by_label("Set owner").fill("Mateus Oliveira")
    page.get_by_label("Set due date").fill("2026-12-04")
    apply.click()
    page.wait_for_url("**/actions?group=due&updated=2")
    assert page.get_by_role("status").filter(has_text="2 action items updated.").count() == 1
    for uid in chosen:
        view = in_uow(browser_engine, actions.show_action, action_id=uid, today=NOW.date()).action
        assert (view.record.status.value, view.record.owner, view.due.isoformat()) == (
            "in_progress",
            "Mateus Oliveira",
            "2026-12-04",
        )
    assert serious_violations(page) == []


def test_a_review_is_recorded_with_notes_and_its_outcome(
    page: Any, browser_engine: Engine, tmp_path: Path
) -> None:
    store_board_docs(browser_engine, tmp_path)
    page.goto("/follow-up")
    page.locator(f'a[href="/follow-up/{CHECKOUT}/1w"]').filter(has_text="Record review").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"1-week review of {CHECKOUT}"
    assert serious_violations(page) == []
    screenshot(page, "board-review-form")
    page.get_by_label("Notes").fill("Hit-ratio alert still missing; the **team** was trained.")
    page.get_by_label("Team trained on new procedures").check()
    page.get_by_role("button", name="Record review").click()
    page.wait_for_url("**/follow-up?month=2026-11&held=*")
    assert page.get_by_role("status").inner_text() == f"1-week review of {CHECKOUT} recorded."
    held = page.locator(".held-list li").first
    assert "Hit-ratio alert still missing; the team was trained." in held.inner_text()
    assert held.locator("strong").inner_text() == "team"
    found = in_uow(
        browser_engine,
        reviews.list_reviews,
        today=NOW.date(),
        incident_id=CHECKOUT,
        include_done=True,
    )[0]
    assert (found.kind, found.by, found.notes) == (
        ReviewKind.ONE_WEEK,
        "Tester",
        "Hit-ratio alert still missing; the **team** was trained.",
    )
    criteria = in_uow(browser_engine, actions.evaluate_criteria, incident_id=CHECKOUT)
    assert [(c.text, c.met) for c in criteria][-1] == ("Team trained on new procedures", True)


def test_the_board_works_without_javascript(
    browser: Any, live_server: Any, browser_engine: Engine, tmp_path: Path
) -> None:
    ids = store_board_docs(browser_engine, tmp_path)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/actions?owner=dana")
        apply = page.get_by_role("button", name="Apply to selected")
        assert apply.is_enabled()  # nothing disables it without scripts
        for text in (
            "Load test the checkout path every week",
            "Page when the indexer lags by 15 minutes",
        ):
            page.get_by_label(f"Select {ids[text]}: {text}").check()
        page.get_by_label("Set owner").fill("Dana Whitfield")
        apply.click()
        page.wait_for_url("**/actions?owner=dana&updated=2")
        assert page.get_by_text("No action item matches these filters.").count() == 1
        page.goto("/follow-up")
        feed = page.get_by_label("Feed address (ICS)")
        assert feed.input_value() == f"{live_server.url}/calendar.ics"
        assert page.get_by_role("button", name="Copy").count() == 0  # shown only with scripts
    finally:
        context.close()
    owners = {
        in_uow(
            browser_engine, actions.show_action, action_id=ids[t], today=NOW.date()
        ).action.record.owner
        for t in (
            "Load test the checkout path every week",
            "Page when the indexer lags by 15 minutes",
        )
    }
    assert owners == {"Dana Whitfield"}


def test_the_feed_address_has_a_copy_button_with_javascript(page: Any, live_server: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/follow-up")
    assert page.get_by_label("Feed address (ICS)").get_attribute("readonly") == ""
    page.get_by_role("button", name="Copy").click()
    page.get_by_role("button", name="Copied").wait_for()  # the clipboard answers asynchronously
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/calendar.ics"


def test_push_and_pull_from_the_board(browser: Any, browser_engine: Engine, tmp_path: Path) -> None:
    from blamefree.config import load_settings
    from blamefree.web.app import create_app
    from support.browser import LiveServer
    from support.fake_http import fake_server
    from support.fake_trackers import FakeGitHub
    from support.web import SECRET

    ids = store_board_docs(browser_engine, tmp_path)
    chosen = ["Write the reindex runbook", "Alert on cache hit ratio below 80%"]
    fake = FakeGitHub()
    with fake_server(fake) as github:
        fake.base_url = github.url
        settings = load_settings(
            database_url=str(browser_engine.url),
            secret_key=SECRET,
            user="Tester",
            github_api_url=github.url,
            github_token="gh-token",
            github_repo="acme/ops",
        )
        app = create_app(settings, engine=browser_engine, clock=lambda: NOW, prepare=False)
        with LiveServer(app) as server:
            context = browser.new_context(
                base_url=server.url, viewport={"width": 1280, "height": 900}
            )
            try:
                page = context.new_page()
                page.goto("/actions")
                assert page.get_by_role(
                    "button", name="Push to Jira (not configured)"
                ).is_disabled()
                for text in chosen:
                    page.get_by_label(f"Select {ids[text]}: {text}").check()
                page.get_by_role("button", name="Push selected to GitHub").click()
                assert page.get_by_role("heading", level=1).inner_text() == "Pushed to GitHub"
                assert page.locator(".outcome").all_inner_texts() == ["created", "created"]
                assert serious_violations(page) == []
                screenshot(page, "board-pushed")
                fake.close_issue(1348)  # the runbook's issue: filed second, by the board's order
                page.get_by_role("link", name="Back to the action items").click()
                for text in chosen:
                    page.get_by_label(f"Select {ids[text]}: {text}").check()
                page.get_by_role("button", name="Pull status of selected").click()
                assert page.locator(".outcome").all_inner_texts() == ["unchanged", "updated"]
                screenshot(page, "board-pulled")
            finally:
                context.close()
    assert fake.problems == []
    runbook = in_uow(
        browser_engine, actions.show_action, action_id=ids[chosen[0]], today=NOW.date()
    ).action
    assert (
        runbook.record.status.value,
        runbook.record.tracker.key if runbook.record.tracker else None,
    ) == (
        "done",
        "acme/ops#1348",
    )
