"""Audit: merged imports from alerting, paging and chat give the anchors computed by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support.cli import Invoke

AUDIT = Path(__file__).parents[1] / "data" / "importers" / "audit"


def _new(cli: Invoke) -> None:
    run = cli(
        "new",
        "--title",
        "Checkout 5xx",
        "--severity",
        "P2",
        "--id",
        "INC-4242",
        "--date",
        "2024-03-12",
        "--save",
    )
    assert run.exit_code == 0, run.stderr


def _import(cli: Invoke, source: str, path: Path) -> dict[str, object]:
    run = cli("timeline", "import", "INC-4242", source, str(path), "--json")
    assert run.exit_code == 0, run.stderr
    result: dict[str, object] = json.loads(run.stdout)
    return result


@pytest.mark.parametrize(
    "order",
    [("alertmanager", "pagerduty", "slack"), ("slack", "pagerduty", "alertmanager")],
)
def test_merged_import_metrics_in_either_order(cli: Invoke, order: tuple[str, ...]) -> None:
    _new(cli)
    paths = {
        "alertmanager": AUDIT / "alertmanager",
        "pagerduty": AUDIT / "pagerduty",
        "slack": AUDIT / "slack_export",
    }
    added = {source: _import(cli, source, paths[source])["added"] for source in order}
    assert added == {"alertmanager": 4, "pagerduty": 6, "slack": 19}
    events = json.loads(cli("timeline", "list", "INC-4242", "--json").stdout)
    assert len(events) == 29
    phased = [(e["time"], e["kind"], e["phase"]) for e in events if e["phase"]]
    # The PagerDuty resolve (15:12:30) is the resolution; the alert that cleared later
    # (15:20:00.000001) no longer is, whichever was imported first.
    assert phased == [
        ("2024-03-12T14:03:42.123456Z", "alert_fired", "detection"),
        ("2024-03-12T14:05:00.000000Z", "page_triggered", "detection"),
        ("2024-03-12T14:09:05.000000Z", "acknowledged", "response"),
        ("2024-03-12T15:12:30.000000Z", "resolved", "resolution"),
    ]
    metrics = json.loads(cli("metrics", "INC-4242", "--json").stdout)
    # impact start = detection = 14:03:42.123456; acknowledged 14:09:05; resolved 15:12:30
    assert {name: m["seconds"] for name, m in metrics.items()} == {
        "detection_time": 0,
        "response_time": 322,
        "mitigation_time": None,
        "resolution_time": 4127,
        "total_duration": 4127,
    }
    again = _import(cli, "slack", paths["slack"])
    assert again["added"] == 0
    assert again["skipped"] == 19


def test_stored_times_are_exact_and_equal_what_from_prints(cli: Invoke) -> None:
    _new(cli)
    printed = []
    for source in ("alertmanager", "pagerduty", "opsgenie", "statuspage", "grafana"):
        _import(cli, source, AUDIT / source)
        printed += json.loads(cli("timeline", "from", source, str(AUDIT / source), "--json").stdout)
    stored = json.loads(cli("timeline", "list", "INC-4242", "--json").stdout)
    fields = ("time", "time_text", "kind", "actor", "text", "link")
    assert {(e["source"], e["source_id"]): tuple(e[f] for f in fields) for e in stored} == {
        (e["source"], e["source_id"]): tuple(e[f] for f in fields) for e in printed
    }
    assert len(stored) == 20  # Statuspage: the incident's creation and its two updates


def test_a_record_repeated_across_day_files_is_stored_once(cli: Invoke, tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(AUDIT / "slack_export", export)
    day2 = export / "inc-4242-checkout" / "2024-03-13.json"
    first_day = json.loads((export / "inc-4242-checkout" / "2024-03-12.json").read_text())
    day2.write_text(json.dumps([*json.loads(day2.read_text()), first_day[-1]]))
    printed = json.loads(cli("timeline", "from", "slack", str(export), "--json").stdout)
    assert len(printed) == 19
    _new(cli)
    result = _import(cli, "slack", export)
    assert (result["read"], result["added"]) == (19, 19)
