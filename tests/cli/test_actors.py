"""Every write records who made it: `--as`, else BLAMEFREE_USER, else the login name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from blamefree.store import UnitOfWork, make_engine
from blamefree.store.tables import TimelineEventRow
from support.cli import Invoke
from support.updates_doc import DOCUMENT

DATA = Path(__file__).parent.parent / "data" / "importers"
ID = "INC-2025-0031"


@pytest.fixture(autouse=True)
def login(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("BLAMEFREE_USER", raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "login-kim")
    return "login-kim"


def _json(cli: Invoke, *args: str) -> Any:
    run = cli(*args, "--json")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def _stored(cli: Invoke, tmp_path: Path, *options: str) -> None:
    path = tmp_path / "ledger.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert cli(*options, "import", str(path)).exit_code == 0


def _recorders(database_url: str) -> dict[str, str | None]:
    engine = make_engine(database_url)
    try:
        with UnitOfWork(engine) as uow:
            rows = uow.session.execute(select(TimelineEventRow.text, TimelineEventRow.recorded_by))
            return {text: by for text, by in rows}
    finally:
        engine.dispose()


def test_history_names_who_made_each_version(cli: Invoke, tmp_path: Path) -> None:
    _stored(cli, tmp_path)  # the login name
    at = ["--at", "2025-02-04T06:45:00Z", "--text", "Paged the on-call engineer"]
    assert cli("--as", "Priya", "timeline", "add", ID, *at).exit_code == 0
    action = _json(cli, "actions", "list")[0]["id"]
    env = {"BLAMEFREE_USER": "Jonas"}
    assert cli("actions", "set", action, "--status", "done", env=env).exit_code == 0
    assert cli("--as", "Priya", "actions", "assign", action, "Lee", env=env).exit_code == 0
    assert cli("reviews", "record", ID, "1w", "--notes", "ok", env=env).exit_code == 0
    history = _json(cli, "history", ID)
    assert [(h["version"], h["by"]) for h in history] == [
        (1, "login-kim"),
        (2, "Priya"),
        (3, "Jonas"),
        (4, "Priya"),  # --as wins over BLAMEFREE_USER
    ]
    changes = _json(cli, "actions", "show", action)["history"]
    assert [(c["field"], c["by"]) for c in changes][-2:] == [
        ("status", "Jonas"),
        ("owner", "Priya"),
    ]
    reviews = _json(cli, "reviews", "list", "--all", "--incident", ID)
    assert [(r["kind"], r["by"]) for r in reviews if r["done_at"]] == [("1w", "Jonas")]
    table = cli("history", ID, env={"COLUMNS": "200"}).stdout
    assert "By" in table and "Priya" in table and "login-kim" in table


def test_events_keep_who_recorded_them(cli: Invoke, tmp_path: Path, database_url: str) -> None:
    _stored(cli, tmp_path)
    at = ["--at", "2025-02-04T06:45:00Z", "--text", "Paged the on-call engineer"]
    assert cli("--as", "Priya", "timeline", "add", ID, *at).exit_code == 0
    imported = cli("--as", "Importer", "timeline", "import", ID, "csv", str(DATA / "manual.csv"))
    assert imported.exit_code == 0, imported.stderr
    # A later save by someone else keeps who recorded the events it did not add.
    assert (
        cli(
            "--as",
            "Noor",
            "timeline",
            "add",
            ID,
            "--at",
            "2025-02-04T07:00:00Z",
            "--text",
            "Disk freed",
        ).exit_code
        == 0
    )
    recorders = _recorders(database_url)
    assert recorders["Paged the on-call engineer"] == "Priya"
    assert recorders["Disk freed"] == "Noor"
    assert recorders["Deploy 2024.03.12-3 to checkout"] == "Importer"
    assert {
        recorders[text]
        for text in recorders
        if text
        not in (
            "Paged the on-call engineer",
            "Disk freed",
        )
    } == {"Importer"}
    # ... and `timeline list --json` says so for each event.
    listed = {e["text"]: e["recorded_by"] for e in _json(cli, "timeline", "list", ID)}
    assert listed == recorders
