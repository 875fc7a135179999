"""``/follow-up`` and ``/calendar.ics``: the month grid, recording and scheduling a review, and
the feed a calendar subscribes to (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar
from sqlalchemy import Engine

from blamefree.domain.enums import ReviewKind
from blamefree.services import actions, postmortems, reviews
from support.board_docs import CHECKOUT, NOW, SEARCH
from support.board_pages import ClientWith, read_page
from support.uow import in_uow
from support.web import WebClient


def cells(html: str) -> dict[str, list[str]]:
    """Each day of the grid (ISO date) and the entries' texts in it."""
    found: dict[str, list[str]] = {}
    for cell in re.findall(r"<td class=\"[^\"]*\">(.*?)</td>", html, flags=re.S):
        day = re.search(r'<time datetime="([\d-]+)">', cell)
        if day is None:
            continue
        entries = re.findall(r'<a class="entry[^"]*" href="[^"]+">(.*?)</a>', cell, flags=re.S)
        texts = [" ".join(re.sub(r"<[^>]+>", " ", e).split()) for e in entries]
        found[day.group(1)] = texts
    return found


def test_the_month_grid_holds_reviews_and_due_dates(client: WebClient, ids: dict[str, str]) -> None:
    page = client.get("/follow-up")
    assert page.status_code == 200
    grid = cells(page.text)
    assert (min(grid), max(grid)) == ("2026-10-26", "2026-12-06")
    assert len(grid) == 42
    assert grid["2026-11-09"] == [
        f"Overdue 1-week review {CHECKOUT}",
        f"Overdue Alert on cache hit ratio below 80% {CHECKOUT}",
    ]
    assert grid["2026-11-25"] == [f"Due Load test the checkout path every week {CHECKOUT}"]
    assert grid["2026-11-03"] == [
        f"Done Restore the cache memory limit in the deploy template {CHECKOUT}"
    ]
    assert grid["2026-12-02"] == [f"Review 1-month review {CHECKOUT}"]
    assert '<td class=" today">' in page.text
    assert 'href="/follow-up?month=2026-10" rel="prev"' in page.text
    assert 'href="/follow-up?month=2026-12" rel="next"' in page.text
    january = client.get("/follow-up?month=2027-01")
    assert cells(january.text)["2027-01-31"] == [
        f"Review 3-month review {CHECKOUT}",
        f"Due Split the session cache from the catalogue cache {CHECKOUT}",
    ]
    assert "Nothing falls due in March 2027" in client.get("/follow-up?month=2027-03").text
    assert client.get("/follow-up?month=2026-13").status_code == 422


def test_the_reviews_to_hold_are_listed_with_their_forms(
    client: WebClient, ids: dict[str, str]
) -> None:
    page = client.get("/follow-up").text
    held = re.findall(r'href="/follow-up/([^/"]+)/(\w+)">Record review</a>', page)
    assert held == [(CHECKOUT, "1w"), (SEARCH, "1w"), (CHECKOUT, "1m"), (SEARCH, "1m")]
    assert "overdue by 11 days" in page
    form = client.get(f"/follow-up/{CHECKOUT}/1w")
    assert form.status_code == 200
    assert re.findall(r'name="met" value="(\d+)"', form.text) == ["4"]
    assert "from the data: 3 of 4 committed action items still open" in form.text
    assert client.get(f"/follow-up/{CHECKOUT}/2w").status_code == 422
    assert client.get("/follow-up/INC-NOPE/1w").status_code == 404


def test_recording_a_review_stores_notes_and_outcome(
    engine: Engine, client: WebClient, ids: dict[str, str]
) -> None:
    answer = client.post_form(
        f"/follow-up/{CHECKOUT}/1w",
        {"notes": "Alert still missing.\n\nTraining **done**.", "met": ["4"]},
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        f"/follow-up?month=2026-11&held={CHECKOUT}&kind=1w",
    )
    found = in_uow(engine, reviews.list_reviews, today=NOW.date(), include_done=True)
    one_week = next(r for r in found if (r.incident_id, r.kind) == (CHECKOUT, ReviewKind.ONE_WEEK))
    assert (one_week.done_at, one_week.notes, one_week.by) == (
        NOW,
        "Alert still missing.\n\nTraining **done**.",
        "Tester",
    )
    criteria = in_uow(engine, actions.evaluate_criteria, incident_id=CHECKOUT)
    assert [(c.text, c.met, c.written) for c in criteria] == [
        ("All action items completed", False, False),
        ("Prevention measures implemented", False, False),
        ("Monitoring improved", False, False),
        ("Team trained on new procedures", True, True),
    ]
    text = in_uow(engine, postmortems.export_markdown, incident_id=CHECKOUT)
    assert "- [x] Team trained on new procedures" in text
    after = client.get(answer.headers["location"]).text
    assert read_page(after).notices[-1] == f"1-week review of {CHECKOUT} recorded."
    assert "<p>Training <strong>done</strong>.</p>" in after
    assert f'href="/follow-up/{CHECKOUT}/1w">Record review' not in after


def test_scheduling_a_review_writes_its_date(
    engine: Engine, client: WebClient, ids: dict[str, str]
) -> None:
    answer = client.post_form(
        f"/follow-up/{SEARCH}/1m/schedule", {"date": "2026-12-18"}, follow_redirects=False
    )
    assert answer.headers["location"] == f"/follow-up?month=2026-12&scheduled={SEARCH}&kind=1m"
    text = in_uow(engine, postmortems.export_markdown, incident_id=SEARCH)
    assert "- **1 Month Follow-Up:** 2026-12-18" in text
    assert cells(client.get("/follow-up?month=2026-12").text)["2026-12-18"] == [
        f"Review 1-month review {SEARCH}"
    ]
    before = client.post_form(f"/follow-up/{SEARCH}/1m/schedule", {"date": "2026-01-01"})
    assert before.status_code == 422


def test_the_feed_is_icalendar_with_the_open_work(client: WebClient, ids: dict[str, str]) -> None:
    answer = client.get("/calendar.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    feed = Calendar.from_ical(answer.content)
    events = {str(e["uid"]): (str(e["summary"]), e.decoded("dtstart")) for e in feed.walk("VEVENT")}
    runbook = ids["Write the reindex runbook"]
    assert events[f"{runbook}@blamefree"] == (
        f"Due: Write the reindex runbook ({runbook})",
        dt.date(2026, 12, 1),
    )
    assert events[f"review-{CHECKOUT}-1w@blamefree"] == (
        f"1-week review of {CHECKOUT}: Post-Mortem: Checkout latency after a cache eviction storm",
        dt.date(2026, 11, 9),
    )
    done = ids["Restore the cache memory limit in the deploy template"]
    assert f"{done}@blamefree" not in events  # closed items leave the feed
    assert len(events) == 5 + 6  # five open items, three reviews of each post-mortem
    mine = Calendar.from_ical(client.get("/calendar.ics?owner=dana").content)
    assert sorted(str(e["summary"]) for e in mine.walk("VEVENT") if "Due" in str(e["summary"])) == [
        f"Due: Load test the checkout path every week ({ids['Load test the checkout path every week']})",
        f"Due: Page when the indexer lags by 15 minutes ({ids['Page when the indexer lags by 15 minutes']})",
    ]
    one = Calendar.from_ical(client.get(f"/calendar.ics?postmortem={SEARCH}").content)
    assert {str(e["uid"]) for e in one.walk("VEVENT")} == {
        f"{ids['Page when the indexer lags by 15 minutes']}@blamefree",
        f"{runbook}@blamefree",
        f"review-{SEARCH}-1w@blamefree",
        f"review-{SEARCH}-1m@blamefree",
        f"review-{SEARCH}-3m@blamefree",
    }
    assert str(one["x-wr-calname"]) == f"Blamefree: {SEARCH}"
    assert client.get("/calendar.ics?postmortem=INC-NOPE").status_code == 404


def test_the_subscription_address_uses_the_public_url(
    client: WebClient, client_with: ClientWith, ids: dict[str, str]
) -> None:
    assert 'value="http://testserver/calendar.ics"' in client.get("/follow-up").text
    with client_with(public_url="https://pm.example.com/") as behind_proxy:
        page = behind_proxy.get("/follow-up?owner=Noor Haddad").text
    assert (
        'id="feed-url" class="mono" type="text" readonly value="https://pm.example.com/calendar.ics"'
        in page
    )
    assert 'value="https://pm.example.com/calendar.ics?owner=Noor+Haddad"' in page
    assert '<label for="feed-url">Feed address (ICS)</label>' in page
