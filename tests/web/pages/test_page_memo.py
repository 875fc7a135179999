"""The post-mortem page kept per process (``web.memo``) shows every change at once: an edit or
a review recorded through another unit of work, another day, another reader (SQLite and
PostgreSQL); and each browser gets its own CSRF token in it."""

from __future__ import annotations

import datetime as dt
import re

from fastapi import FastAPI
from sqlalchemy import Engine

from blamefree.config import load_settings
from blamefree.domain.enums import ReviewKind
from blamefree.services import postmortems, reviews
from blamefree.store import UnitOfWork
from blamefree.web.app import create_app
from blamefree.web.state import WebState
from support.web import BASE_URL, FIXED_NOW, SECRET, WebClient
from web.api.conftest import BERLIN, store_markdown

PAGE = "/postmortems/PAY-318"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _memo_size(app: FastAPI) -> int:
    state = app.state.blamefree
    assert isinstance(state, WebState)
    return len(state.memo)


def test_an_edit_through_another_unit_of_work_is_on_the_page_at_once(
    client: WebClient, engine: Engine, web_app: FastAPI
) -> None:
    store_markdown(client, BERLIN)
    first = client.get(PAGE)
    assert first.status_code == 200
    assert "Post-incident review: payments queue backlog" in first.text
    assert client.get(PAGE).text == first.text
    with UnitOfWork(engine) as uow:  # as another worker or the CLI would
        stored = postmortems.get_postmortem(uow, incident_id="PAY-318")
        renamed = stored.doc.model_copy(update={"title": "Payments queue backlog, reviewed"})
        postmortems.update_postmortem(
            uow, incident_id="PAY-318", postmortem_in=renamed, expected_version=1, by="Other"
        )
    after = client.get(PAGE).text
    assert "Payments queue backlog, reviewed" in after
    assert "Post-incident review: payments queue backlog" not in after


def test_a_review_recorded_elsewhere_is_on_the_page_at_once(
    client: WebClient, engine: Engine
) -> None:
    store_markdown(client, BERLIN)
    assert "Held in the memo test" not in client.get(PAGE).text
    with UnitOfWork(engine) as uow:  # recording a review is no new version of the document
        reviews.record_review(
            uow,
            incident_id="PAY-318",
            kind=ReviewKind.ONE_WEEK,
            now=FIXED_NOW,
            notes="Held in the memo test",
            by="Other",
        )
    assert "Held in the memo test" in client.get(PAGE).text


def test_the_page_of_another_day_is_rendered_for_that_day(engine: Engine) -> None:
    clock = [dt.datetime(2024, 3, 13, 9, 0, tzinfo=dt.UTC)]
    settings = load_settings(database_url=str(engine.url), secret_key=SECRET, user="Tester")
    app = create_app(settings, engine=engine, clock=lambda: clock[0], prepare=False)
    with WebClient(app, base_url=BASE_URL, headers={"origin": BASE_URL}) as client:
        store_markdown(client, BERLIN)
        assert "overdue" not in client.get(PAGE).text
        clock[0] = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)  # the same worker, later
        client.login_as("Tester")  # the session of 2024 has long expired
        assert "overdue" in client.get(PAGE).text
    assert _memo_size(app) == 2


def test_each_browser_gets_its_own_csrf_token_in_the_kept_page(
    client: WebClient, web_app: FastAPI
) -> None:
    store_markdown(client, BERLIN)
    # Every form of the page carries it (the name field's, each section's comment form).
    mine = set(TOKEN.findall(client.get(PAGE).text))
    with WebClient(web_app, base_url=BASE_URL, headers={"origin": BASE_URL}) as other:
        theirs = set(TOKEN.findall(other.get(PAGE).text))
        assert theirs == {other.csrf()}
    assert mine == {client.csrf()}
    assert mine != theirs
    assert _memo_size(web_app) >= 1
