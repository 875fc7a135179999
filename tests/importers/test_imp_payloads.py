from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind
from blamefree.errors import SourceFormatError, UsageError
from blamefree.importers import get_importer, read_batches, read_events, sort_events

from .conftest import DATA


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def _rows(source: str, *paths: Path) -> list[tuple[str, str | None, EventKind, str | None]]:
    return [
        (e.time.isoformat(), e.source.id, e.kind, e.phase)
        for e in sort_events(read_events(source, list(paths)))
    ]


# --- PagerDuty ------------------------------------------------------------------------------


def test_pagerduty_log_entry_pages_newest_first_with_overlap() -> None:
    events = sort_events(read_events("pagerduty", [DATA / "pagerduty"]))
    assert [(e.source.id, e.kind, e.phase, e.key) for e in events] == [
        ("R0TRIGGER01", EventKind.PAGE_TRIGGERED, Phase.DETECTION, True),
        ("R1NOTIFY001", EventKind.NOTIFIED, None, False),
        ("R2ACK000001", EventKind.ACKNOWLEDGED, Phase.RESPONSE, True),
        ("R3ASSIGN001", EventKind.ASSIGNED, None, False),
        ("R3ESCAL0001", EventKind.ESCALATED, None, False),
        ("R4ANNOT0001", EventKind.ANNOTATION, None, False),
        ("R5RESOLVE01", EventKind.RESOLVED, Phase.RESOLUTION, True),
    ]
    assert events[0].time == _utc(2024, 3, 12, 14, 1, 10)
    assert events[0].time_text == "2024-03-12T14:01:10Z"
    assert events[0].text == "HighErrorRate checkout (critical)"
    assert events[0].actor == "Checkout API"
    assert events[2].actor == "Ana Lopez"
    assert events[5].text == "Rolled back deploy 2024.03.12-3"
    assert events[1].actor == "Ana Lopez"
    assert events[6].link == (
        "https://acme.pagerduty.com/incidents/Q1ABCDEF/log_entries/R5RESOLVE01"
    )


def test_pagerduty_bare_array_single_entry_and_acknowledgement_type(tmp_path: Path) -> None:
    page = json.loads((DATA / "pagerduty" / "log_entries_page2.json").read_text())
    (tmp_path / "array.json").write_text(json.dumps(page["log_entries"][:2]))
    one = dict(page["log_entries"][1], id="RACKOLD", type="acknowledgement_log_entry")
    (tmp_path / "one.json").write_text(json.dumps(one))
    events = sort_events(read_events("pagerduty", [tmp_path]))
    assert [(e.source.id, e.kind) for e in events] == [
        ("R2ACK000001", EventKind.ACKNOWLEDGED),
        ("RACKOLD", EventKind.ACKNOWLEDGED),  # same time: ordered by id
        ("R3ASSIGN001", EventKind.ASSIGNED),
    ]


def test_pagerduty_v3_webhooks() -> None:
    events = sort_events(read_events("pagerduty", [DATA / "pagerduty_webhooks"]))
    assert [(e.time, e.kind, e.phase, e.actor, e.text) for e in events] == [
        (
            _utc(2024, 3, 12, 14, 1, 10, 412000),
            EventKind.PAGE_TRIGGERED,
            Phase.DETECTION,
            "Checkout API",
            "Triggered: #1234 HighErrorRate checkout (critical)",
        ),
        (
            _utc(2024, 3, 12, 14, 3, 42, 108000),
            EventKind.ACKNOWLEDGED,
            Phase.RESPONSE,
            "Ana Lopez",
            "Acknowledged: #1234 HighErrorRate checkout (critical)",
        ),
        (
            _utc(2024, 3, 12, 14, 10, 0, 250000),
            EventKind.ANNOTATION,
            None,
            "Ana Lopez",
            "Rolled back deploy 2024.03.12-3",
        ),
        (
            _utc(2024, 3, 12, 14, 35, 0, 999000),
            EventKind.RESOLVED,
            Phase.RESOLUTION,
            "Ana Lopez",
            "Resolved: #1234 HighErrorRate checkout (critical)",
        ),
    ]
    assert events[0].source.id == "01EXAMPLETRIGGER0001"
    assert events[0].link == "https://acme.pagerduty.com/incidents/Q1ABCDEF"


def test_a_slack_file_given_to_pagerduty() -> None:
    users = DATA / "slack_export" / "users.json"
    with pytest.raises(SourceFormatError) as err:
        list(read_events("pagerduty", [users]))
    assert err.value.file == str(users)
    assert err.value.record == 0
    assert "another tool" in str(err.value)


def test_pagerduty_missing_created_at(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"log_entries": [{"id": "RX", "type": "trigger_log_entry"}]}))
    with pytest.raises(SourceFormatError) as err:
        list(read_events("pagerduty", [bad]))
    assert (err.value.file, err.value.record, err.value.field) == (str(bad), "RX", "created_at")
    assert str(err.value) == f"{bad}, record RX, field 'created_at': missing"


# --- Alertmanager and Grafana ---------------------------------------------------------------


def test_alertmanager_times_truncated_zero_time_dropped_and_deduplicated() -> None:
    events = sort_events(read_events("alertmanager", [DATA / "alertmanager"]))
    assert [(e.time, e.time_text, e.kind, e.phase) for e in events] == [
        (
            _utc(2024, 3, 12, 14, 0, 5, 123456),
            "2024-03-12T15:00:05.123456789+01:00",
            EventKind.ALERT_FIRED,
            Phase.DETECTION,
        ),
        (
            _utc(2024, 3, 12, 14, 0, 47, 500000),
            "2024-03-12T14:00:47.5Z",
            EventKind.ALERT_FIRED,
            None,
        ),
        (
            _utc(2024, 3, 12, 14, 33, 10, 987654),
            "2024-03-12T09:33:10.987654321-05:00",
            EventKind.ALERT_RESOLVED,
            Phase.RESOLUTION,
        ),
    ]
    assert [e.source.id for e in events] == [
        "5f0e3c7a1b2d4e6f@2024-03-12T14:00:05.123456Z:firing",
        "a1b2c3d4e5f60718@2024-03-12T14:00:47.500000Z:firing",
        "5f0e3c7a1b2d4e6f@2024-03-12T14:00:05.123456Z:resolved",
    ]
    assert events[0].text == "Firing: HighErrorRate: Error rate above 5% on checkout"
    assert events[0].link is not None and events[0].link.startswith("http://prometheus.example.com")
    assert all(e.time.year != 1 for e in events)


def test_alertmanager_without_fingerprint_uses_a_stable_label_hash(tmp_path: Path) -> None:
    doc = json.loads((DATA / "alertmanager" / "01-firing.json").read_text())
    for alert in doc["alerts"]:
        del alert["fingerprint"]
    (tmp_path / "old.json").write_text(json.dumps(doc))
    first = [e.source.id for e in read_events("alertmanager", [tmp_path])]
    second = [e.source.id for e in read_events("alertmanager", [tmp_path])]
    assert first == second
    assert len(set(first)) == 2


def test_alertmanager_payloads_one_per_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(json.loads((DATA / "alertmanager" / name).read_text()))
        for name in ("01-firing.json", "02-resolved.json")
    ]
    (tmp_path / "captured.jsonl").write_text("\n".join(lines) + "\n")
    assert _rows("alertmanager", tmp_path) == _rows("alertmanager", DATA / "alertmanager")


def test_alertmanager_rejects_grafana_version_and_missing_starts(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="use the grafana source"):
        list(read_events("alertmanager", [DATA / "grafana"]))
    doc = json.loads((DATA / "alertmanager" / "01-firing.json").read_text())
    del doc["alerts"][1]["startsAt"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(SourceFormatError) as err:
        list(read_events("alertmanager", [bad]))
    assert (err.value.record, err.value.field) == ("1 (a1b2c3d4e5f60718)", "startsAt")


def test_grafana_payload() -> None:
    events = sort_events(read_events("grafana", [DATA / "grafana"]))
    assert [(e.time, e.kind, e.phase, e.source.id, e.link) for e in events] == [
        (
            _utc(2024, 3, 12, 14, 0, 30, 1),
            EventKind.ALERT_FIRED,
            Phase.DETECTION,
            "c6eadffa33fcdf37@2024-03-12T14:00:30.000001Z:firing",
            "https://grafana.example.com/d/checkout?viewPanel=4",
        ),
        (
            _utc(2024, 3, 12, 14, 2),
            EventKind.ALERT_FIRED,
            None,
            "bc97ff14869b13e3@2024-03-12T14:02:00.000000Z:firing",
            "https://grafana.example.com/alerting/grafana/cdk2/view?orgId=1",
        ),
        (
            _utc(2024, 3, 12, 15, 4, 0, 500000),
            EventKind.ALERT_RESOLVED,
            Phase.RESOLUTION,
            "c6eadffa33fcdf37@2024-03-12T14:00:30.000001Z:resolved",
            "https://grafana.example.com/d/checkout?viewPanel=4",
        ),
    ]
    assert {e.source.tool for e in events} == {"grafana"}
    assert events[0].text == "Firing: CheckoutErrorBudgetBurn: Error budget burning 14x"


# --- Opsgenie and Statuspage ----------------------------------------------------------------


def test_opsgenie_ms_and_ns_times_kept_exact() -> None:
    events = sort_events(read_events("opsgenie", [DATA / "opsgenie"]))
    assert [(e.time, e.time_text, e.kind, e.phase) for e in events] == [
        (
            _utc(2024, 3, 12, 14, 1, 10, 412000),
            "1710252070412",
            EventKind.PAGE_TRIGGERED,
            Phase.DETECTION,
        ),
        (
            _utc(2024, 3, 12, 14, 3, 42, 764002),
            "1710252222764002246",
            EventKind.ACKNOWLEDGED,
            Phase.RESPONSE,
        ),
        (_utc(2024, 3, 12, 14, 5, 0, 100200), "1710252300100200300", EventKind.ASSIGNED, None),
        (_utc(2024, 3, 12, 14, 10, 0, 999), "1710252600000999999", EventKind.ANNOTATION, None),
        (
            _utc(2024, 3, 12, 14, 35, 0, 123456),
            "1710254100123456789",
            EventKind.RESOLVED,
            Phase.RESOLUTION,
        ),
    ]
    assert events[1].source.id == (
        "70413a06-38d6-4c85-92b8-5ebc900d42e2:Acknowledge:1710252222764002246"
    )
    assert events[1].actor == "ana@acme.example"
    assert events[3].text == "Rolled back 2024.03.12-3"
    assert (
        events[2].text
        == "AssignOwnership: #1791 HighErrorRate checkout (critical) (to ben@acme.example)"
    )


def test_opsgenie_time_must_be_an_integer(tmp_path: Path) -> None:
    docs = json.loads((DATA / "opsgenie" / "alerts.json").read_text())
    docs[1]["alert"]["updatedAt"] = 1.7e18
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(docs))
    with pytest.raises(SourceFormatError) as err:
        list(read_events("opsgenie", [bad]))
    assert err.value.field == "alert.updatedAt"
    assert err.value.record == "1 (70413a06-38d6-4c85-92b8-5ebc900d42e2)"


def test_statuspage_updates_deduplicated_across_webhooks() -> None:
    events = sort_events(read_events("statuspage", [DATA / "statuspage"]))
    assert [(e.time, e.source.id, e.text) for e in events] == [
        (
            _utc(2024, 3, 12, 14, 4, 30, 107000),
            "sp-inc-1:created",
            "Incident created: Elevated checkout errors (impact major)",
        ),
        (
            _utc(2024, 3, 12, 14, 4, 30, 140000),
            "upd-1",
            "Investigating: We are investigating elevated errors at checkout.",
        ),
        (
            _utc(2024, 3, 12, 14, 20),
            "upd-2",
            "Monitoring: A fix has been implemented and we are monitoring.",
        ),
        (_utc(2024, 3, 12, 14, 40), "upd-3", "Resolved: This incident has been resolved."),
    ]
    # Posted at 14:20, shown on the page as 14:15: both kept.
    assert events[2].time_text == "2024-03-12T14:20:00.000Z (display_at 2024-03-12T14:15:00.000Z)"
    assert events[1].time_text == "2024-03-12T14:04:30.140Z"
    assert {(e.kind, e.phase, e.link) for e in events} == {
        (EventKind.STATUS_UPDATE, None, "https://stspg.io/abc123")
    }


# --- CSV and JSON Lines ---------------------------------------------------------------------


def test_csv_rows() -> None:
    events = sort_events(read_events("csv", [DATA / "manual.csv"]))
    assert [(e.time, e.time_text, e.phase, e.kind, e.actor) for e in events] == [
        (_utc(2024, 3, 12, 13, 55), "2024-03-12T13:55:00Z", None, EventKind.DEPLOY, "Deploy bot"),
        (
            _utc(2024, 3, 12, 14, 12, 30, 250000),
            "2024-03-12T15:12:30.25+01:00",
            Phase.MITIGATION,
            EventKind.DEPLOY,
            "Ben Okafor",
        ),
        (
            _utc(2024, 3, 12, 14, 50),
            "2024-03-12T14:50:00Z",
            Phase.POST_RESOLUTION,
            EventKind.CUSTOM,
            "Ana Lopez",
        ),
    ]
    assert events[0].source.id == "deploy-2024.03.12-3"
    again = sort_events(read_events("csv", [DATA / "manual.csv"]))
    assert [e.source.id for e in again] == [e.source.id for e in events]
    assert events[2].text == "Customer support told, refunds started"


def test_jsonl_rows() -> None:
    events = sort_events(read_events("jsonl", [DATA / "manual.jsonl"]))
    assert [(e.time, e.phase, e.key, e.source.tool) for e in events] == [
        (_utc(2024, 3, 12, 13, 55), None, False, "jsonl"),
        (_utc(2024, 3, 12, 14, 12, 30, 250000), Phase.MITIGATION, True, "jsonl"),
    ]


def test_naive_time_is_an_error_unless_a_zone_is_given(tmp_path: Path) -> None:
    path = tmp_path / "naive.csv"
    path.write_text("time,phase,actor,text\n2024-03-12 14:00:00,,Ana,hello\n")
    with pytest.raises(SourceFormatError) as err:
        list(read_events("csv", [path]))
    assert (err.value.record, err.value.field) == (2, "time")
    from zoneinfo import ZoneInfo

    events = list(read_events("csv", [path], default_tz=ZoneInfo("Europe/Madrid")))
    assert events[0].time == _utc(2024, 3, 12, 13, 0)


def test_csv_bad_phase_and_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("time,phase,actor,text\n2024-03-12T14:00:00Z,fixing,Ana,x\n")
    with pytest.raises(SourceFormatError, match="unknown phase 'fixing'") as err:
        list(read_events("csv", [path]))
    assert err.value.field == "phase"
    path.write_text("when,actor,text\n")
    with pytest.raises(SourceFormatError) as err2:
        list(read_events("csv", [path]))
    assert err2.value.field == "time"


# --- the registry and atomicity -------------------------------------------------------------


def test_unknown_source() -> None:
    with pytest.raises(UsageError, match="unknown source 'teams'"):
        get_importer("teams")


def test_good_files_come_before_the_bad_one_and_nothing_of_it(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        (DATA / "pagerduty_webhooks" / "01-triggered.json").read_text()
    )
    (tmp_path / "b.json").write_text(
        '{"event": {"id": "x", "event_type": "incident.acknowledged"}}'
    )
    files: list[tuple[str, int]] = []
    with pytest.raises(SourceFormatError) as err:
        for batch in read_batches("pagerduty", [tmp_path]):
            files.append((Path(batch.file).name, len(batch.events)))
    assert files == [("a.json", 1)]
    assert (Path(err.value.file or "").name, err.value.record, err.value.field) == (
        "b.json",
        "x",
        "occurred_at",
    )


def test_missing_path() -> None:
    with pytest.raises(SourceFormatError, match="no such file or folder"):
        list(read_events("statuspage", [DATA / "nope.json"]))
