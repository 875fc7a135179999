"""One page of post-mortems: filters, sort order, page and total; prevention measures across."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import ActionStatus, Severity
from blamefree.errors import ValidationFailed
from blamefree.services import actions, postmortem_listing, postmortems
from blamefree.services.postmortem_listing import ItemsFilter, ListingPage, ListingQuery, SortKey
from support.uow import in_uow

BERLIN = Path(__file__).parents[1] / "data" / "postmortems" / "berlin-payments-queue.md"


def _start(engine: Engine, title: str, severity: Severity, day: dt.date) -> None:
    in_uow(engine, postmortems.start_postmortem, title=title, severity=severity, day=day, save=True)


TODAY = dt.date(2025, 3, 10)


def _page(engine: Engine, query: ListingQuery) -> ListingPage:
    return in_uow(engine, postmortem_listing.list_postmortems, query=query, today=TODAY)


def _ids(engine: Engine, **wanted: Any) -> list[str]:
    return [row.incident_id for row in _page(engine, ListingQuery(**wanted)).rows]


def test_filters_sort_and_pages(engine: Engine, ledger: str) -> None:
    _start(engine, "DNS resolver flapping", Severity.P1, dt.date(2025, 3, 1))
    _start(engine, "Mail queue stuck", Severity.P3, dt.date(2025, 1, 9))
    assert _ids(engine) == ["INC-20250301", "INC-2025-0031", "INC-20250109"]
    assert _ids(engine, sort=SortKey.TITLE, descending=False) == [
        "INC-20250301",
        "INC-20250109",
        "INC-2025-0031",
    ]
    assert _ids(engine, severities=(Severity.P1, Severity.P3)) == ["INC-20250301", "INC-20250109"]
    assert _ids(engine, since=dt.date(2025, 2, 1), until=dt.date(2025, 2, 28)) == ["INC-2025-0031"]
    assert _ids(engine, text="ledger") == ["INC-2025-0031"]
    assert _ids(engine, owner="@noor") == ["INC-2025-0031"]
    assert _ids(engine, items=ItemsFilter.OPEN) == ["INC-2025-0031"]
    assert _ids(engine, items=ItemsFilter.NONE) == ["INC-20250301", "INC-20250109"]
    page = _page(engine, ListingQuery(limit=1, offset=1))
    assert ([i.incident_id for i in page.rows], page.total) == (["INC-2025-0031"], 3)


def test_a_filter_that_cannot_hold_names_its_field(engine: Engine) -> None:
    for wanted, field in [
        (ListingQuery(limit=0), "limit"),
        (ListingQuery(limit=postmortem_listing.MAX_PAGE + 1), "limit"),
        (ListingQuery(offset=-1), "offset"),
        (ListingQuery(since=dt.date(2025, 2, 2), until=dt.date(2025, 2, 1)), "since"),
    ]:
        with pytest.raises(ValidationFailed) as raised:
            _page(engine, wanted)
        assert raised.value.field == field


def test_prevention_measures_of_every_post_mortem_by_status(engine: Engine, ledger: str) -> None:
    report = in_uow(engine, postmortems.import_files, paths=[BERLIN], today=dt.date(2025, 2, 10))
    assert [o.action for o in report.outcomes] == ["created"]
    every = in_uow(engine, actions.list_all_measures)
    assert [(m.incident_id, m.category, m.number, m.item.status) for m in every] == [
        ("PAY-318", "technical", 1, ActionStatus.DONE),
        ("PAY-318", "technical", 2, ActionStatus.OPEN),
        ("PAY-318", "process", 1, ActionStatus.OPEN),
        ("PAY-318", "monitoring", 1, ActionStatus.DONE),
    ]
    one = in_uow(engine, actions.list_measures, incident_id="PAY-318")
    assert [(m.category, m.number, m.item.text) for m in every] == [
        (m.category, m.number, m.item.text) for m in one
    ]
    closed = in_uow(engine, actions.list_all_measures, statuses=[ActionStatus.DONE])
    assert [m.item.text for m in closed] == [
        "Migration linter rule for `CONCURRENTLY`",
        "Alert on lock waits over 60 s",
    ]


def test_the_listing_stamp_names_the_rows_a_page_shows(engine: Engine, ledger: str) -> None:
    _start(engine, "DNS resolver flapping", Severity.P1, dt.date(2025, 3, 1))
    queries = [
        ListingQuery().on_page(1),
        ListingQuery(items=ItemsFilter.OPEN, text="ledger").on_page(1),
        ListingQuery(severities=(Severity.P3,)).on_page(1),  # nothing matches
        ListingQuery().on_page(5, per_page=1),  # past the end: the last page
    ]
    for query in queries:
        page, stamp = in_uow(engine, postmortem_listing.stamped_listing, query=query, today=TODAY)
        alone = in_uow(engine, postmortem_listing.listing_stamp, query=query, today=TODAY)
        assert alone == stamp
        assert (stamp.total, stamp.offset, len(stamp.rows)) == (
            page.total,
            page.offset,
            len(page.rows),
        )
        assert [version for _, version, _ in stamp.rows] == [row.version for row in page.rows]
    last = in_uow(engine, postmortem_listing.listing_stamp, query=queries[3], today=TODAY)
    assert (last.total, last.offset) == (2, 1)
    before = in_uow(engine, postmortem_listing.listing_stamp, query=queries[0], today=TODAY)
    in_uow(engine, postmortems.start_postmortem, title="Mail", severity=Severity.P3,
           day=dt.date(2025, 1, 9), save=True)  # fmt: skip
    after = in_uow(engine, postmortem_listing.listing_stamp, query=queries[0], today=TODAY)
    assert (before.total, after.total) == (2, 3)
    assert after.rows[:2] == before.rows  # the new one is the oldest: last
    with pytest.raises(ValidationFailed) as caught:
        in_uow(engine, postmortem_listing.listing_stamp, query=ListingQuery(limit=0), today=TODAY)
    assert caught.value.field == "limit"
