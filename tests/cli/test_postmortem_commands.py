import json
import re
import sys
from pathlib import Path

import pytest

from support.cli import Invoke

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "src" / "blamefree" / "data" / "example-postmortem.md"
MESSY = ROOT / "tests" / "data" / "postmortems" / "messy-real-world.md"
SPEC = ROOT / "src" / "blamefree" / "spec" / "postmortem-template.md"


def test_template_is_byte_for_byte(cli: Invoke) -> None:
    run = cli("template")
    assert run.exit_code == 0
    assert run.stdout == SPEC.read_text()


def test_schema_has_the_template_keys(cli: Invoke) -> None:
    schema = json.loads(cli("schema").stdout)
    assert list(schema["properties"])[:16] == [
        "incident_id",
        "date",
        "severity",
        "duration",
        "executive_summary",
        "timeline",
        "impact_assessment",
        "root_cause_analysis",
        "what_went_well",
        "what_went_wrong",
        "action_items",
        "prevention_measures",
        "metrics",
        "follow_up",
        "appendix",
        "sign_off",
    ]


def test_a_new_post_mortem_filled_in_where_it_says_gives_metrics(
    cli: Invoke, tmp_path: Path
) -> None:
    target = tmp_path / "fresh.md"
    made = cli("new", "-t", "Search lag", "-s", "P3", "--date", "2025-08-19", "-o", str(target))
    assert made.exit_code == 0, made.stderr
    text = target.read_text()
    assert cli("parse", str(target)).exit_code == 0  # the placeholders read as unknown
    filled = re.sub(r"\*\*Impact Start:\*\* \[[^\]]*\]", "**Impact Start:** 09:40", text)
    filled = re.sub(r"\*\*Time Zone:\*\* \[[^\]]*\]", "**Time Zone:** Europe/Madrid", filled)
    for phase_time in ("09:52", "09:58", "10:15", "10:31", "11:02", "11:30"):
        filled = filled.replace("- **Time:** [Time]", f"- **Time:** {phase_time}", 1)
    target.write_text(filled)
    result = json.loads(cli("metrics", str(target), "--json").stdout)
    assert {name: metric["seconds"] for name, metric in result.items()} == {
        "detection_time": 720,
        "response_time": 360,
        "mitigation_time": 3060,
        "resolution_time": 4920,
        "total_duration": 6600,
    }


def test_new_import_list_show(cli: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "new.md"
    run = cli(
        "new",
        "--title",
        "Queue backlog",
        "--severity",
        "P2",
        "--id",
        "INC-9",
        "--date",
        "2024-05-01",
        "-o",
        str(target),
    )
    assert run.exit_code == 0
    text = target.read_text()
    assert text.startswith(
        "# Queue backlog\n\n**Incident ID:** INC-9  \n**Date:** 2024-05-01  \n"
        "**Severity:** P2  \n**Duration:** [Duration]  \n"
        "**Impact Start:** [When impact began, e.g. 2024-05-01 14:05 — every metric starts here]"
        "  \n**Time Zone:** [Zone of times written without one, e.g. UTC or Europe/Berlin]\n"
    )
    assert "- **Time:** [Time]" in text
    run = cli("import", str(target), str(EXAMPLE))
    assert run.exit_code == 0, run.stderr
    assert "2 imported, 0 failed." in run.stderr
    listing = json.loads(cli("list", "--json").stdout)
    assert [
        (row["incident_id"], row["severity"], row["action_items_total"]) for row in listing
    ] == [
        ("INC-9", "P2", 0),
        ("INC-2024-0142", "P1", 4),
    ]
    shown = json.loads(cli("show", "INC-2024-0142", "--json").stdout)
    assert shown["version"] == 1
    assert shown["document"]["timeline"]["response"]["time"] == "2024-03-12T13:58:00Z"
    human = cli("show", "INC-2024-0142")
    assert "Checkout API outage" in human.stdout
    assert "Priya Raman" in human.stdout


def test_import_reports_bad_files_and_keeps_the_good(cli: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(EXAMPLE.read_text().replace("**Date:** 2024-03-12", "**Date:** 2024-02-30"))
    readme = tmp_path / "README.md"
    readme.write_text("# Hello\n\nNot a post-mortem.\n")
    run = cli("import", str(bad), str(MESSY), str(readme))
    assert run.exit_code == 3
    assert f"{bad}:4, field 'date': '2024-02-30' is not a valid date" in run.stderr.replace(
        "\n", " "
    )
    assert "does not look like a post-mortem" in run.stderr
    assert "1 imported, 2 failed." in run.stderr
    assert [row["incident_id"] for row in json.loads(cli("list", "--json").stdout)] == ["SRCH-77"]


def test_reimport_needs_update_and_makes_a_revision(cli: Invoke, tmp_path: Path) -> None:
    assert cli("import", str(EXAMPLE)).exit_code == 0
    again = cli("import", str(EXAMPLE))
    assert again.exit_code == 5  # DuplicatePostmortem, the same as when two imports race
    assert "use --update" in again.stderr
    changed = tmp_path / "changed.md"
    changed.write_text(
        EXAMPLE.read_text().replace("**Support Tickets:** 312", "**Support Tickets:** 340")
    )
    assert cli("import", "--update", str(changed)).exit_code == 0
    history = json.loads(cli("history", "INC-2024-0142", "--json").stdout)
    assert [h["version"] for h in history] == [1, 2]
    diff = cli("diff", "INC-2024-0142").stdout
    assert "-- **Support Tickets:** 312\n+- **Support Tickets:** 340\n" in diff
    unchanged = cli("import", "--update", "--json", str(changed))
    assert json.loads(unchanged.stdout)[0]["action"] == "unchanged"


def test_parse_and_render_files(cli: Invoke) -> None:
    data = json.loads(cli("parse", str(MESSY), "--json").stdout)
    assert data["timeline"]["mitigation"]["time"] == "2018-10-22T00:36:00Z"
    assert data["severity"] == "P1"
    rendered = cli("render", str(EXAMPLE)).stdout
    assert rendered == EXAMPLE.read_text()


def test_parse_errors_exit_3_and_name_the_place(cli: Invoke, tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text(EXAMPLE.read_text().replace("**Severity:** P1", "**Severity:** P9"))
    run = cli("parse", str(broken), "--json")
    assert run.exit_code == 3
    assert f"{broken}:5, field 'severity'" in run.stderr.replace("\n", "")
    missing = cli("parse", str(tmp_path / "nope.md"))
    assert missing.exit_code == 3


def test_metrics_from_timeline_and_stated(cli: Invoke) -> None:
    result = json.loads(cli("metrics", str(EXAMPLE), "--json").stdout)
    assert result["detection_time"] == {"seconds": 240, "source": "timeline", "text": "4m"}
    assert result["response_time"] == {"seconds": 360, "source": "timeline", "text": "6m"}
    assert result["mitigation_time"] == {"seconds": 6720, "source": "timeline", "text": "1h 52m"}
    assert result["resolution_time"] == {"seconds": 10320, "source": "timeline", "text": "2h 52m"}
    assert result["total_duration"] == {"seconds": 12120, "source": "timeline", "text": "3h 22m"}
    messy = json.loads(cli("metrics", str(MESSY), "--json").stdout)
    assert messy["detection_time"] == {"seconds": 120, "source": "stated", "text": "00:02:00"}
    assert messy["mitigation_time"] == {"seconds": None, "source": None, "text": None}


def test_metrics_disagreement_is_shown(cli: Invoke, tmp_path: Path) -> None:
    changed = tmp_path / "changed.md"
    changed.write_text(
        EXAMPLE.read_text().replace("**Resolution Time:** 2h52m", "**Resolution Time:** 2h48m")
    )
    result = json.loads(cli("metrics", str(changed), "--json").stdout)
    assert result["resolution_time"] == {
        "seconds": 10320,
        "source": "timeline",
        "text": "2h 52m",
        "stated": {"seconds": 10080, "text": "2h48m"},
    }
    rendered = cli("render", str(changed)).stdout
    assert "- **Resolution Time:** 2h48m (timeline: 2h 52m)\n" in rendered
    assert cli("render", "-", input=rendered).stdout == rendered


def test_metrics_by_id(cli: Invoke) -> None:
    cli("import", str(EXAMPLE))
    result = json.loads(cli("metrics", "INC-2024-0142", "--json").stdout)
    assert result["detection_time"]["seconds"] == 240
    missing = cli("metrics", "NOPE-1", "--json")
    assert missing.exit_code == 4
    assert "neither a file nor the incident id" in missing.stderr


def test_export_and_delete(cli: Invoke, tmp_path: Path) -> None:
    cli("import", str(EXAMPLE))
    exported = cli("export", "INC-2024-0142", "--format", "md").stdout
    first, rest = exported.split("\n", 1)
    assert first == (
        "<!-- blamefree: INC-2024-0142 version 1 "
        "(keep this line: updates from this file merge safely) -->"
    )
    assert rest == EXAMPLE.read_text()
    assert cli("export", "INC-2024-0142", "--no-base").stdout == EXAMPLE.read_text()
    exported = json.loads(cli("export", "INC-2024-0142", "--format", "json").stdout)
    assert exported["incident_id"] == "INC-2024-0142"
    assert cli("export", "INC-2024-0142", "--format", "docx").exit_code == 2
    declined = cli("delete", "INC-2024-0142", input="n\n")
    assert (declined.exit_code, declined.stdout) == (
        1,
        "Delete INC-2024-0142 and all its revisions? [y/N]: n\n",
    )
    assert cli("show", "INC-2024-0142").exit_code == 0
    confirmed = cli("delete", "INC-2024-0142", input="y\n")
    assert (confirmed.exit_code, confirmed.stderr) == (0, "Deleted INC-2024-0142.\n")
    assert cli("show", "INC-2024-0142").exit_code == 4
    # Nobody is asked about an id that is not stored.
    missing = cli("delete", "INC-2024-0142", input="y\n")
    assert (missing.exit_code, missing.stdout) == (4, "")


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(body)
    return f"{sys.executable} {script}"


def test_edit_saves_a_valid_change(cli: Invoke, tmp_path: Path) -> None:
    cli("import", str(EXAMPLE))
    editor = _editor(
        tmp_path,
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('**Customer Complaints:** 47', '**Customer Complaints:** 52'))\n",
    )
    run = cli("edit", "INC-2024-0142", env={"EDITOR": editor})
    assert run.exit_code == 0, run.stderr
    assert "version 2" in run.stderr
    shown = json.loads(cli("show", "INC-2024-0142", "--json").stdout)
    assert shown["document"]["impact_assessment"]["business_impact"]["customer_complaints"] == 52


def test_edit_reopens_on_error_then_gives_up_without_saving(cli: Invoke, tmp_path: Path) -> None:
    cli("import", str(EXAMPLE))
    log = tmp_path / "opened.txt"
    editor = _editor(
        tmp_path,
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\nt = p.read_text()\n"
        f"log = pathlib.Path({str(log)!r})\nlog.write_text(log.read_text() + t.splitlines()[0] + '\\n'"
        " if log.exists() else t.splitlines()[0] + '\\n')\n"
        "if not t.startswith('<!-- blamefree: INC-2024-0142.md'):\n"
        "    p.write_text(t.replace('**Severity:** P1', '**Severity:** P8'))\n",
    )
    run = cli("edit", "INC-2024-0142", env={"EDITOR": editor})
    assert run.exit_code == 3  # giving up an invalid edit is a failure, not a success
    assert "edit given up, nothing saved" in run.stderr
    opened = log.read_text().splitlines()
    assert opened[0].startswith("<!-- blamefree: INC-2024-0142 version 1 (")
    # The marker sits on line 1, so the error names the line the severity is on in the editor.
    assert opened[1].startswith("<!-- blamefree: INC-2024-0142.md:6, field 'severity'")
    assert json.loads(cli("history", "INC-2024-0142", "--json").stdout)[-1]["version"] == 1


def test_a_save_made_while_editing_is_merged_with_the_edit(
    cli: Invoke, tmp_path: Path, database_url: str
) -> None:
    cli("import", str(EXAMPLE))
    # The editor saves a concurrent change through a second CLI process while the edit is open.
    changed = tmp_path / "concurrent.md"
    changed.write_text(
        EXAMPLE.read_text().replace("**Support Tickets:** 312", "**Support Tickets:** 1")
    )
    editor = _editor(
        tmp_path,
        "import os, subprocess, sys, pathlib\n"
        f"subprocess.run([{sys.executable!r}, '-m', 'blamefree', 'import', '--update', {str(changed)!r}], check=True,"
        f" env={{**os.environ, 'BLAMEFREE_DATABASE_URL': {database_url!r}}})\n"
        "p = pathlib.Path(sys.argv[1])\np.write_text(p.read_text().replace('**Customer Complaints:** 47', "
        "'**Customer Complaints:** 9'))\n",
    )
    run = cli("edit", "INC-2024-0142", env={"EDITOR": editor})
    assert run.exit_code == 0, run.stderr
    shown = json.loads(cli("show", "INC-2024-0142", "--json").stdout)
    assert shown["version"] == 3
    business = shown["document"]["impact_assessment"]["business_impact"]
    assert (business["support_tickets"], business["customer_complaints"]) == (1, 9)
    history = json.loads(cli("history", "INC-2024-0142", "--json").stdout)
    assert history[-1]["message"] == "edited (merged onto version 2)"


@pytest.mark.parametrize("command", ["show", "history", "diff", "delete"])
def test_unknown_id_is_exit_4(cli: Invoke, command: str) -> None:
    args = [command, "NOPE-1"] + (["--yes"] if command == "delete" else [])
    run = cli(*args)
    assert run.exit_code == 4
    assert "NOPE-1" in run.stderr


def test_a_tick_the_data_disagrees_with_is_kept_and_shown_beside(
    cli: Invoke, tmp_path: Path
) -> None:
    # The writer ticked "All action items completed" although 3 of 4 items are open.
    ticked = tmp_path / "ticked.md"
    text = EXAMPLE.read_text().replace(
        "- [ ] All action items completed", "- [x] All action items completed"
    )
    ticked.write_text(text)
    assert cli("import", str(ticked)).exit_code == 0
    assert cli("export", "INC-2024-0142", "--format", "md", "--no-base").stdout == text
    shown = json.loads(cli("show", "INC-2024-0142", "--json").stdout)
    first = shown["success_criteria"][0]
    assert (first["text"], first["written"], first["derived"], first["disagrees"]) == (
        "All action items completed",
        True,
        False,
        True,
    )
    assert first["reason"] == "3 of 4 committed action items still open"
    table = cli("show", "INC-2024-0142").stdout
    assert "not met (disagrees)" in table
    lint = json.loads(cli("lint", "INC-2024-0142", "--select", "BF310", "--format", "json").stdout)
    assert [(f["rule"], f["field"]) for f in lint] == [("BF310", "follow_up.success_criteria[0]")]


def test_fixed_clock_also_stamps_what_is_stored(cli: Invoke) -> None:
    assert cli("--now", "2024-03-13T10:00:00Z", "import", str(EXAMPLE)).exit_code == 0
    history = json.loads(cli("history", "INC-2024-0142", "--json").stdout)
    assert history[0]["created_at"] == "2024-03-13T10:00:00+00:00"
    shown = json.loads(cli("show", "INC-2024-0142", "--json").stdout)
    assert shown["created_at"] == "2024-03-13T10:00:00+00:00"
    bad = cli("--now", "yesterday", "import", str(EXAMPLE))
    assert bad.exit_code == 6
    assert "--now / BLAMEFREE_NOW: 'yesterday' is not an ISO-8601 time" in bad.stderr
