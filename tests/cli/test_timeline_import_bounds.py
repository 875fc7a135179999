"""`timeline import` of hostile and large inputs: the same typed errors on SQLite and PostgreSQL,
nothing stored on error, repeats dropped by the store, and a summarised event log past a size."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from blamefree.markdown import event_log_summary
from blamefree.markdown.parse import parse
from blamefree.services import timeline_import
from blamefree.store import event_import
from support.cli import Invoke

ROOT = Path(__file__).parents[2]
HOSTILE = ROOT / "tests" / "data" / "hostile" / "importers"
IMPORTERS = ROOT / "tests" / "data" / "importers"
PAGES = sorted(str(p) for p in (IMPORTERS / "pagerduty").glob("*.json"))


def _new(cli: Invoke) -> None:
    run = cli("new", "--title", "Bounds", "--severity", "P2", "--id", "INC-9", "--save")
    assert run.exit_code == 0, run.stderr


def _version(cli: Invoke) -> int:
    shown = json.loads(cli("show", "INC-9", "--json").stdout)
    return int(shown["version"])


@pytest.mark.parametrize(
    ("source", "name", "where"),
    [
        ("csv", "csv-nul.csv", "record 3, field 'text'"),
        ("jsonl", "jsonl-nul-escape.jsonl", "record 2, field 'actor'"),
        ("slack", "slack-nul-escape.zip", "record C1:1710252000.000100, field 'text'"),
    ],
)
def test_nul_is_refused_alike_on_both_backends(
    cli: Invoke, source: str, name: str, where: str
) -> None:
    _new(cli)
    run = cli("timeline", "import", "INC-9", source, str(HOSTILE / name))
    message = " ".join(run.stderr.split())
    assert run.exit_code == 3, run.stderr
    assert f"{HOSTILE / name}" in message
    assert where in message
    assert "NUL character" in message
    assert "Traceback" not in run.stderr
    assert _version(cli) == 1
    assert json.loads(cli("timeline", "list", "INC-9", "--json").stdout) == []


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("pagerduty", "pagerduty-long-number.json"),
        ("slack", "slack-long-number-streamed.zip"),
        ("slack", "slack-deep-nesting.zip"),
        ("slack", "slack-huge-record.zip"),
        ("jsonl", "jsonl-lone-surrogate.jsonl"),
        ("csv", "csv-invalid-utf8.csv"),
    ],
)
def test_hostile_files_are_typed_errors_and_store_nothing(
    cli: Invoke, source: str, name: str
) -> None:
    _new(cli)
    run = cli("timeline", "import", "INC-9", source, str(HOSTILE / name))
    assert run.exit_code == 3, run.stderr
    assert run.stderr.lstrip().startswith("error: ")
    assert "Traceback" not in run.stderr
    assert _version(cli) == 1


def test_an_empty_csv_and_an_empty_jsonl_fail_alike(cli: Invoke) -> None:
    _new(cli)
    runs = [
        cli("timeline", "import", "INC-9", s, str(HOSTILE / n))
        for s, n in (("csv", "empty.csv"), ("jsonl", "empty.jsonl"))
    ]
    assert [r.exit_code for r in runs] == [3, 3]
    assert all("the file is empty: nothing to import" in r.stderr for r in runs)


def test_times_without_an_offset_need_tz(cli: Invoke) -> None:
    _new(cli)
    path = str(HOSTILE / "csv-naive-times.csv")
    refused = cli("timeline", "import", "INC-9", "csv", path)
    assert refused.exit_code == 3
    assert "--tz" in refused.stderr
    unknown = cli("timeline", "import", "INC-9", "csv", path, "--tz", "Mars/Olympus")
    assert unknown.exit_code == 2
    done = cli("timeline", "import", "INC-9", "csv", path, "--tz", "Europe/Madrid", "--json")
    assert json.loads(done.stdout)["added"] == 1
    events = json.loads(cli("timeline", "list", "INC-9", "--json").stdout)
    assert [(e["time"], e["time_text"]) for e in events] == [
        ("2024-03-12T13:00:00.000000Z", "2024-03-12 14:00:00")
    ]


def test_the_global_tz_counts_as_given(cli: Invoke) -> None:
    _new(cli)
    path = str(HOSTILE / "jsonl-naive-times.jsonl")
    done = cli("--tz", "America/New_York", "timeline", "import", "INC-9", "jsonl", path, "--json")
    assert json.loads(done.stdout)["added"] == 1
    assert json.loads(cli("timeline", "list", "INC-9", "--json").stdout)[0]["time"] == (
        "2024-03-12T18:00:00.000000Z"
    )


def test_repeats_are_dropped_by_the_store_in_small_batches(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_import, "BATCH_ROWS", 2)
    monkeypatch.setattr(event_import, "COPY_ROWS", 3)
    _new(cli)
    first = json.loads(
        cli("timeline", "import", "INC-9", "pagerduty", *PAGES, *PAGES, "--json").stdout
    )
    # The two pages overlap and are given twice: every record counts once.
    assert first == {"read": 7, "added": 7, "skipped": 0, "version": 2}
    again = json.loads(cli("timeline", "import", "INC-9", "pagerduty", *PAGES, "--json").stdout)
    assert again == {"read": 7, "added": 0, "skipped": 7, "version": 2}
    events = json.loads(cli("timeline", "list", "INC-9", "--json").stdout)
    assert [(e["kind"], e["phase"]) for e in events if e["phase"]] == [
        ("page_triggered", "detection"),
        ("acknowledged", "response"),
        ("resolved", "resolution"),
    ]


def test_a_small_import_patches_the_event_log_into_the_authors_text(
    cli: Invoke, database_url: str
) -> None:
    _new(cli)
    cli("timeline", "import", "INC-9", "pagerduty", *PAGES)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        before, after = connection.execute(
            text("SELECT markdown FROM revisions ORDER BY version")
        ).scalars()
    engine.dispose()
    assert after == cli("export", "INC-9", "--no-base").stdout
    # Only placeholders gave way (to values marked as derived from the log); the rest is new
    # event log.
    diff = list(difflib.ndiff(before.split("\n"), after.split("\n")))
    removed = [line[2:] for line in diff if line.startswith("- ")]
    added = [line[2:] for line in diff if line.startswith("+ ")]
    assert removed and all(re.search(r"\[[A-Z][^]]*\]", line) for line in removed)
    derived = [line for line in added if "(from " in line]
    assert len(derived) == len(removed)
    rows = [line for line in added if line.startswith("| 20")]
    assert len(rows) == 7


def test_a_long_event_log_is_summarised_in_the_revision(
    cli: Invoke, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_import, "EVENT_LOG_ROWS", 3)
    monkeypatch.setattr(timeline_import, "SUMMARY_HEAD", 1)
    _new(cli)
    cli("timeline", "import", "INC-9", "pagerduty", *PAGES)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        markdown = connection.execute(
            text("SELECT markdown FROM revisions WHERE version = 2")
        ).scalar_one()
    engine.dispose()
    assert event_log_summary.NOTE_START in markdown
    # The listed events are the first one and those that fill the phase blocks, so the
    # Markdown reads back to the same phase times and metrics as the full log.
    summary = parse(markdown)
    full = json.loads(cli("show", "INC-9", "--json").stdout)["document"]
    listed = len(summary.timeline.events)
    assert f"{listed} of 7 events are listed" in markdown
    phases = sorted(e.phase.value for e in summary.timeline.events if e.phase)
    assert phases == ["detection", "resolution", "response"]
    assert listed < 7
    assert len(json.loads(cli("timeline", "list", "INC-9", "--json").stdout)) == 7
    rendered_full = cli("render", "INC-9").stdout
    for block in ("### Detection", "### Response", "### Resolution"):
        line = rendered_full.split(block, 1)[1].splitlines()[1]
        assert line in markdown
    assert full["timeline"]["response"]["time"] == "2024-03-12T14:03:42Z"
