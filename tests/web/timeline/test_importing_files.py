"""Uploading tools' files into the timeline: counted, stored once, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import Phase
from blamefree.services import timeline
from support.timeline_data import IMPORTERS, slack_export_zip
from support.web import WebClient

from .conftest import PAGE, stored_events, stored_version

UTC = dt.UTC


def _files(*paths: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (path.name, path.read_bytes(), "application/json")) for path in paths]


def _upload(
    client: WebClient, source: str, files: list[tuple[str, tuple[str, bytes, str]]], **fields: str
) -> httpx.Response:
    data = {"csrf_token": client.csrf(), "source": source, **fields}
    return client.post(f"{PAGE}/import", data=data, files=files)


PAGERDUTY = _files(
    IMPORTERS / "pagerduty" / "log_entries_page1.json",
    IMPORTERS / "pagerduty" / "log_entries_page2.json",
)
ALERTMANAGER = _files(
    IMPORTERS / "alertmanager" / "01-firing.json", IMPORTERS / "alertmanager" / "02-resolved.json"
)


def test_a_slack_export_zip_is_imported_with_who_ran_the_import(
    client: WebClient, engine: Engine, incident: str
) -> None:
    answer = _upload(
        client, "slack", [("files", ("export.zip", slack_export_zip(), "application/zip"))]
    )
    assert answer.status_code == 200
    assert (
        "Imported export.zip from Slack: 17 events read, 17 added, 0 already known." in answer.text
    )
    stored = stored_events(engine)
    assert len(stored) == 17
    assert {event.source.tool for event, _ in stored} == {"slack"}
    assert {by for _, by in stored} == {"Tester"}
    pinned = [event for event, _ in stored if event.key]
    assert pinned[0].text.startswith("Looking at the checkout dashboard")
    assert stored_version(engine) == 2


def test_a_pagerduty_log_is_tagged_with_its_phases_and_a_second_upload_adds_nothing(
    client: WebClient, engine: Engine, incident: str
) -> None:
    first = _upload(client, "pagerduty", PAGERDUTY)
    assert (
        "Imported log_entries_page1.json, log_entries_page2.json from PagerDuty: 7 events read, "
        "7 added, "
        "0 already known." in first.text
    )
    stored = [event for event, _ in stored_events(engine)]
    assert [(e.phase, e.time) for e in stored if e.phase] == [
        (Phase.DETECTION, dt.datetime(2024, 3, 12, 14, 1, 10, tzinfo=UTC)),
        (Phase.RESPONSE, dt.datetime(2024, 3, 12, 14, 3, 42, tzinfo=UTC)),
        (Phase.RESOLUTION, dt.datetime(2024, 3, 12, 14, 35, tzinfo=UTC)),
    ]
    assert stored_version(engine) == 2
    again = _upload(client, "pagerduty", PAGERDUTY)
    assert "7 events read, 0 added, 7 already known. Nothing new." in again.text
    assert len(stored_events(engine)) == 7
    assert stored_version(engine) == 2  # nothing new, no new version


def test_alertmanager_payloads_are_imported_and_a_repeated_delivery_adds_nothing(
    client: WebClient, engine: Engine, incident: str
) -> None:
    answer = _upload(client, "alertmanager", ALERTMANAGER)
    assert answer.status_code == 200
    stored = [event for event, _ in stored_events(engine)]
    assert Counter(e.kind.value for e in stored) == {"alert_fired": 2, "alert_resolved": 1}
    assert {e.source.tool for e in stored} == {"alertmanager"}
    assert stored[0].time == dt.datetime(2024, 3, 12, 14, 0, 5, 123456, tzinfo=UTC)
    again = _upload(client, "alertmanager", ALERTMANAGER)
    assert "0 added, 3 already known. Nothing new." in again.text
    assert len(stored_events(engine)) == 3


def test_the_metrics_on_the_page_follow_the_import(
    client: WebClient, engine: Engine, incident: str
) -> None:
    before = client.get(PAGE).text
    assert 'data-metric="response_time">' in before
    page = _upload(client, "pagerduty", PAGERDUTY).text
    assert "2m 32s" in page  # acknowledged 14:03:42 - triggered 14:01:10
    assert "written: 15 minutes" in page  # beside the timeline's detection time, not replaced


def test_a_bad_file_among_good_ones_stores_nothing_and_names_the_file(
    client: WebClient, engine: Engine, incident: str
) -> None:
    broken = [("files", ("late.json", b'{"log_entries": [{"id": "R9", "type": "x"}', "text/json"))]
    answer = _upload(client, "pagerduty", [*PAGERDUTY, *broken])
    assert answer.status_code == 422
    assert 'id="import-files-error">late.json' in answer.text
    assert "Nothing was imported; choose the files again once fixed." in answer.text
    assert '<option value="pagerduty" selected>' in answer.text
    assert stored_events(engine) == []
    assert stored_version(engine) == 1


def test_a_time_without_a_zone_is_refused_naming_the_record_unless_a_zone_is_given(
    client: WebClient, engine: Engine, incident: str
) -> None:
    table = b"time,text\n2024-03-12T15:30:00,Status page updated\n"
    files = [("files", ("notes.csv", table, "text/csv"))]
    refused = _upload(client, "csv", files)
    assert refused.status_code == 422
    assert (
        'id="import-files-error">notes.csv, record 2, field &#39;time&#39;: time '
        "&#39;2024-03-12T15:30:00&#39; has no time zone" in refused.text
    )
    assert stored_events(engine) == []
    read = _upload(client, "csv", files, zone="Europe/Berlin")
    assert read.status_code == 200
    [(event, _)] = stored_events(engine)
    assert (event.time, event.text) == (
        dt.datetime(2024, 3, 12, 14, 30, tzinfo=UTC),
        "Status page updated",
    )


def test_an_upload_without_files_or_tool_or_with_an_unknown_zone_is_refused_at_its_field(
    client: WebClient, engine: Engine, incident: str
) -> None:
    no_files = _upload(client, "pagerduty", [("files", ("", b"", "application/octet-stream"))])
    assert no_files.status_code == 422
    assert 'id="import-files-error">choose at least one file to import' in no_files.text
    no_tool = _upload(client, "", PAGERDUTY)
    assert 'id="import-source-error">choose the tool the files come from' in no_tool.text
    bad_zone = _upload(client, "csv", PAGERDUTY, zone="Mars/Olympus")
    assert bad_zone.status_code == 422
    assert 'id="import-zone-error">' in bad_zone.text
    assert 'value="Mars/Olympus"' in bad_zone.text
    assert stored_events(engine) == []


EVERY_SOURCE = [
    ("grafana", ["grafana/notification.json"]),
    ("opsgenie", ["opsgenie/alerts.json"]),
    ("statuspage", ["statuspage/01-investigating.json", "statuspage/02-resolved.json"]),
    (
        "pagerduty",
        [
            f"pagerduty_webhooks/0{n}-{s}.json"
            for n, s in enumerate(("triggered", "acknowledged", "annotated", "resolved"), start=1)
        ],
    ),
    ("csv", ["manual.csv"]),
    ("jsonl", ["manual.jsonl"]),
]


@pytest.mark.parametrize(("source", "names"), EVERY_SOURCE)
def test_every_other_source_is_imported_by_upload_and_only_once(
    client: WebClient, engine: Engine, incident: str, source: str, names: list[str]
) -> None:
    files = _files(*(IMPORTERS / name for name in names))
    expected = len(timeline.read_source(source, [IMPORTERS / name for name in names]))
    assert expected > 0
    first = _upload(client, source, files)
    assert first.status_code == 200
    assert f"{expected} events read, {expected} added, 0 already known." in first.text
    stored = [event for event, _ in stored_events(engine)]
    assert len(stored) == expected
    assert {event.source.tool for event in stored} == {source}
    again = _upload(client, source, files)
    assert f"0 added, {expected} already known. Nothing new." in again.text
    assert len(stored_events(engine)) == expected
