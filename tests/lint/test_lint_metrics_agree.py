"""`lint FILE` and `lint ID` report what `metrics` shows: stated values off the timeline.

The timeline lint measures is the one `metrics` does: phase times and the impact start as
written, else as the Event Log gives them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blamefree.cli import app
from support.cli import Invoke, Run

HEAD = """\
# Post-Mortem: Thumbnail queue backed up

**Incident ID:** {id}
**Date:** 2026-08-19
**Severity:** P3
**Duration:** 4 hours
{impact}
---

## Executive Summary

**What Happened:** Thumbnails for new uploads were not generated for a morning.
**Root Cause:** A worker pool sized for the old image format ran out of memory because the new
format decodes at full resolution, and nothing capped the decoder.

## Timeline

### Detection
- **Time:** 08:15 UTC
- **Detected By:** Queue depth alert

### Resolution
- **Time:** 10:45 UTC
- **Resolved By:** Media on-call
{events}
## Metrics

### Incident Metrics
- **Detection Time:** 5 minutes
- **Total Duration:** 7 hours

## Action Items

### Immediate (0-7 days)
- [ ] Cap decoder memory per job
  - **Owner:** Media team
  - **Due Date:** 2026-08-22
  - **Priority:** High
"""

EVENTS = """
### Event Log

| Time (UTC) | Phase | Kind | Actor | Event | Key | Source | As written | Link |
|---|---|---|---|---|---|---|---|---|
| 2026-08-19 07:45:00Z | impact_start | custom |  | First upload without a thumbnail | ★ | manual:a1 | 07:45 UTC |  |
| 2026-08-19 08:15:00Z | detection | alert_fired |  | Queue depth alert | ★ | manual:a2 | 08:15 UTC |  |
"""


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    """The app in-process, in an empty directory, on a test store."""
    monkeypatch.setenv("BLAMEFREE_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Run:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


def _findings(run: Run) -> list[tuple[str, int, int, str]]:
    return [(f["rule"], f["line"], f["column"], f["message"]) for f in json.loads(run.stdout)]


def _metric_findings(cli: Invoke, path: Path, incident_id: str) -> list[tuple[str, str]]:
    imported = cli("import", str(path))
    assert imported.exit_code == 0, imported.stderr
    from_file = _findings(cli("lint", str(path), "--format", "json", "--select", "BF30"))
    from_store = _findings(cli("lint", incident_id, "--format", "json", "--select", "BF30"))
    assert from_store == from_file
    return [(rule, message) for rule, _, _, message in from_file]


def test_a_derived_impact_start_is_measured_from_like_a_written_one(
    cli: Invoke, tmp_path: Path
) -> None:
    # No impact start is written: the Event Log's key impact-start event (07:45) is the start.
    path = tmp_path / "derived.md"
    path.write_text(HEAD.format(id="INC-2026-0811", impact="", events=EVENTS), encoding="utf-8")
    assert _metric_findings(cli, path, "INC-2026-0811") == [
        ("BF303", "duration 4 hours disagrees with the timeline, which gives 3h 0m"),
        ("BF302", "stated detection time 5 minutes disagrees with the timeline's 30m"),
        ("BF302", "stated total duration 7 hours disagrees with the timeline's 3h 0m"),
    ]
    metrics = json.loads(cli("metrics", "INC-2026-0811", "--json").stdout)
    assert metrics["total_duration"]["stated"] == {"seconds": 25200, "text": "7 hours"}


def test_a_written_impact_start_gives_the_same_findings(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "written.md"
    impact = "**Impact Start:** 07:45 UTC\n"
    path.write_text(HEAD.format(id="INC-2026-0812", impact=impact, events=""), encoding="utf-8")
    assert _metric_findings(cli, path, "INC-2026-0812") == [
        ("BF303", "duration 4 hours disagrees with the timeline, which gives 3h 0m"),
        ("BF302", "stated detection time 5 minutes disagrees with the timeline's 30m"),
        ("BF302", "stated total duration 7 hours disagrees with the timeline's 3h 0m"),
    ]


def test_without_any_impact_start_the_stated_values_stand(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "none.md"
    path.write_text(HEAD.format(id="INC-2026-0813", impact="", events=""), encoding="utf-8")
    assert _metric_findings(cli, path, "INC-2026-0813") == []


def test_an_exported_file_lints_like_its_id_one_line_further_down(
    cli: Invoke, tmp_path: Path
) -> None:
    # Events added after the import are in the stored text; the export adds its base line.
    path = tmp_path / "added.md"
    path.write_text(HEAD.format(id="INC-2026-0814", impact="", events=""), encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    for at, phase in (
        ("2026-08-19T07:45:00Z", "impact_start"),
        ("2026-08-19T08:17:00Z", "detection"),
    ):
        added = cli(
            "timeline",
            "add",
            "INC-2026-0814",
            "--at",
            at,
            "--phase",
            phase,
            "--key",
            "--text",
            f"{phase} event",
        )
        assert added.exit_code == 0, added.stderr
    exported = tmp_path / "exported.md"
    exported.write_text(cli("export", "INC-2026-0814", "--format", "md").stdout, encoding="utf-8")
    from_store = _findings(cli("lint", "INC-2026-0814", "--format", "json", "--select", "BF3"))
    from_file = _findings(cli("lint", str(exported), "--format", "json", "--select", "BF3"))
    assert [(rule, line + 1, column, message) for rule, line, column, message in from_store] == (
        from_file
    )
    assert [(rule, message) for rule, _, _, message in from_store] == [
        ("BF303", "duration 4 hours disagrees with the timeline, which gives 3h 0m"),
        (
            "BF313",
            "detection time 2026-08-19 08:15 UTC is 2m off the key detection event at "
            "2026-08-19 08:17 UTC ('detection event')",
        ),
        ("BF302", "stated detection time 5 minutes disagrees with the timeline's 30m"),
        ("BF302", "stated total duration 7 hours disagrees with the timeline's 3h 0m"),
    ]
