"""`blamefree lint` end to end: exit codes, formats, stdin, stored documents, config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blamefree.cli import app
from support.cli import Invoke, Run

DATA = Path(__file__).parents[1] / "data" / "lint"
FILLED = (DATA / "filled-postmortem.md").read_text(encoding="utf-8")
CLEAN = (DATA / "clean-postmortem.md").read_text(encoding="utf-8")


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    """The real app in-process, run from an empty directory (no project config) on a test store."""
    monkeypatch.setenv("BLAMEFREE_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Run:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "filled.md"
    path.write_text(FILLED, encoding="utf-8")
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.md"
    path.write_text(CLEAN, encoding="utf-8")
    return path


def test_clean_file_exits_0(cli: Invoke, clean: Path) -> None:
    run = cli("lint", str(clean))
    assert (run.exit_code, run.stdout.strip()) == (0, "No problems in 1 file.")


def test_findings_exit_1_and_the_text_shows_the_line(cli: Invoke, filled: Path) -> None:
    run = cli("lint", str(filled))
    assert run.exit_code == 1
    assert f"{filled}:35:21  error  BF101 [blame.person]" in run.stdout
    assert "      │                     ^^^^^^^^^^\n" in run.stdout
    assert run.stdout.rstrip().endswith("4 errors, 7 warnings in 1 of 1 file.")


def test_threshold_select_and_ignore(cli: Invoke, filled: Path) -> None:
    assert (
        cli("lint", str(filled), "--severity-threshold", "error", "--ignore", "BF1").exit_code == 0
    )
    run = cli("lint", str(filled), "--select", "BF101,BF203", "--format", "json")
    rows = json.loads(run.stdout)
    assert [(r["rule"], r["line"]) for r in rows] == [("BF101", 35), ("BF203", 123), ("BF203", 128)]
    assert run.exit_code == 1
    assert (
        cli("lint", str(filled), "--select", "BF203", "--severity-threshold", "error").exit_code
        == 0
    )


def test_stdin(cli: Invoke) -> None:
    run = cli("lint", "-", "--format", "json", "--select", "BF1", input=FILLED)
    rows = json.loads(run.stdout)
    assert {r["file"] for r in rows} == {"<stdin>"}
    assert len(rows) == 7
    named = cli("lint", "-", "--stdin-filename", "pm.md", "-f", "github", input=FILLED)
    assert named.stdout.splitlines()[0].startswith("::error file=pm.md,line=15,col=17,")


def test_parse_error_exits_3_and_other_files_are_still_checked(
    cli: Invoke, tmp_path: Path, clean: Path
) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(FILLED.replace("**Date:** 2024-05-14", "**Date:** 2024-13-45"), encoding="utf-8")
    run = cli("lint", str(bad), str(clean))
    assert run.exit_code == 3
    assert f"{bad}:4" in run.stderr
    assert "field 'date'" in run.stderr
    assert "No problems in 1 file." in run.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "README.md", "--format", "xml"),
        ("lint", "README.md", "--severity-threshold", "loud"),
        ("lint",),
    ],
)
def test_usage_errors_exit_2(cli: Invoke, args: tuple[str, ...]) -> None:
    assert cli(*args).exit_code == 2


@pytest.mark.parametrize("target", ["missing.md", "notes/missing"])
def test_unreadable_input_exits_3(cli: Invoke, target: str) -> None:
    run = cli("lint", target)
    assert run.exit_code == 3
    assert f"error: {target}: no such file" in run.stderr


def test_stored_document_by_id(cli: Invoke, filled: Path) -> None:
    assert cli("import", str(filled)).exit_code == 0
    run = cli("lint", "INC-2024-0311", "--format", "json", "--select", "BF101,BF203")
    rows = json.loads(run.stdout)
    assert [(r["rule"], r["file"], r["field"]) for r in rows] == [
        ("BF101", "INC-2024-0311", "timeline.investigation.key_findings"),
        ("BF203", "INC-2024-0311", "action_items.immediate[1]"),
        ("BF203", "INC-2024-0311", "action_items.short_term[0]"),
    ]
    assert run.exit_code == 1
    assert cli("lint", "INC-2099-0001").exit_code == 4


def test_sarif_output(cli: Invoke, filled: Path) -> None:
    log = json.loads(cli("lint", str(filled), "--format", "sarif").stdout)
    assert log["version"] == "2.1.0"
    assert len(log["runs"][0]["results"]) == 11


def test_project_config_is_used_and_config_option_wins(
    cli: Invoke, tmp_path: Path, filled: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.blamefree.lint]\nignore = ["BF1", "BF2"]\n', encoding="utf-8"
    )
    assert cli("lint", str(filled)).exit_code == 0
    other = tmp_path / "strict.toml"
    other.write_text('[blamefree.lint]\nselect = ["BF203"]\n', encoding="utf-8")
    run = cli("lint", str(filled), "--config", str(other), "-f", "json")
    assert [r["rule"] for r in json.loads(run.stdout)] == ["BF203", "BF203"]
    broken = tmp_path / "broken.toml"
    broken.write_text("[blamefree.lint]\nselct = 1\n", encoding="utf-8")
    assert cli("lint", str(filled), "--config", str(broken)).exit_code == 6


def test_a_folder_means_every_markdown_file_below_it(cli: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "postmortems" / "2024"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text(FILLED, encoding="utf-8")
    (folder / "b.md").write_text(CLEAN, encoding="utf-8")
    (folder / "notes.txt").write_text("not markdown", encoding="utf-8")
    run = cli("lint", str(tmp_path / "postmortems"), "-f", "json", "--select", "BF101")
    rows = json.loads(run.stdout)
    assert [(Path(r["file"]).name, r["line"]) for r in rows] == [("a.md", 35)]
