"""`blamefree backup` and `blamefree restore-backup` as a user runs them: summaries, --json,
--check, and the exit codes of a store with data (5) and a damaged file (3)."""

from __future__ import annotations

import json
import stat
import zipfile
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blamefree.cli import app
from support.cli import Invoke, Run

EXAMPLE = Path(str(resources.files("blamefree").joinpath("data", "example-postmortem.md")))


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("BLAMEFREE_DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> Run:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


def test_backup_then_restore_into_a_new_file(run: Invoke, tmp_path: Path) -> None:
    invoke = run
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    assert invoke("--db", source, "--as", "Kim", "import", str(EXAMPLE)).exit_code == 0
    file = tmp_path / "store.zip"

    made: Run = invoke("--db", source, "--now", "2025-01-02T03:04:05Z", "backup", str(file))
    assert made.exit_code == 0, made.stderr
    assert made.stdout == ""
    tables = _tables(file)
    assert made.stderr.startswith(
        f"Backed up {_rows(file)} rows of {tables} tables from the store at "
    )
    assert "password hashes" in made.stderr
    assert stat.S_IMODE(file.stat().st_mode) == 0o600

    checked: Run = invoke("restore-backup", "--check", "--json", str(file))
    assert checked.exit_code == 0, checked.stderr
    data = json.loads(checked.stdout)
    assert (data["file"], data["created_at"], data["backend"]) == (
        str(file),
        "2025-01-02T03:04:05+00:00",
        "sqlite",
    )
    assert data["rows"] == _rows(file)
    assert {t["name"]: t["rows"] for t in data["tables"]}["postmortems"] == 1

    restored: Run = invoke("--db", target, "restore-backup", "--json", str(file))
    assert restored.exit_code == 0, restored.stderr
    summary = json.loads(restored.stdout)
    assert (summary["rows"], summary["reindexed"]) == (_rows(file), 1)
    assert summary["database_url"] == target
    listed: Run = invoke("--db", target, "list", "--json")
    assert [p["incident_id"] for p in json.loads(listed.stdout)] == ["INC-2024-0142"]

    again: Run = invoke("--db", target, "restore-backup", str(file))
    assert again.exit_code == 5
    assert "already holds data" in again.stderr
    assert "Restore into a new SQLite file" in again.stderr

    file.write_bytes(file.read_bytes()[:100])
    broken: Run = invoke(
        "--db", f"sqlite:///{tmp_path / 'third.sqlite3'}", "restore-backup", str(file)
    )
    assert broken.exit_code == 3
    assert f"error: {file}: not a Blamefree backup, or a truncated one" in broken.stderr


def test_a_store_that_is_not_there_is_not_backed_up(run: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite3"
    result = run("--db", f"sqlite:///{missing}", "backup", str(tmp_path / "b.zip"))
    assert result.exit_code == 6
    assert f"there is no store at {missing}, so there is nothing to back up" in result.stderr
    assert not missing.exists() and not (tmp_path / "b.zip").exists()


def test_the_store_file_itself_is_not_overwritten(run: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    assert run("--db", f"sqlite:///{store}", "import", str(EXAMPLE)).exit_code == 0
    before = store.read_bytes()
    result = run("--db", f"sqlite:///{store}", "backup", str(store))
    assert result.exit_code == 2
    assert f"{store} is the store itself" in result.stderr
    assert store.read_bytes() == before


def _tables(file: Path) -> int:
    with zipfile.ZipFile(file) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    return len(manifest["tables"])


def _rows(file: Path) -> int:
    with zipfile.ZipFile(file) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    return sum(t["rows"] for t in manifest["tables"])


def test_help_says_the_file_is_sensitive_and_the_store_must_be_empty(run: Invoke) -> None:
    invoke = run
    backup_help: Run = invoke("backup", "--help")
    assert "mode 0600" in backup_help.stdout
    restore_help: Run = invoke("restore-backup", "--help")
    assert "must be empty" in restore_help.stdout and "--check" in restore_help.stdout
