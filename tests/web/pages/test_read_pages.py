"""The dashboard, listing, post-mortem page, history, diff, restore and export, in-process on
SQLite and PostgreSQL: the values the pages show, and where their links lead."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Engine

from blamefree.domain.enums import Severity
from blamefree.markdown.parse import parse
from blamefree.services import postmortems
from blamefree.store import UnitOfWork
from support.demo_docs import store, timed_doc
from support.html_scan import scan
from support.web import WebClient


def _rows(html: str) -> list[str]:
    """The incident ids the listing's table links to, in order."""
    return re.findall(r'<a href="/postmortems/(INC-[A-Z0-9-]+)">', html.split("<tbody>", 1)[-1])


def test_the_dashboard_shows_standings_medians_and_what_is_overdue(
    client: WebClient, demo: list[str]
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    text = scan(page.text).plain
    assert "14 post-mortems · as of 2026-11-20" in text
    assert "In review 3" in text and "Approved 11" in text and "Draft 0" in text
    assert "Incidents dated 2026-08-22 to 2026-11-20 (8 in all)" in text
    assert "P0 2 1m over 2 of 2 2m over 2 of 2 1h 32m over 2 of 2" in text
    assert "P1 1 unknown (0 of 1 known) unknown (0 of 1 known) 3h 40m over 1 of 1" in text
    assert "Overdue action items 35" in text
    assert "All 35 overdue items" in text
    assert "Follow-up reviews 36" in text
    assert 'href="/postmortems?status=in_review"' in page.text


def test_an_empty_store_says_so_on_the_dashboard_and_the_list(client: WebClient) -> None:
    assert "No post-mortems yet" in client.get("/").text
    listing = client.get("/postmortems")
    assert "0 matches" in scan(listing.text).plain
    assert "No post-mortems yet" in listing.text


def test_the_list_filters_from_the_url_and_keeps_them_in_its_links(
    client: WebClient, demo: list[str]
) -> None:
    page = client.get("/postmortems?severity=P0&severity=P2&from=2026-09-01&sort=severity")
    assert page.status_code == 200
    assert _rows(page.text) == [
        "INC-2026-0180",
        "INC-2026-0206",
        "INC-2026-0203",
        "INC-2026-0191",
        "INC-2026-0186",
    ]
    assert "5 matches these filters" in scan(page.text).plain
    assert '<input type="checkbox" name="severity" value="P0" checked>' in page.text
    assert '<input type="checkbox" name="severity" value="P1" >' in page.text
    assert 'name="from" type="date" value="2026-09-01"' in page.text
    # Sorting by a column keeps the filters.
    assert (
        "/postmortems?severity=P0&amp;severity=P2&amp;from=2026-09-01&amp;sort=title" in page.text
    )
    owner = client.get("/postmortems?owner=Tomasz&items=overdue")
    assert _rows(owner.text) == ["INC-2026-0174"]
    assert "prepared by Inês Carvalho" in owner.text
    none = client.get("/postmortems?q=no+such+words+anywhere")
    assert "No post-mortem matches" in none.text


def test_the_list_pages_fifty_at_a_time(client: WebClient, engine: Engine) -> None:
    for n in range(55):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=n)
        store(engine, timed_doc(f"INC-P{n:03d}", day=day, severity=Severity.P3,
                                detected_after=None))  # fmt: skip
    first = client.get("/postmortems?severity=P3")
    assert len(_rows(first.text)) == 50
    assert "page 1 of 2" in first.text
    assert 'href="/postmortems?severity=P3&amp;page=2" rel="next"' in first.text
    second = client.get("/postmortems?severity=P3&page=2")
    assert _rows(second.text) == [f"INC-P{n:03d}" for n in (4, 3, 2, 1, 0)]


def test_a_filter_that_does_not_read_is_an_error_page_naming_it(client: WebClient) -> None:
    bad = client.get("/postmortems?from=yesterday")
    assert bad.status_code == 422
    assert "'yesterday' is not a date (YYYY-MM-DD)" in scan(bad.text).plain
    assert "<code>from</code>" in bad.text
    assert client.get("/postmortems?severity=P9").status_code == 422
    assert client.get("/postmortems?page=two").status_code == 422


def test_the_postmortem_page_follows_the_template_with_metrics_and_their_source(
    client: WebClient, demo: list[str]
) -> None:
    page = client.get("/postmortems/INC-2026-0174")
    assert page.status_code == 200
    html = page.text
    headings = re.findall(r"<h2 id=\"h-[a-z_]+\">([^<]+)</h2>", html)
    assert headings == [
        "Executive Summary",
        "Timeline",
        "Impact Assessment",
        "Root Cause Analysis",
        "What Went Well",
        "What Went Wrong",
        "Action Items",
        "Prevention Measures",
        "Metrics",
        "Follow-Up",
        "Appendix",
        "Sign-Off",
    ]
    text = scan(html).plain
    assert "Impact start 2026-08-27 10:14 WEST" in text
    assert "Detection Time 1m derived from the timeline 1m 1 minute" in text
    assert "Mitigation Time 38m derived from the timeline 38m not in the template" in text
    assert '<svg class="timeline-svg"' in html and "Mitigation 10:52" in html
    # An overdue item is marked (due 2026-09-25, still open on 2026-11-20).
    assert re.search(r"Order a third cross-connect.*?overdue", html, re.S)
    for link in ("/postmortems/INC-2026-0174/edit", "/postmortems/INC-2026-0174/timeline",
                 "/postmortems/INC-2026-0174/history", "/postmortems/INC-2026-0174/export.md"):  # fmt: skip
        assert f'href="{link}"' in html


def test_a_stated_metric_that_disagrees_is_shown_beside_the_timeline_value(
    client: WebClient, engine: Engine
) -> None:
    doc = timed_doc(
        "INC-DIS-1",
        day=dt.date(2026, 11, 2),
        severity=Severity.P2,
        detected_after=12,
        metrics={"incident_metrics": {"detection_time": 180, "detection_time_text": "3 min"}},
    )
    store(engine, doc)
    text = scan(client.get("/postmortems/INC-DIS-1").text).plain
    assert "disagree on 1 metric" in text
    assert "Detection Time 12m derived from the timeline 12m 3 min disagrees" in text


def test_every_lint_finding_links_to_a_place_on_the_page(
    client: WebClient, demo: list[str]
) -> None:
    html = client.get("/postmortems/INC-2026-0199").text
    found = scan(html)
    panel = html.split('class="lint-panel', 1)[1]
    targets = re.findall(r'<a href="#([^"]+)"><span class="rule">(BF\d+)</span>', panel)
    assert len(targets) > 40
    assert {rule for _, rule in targets} >= {"BF201", "BF202", "BF203", "BF205"}
    assert [t for t, _ in targets if t not in found.ids] == []
    # A finding about an action item's owner points at that field, not just the section.
    assert "f-action_items-immediate-1-owner" in {t for t, _ in targets}
    # Each finding carries the linter's suggestion.
    assert panel.count('<div class="suggestion">') == len(targets)


def test_a_missing_postmortem_is_a_404_page(client: WebClient) -> None:
    for url in ("/postmortems/INC-NOPE", "/postmortems/INC-NOPE/history",
                "/postmortems/INC-NOPE/diff", "/postmortems/INC-NOPE/export.md"):  # fmt: skip
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert "no post-mortem with incident id 'INC-NOPE'" in scan(answer.text).plain


def test_export_downloads_the_stored_markdown_that_parses_to_the_document(
    client: WebClient, engine: Engine, demo: list[str]
) -> None:
    answer = client.get("/postmortems/INC-2026-0174/export.md")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/markdown; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="INC-2026-0174.md"'
    with UnitOfWork(engine) as uow:
        stored = postmortems.get_postmortem(uow, incident_id="INC-2026-0174")
    assert answer.text.startswith("# Post-Mortem: Orders failed during a network partition")
    assert parse(answer.text).title == stored.doc.title


def _second_version(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        stored = postmortems.get_postmortem(uow, incident_id="INC-2026-0174")
        changed = stored.doc.model_copy(update={"title": "Post-Mortem: Orders failed (renamed)"})
        postmortems.update_postmortem(
            uow,
            incident_id="INC-2026-0174",
            postmortem_in=changed,
            expected_version=stored.version,
            message="clearer title",
            by="Chiara Bianchi",
        )


def test_history_and_diff_show_who_changed_what(
    client: WebClient, engine: Engine, demo: list[str]
) -> None:
    _second_version(engine)
    history = scan(client.get("/postmortems/INC-2026-0174/history").text).plain
    assert "2 current" in history and "Chiara Bianchi clearer title" in history
    assert "Demo loader imported from INC-2026-0174.md" in history
    diff = client.get("/postmortems/INC-2026-0174/diff?from=1&to=2")
    assert diff.status_code == 200
    assert "+1 line added · −1 removed · 1 place changed" in scan(diff.text).plain
    assert re.search(
        r'<tr class="del">.*?Orders failed during a network partition', diff.text, re.S
    )
    assert re.search(r'<tr class="add">.*?Orders failed \(renamed\)', diff.text, re.S)
    split = client.get("/postmortems/INC-2026-0174/diff?from=1&to=2&view=split")
    assert '<td class="code del">' in split.text and '<td class="code add">' in split.text
    assert client.get("/postmortems/INC-2026-0174/diff?from=1&to=9").status_code == 404


def test_restore_needs_the_form_token_and_comes_back_with_a_notice(
    client: WebClient, engine: Engine, demo: list[str]
) -> None:
    _second_version(engine)
    refused = client.post("/postmortems/INC-2026-0174/restore", data={"version": "1"})
    assert refused.status_code == 403
    done = client.post_form(
        "/postmortems/INC-2026-0174/restore", {"version": "1"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert (
        done.headers["location"] == "/postmortems/INC-2026-0174/history?restored=1&outcome=restored"
    )
    page = scan(client.get(done.headers["location"]).text).plain
    assert "Version 1 was restored as version 3." in page
    assert "3 current" in page and "Tester restored version 1" in page
    with UnitOfWork(engine) as uow:
        title = postmortems.get_postmortem(uow, incident_id="INC-2026-0174").doc.title
    assert (
        title
        == "Post-Mortem: Orders failed during a network partition between the Lisbon data halls"
    )


def test_times_taken_from_the_event_log_say_so(client: WebClient, engine: Engine) -> None:
    start = dt.datetime(2026, 11, 5, 8, 0, tzinfo=dt.UTC)
    doc = timed_doc(
        "INC-LOG-1", day=dt.date(2026, 11, 5), severity=Severity.P1, detected_after=None
    )
    events = [
        {"time": start, "phase": "impact_start", "text": "errors begin"},
        {"time": start + dt.timedelta(minutes=7), "phase": "detection", "key": True,
         "text": "alert fired", "actor": "Alertmanager"},
    ]  # fmt: skip
    doc = doc.model_copy(
        update={"impact_start": None, "timeline": doc.timeline.model_validate({"events": events})}
    )
    store(engine, doc)
    html = client.get("/postmortems/INC-LOG-1").text
    text = scan(html).plain
    assert "Detection Time 7m derived from the timeline (times from the event log) 7m" in text
    assert "Impact start 2026-11-05 08:00 UTC from event log" in text
    assert "Detection 08:07*" in html
    assert "Response Time unknown unknown unknown not stated" in text
