"""Imports racing each other end the same way whatever the timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.cli import Invoke
from support.updates_doc import DOCUMENT, edited


def _start(database_url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "blamefree", *args],
        env={**os.environ, "BLAMEFREE_DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_imports_of_one_new_id_give_one_post_mortem_and_one_duplicate(
    cli: Invoke, tmp_path: Path, database_url: str
) -> None:
    assert cli("list").exit_code == 0  # the schema exists before the race starts
    for round_ in range(3):
        incident_id = f"INC-2025-01{round_}"
        path = tmp_path / f"race-{round_}.md"
        path.write_text(edited(DOCUMENT, "INC-2025-0031", incident_id), encoding="utf-8")
        runs = [_start(database_url, "import", str(path)) for _ in range(2)]
        outputs = [run.communicate(timeout=120) for run in runs]
        codes = sorted(run.returncode for run in runs)
        assert codes == [0, 5], outputs
        loser = next(err for run, (_out, err) in zip(runs, outputs, strict=True) if run.returncode)
        flat = " ".join(loser.split())
        assert f"post-mortem '{incident_id}' is in the store already; use --update" in flat
    listed = json.loads(cli("list", "--json").stdout)
    assert sorted(row["incident_id"] for row in listed) == [
        "INC-2025-010",
        "INC-2025-011",
        "INC-2025-012",
    ]
    assert {row["version"] for row in listed} == {1}


def test_two_imports_without_ids_on_one_day_get_different_ids(
    cli: Invoke, tmp_path: Path, database_url: str
) -> None:
    assert cli("list").exit_code == 0
    paths = []
    for name in ("night", "morning"):
        path = tmp_path / f"{name}.md"
        path.write_text(
            edited(DOCUMENT, "**Incident ID:** INC-2025-0031\n", "").replace(
                "Ledger export stalled overnight", f"Ledger export stalled ({name})"
            ),
            encoding="utf-8",
        )
        paths.append(path)
    runs = [_start(database_url, "import", str(path)) for path in paths]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    listed = json.loads(cli("list", "--json").stdout)
    assert sorted(row["incident_id"] for row in listed) == ["INC-20250204", "INC-20250204-2"]
    assert sorted(row["title"] for row in listed) == [
        "Post-Mortem: Ledger export stalled (morning)",
        "Post-Mortem: Ledger export stalled (night)",
    ]
