"""The /postmortems page kept per process (``web.memo``, keyed by the listing's stamp) shows
every change at once: an action item or a sign-off saved through another unit of work, a
post-mortem added or removed, another day, another query, another reader (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from blamefree.config import load_settings
from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.services import postmortems
from blamefree.store import UnitOfWork
from blamefree.web.app import create_app
from blamefree.web.state import WebState
from support.demo_docs import store, timed_doc
from support.web import BASE_URL, SECRET, WebClient

LIST = "/postmortems"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
DAY = dt.date(2026, 11, 2)


def _doc(incident_id: str, **extra: Any) -> Postmortem:
    return timed_doc(incident_id, day=DAY, severity=Severity.P2, detected_after=5, **extra)


def _items(*due: dt.date) -> dict[str, Any]:
    return {
        "action_items": {
            "immediate": [
                {"text": f"Fix number {n}", "owner": "Ana", "due_date": day}
                for n, day in enumerate(due, start=1)
            ]
        }
    }


def _row(html: str, incident_id: str) -> str:
    """The table row of that post-mortem, its cells' text with the tags taken out."""
    for row in html.split("<tr>")[1:]:
        if f'href="/postmortems/{incident_id}"' in row:
            cells = re.sub(r"<[^>]+>", " ", row.split("</tr>")[0])
            return " ".join(cells.split())
    raise AssertionError(f"no row for {incident_id}")


def _matches(html: str) -> str:
    found = re.search(r'<p class="muted" role="status">([^<]+)', html)
    assert found is not None
    return found.group(1).strip()


def _save(engine: Engine, incident_id: str, change: dict[str, Any]) -> None:
    """A new version saved through another unit of work, as another worker or the CLI would."""
    with UnitOfWork(engine) as uow:
        stored = postmortems.get_postmortem(uow, incident_id=incident_id)
        doc = Postmortem.model_validate({**stored.doc.model_dump(), **change})
        postmortems.update_postmortem(
            uow,
            incident_id=incident_id,
            postmortem_in=doc,
            expected_version=stored.version,
            by="Other",
        )


def _memo_size(app: FastAPI) -> int:
    state = app.state.blamefree
    assert isinstance(state, WebState)
    return len(state.memo)


def test_an_action_item_closed_elsewhere_is_on_the_list_at_once(
    client: WebClient, engine: Engine, web_app: FastAPI
) -> None:
    store(engine, _doc("INC-M1", **_items(dt.date(2026, 11, 10), dt.date(2026, 12, 10))))
    first = client.get(LIST).text
    assert "0/2 done 1 overdue" in _row(first, "INC-M1")
    assert client.get(LIST).text == first
    kept = _memo_size(web_app)
    items = _items(dt.date(2026, 11, 10), dt.date(2026, 12, 10))["action_items"]
    items["immediate"][0]["status"] = "done"
    _save(engine, "INC-M1", {"action_items": items})
    row = _row(client.get(LIST).text, "INC-M1")
    assert "1/2 done" in row
    assert "overdue" not in row
    assert "version 2" in row
    assert _memo_size(web_app) == kept + 1


def test_a_sign_off_saved_elsewhere_changes_the_standing_at_once(
    client: WebClient, engine: Engine
) -> None:
    store(engine, _doc("INC-M2"))
    assert _row(client.get(LIST).text, "INC-M2").startswith("Incident INC-M2 INC-M2 P2")
    assert "Draft" in _row(client.get(LIST).text, "INC-M2")
    _save(engine, "INC-M2", {"sign_off": {"prepared_by": "Lena Vogel"}})
    row = _row(client.get(LIST).text, "INC-M2")
    assert "prepared by Lena Vogel" in row
    assert "In review" in row
    _save(engine, "INC-M2", {"sign_off": {"prepared_by": "Lena Vogel", "approved_by": "Head"}})
    assert "Approved" in _row(client.get(LIST).text, "INC-M2")


def test_a_post_mortem_added_or_removed_elsewhere_is_on_the_list_at_once(
    client: WebClient, engine: Engine
) -> None:
    store(engine, _doc("INC-M3"))
    assert _matches(client.get(LIST).text) == "1 match"
    store(engine, _doc("INC-M4", title="Added elsewhere"))
    page = client.get(LIST).text
    assert (_matches(page), "Added elsewhere" in page) == ("2 matches", True)
    with UnitOfWork(engine) as uow:
        postmortems.delete_postmortem(uow, incident_id="INC-M4")
    page = client.get(LIST).text
    assert (_matches(page), "Added elsewhere" in page) == ("1 match", False)


def test_the_list_of_another_day_counts_overdue_for_that_day(engine: Engine) -> None:
    clock = [dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)]
    settings = load_settings(database_url=str(engine.url), secret_key=SECRET, user="Tester")
    app = create_app(settings, engine=engine, clock=lambda: clock[0], demo=True, prepare=False)
    store(engine, _doc("INC-M5", **_items(dt.date(2026, 11, 25))))
    with WebClient(app, base_url=BASE_URL, headers={"origin": BASE_URL}) as client:
        before = client.get(LIST).text
        assert "overdue" not in _row(before, "INC-M5")
        assert "today here is Friday 2026-11-20" in before
        clock[0] = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)  # the same worker, later
        after = client.get(LIST).text
        assert "0/1 done 1 overdue" in _row(after, "INC-M5")
        assert "today here is Monday 2026-11-30" in after
    assert _memo_size(app) == 2


def test_each_query_gets_its_own_page_even_over_the_same_rows(
    client: WebClient, engine: Engine
) -> None:
    store(engine, _doc("INC-M6"))
    lower = client.get(LIST, params={"q": "incident"}).text
    upper = client.get(LIST, params={"q": "INCIDENT"}).text  # the same rows, the same stamp
    assert _matches(lower) == _matches(upper) == "1 match these filters"
    assert 'value="incident"' in lower
    assert 'value="INCIDENT"' in upper
    # The same query in other words: the form shows each one's words back.
    basic = client.get(LIST, params={"from": "20261101"}).text
    extended = client.get(LIST, params={"from": "2026-11-01"}).text
    assert 'name="from" type="date" value="20261101"' in basic
    assert 'name="from" type="date" value="2026-11-01"' in extended
    by_title = client.get(LIST, params={"sort": "title", "order": "asc"}).text
    assert 'aria-sort="ascending"' in by_title
    assert 'aria-sort="descending"' in client.get(LIST).text
    assert _matches(client.get(LIST, params={"severity": "P1"}).text) == "0 matches these filters"


def test_each_reader_gets_their_own_name_and_csrf_token_in_the_kept_page(
    client: WebClient, engine: Engine, web_app: FastAPI
) -> None:
    store(engine, _doc("INC-M7"))
    assert "<strong>Tester</strong>" in client.get(LIST).text  # the header names who reads
    with WebClient(web_app, base_url=BASE_URL, headers={"origin": BASE_URL}, user="Alice") as other:
        theirs = other.get(LIST).text
        assert "<strong>Alice</strong>" in theirs
        assert TOKEN.findall(theirs) == [other.csrf()]
    mine = client.get(LIST).text
    assert "<strong>Alice</strong>" not in mine
    assert TOKEN.findall(mine) == [client.csrf()]
    assert TOKEN.findall(mine) != TOKEN.findall(theirs)


def test_a_page_past_the_end_is_the_last_page(client: WebClient, engine: Engine) -> None:
    for n in range(3):
        store(engine, _doc(f"INC-M8{n}"))
    assert _matches(client.get(LIST, params={"page": "9"}).text) == "3 matches"
    assert "INC-M80" in client.get(LIST, params={"page": "9"}).text


def test_the_kept_page_is_the_page_rendered_afresh(
    client: WebClient, engine: Engine, web_app: FastAPI
) -> None:
    store(engine, _doc("INC-M9", **_items(dt.date(2026, 11, 10))))
    kept = client.get(LIST)
    client.get(LIST)
    state = web_app.state.blamefree
    assert isinstance(state, WebState)
    state.memo = type(state.memo)()  # a worker that has not rendered it yet
    fresh = client.get(LIST)
    token = TOKEN.findall(kept.text)[0]
    assert fresh.text == kept.text.replace(token, TOKEN.findall(fresh.text)[0])
    assert "0/1 done 1 overdue" in _row(fresh.text, "INC-M9")
