"""`blamefree restrict ID` on a real store: the local operator (admin-equivalent) restricts a
post-mortem, names members and lifts it; local reads still show it (docs/accounts.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import Invoke
from support.updates_doc import DOCUMENT

ID = "INC-2025-0031"


@pytest.fixture
def stored(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLAMEFREE_NOW", "2025-02-10T09:00:00Z")
    path = tmp_path / "ledger.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert cli("--as", "Kim", "import", str(path)).exit_code == 0


def test_restrict_name_members_and_lift_it(cli: Invoke, stored: None) -> None:
    run = cli("restrict", ID, "--member", "Sam Reyes", "--member", "@Lee")
    assert run.exit_code == 0, run.stderr
    assert f"{ID} is restricted" in run.stdout
    assert "Members: Lee, Sam Reyes" in run.stdout  # named at once: by name
    run = cli("restrict", ID, "--show", "--json")
    data = json.loads(run.stdout)
    assert (data["restricted"], data["owner"], data["members"], data["may_change"]) == (
        True,
        "Kim",
        ["Lee", "Sam Reyes"],
        True,
    )
    listed = cli("list", "--json")  # the local operator sees everything
    assert ID in listed.stdout
    run = cli("restrict", ID, "--off", "--remove-member", "lee", "--json")
    assert run.exit_code == 0, run.stderr
    assert (json.loads(run.stdout)["restricted"], json.loads(run.stdout)["members"]) == (
        False,
        ["Sam Reyes"],
    )
    audit = cli("audit", "--json")
    actions = [entry["action"] for entry in json.loads(audit.stdout)]
    assert actions[-4:] == ["restrict", "restriction.members", "unrestrict", "restriction.members"]


def test_an_unknown_id_is_not_found(cli: Invoke, stored: None) -> None:
    run = cli("restrict", "INC-NOPE")
    assert run.exit_code != 0
    assert "no post-mortem with incident id 'INC-NOPE'" in run.stderr
