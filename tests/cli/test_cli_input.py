"""What people type at the command line: forgiving about spelling, loud about mistakes."""

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blamefree.cli import app
from blamefree.domain.enums import Horizon, Priority, Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import ValidationFailed
from blamefree.markdown.render import render
from blamefree.services import postmortems as service
from support.cli import Invoke
from support.uow import in_uow

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "src" / "blamefree" / "data" / "example-postmortem.md"


def _draft(tmp_path: Path, name: str, **fields: object) -> Path:
    path = tmp_path / name
    path.write_text(render(Postmortem(**fields)), encoding="utf-8")  # type: ignore[arg-type]
    return path


# --- enumerations ----------------------------------------------------------------------------


def test_enumeration_options_take_everyday_spellings(cli: Invoke, tmp_path: Path) -> None:
    assert cli("new", "-t", "Queue stall", "-s", "sev2", "--id", "OPS-1", "--save").exit_code == 0
    run = cli(
        "actions", "add", "OPS-1", "Drain the queue", "--horizon", "Short term",
        "--priority", "med", "--type", "Mitigate", "--json",
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    added = json.loads(run.stdout)
    assert (added["horizon"], added["priority"], added["type"]) == (
        "short_term",
        "Medium",
        "mitigate",
    )
    listed = json.loads(cli("list", "--severity", "p2", "--json").stdout)
    assert [s["incident_id"] for s in listed] == ["OPS-1"]
    assert json.loads(cli("list", "--severity", "P1", "--json").stdout) == []


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (("list", "--severity", "P5"), "'P5' is not one of P0, P1, P2, P3"),
        (("new", "-t", "x", "-s", "urgent"), "'urgent' is not one of P0, P1, P2, P3"),
        (
            ("actions", "list", "--severity", "worst"),
            "'worst' is not one of P0, P1, P2, P3",
        ),
    ],
)
def test_a_wrong_enumeration_value_says_what_is_allowed(
    cli: Invoke, args: tuple[str, ...], allowed: str
) -> None:
    run = cli(*args)
    assert run.exit_code == 2
    assert allowed in run.stderr


def test_wrong_horizon_names_the_horizons(cli: Invoke) -> None:
    cli("new", "-t", "x", "-s", "P3", "--id", "OPS-2", "--save")
    run = cli("actions", "add", "OPS-2", "Write it down", "--horizon", "eventually")
    assert run.exit_code == 2
    assert "'eventually' is not one of immediate, short_term, long_term" in run.stderr


# --- identifiers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("show", "../../notes"),
        ("history", "/etc/passwd"),
        ("edit", "a/b"),
        ("actions", "add", "x..y", "Text"),
        ("reviews", "record", "..", "1w"),
        ("new", "-t", "x", "-s", "P1", "--id", "../outside"),
        ("actions", "list", "--incident", "bad id"),
    ],
)
def test_an_incident_id_that_is_not_a_name_is_refused_before_anything_runs(
    cli: Invoke, args: tuple[str, ...], tmp_path: Path
) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    run = cli(*args)
    assert run.exit_code == 3
    assert "field 'incident_id'" in run.stderr
    assert "is not an incident id: use letters, digits and . _ : -" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("actions", "show", "A-7F3K2Q/.."), "action_id"),
        (("actions", "set", "[A-1]", "--status", "done"), "action_id"),
        (("timeline", "remove", "INC-1", "../x"), "event_ref"),
    ],
)
def test_action_ids_and_event_refs_are_checked_too(
    cli: Invoke, args: tuple[str, ...], field: str
) -> None:
    run = cli(*args)
    assert run.exit_code == 3
    assert f"field {field!r}" in run.stderr


def test_a_document_whose_incident_id_is_a_path_is_refused_at_its_line(
    cli: Invoke, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(
        EXAMPLE.read_text().replace("**Incident ID:** INC-2024-0142", "**Incident ID:** ../../x"),
        encoding="utf-8",
    )
    run = cli("import", str(bad))
    assert run.exit_code == 3
    assert f"{bad}:3, field 'incident_id': '../../x' is not an incident id" in run.stderr
    assert cli("lint", str(bad)).exit_code == 3


def test_the_store_refuses_a_bad_id_whatever_the_caller(engine: object) -> None:
    doc = Postmortem(incident_id="x/../../y", title="t")
    with pytest.raises(ValidationFailed, match="is not an incident id") as caught:
        in_uow(engine, service.create_postmortem, postmortem_in=doc, message="m")  # type: ignore[arg-type]
    assert caught.value.field == "incident_id"


def test_edit_opens_a_fixed_name_in_a_private_folder(cli: Invoke, tmp_path: Path) -> None:
    cli("import", str(EXAMPLE))
    seen = tmp_path / "seen.json"
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import json, os, stat, sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        f"pathlib.Path({str(seen)!r}).write_text(json.dumps("
        "[p.name, stat.S_IMODE(os.stat(p.parent).st_mode)]))\n",
        encoding="utf-8",
    )
    run = cli("edit", "INC-2024-0142", env={"EDITOR": f"{sys.executable} {editor}"})
    assert run.exit_code == 0, run.stderr
    name, mode = json.loads(seen.read_text())
    assert name == "postmortem.md"
    assert mode == stat.S_IRWXU  # only the user can enter or list the folder


def test_giving_up_an_invalid_edit_exits_3_and_saves_nothing(cli: Invoke, tmp_path: Path) -> None:
    cli("import", str(EXAMPLE))
    editor = tmp_path / "editor.py"
    # Breaks the date the first time, then closes the file unchanged (the user gives up).
    editor.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\nt = p.read_text()\n"
        "if 'edit given up' not in t and 'field' not in t.split(chr(10))[0]:\n"
        "    p.write_text(t.replace('**Date:** 2024-03-12', '**Date:** 2024-02-31'))\n",
        encoding="utf-8",
    )
    run = cli("edit", "INC-2024-0142", env={"EDITOR": f"{sys.executable} {editor}"})
    assert run.exit_code == 3
    assert "edit given up, nothing saved" in run.stderr
    assert "field 'date'" in run.stderr
    history = json.loads(cli("history", "INC-2024-0142", "--json").stdout)
    assert [r["version"] for r in history] == [1]


# --- where the store is ----------------------------------------------------------------------


def _run(*args: str, env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stderr


def test_a_store_in_a_missing_folder_is_an_error_and_no_folder_is_made(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'pm.sqlite3'}"
    for args in (("list",), ("import", str(EXAMPLE)), ("people", "add", "Dana")):
        code, err = _run("--db", url, *args, env={"COLUMNS": "200"})
        assert code == 6
        assert f"the folder {tmp_path / 'no' / 'such'} does not exist" in err
    assert not (tmp_path / "no").exists()


def test_a_read_does_not_create_an_empty_store_but_a_write_does(tmp_path: Path) -> None:
    store = tmp_path / "pm.sqlite3"
    env = {"COLUMNS": "200", "BLAMEFREE_DATABASE_URL": f"sqlite:///{store}"}
    for args, code in (
        (("list",), 0),
        (("show", "INC-1"), 4),
        (("actions", "list"), 0),
        (("people", "list"), 0),
        (("--now", "2024-03-25", "remind", "--dry-run"), 0),
    ):
        got, err = _run(*args, env=env)
        assert got == code
        assert f"note: there is no store at {store} yet" in err
    assert not store.exists()
    code, _ = _run("import", str(EXAMPLE), env=env)
    assert code == 0
    assert store.is_file()
    assert _run("list", env=env)[0] == 0


def test_an_unknown_time_zone_is_a_configuration_error(tmp_path: Path) -> None:
    code, err = _run("--tz", "Mars/Olympus", "parse", str(EXAMPLE), env={"COLUMNS": "200"})
    assert code == 6
    assert "--tz / BLAMEFREE_TIMEZONE: unknown time zone 'Mars/Olympus'" in err
    code, err = _run("parse", str(EXAMPLE), env={"BLAMEFREE_TIMEZONE": "Nowhere/City"})
    assert code == 6
    assert "unknown time zone 'Nowhere/City'" in err


def test_a_setting_of_the_wrong_type_is_a_configuration_error_not_a_traceback() -> None:
    code, err = _run("parse", str(EXAMPLE), env={"BLAMEFREE_SMTP_PORT": "twenty-five"})
    assert code == 6
    assert err.startswith("error: BLAMEFREE_SMTP_PORT: ")
    assert "twenty-five" not in err  # values are not echoed: some settings are secrets


# --- default ids -----------------------------------------------------------------------------


def test_a_second_incident_on_the_same_day_gets_its_own_default_id(
    cli: Invoke, tmp_path: Path
) -> None:
    day = ("--date", "2024-06-03")
    first = cli("new", "-t", "Disk full", "-s", "P2", *day, "--save", "-o", str(tmp_path / "a.md"))
    assert first.exit_code == 0, first.stderr
    assert "Stored INC-20240603 (version 1)." in first.stderr
    second = cli("new", "-t", "Cache cold", "-s", "P3", *day, "--save")
    assert "Stored INC-20240603-2 (version 1)." in second.stderr
    # Without --save, a draft still skips the ids the store has.
    draft = tmp_path / "draft.md"
    assert cli("new", "-t", "DNS", "-s", "P3", *day, "-o", str(draft)).exit_code == 0
    assert "**Incident ID:** INC-20240603-3" in draft.read_text()
    assert cli("import", str(draft)).exit_code == 0


def test_an_existing_output_file_is_refused_before_anything_is_stored(
    cli: Invoke, tmp_path: Path
) -> None:
    taken = tmp_path / "taken.md"
    taken.write_text("mine\n", encoding="utf-8")
    run = cli("new", "-t", "x", "-s", "P1", "--id", "OPS-9", "--save", "-o", str(taken))
    assert run.exit_code == 2
    assert taken.read_text() == "mine\n"
    assert cli("show", "OPS-9").exit_code == 4


# --- reminders without a channel -------------------------------------------------------------


def test_remind_dry_run_shows_the_digests_with_no_channel_configured(cli: Invoke) -> None:
    for name in ("SMTP_HOST", "SLACK_WEBHOOK_URL", "WEBHOOK_URL"):
        os.environ.pop(f"BLAMEFREE_{name}", None)
    cli("import", str(EXAMPLE))
    run = cli("--now", "2024-03-25T09:00:00Z", "remind", "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert "no reminder channel is configured" in run.stderr
    assert "digest for Priya Raman" in run.stdout
    assert "Alert on pool saturation above 80% for 5 minutes" in run.stdout
    sent = cli("--now", "2024-03-25T09:00:00Z", "remind")
    assert sent.exit_code == 6


# --- 80 columns ------------------------------------------------------------------------------


def test_timeline_and_action_tables_fit_80_columns(cli: Invoke, tmp_path: Path) -> None:
    pagerduty = ROOT / "src" / "blamefree" / "data" / "demo-pagerduty-log.json"
    cli("import", str(EXAMPLE))
    cli("timeline", "import", "INC-2024-0142", "pagerduty", str(pagerduty))
    narrow = {"COLUMNS": "80"}
    timeline = cli("timeline", "list", "INC-2024-0142", env=narrow)
    actions = cli("--now", "2024-03-25T09:00:00Z", "actions", "list", env=narrow)
    for run in (timeline, actions):
        assert run.exit_code == 0
        assert max(len(row) for row in run.stdout.splitlines()) <= 80
        assert "…" not in run.stdout  # nothing is cut off, it wraps instead
    assert "│ HighErrorRate checkout (critical)" in timeline.stdout
    assert "2024-03-12 14:01:10 " in timeline.stdout  # whole times, no milliseconds of zeros
    assert "Alert on pool saturation" in actions.stdout


def test_actions_list_ids_prints_one_id_a_line(cli: Invoke) -> None:
    cli("import", str(EXAMPLE))
    run = cli("--now", "2024-03-25T09:00:00Z", "actions", "list", "--overdue", "--ids")
    listed = json.loads(
        cli("--now", "2024-03-25T09:00:00Z", "actions", "list", "--overdue", "--json").stdout
    )
    assert run.stdout.splitlines() == [item["id"] for item in listed]
    assert len(listed) == 1


def test_enum_values_are_what_the_domain_spells(cli: Invoke) -> None:
    # The help shows the values a script gets back in --json.
    text = cli("actions", "add", "--help").stdout
    assert "|".join(h.value for h in Horizon) in text
    assert "|".join(p.value for p in Priority) in text
    assert Severity.P0.value in cli("list", "--help").stdout
