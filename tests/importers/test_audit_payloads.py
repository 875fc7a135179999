"""Audit: payloads built from each tool's documented examples, read to the microsecond.

The fixtures under tests/data/importers/audit/ follow the documented formats (Slack export,
PagerDuty REST log entries and V3 webhooks, Alertmanager webhook v4, Grafana Alerting webhook,
Opsgenie webhook action data, Statuspage incident webhooks) with the edge cases the other
fixtures leave out: offsets, 1 to 9 fractional digits, Go's zero time, nanosecond and millisecond
epochs, private channels, group DMs and DMs, thread broadcasts, uploads, external users.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from blamefree.domain.timeline import EventKind, TimelineEvent
from blamefree.importers import read_events, sort_events
from blamefree.schemas.convert import event_read, to_data

from .conftest import DATA


def event_json(event: TimelineEvent) -> Any:
    return to_data(event_read(event))


AUDIT = DATA / "audit"


def _rows(source: str, *paths: Path, **kwargs: object) -> list[tuple[object, ...]]:
    events = sort_events(read_events(source, list(paths), **kwargs))  # type: ignore[arg-type]
    return [
        (j["time"], j["time_text"], j["kind"], j["phase"], j["key"], j["actor"], j["source_id"])
        for j in map(event_json, events)
    ]


def test_alertmanager_offsets_nine_digits_and_zero_time_ends() -> None:
    a = "5a1e9d3c0b7f2e61@2024-03-12T14:03:42.123456Z"
    b = "c0ffee00deadbeef@2024-03-12T14:04:10.500000Z"
    assert _rows("alertmanager", AUDIT / "alertmanager") == [
        (
            "2024-03-12T14:03:42.123456Z",
            "2024-03-12T16:03:42.123456789+02:00",
            "alert_fired",
            "detection",
            True,
            "Alertmanager",
            f"{a}:firing",
        ),
        (
            "2024-03-12T14:04:10.500000Z",
            "2024-03-12T14:04:10.5Z",
            "alert_fired",
            None,
            False,
            "Alertmanager",
            f"{b}:firing",
        ),
        (
            "2024-03-12T15:05:59.999999Z",
            "2024-03-12T17:05:59.999999999+02:00",
            "alert_resolved",
            None,
            False,
            "Alertmanager",
            f"{a}:resolved",
        ),
        (
            "2024-03-12T15:20:00.000001Z",
            "2024-03-12T10:20:00.000001-05:00",
            "alert_resolved",
            "resolution",
            True,
            "Alertmanager",
            f"{b}:resolved",
        ),
    ]


def test_grafana_resolved_and_still_firing() -> None:
    rows = _rows("grafana", AUDIT / "grafana")
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("2024-03-12T14:03:40.000000Z", "alert_fired", "detection"),
        ("2024-03-12T14:04:00.000000Z", "alert_fired", None),
        ("2024-03-12T15:06:00.123000Z", "alert_resolved", "resolution"),
    ]


def test_pagerduty_log_entries_with_offsets_and_agent_types() -> None:
    rows = _rows("pagerduty", AUDIT / "pagerduty")
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows] == [
        (
            "2024-03-12T14:05:00.000000Z",
            "2024-03-12T10:05:00-04:00",
            "assigned",
            None,
            "Checkout API",
        ),
        (
            "2024-03-12T14:05:00.000000Z",
            "2024-03-12T10:05:00-04:00",
            "page_triggered",
            "detection",
            "Checkout API",
        ),
        ("2024-03-12T14:05:01.000000Z", "2024-03-12T14:05:01Z", "notified", None, "Ana Lima"),
        (
            "2024-03-12T14:09:05.000000Z",
            "2024-03-12T14:09:05Z",
            "acknowledged",
            "response",
            "Ana Lima",
        ),
        ("2024-03-12T14:20:00.000000Z", "2024-03-12T14:20:00Z", "annotation", None, "Ben Okafor"),
        (
            "2024-03-12T15:12:30.000000Z",
            "2024-03-12T15:12:30Z",
            "resolved",
            "resolution",
            "Ana Lima",
        ),
    ]


def test_pagerduty_v3_webhooks() -> None:
    rows = _rows("pagerduty", AUDIT / "pagerduty_webhooks")
    assert [(r[0], r[2], r[5], r[6]) for r in rows] == [
        ("2024-03-12T14:05:00.213000Z", "page_triggered", "Checkout API", "01EVTRIG"),
        ("2024-03-12T14:09:05.120001Z", "acknowledged", "Ana Lima", "01EVACK"),
        ("2024-03-12T14:20:00.500000Z", "annotation", "Ben Okafor", "01EVNOTE"),
        ("2024-03-12T15:12:30.999999Z", "resolved", "Ana Lima", "01EVRES"),
    ]


def test_opsgenie_create_in_ms_actions_in_ns() -> None:
    rows = _rows("opsgenie", AUDIT / "opsgenie")
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("2024-03-12T14:03:11.104000Z", "1710252191104", "page_triggered", "detection"),
        ("2024-03-12T14:09:05.764002Z", "1710252545764002246", "acknowledged", "response"),
        ("2024-03-12T14:20:00.000000Z", "1710253200000000999", "annotation", None),
        ("2024-03-12T15:12:30.999999Z", "1710256350999999999", "resolved", "resolution"),
    ]


def test_statuspage_update_is_timed_when_posted_with_the_shown_time_beside() -> None:
    rows = _rows("statuspage", AUDIT / "statuspage")
    # The investigating update was posted at 08:12 but back-dated on the page to 08:06:30.
    assert [(r[0], r[1], r[6]) for r in rows] == [
        ("2024-03-12T14:10:00.000000Z", "2024-03-12T08:10:00-06:00", "cp306tmzcl0y:created"),
        (
            "2024-03-12T14:12:00.000000Z",
            "2024-03-12T08:12:00.000-06:00 (display_at 2024-03-12T08:06:30.000-06:00)",
            "upd-inv",
        ),
        ("2024-03-12T15:15:00.000000Z", "2024-03-12T09:15:00.000-06:00", "upd-res"),
    ]


SLACK_TIMES = {
    "C0GENERAL:1710244800.000000": "2024-03-12T12:00:00.000000Z",
    "C0INC42:1710252290.000100": "2024-03-12T14:04:50.000100Z",
    "C0INC42:1710252291.0002": "2024-03-12T14:04:51.000200Z",
    "C0INC42:1710252300.000300": "2024-03-12T14:05:00.000300Z",
    "C0INC42:1710252305.5": "2024-03-12T14:05:05.500000Z",
    "C0INC42:1710252400.123456": "2024-03-12T14:06:40.123456Z",
    "C0INC42:1710252410.000001": "2024-03-12T14:06:50.000001Z",
    "C0INC42:1710252420.999999": "2024-03-12T14:07:00.999999Z",
    "C0INC42:1710252500.000000": "2024-03-12T14:08:20.000000Z",
    "C0INC42:1710252600.000700": "2024-03-12T14:10:00.000700Z",
    "G0PRIV:1710252650.000050": "2024-03-12T14:10:50.000050Z",
    "G0MPIM:1710252660.000060": "2024-03-12T14:11:00.000060Z",
    "D0DM1:1710252670.000070": "2024-03-12T14:11:10.000070Z",
    "C0INC42:1710252700.1234567": "2024-03-12T14:11:40.123456Z",
    "C0INC42:1710252800.000800": "2024-03-12T14:13:20.000800Z",
    "C0INC42:1710252900.000900": "2024-03-12T14:15:00.000900Z",
    "C0INC42:1710253000.001000": "2024-03-12T14:16:40.001000Z",
    "C0INC42:1710256000.000000": "2024-03-12T15:06:40.000000Z",
    "C0INC42:1710288000.000010": "2024-03-13T00:00:00.000010Z",
}


def _slack(path: Path, **kwargs: object) -> list[dict[str, object]]:
    return [event_json(e) for e in sort_events(read_events("slack", [path], **kwargs))]  # type: ignore[arg-type]


def test_slack_export_times_counts_and_actors() -> None:
    events = _slack(AUDIT / "slack_export")
    assert {e["source_id"]: e["time"] for e in events} == SLACK_TIMES
    assert len(events) == 19  # the hidden message_changed record is not an event
    assert Counter(e["kind"] for e in events) == {"message": 14, "channel_event": 5}
    by_id = {e["source_id"]: e for e in events}
    assert by_id["C0INC42:1710252300.000300"]["actor"] == "Alertmanager"
    assert by_id["C0INC42:1710252300.000300"]["text"] == "[FIRING:1] HighErrorRate checkout"
    assert by_id["C0INC42:1710252305.5"]["actor"] == "PagerDuty"
    assert by_id["C0INC42:1710252305.5"]["text"] == "Triggered #4242 HighErrorRate checkout"
    assert by_id["C0INC42:1710252420.999999"]["text"] == "Rolling back @sre-oncall"
    assert by_id["C0INC42:1710252500.000000"]["text"] == "shared p99 latency"
    assert by_id["C0INC42:1710252700.1234567"]["actor"] == "Val Vendor"
    assert by_id["C0INC42:1710252410.000001"]["actor"] == "Ben O."
    assert [e["source_id"] for e in events if e["key"]] == [
        "C0INC42:1710252400.123456",
        "C0INC42:1710253000.001000",
    ]
    # an edit keeps the message's own time
    assert by_id["C0INC42:1710252600.000700"]["time"] == "2024-03-12T14:10:00.000700Z"


def test_slack_private_channels_group_dms_and_dms_by_name_or_id() -> None:
    export = AUDIT / "slack_export"
    assert [e["source_id"] for e in _slack(export, channel="sre-private")] == [
        "G0PRIV:1710252650.000050"
    ]
    assert [e["source_id"] for e in _slack(export, channel="mpdm-ana--ben.o-1")] == [
        "G0MPIM:1710252660.000060"
    ]
    assert [e["source_id"] for e in _slack(export, channel="D0DM1")] == ["D0DM1:1710252670.000070"]
    assert len(_slack(export, channel="#inc-4242-checkout")) == 15


def test_slack_zip_with_a_top_folder_gives_the_same_events(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    root = AUDIT / "slack_export"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zipped.write(path, f"acme Slack export Mar 12 2024/{path.relative_to(root)}")
        zipped.writestr("__MACOSX/acme Slack export Mar 12 2024/._users.json", b"\x00\x05")
    assert _slack(archive) == _slack(root)


def test_slack_record_repeated_in_its_day_file_is_one_event(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(AUDIT / "slack_export", export)
    day = export / "inc-4242-checkout" / "2024-03-12.json"
    records = json.loads(day.read_text())
    broadcast = next(r for r in records if r.get("subtype") == "thread_broadcast")
    reply = {k: v for k, v in broadcast.items() if k not in {"subtype", "root"}}
    day.write_text(json.dumps([*records, reply]))
    events = _slack(export)
    assert len(events) == 19
    assert [e["source_id"] for e in events].count("C0INC42:1710252420.999999") == 1


def test_kinds_are_what_the_tools_say() -> None:
    kinds = Counter(
        e.kind
        for e in read_events("pagerduty", [AUDIT / "pagerduty", AUDIT / "pagerduty_webhooks"])
    )
    assert kinds[EventKind.ACKNOWLEDGED] == 2
    assert kinds[EventKind.RESOLVED] == 2
