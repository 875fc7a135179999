"""/new: a post-mortem from scratch or from tools' files, stored and opened for editing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable

from sqlalchemy import Engine

from blamefree.domain.enums import Severity
from support.web import WebClient
from web.write.pages import DATA, edit_form, stored

PAGERDUTY = DATA / "importers" / "pagerduty"
SLACK = DATA / "importers" / "slack_export"


def test_the_new_page_offers_the_free_default_id(
    client: WebClient, new_draft: Callable[..., str]
) -> None:
    assert "INC-20261120</strong>" in client.get("/new").text
    new_draft()
    page = client.get("/new")
    assert page.status_code == 200
    assert "Leave empty for <strong>INC-20261120-2</strong>" in page.text
    assert '<label for="new-files">Files</label>' in page.text


def test_a_post_mortem_from_scratch_is_stored_and_opened_for_editing(
    client: WebClient, engine: Engine
) -> None:
    response = client.post_form(
        "/new",
        {
            "title": "Search results empty after index swap",
            "severity": "P2",
            "date": "2026-11-18",
            "timezone": "America/New_York",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/postmortems/INC-20261118/edit"
    saved = stored(engine, "INC-20261118")
    assert saved.version == 1
    assert saved.doc.title == "Search results empty after index swap"
    assert saved.doc.severity is Severity.P2
    assert saved.doc.date == dt.date(2026, 11, 18)
    assert saved.doc.timezone == "America/New_York"
    page = client.get(response.headers["location"])
    assert "times in <strong>America/New_York</strong>" in page.text


def test_a_second_one_the_same_day_gets_the_next_free_id(client: WebClient, engine: Engine) -> None:
    for _ in range(2):
        last = client.post_form("/new", {"title": "Pager storm"}, follow_redirects=False)
    assert last.headers["location"] == "/postmortems/INC-20261120-2/edit"
    assert stored(engine, "INC-20261120-2").doc.title == "Pager storm"


def test_a_pagerduty_log_arrives_as_the_timeline(client: WebClient, engine: Engine) -> None:
    files = [
        ("files", (path.name, path.read_bytes(), "application/json"))
        for path in sorted(PAGERDUTY.glob("*.json"))
    ]
    response = client.post(
        "/new",
        data={"csrf_token": client.csrf(), "title": "Checkout errors", "source": "pagerduty"},
        files=files,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/postmortems/INC-20261120/edit?imported=7"
    events = stored(engine, "INC-20261120").doc.timeline.events
    assert len(events) == 7
    assert events[0].text == "HighErrorRate checkout (critical)"
    assert events[0].time == dt.datetime(2024, 3, 12, 14, 1, 10, tzinfo=dt.UTC)
    assert {event.source.tool for event in events if event.source} == {"pagerduty"}
    page = client.get(response.headers["location"])
    assert "Created with 7 timeline events from your files." in page.text


def test_a_slack_export_zip_arrives_as_the_timeline(client: WebClient, engine: Engine) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for path in sorted(SLACK.rglob("*.json")):
            archive.write(path, path.relative_to(SLACK).as_posix())
    response = client.post(
        "/new",
        data={"csrf_token": client.csrf(), "title": "Checkout slow", "source": "slack"},
        files=[("files", ("export.zip", packed.getvalue(), "application/zip"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    events = stored(engine, "INC-20261120").doc.timeline.events
    assert len(events) == 17
    assert events[0].text == "checkout looks slow?"


def test_a_file_that_does_not_read_creates_nothing(client: WebClient, engine: Engine) -> None:
    response = client.post(
        "/new",
        data={"csrf_token": client.csrf(), "title": "Broken upload", "source": "pagerduty"},
        files=[("files", ("log.json", b"{not json", "application/json"))],
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "Nothing was created." in response.text
    assert "log.json" in response.text
    assert 'value="Broken upload"' in response.text  # what was typed is kept
    listed = client.get("/new")
    assert "Leave empty for <strong>INC-20261120</strong>" in listed.text  # the id is still free


def test_files_without_their_tool_are_refused(client: WebClient) -> None:
    response = client.post(
        "/new",
        data={"csrf_token": client.csrf(), "title": "x"},
        files=[("files", ("log.json", b"{}", "application/json"))],
    )
    assert response.status_code == 422
    assert "say which tool the uploaded files come from" in response.text


def test_a_form_without_its_token_is_refused(client: WebClient, engine: Engine) -> None:
    response = client.post("/new", data={"title": "No token"})
    assert response.status_code == 403
    assert "security token" in response.text


def test_saving_the_form_keeps_the_imported_timeline(client: WebClient, engine: Engine) -> None:
    files = [
        ("files", (path.name, path.read_bytes(), "application/json"))
        for path in sorted(PAGERDUTY.glob("*.json"))
    ]
    client.post(
        "/new",
        data={"csrf_token": client.csrf(), "title": "Checkout errors", "source": "pagerduty"},
        files=files,
    )
    before = stored(engine, "INC-20261120").doc.timeline.events
    form = edit_form(client, "INC-20261120")
    form["executive_summary.what_happened"] = "Checkout returned errors."
    saved = client.post("/postmortems/INC-20261120/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303
    after = stored(engine, "INC-20261120")
    assert after.version == 3  # created, events imported, edited
    assert after.doc.timeline.events == before
    assert after.doc.executive_summary.what_happened == "Checkout returned errors."
