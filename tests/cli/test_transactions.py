"""One command, one transaction: counted with SQLAlchemy events while the real CLI runs.

Every transaction on any engine is counted (``Engine`` ``begin`` / ``commit`` / ``rollback``),
and separately the transactions of the command's unit of work (its ``Session``). The only
transaction outside the unit of work is the start-up look at the schema's revision.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from support.cli import Invoke
from support.updates_doc import DOCUMENT

DATA = Path(__file__).parent.parent / "data" / "importers"
ID = "INC-2025-0031"


class Transactions:
    """What the engines and sessions did while a command ran."""

    def __init__(self) -> None:
        self.engine: Counter[str] = Counter()
        self.session: Counter[str] = Counter()

    def reset(self) -> None:
        self.engine.clear()
        self.session.clear()


@pytest.fixture
def transactions() -> Iterator[Transactions]:
    seen = Transactions()

    def on_engine(name: str) -> Any:
        def count(*_args: Any) -> None:
            seen.engine[name] += 1

        return count

    def on_session(name: str) -> Any:
        def count(*_args: Any) -> None:
            seen.session[name] += 1

        return count

    listeners = [
        (Engine, "begin", on_engine("begin")),
        (Engine, "commit", on_engine("commit")),
        (Engine, "rollback", on_engine("rollback")),
        (Session, "after_begin", on_session("begin")),
        (Session, "after_commit", on_session("commit")),
        (Session, "after_rollback", on_session("rollback")),
    ]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        yield seen
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)


def _stored(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "ledger.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0


def _first_action(cli: Invoke) -> str:
    listed = json.loads(cli("actions", "list", "--json").stdout)
    return str(listed[0]["id"])


def _commands(cli: Invoke, tmp_path: Path) -> dict[str, list[str]]:
    other = tmp_path / "other.md"
    other.write_text(DOCUMENT.replace(ID, "INC-2025-0032"), encoding="utf-8")
    action = _first_action(cli)
    return {
        "import": ["import", str(other)],
        "timeline add": [
            "timeline",
            "add",
            ID,
            "--at",
            "2025-02-04T06:45:00Z",
            "--text",
            "Paged the on-call engineer",
        ],
        "timeline import": ["timeline", "import", ID, "csv", str(DATA / "manual.csv")],
        "actions set": ["actions", "set", action, "--status", "in_progress"],
        "actions criteria": ["actions", "criteria", ID, "--add", "Exports finish by 07:00"],
        "reviews record": ["reviews", "record", ID, "1w", "--notes", "Alert works"],
        "actions show": ["actions", "show", action],
        "actions prevention": ["actions", "prevention", ID],
        "show": ["show", ID, "--json"],
        "export": ["export", ID],
        "list": ["list"],
        "backup": ["backup", str(tmp_path / "store.zip")],
        "delete": ["delete", ID, "--yes"],  # last: the others need the post-mortem
    }


def test_each_command_is_one_transaction(
    cli: Invoke, tmp_path: Path, transactions: Transactions
) -> None:
    _stored(cli, tmp_path)
    counted: dict[str, tuple[int, int, int, int]] = {}
    for name, args in _commands(cli, tmp_path).items():
        transactions.reset()
        run = cli(*args)
        assert run.exit_code == 0, (name, run.stderr)
        counted[name] = (
            transactions.session["begin"],
            transactions.session["commit"],
            transactions.engine["begin"],
            transactions.engine["commit"] + transactions.engine["rollback"],
        )
    # (unit of work: began, committed; all engines: began, ended) -- the one engine
    # transaction more is the start-up look at the schema revision, which is only read.
    assert counted == {name: (1, 1, 2, 2) for name in counted}


def test_restore_backup_is_one_transaction(
    cli: Invoke, tmp_path: Path, transactions: Transactions
) -> None:
    _stored(cli, tmp_path)
    backup = tmp_path / "store.zip"
    assert cli("backup", str(backup)).exit_code == 0
    target = ["--db", f"sqlite:///{tmp_path / 'restored.sqlite3'}"]
    assert cli(*target, "db", "upgrade").exit_code == 0
    transactions.reset()
    run = cli(*target, "restore-backup", str(backup))
    assert run.exit_code == 0, run.stderr
    assert (transactions.session["begin"], transactions.session["commit"]) == (1, 1)
    transactions.reset()
    again = cli(*target, "restore-backup", str(backup))
    assert again.exit_code == 5
    assert (transactions.session["commit"], transactions.session["rollback"]) == (0, 1)


def test_a_failing_command_rolls_its_one_transaction_back(
    cli: Invoke, tmp_path: Path, transactions: Transactions
) -> None:
    _stored(cli, tmp_path)
    transactions.reset()
    run = cli("actions", "criteria", ID, "--check", "99")
    assert run.exit_code == 4
    assert (transactions.session["begin"], transactions.session["commit"]) == (1, 0)
    assert transactions.session["rollback"] == 1
    # Nothing of it was stored.
    history = json.loads(cli("history", ID, "--json").stdout)
    assert [entry["version"] for entry in history] == [1]
