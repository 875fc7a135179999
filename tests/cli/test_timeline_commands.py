import json
from pathlib import Path

from support.cli import Invoke

ROOT = Path(__file__).parents[2]
IMPORTERS = ROOT / "tests" / "data" / "importers"
ALERTS = sorted(str(p) for p in (IMPORTERS / "alertmanager").glob("*.json"))
PAGES = sorted(str(p) for p in (IMPORTERS / "pagerduty").glob("*.json"))


def _new(cli: Invoke) -> None:
    run = cli(
        "new",
        "--title",
        "Checkout errors",
        "--severity",
        "P2",
        "--id",
        "INC-50",
        "--date",
        "2024-03-12",
        "--save",
    )
    assert run.exit_code == 0, run.stderr


def test_from_prints_events_without_storing(cli: Invoke) -> None:
    events = json.loads(cli("timeline", "from", "alertmanager", *ALERTS, "--json").stdout)
    assert [(e["time"], e["kind"], e["phase"]) for e in events] == [
        ("2024-03-12T14:00:05.123456Z", "alert_fired", "detection"),
        ("2024-03-12T14:00:47.500000Z", "alert_fired", None),
        ("2024-03-12T14:33:10.987654Z", "alert_resolved", "resolution"),
    ]
    assert {"time", "source", "kind", "actor", "text", "phase"} <= set(events[0])
    assert events[0]["source"] == "alertmanager"
    assert cli("list", "--json").stdout.strip() == "[]"


def test_import_merges_sources_dedupes_and_derives_metrics(cli: Invoke) -> None:
    _new(cli)
    first = json.loads(
        cli("timeline", "import", "INC-50", "alertmanager", *ALERTS, "--json").stdout
    )
    assert first == {"read": 3, "added": 3, "skipped": 0, "version": 2}
    second = json.loads(cli("timeline", "import", "INC-50", "pagerduty", *PAGES, "--json").stdout)
    assert second == {"read": 7, "added": 7, "skipped": 0, "version": 3}
    again = json.loads(cli("timeline", "import", "INC-50", "pagerduty", *PAGES, "--json").stdout)
    assert again == {"read": 7, "added": 0, "skipped": 7, "version": 3}
    events = json.loads(cli("timeline", "list", "INC-50", "--json").stdout)
    assert len(events) == 10
    assert events == sorted(events, key=lambda e: e["time"])
    metrics = json.loads(cli("metrics", "INC-50", "--json").stdout)
    # Impact starts with the first alert (14:00:05.123456), acknowledged 14:03:42, resolved 14:35:00.
    assert metrics["detection_time"]["seconds"] == 0
    assert metrics["response_time"] == {"seconds": 216, "source": "timeline", "text": "3m 36s"}
    assert metrics["resolution_time"]["seconds"] == 2094
    shown = json.loads(cli("show", "INC-50", "--json").stdout)["document"]
    assert shown["timeline"]["response"]["time"] == "2024-03-12T14:03:42Z"
    assert shown["timeline"]["response"]["acknowledged_by"] == "Ana Lopez"
    assert shown["impact_start"] == "2024-03-12T14:00:05.123456Z"


def test_rendered_event_log_reads_back_exactly(cli: Invoke, tmp_path: Path) -> None:
    _new(cli)
    cli("timeline", "import", "INC-50", "alertmanager", *ALERTS)
    cli("timeline", "import", "INC-50", "pagerduty", *PAGES)
    rendered = cli("render", "INC-50").stdout
    assert "### Event Log\n\n| Time (UTC) | Phase | Kind |" in rendered
    assert "- **Time:** 2024-03-12 14:03:42 UTC (from event log)\n" in rendered
    assert "- **Resolution Time:** 34m 54s (from timeline)\n" in rendered
    file = tmp_path / "inc-50.md"
    file.write_text(rendered)
    assert cli("render", str(file)).stdout == rendered
    parsed = json.loads(cli("parse", str(file), "--json").stdout)
    stored = json.loads(cli("show", "INC-50", "--json").stdout)["document"]
    assert parsed == stored


def test_manual_events_add_edit_mark_remove(cli: Invoke) -> None:
    _new(cli)
    run = cli(
        "timeline",
        "add",
        "INC-50",
        "--at",
        "14:32 UTC",
        "--phase",
        "mitigation",
        "--text",
        "Rolled back the deploy",
        "--actor",
        "Ana",
    )
    assert run.exit_code == 0, run.stderr
    events = json.loads(cli("timeline", "list", "INC-50", "--json").stdout)
    assert [(e["time"], e["phase"], e["key"], e["source"]) for e in events] == [
        ("2024-03-12T14:32:00.000000Z", "mitigation", False, "manual")
    ]
    ref = events[0]["ref"]
    assert (
        cli("timeline", "mark", "INC-50", ref[:4], "--phase", "mitigation", "--key").exit_code == 0
    )
    assert cli("timeline", "edit", "INC-50", ref, "--text", "Rolled back deploy 3").exit_code == 0
    shown = json.loads(cli("show", "INC-50", "--json").stdout)["document"]
    assert shown["timeline"]["mitigation"]["time"] == "2024-03-12T14:32:00Z"
    assert shown["timeline"]["events"][0]["text"] == "Rolled back deploy 3"
    assert shown["timeline"]["events"][0]["key"] is True
    missing = cli("timeline", "remove", "INC-50", "ffffffff")
    assert missing.exit_code == 4
    assert cli("timeline", "remove", "INC-50", ref).exit_code == 0
    assert json.loads(cli("timeline", "list", "INC-50", "--json").stdout) == []
    history = json.loads(cli("history", "INC-50", "--json").stdout)
    assert [h["version"] for h in history] == [1, 2, 3, 4, 5]


def test_hand_filled_block_wins_over_events(cli: Invoke, tmp_path: Path) -> None:
    _new(cli)
    cli("timeline", "import", "INC-50", "pagerduty", *PAGES)
    rendered = cli("render", "INC-50").stdout
    edited = rendered.replace(
        "- **Time:** 2024-03-12 14:03:42 UTC (from event log)", "- **Time:** 14:02 UTC"
    )
    file = tmp_path / "edited.md"
    file.write_text(edited)
    doc = json.loads(cli("parse", str(file), "--json").stdout)
    assert doc["timeline"]["response"]["time"] == "2024-03-12T14:02:00Z"


def test_bad_file_stores_nothing(cli: Invoke, tmp_path: Path) -> None:
    _new(cli)
    bad = tmp_path / "bad.json"
    bad.write_text('{"receiver": "x", "status": "firing", "alerts": [{"labels": {}}]}')
    run = cli("timeline", "import", "INC-50", "alertmanager", ALERTS[0], str(bad))
    assert run.exit_code == 3
    assert str(bad) in run.stderr.replace("\n", "")
    assert json.loads(cli("timeline", "list", "INC-50", "--json").stdout) == []
    assert json.loads(cli("history", "INC-50", "--json").stdout)[-1]["version"] == 1


def test_unknown_source_is_a_usage_error(cli: Invoke) -> None:
    _new(cli)
    run = cli("timeline", "import", "INC-50", "teams", ALERTS[0])
    assert run.exit_code == 2
    assert "unknown source 'teams'" in run.stderr
