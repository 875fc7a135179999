"""Review comments in Chromium: a reviewer comments on a line of a section, the author replies
and resolves it; the thread folds away; it works without JavaScript too; axe finds nothing
serious at 1280 and 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.domain.accounts import Role
from blamefree.services import people, postmortems
from blamefree.store import UnitOfWork
from support.browser import LiveServer, log_in_as, screenshot, serious_violations

BERLIN = Path(__file__).resolve().parents[1] / "data" / "postmortems" / "berlin-payments-queue.md"
ID = "PAY-318"
QUOTED = "A migration created an index on the 400 GB `payouts` table without `CONCURRENTLY`"


@pytest.fixture(autouse=True)
def stored(browser_engine: Engine) -> None:
    with UnitOfWork(browser_engine) as uow:
        report = postmortems.import_files(uow, paths=[BERLIN], today=BERLIN_DAY, by="Ana Author")
        assert [o.error for o in report.outcomes] == [None]
        people.add_person(uow, name="Ana Author", email="ana@example.com")


BERLIN_DAY = __import__("datetime").date(2024, 3, 20)


def settled(page: Any) -> list[str]:
    """axe's findings once the :target highlight of the thread came back to has ended (the
    helper's own wait polls by eval, which the page's CSP refuses)."""
    page.evaluate("Promise.all(document.getAnimations().map(a => a.finished))")
    return serious_violations(page)


def write_as(page: Any, server: LiveServer, name: str, role: Role) -> None:
    log_in_as(page, server, name, role=role)
    page.reload()


def test_reviewer_comments_author_replies_and_resolves(page: Any, live_server: LiveServer) -> None:
    page.goto(f"/postmortems/{ID}")
    write_as(page, live_server, "Rita Reviewer", Role.REVIEWER)
    page.goto(f"/postmortems/{ID}")
    section = page.locator("#comments-root_cause_analysis")
    section.get_by_text("Comment on Root Cause Analysis", exact=True).click()
    chooser = section.get_by_label("Line", exact=True)
    options = chooser.locator("option").all_inner_texts()
    assert options[:2] == ["the whole section", "2: ### Primary Cause"]
    chooser.select_option("3")
    section.get_by_label("Comment on Root Cause Analysis").fill(
        "Why did the linter miss it, @Ana.Author? <script>alert(1)</script>"
    )
    section.get_by_role("button", name="Add comment").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == (
        "Comment 1 added. Ana Author will be told by the next reminder run."
    )
    thread = page.locator("#thread-1")
    assert thread.get_by_role("heading").inner_text() == "Line 3"
    assert thread.locator("blockquote").inner_text().startswith(QUOTED)
    body = thread.locator(".comment-body").inner_text()
    assert body == "Why did the linter miss it, @Ana.Author? <script>alert(1)</script>"
    assert page.evaluate("document.querySelectorAll('.comment-body script').length") == 0
    assert settled(page) == []
    screenshot(page, "comments-thread-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    thread.scroll_into_view_if_needed()
    assert settled(page) == []
    screenshot(page, "comments-thread-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    write_as(page, live_server, "Ana Author", Role.AUTHOR)
    page.goto(f"/postmortems/{ID}")
    thread = page.locator("#thread-1")
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label("Your reply").fill("Its list of large tables was out of date; fixed.")
    thread.get_by_role("button", name="Send reply").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Reply 2 added."
    thread = page.locator("#thread-1")
    authors = thread.locator(".comment-meta strong").all_inner_texts()
    assert authors == ["Rita Reviewer", "Ana Author"]
    thread.get_by_role("button", name="Resolve thread 1").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Thread 1 resolved."
    section = page.locator("#comments-root_cause_analysis")
    folded = section.locator("details.resolved-threads")
    assert folded.locator("summary").inner_text() == "1 resolved thread"
    assert page.locator("#thread-1").is_visible() is False
    folded.locator("summary").click()
    assert "resolved by Ana Author" in page.locator("#thread-1 h4").inner_text()
    assert page.get_by_role("button", name="Reopen thread 1").is_visible()
    assert settled(page) == []
    screenshot(page, "comments-resolved-1280")


def test_comment_without_javascript(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto(f"/postmortems/{ID}")
        section = page.locator("#comments-timeline")
        section.get_by_text("Comment on Timeline", exact=True).click()
        section.get_by_label("Comment on Timeline").fill("Add the alert's link. cc @nobody")
        section.get_by_role("button", name="Add comment").click()
        page.wait_for_load_state()
        note = page.get_by_role("status").inner_text()
        assert note == (
            "Comment 1 added. @nobody: no one of that name in the people directory, "
            "nobody was told."
        )
        assert page.locator("#thread-1 h4").inner_text() == "Whole section"
        assert page.locator("#thread-1 .comment-meta strong").inner_text() == "Tester"
    finally:
        context.close()
