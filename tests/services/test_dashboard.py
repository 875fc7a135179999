"""The dashboard and listing use cases on SQLite and PostgreSQL: standings, overdue items,
reviews, medians that never count an unknown time as 0, filters, order, pages, two queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event

from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.standing import Standing
from blamefree.errors import ValidationFailed
from blamefree.services import actions, dashboard, postmortem_listing, postmortems
from blamefree.store import UnitOfWork
from blamefree.store.dashboard_reads import timing_documents
from blamefree.store.postmortem_listing import ItemsFilter, ListingQuery, SortKey
from support.demo_docs import DEMO_TODAY, import_demo, store, timed_doc
from support.uow import in_uow


@pytest.fixture
def demo(engine: Engine) -> list[str]:
    return import_demo(engine)


def _ids(engine: Engine, query: ListingQuery) -> list[str]:
    page = in_uow(engine, postmortem_listing.list_postmortems, query=query, today=DEMO_TODAY)
    return [row.incident_id for row in page.rows]


def test_the_demo_dashboard_counts_standings_overdue_items_and_reviews(
    engine: Engine, demo: list[str]
) -> None:
    board = in_uow(engine, dashboard.dashboard, today=DEMO_TODAY)
    assert board.total == 14
    assert board.standings == {Standing.DRAFT: 0, Standing.IN_REVIEW: 3, Standing.APPROVED: 11}
    assert [row.incident_id for row in board.latest_by_standing[Standing.IN_REVIEW]] == [
        "INC-2026-0206",
        "INC-2026-0203",
        "INC-2026-0199",
    ]
    assert [row.incident_id for row in board.recent[:3]] == [
        "INC-2026-0206",
        "INC-2026-0203",
        "INC-2026-0199",
    ]
    # Every overdue item is still to do and due before today; oldest first.
    dues = [item.due for item in board.overdue_items]
    assert all(due is not None and due < DEMO_TODAY for due in dues)
    assert dues == sorted(dues)  # type: ignore[type-var]
    assert all(not item.record.status.closed for item in board.overdue_items)
    assert board.overdue_items[0].record.incident_id == "INC-2026-0141"
    assert board.overdue_items[0].due == dt.date(2026, 6, 19)
    # The listing's per-row overdue counts (SQL) agree with the action rules (Python).
    page = in_uow(
        engine, postmortem_listing.list_postmortems, query=ListingQuery(), today=DEMO_TODAY
    )
    assert sum(row.items_overdue for row in page.rows) == board.overdue_total == 35
    every = in_uow(engine, actions.list_actions, today=DEMO_TODAY, overdue=True)
    overdue = in_uow(engine, dashboard.overdue_items, today=DEMO_TODAY)
    assert sorted(v.uid for v in overdue) == sorted(v.uid for v in every)
    assert board.reviews_total == 36
    assert all(review.done_at is None for review in board.reviews)


def test_the_demo_medians_are_over_the_known_times_of_the_last_90_days(
    engine: Engine, demo: list[str]
) -> None:
    medians = in_uow(engine, dashboard.median_times, today=DEMO_TODAY)
    assert (medians.since, medians.until) == (dt.date(2026, 8, 22), DEMO_TODAY)
    rows = {row.severity: row for row in medians.rows}
    assert [row.severity for row in medians.rows] == list(Severity)
    assert {s: rows[s].incidents for s in Severity} == {
        Severity.P0: 2,
        Severity.P1: 1,
        Severity.P2: 4,
        Severity.P3: 1,
    }
    p0 = rows[Severity.P0].medians
    assert (p0["detection_time"].seconds, p0["detection_time"].known) == (60.0, 2)
    assert (p0["response_time"].seconds, p0["response_time"].known) == (120.0, 2)
    assert (p0["resolution_time"].seconds, p0["resolution_time"].known) == (5520.0, 2)
    # INC-2026-0199 (P1) has no detection time: unknown, not 0.
    p1 = rows[Severity.P1].medians["detection_time"]
    assert (p1.seconds, p1.known, p1.total) == (None, 0, 1)


def test_a_median_leaves_unknown_times_out_and_says_how_many_it_is_over(engine: Engine) -> None:
    day = dt.date(2026, 11, 1)
    store(engine, timed_doc("INC-A", day=day, severity=Severity.P1, detected_after=5))
    store(engine, timed_doc("INC-B", day=day, severity=Severity.P1, detected_after=15))
    store(engine, timed_doc("INC-C", day=day, severity=Severity.P1, detected_after=None))
    store(engine, timed_doc("INC-OLD", day=dt.date(2026, 1, 1), severity=Severity.P1,
                            detected_after=600))  # fmt: skip
    medians = in_uow(engine, dashboard.median_times, today=DEMO_TODAY)
    p1 = next(row for row in medians.rows if row.severity is Severity.P1)
    assert p1.incidents == 3
    detection = p1.medians["detection_time"]
    assert (detection.seconds, detection.known, detection.total) == (600.0, 2, 3)
    response = p1.medians["response_time"]
    assert (response.seconds, response.known) == (300.0, 2)
    p0 = next(row for row in medians.rows if row.severity is Severity.P0)
    assert (p0.incidents, p0.medians["detection_time"].seconds) == (0, None)


def test_an_empty_store_has_an_empty_dashboard(engine: Engine) -> None:
    board = in_uow(engine, dashboard.dashboard, today=DEMO_TODAY)
    assert (board.total, board.overdue_total, board.reviews_total, board.recent) == (0, 0, 0, [])
    assert all(row.incidents == 0 for row in board.medians.rows)


def test_the_listing_filters_by_each_field(engine: Engine, demo: list[str]) -> None:
    assert _ids(engine, ListingQuery(severities=(Severity.P0,))) == [
        "INC-2026-0180",
        "INC-2026-0174",
    ]
    assert _ids(engine, ListingQuery(since=dt.date(2026, 10, 1), until=dt.date(2026, 10, 20))) == [
        "INC-2026-0195",
        "INC-2026-0191",
        "INC-2026-0186",
    ]
    # Owner: owns an action item or prepared it; case and a leading @ ignored, part of a name.
    assert _ids(engine, ListingQuery(owner="@inês")) == [
        "INC-2026-0186",
        "INC-2026-0174",
        "INC-2026-0147",
    ]
    assert _ids(engine, ListingQuery(text="optic")) == ["INC-2026-0174"]
    assert _ids(engine, ListingQuery(text="KAFKA")) == ["INC-2026-0191"]  # any case
    assert _ids(engine, ListingQuery(text="INC-2026-0206")) == ["INC-2026-0206"]
    assert _ids(engine, ListingQuery(text="100%_")) == []  # LIKE wildcards are plain text
    assert _ids(engine, ListingQuery(standing=Standing.IN_REVIEW)) == [
        "INC-2026-0206",
        "INC-2026-0203",
        "INC-2026-0199",
    ]
    overdue = _ids(engine, ListingQuery(items=ItemsFilter.OVERDUE))
    assert "INC-2026-0206" not in overdue and len(overdue) == 13
    assert len(_ids(engine, ListingQuery(items=ItemsFilter.OPEN))) == 14
    assert _ids(engine, ListingQuery(items=ItemsFilter.DONE)) == []


def test_the_listing_sorts_and_pages(engine: Engine, demo: list[str]) -> None:
    by_severity = _ids(engine, ListingQuery(sort=SortKey.SEVERITY, limit=3))
    assert by_severity == ["INC-2026-0180", "INC-2026-0174", "INC-2026-0199"]
    least = _ids(engine, ListingQuery(sort=SortKey.SEVERITY, descending=False, limit=1))
    assert least == ["INC-2026-0195"]
    titles = _ids(engine, ListingQuery(sort=SortKey.TITLE, descending=False, limit=2))
    assert titles == ["INC-2026-0206", "INC-2026-0163"]  # "3-D Secure ...", "Card payments ..."
    oldest = _ids(engine, ListingQuery(descending=False, limit=2))
    assert oldest == ["INC-2026-0141", "INC-2026-0147"]
    page = in_uow(
        engine,
        postmortem_listing.list_postmortems,
        query=ListingQuery().on_page(3, per_page=5),
        today=DEMO_TODAY,
    )
    assert (page.total, page.pages, page.page) == (14, 3, 3)
    assert [row.incident_id for row in page.rows] == [
        "INC-2026-0158",
        "INC-2026-0152",
        "INC-2026-0147",
        "INC-2026-0141",
    ]
    beyond = in_uow(
        engine,
        postmortem_listing.list_postmortems,
        query=ListingQuery().on_page(99),
        today=DEMO_TODAY,
    )
    assert beyond.page == 1  # clamped to the last page there is


def test_a_date_range_that_ends_before_it_starts_names_the_field(engine: Engine) -> None:
    query = ListingQuery(since=dt.date(2026, 2, 1), until=dt.date(2026, 1, 1))
    with pytest.raises(ValidationFailed) as caught:
        in_uow(engine, postmortem_listing.list_postmortems, query=query, today=DEMO_TODAY)
    assert caught.value.field == "since"


@contextmanager
def _counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_listing_page_is_four_queries_whatever_its_size(engine: Engine) -> None:
    day = dt.date(2026, 10, 1)
    for n in range(60):
        store(
            engine,
            timed_doc(f"INC-N{n:03d}", day=day - dt.timedelta(days=n), severity=Severity.P2,
                      detected_after=n),
        )  # fmt: skip
    with UnitOfWork(engine) as uow:
        uow.session.connection()  # the transaction's own statements are not the listing's
        with _counted(engine) as statements:
            page = postmortem_listing.list_postmortems(
                uow, query=ListingQuery(text="incident", owner="nobody here"), today=DEMO_TODAY
            )
            full = postmortem_listing.list_postmortems(uow, query=ListingQuery(), today=DEMO_TODAY)
    assert page.total == 0
    assert (full.total, len(full.rows), full.pages) == (60, 50, 2)
    assert len(statements) == 2 + 4  # no rows: no counts to read
    # The stamp the list page is kept under: the ids with how many match; an empty page
    # asks how many match on its own, and a page past the end then reads the last page.
    for query, shown, asked in [
        (ListingQuery(), (60, 0, 50), 1),
        (ListingQuery(text="nothing like it"), (0, 0, 0), 2),
        (ListingQuery().on_page(9), (60, 50, 10), 3),
    ]:
        with UnitOfWork(engine) as uow:
            uow.session.connection()
            with _counted(engine) as statements:
                stamp = postmortem_listing.listing_stamp(uow, query=query, today=DEMO_TODAY)
        assert (stamp.total, stamp.offset, len(stamp.rows)) == shown
        assert len(statements) == asked


def test_the_documents_read_for_metrics_give_the_metrics_of_the_whole_documents(
    engine: Engine, demo: list[str]
) -> None:
    start = dt.datetime(2026, 11, 5, 8, 0, tzinfo=dt.UTC)
    logged = Postmortem.model_validate(
        {
            "incident_id": "INC-LOGGED",
            "date": dt.date(2026, 11, 5),
            "severity": "P1",
            "timeline": {
                "events": [
                    {"time": start, "phase": "impact_start", "text": "errors begin"},
                    {"time": start + dt.timedelta(minutes=7), "phase": "detection", "key": True,
                     "text": "alert fired", "actor": "Alertmanager"},
                    {"time": start + dt.timedelta(minutes=9), "phase": "response",
                     "text": "acknowledged"},
                    {"time": start + dt.timedelta(minutes=50), "phase": "resolution",
                     "text": "resolved"},
                    {"time": start + dt.timedelta(minutes=3), "text": "untagged chatter"},
                ]
            },
            "metrics": {"incident_metrics": {"detection_time": 600}},
        }
    )  # fmt: skip
    store(engine, logged)
    with UnitOfWork(engine) as uow:
        timed = timing_documents(uow.session, since=dt.date(2026, 1, 1))
        assert len(timed) == 15
        for item in timed:
            whole = postmortems.get_postmortem(uow, incident_id=item.incident_id).doc
            assert postmortems.metrics_of(item.doc) == postmortems.metrics_of(whole), item
    metrics = postmortems.metrics_of(next(t.doc for t in timed if t.incident_id == "INC-LOGGED"))
    assert (metrics["detection_time"].seconds, metrics["detection_time"].stated_seconds) == (
        420,
        600,
    )
    assert metrics["resolution_time"].seconds == 3000
