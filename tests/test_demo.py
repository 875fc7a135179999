from pathlib import Path

import pytest

from blamefree import demo


def test_demo_runs_the_tour_on_a_fresh_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    assert demo.main() == 0
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "2 imported, 0 failed." in out
    assert "Post-mortems (2)" in out
    assert "Checkout API outage after connection-pool change" in out
    assert (tmp_path / ".blamefree-demo" / "blamefree.sqlite3").is_file()
    assert "Read 7 events from pagerduty: added 7" in out
    assert "Alert on pool saturation" in out  # overdue on the demo's fixed date
    assert "BF101" in out
    # A second run starts from a fresh store again.
    assert demo.main() == 0
    assert "Post-mortems (2)" in capsys.readouterr().out


def test_demo_hints_stay_whole_on_a_narrow_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A deep working folder makes the paths longer than the terminal is wide.
    deep = tmp_path / ("a-rather-long-folder-name-" * 3)
    deep.mkdir()
    monkeypatch.chdir(deep)
    monkeypatch.setenv("COLUMNS", "60")
    assert demo.main() == 0
    rows = capsys.readouterr().out.splitlines()
    url = f"sqlite:///{deep / '.blamefree-demo' / 'blamefree.sqlite3'}"
    assert f"  export BLAMEFREE_DATABASE_URL={url}" in rows  # one line, ready to paste
    assert any(row.endswith(str(Path(".blamefree-demo") / "blamefree.sqlite3")) for row in rows)


ROOT = Path(__file__).parents[1]


def _make_target(name: str) -> list[str]:
    """The recipe lines of one Makefile target."""
    rows = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(n for n, row in enumerate(rows) if row.startswith(f"{name}:"))
    recipe = []
    for row in rows[start + 1 :]:
        if not row.startswith("\t"):
            break
        recipe.append(row.strip())
    return recipe


def test_make_run_serves_the_demo_and_make_tour_keeps_the_cli_tour() -> None:
    assert _make_target("run") == ["$(BIN)/blamefree serve --demo"]
    assert _make_target("tour") == ["$(BIN)/python -m blamefree.demo"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make run    # creates .venv, installs Blamefree, serves the web app" in quick_start
    assert "`make run` starts `blamefree serve --demo`" in quick_start
    assert "http://127.0.0.1:8000/" in quick_start
    assert "make tour   # the guided command-line tour" in quick_start
    assert quick_start.index("make run") < quick_start.index("make tour")
