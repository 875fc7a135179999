"""`blamefree policy status|show` on a real store, as people type them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import Invoke
from support.workflow_doc import ID, REVIEWABLE

NOW = "2025-02-13T09:00:00Z"  # two business days past the submission deadline (02-11)


@pytest.fixture
def stored(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLAMEFREE_NOW", NOW)
    monkeypatch.setenv("BLAMEFREE_POLICY_DEADLINES", "P2=5/10")
    path = tmp_path / "ledger.md"
    path.write_text(REVIEWABLE, encoding="utf-8")
    assert cli("--as", "Kim", "import", str(path)).exit_code == 0


def test_status_lists_the_overdue_post_mortem_and_the_share(cli: Invoke, stored: None) -> None:
    run = cli("policy", "status")
    assert run.exit_code == 0, run.stderr
    assert (
        "Policy: P2: submitted within 5, approved within 10 business days; "
        "follow-up reviews for every post-mortem"
    ) in " ".join(run.stdout.split())
    assert "Post-mortems due (1)" in run.stdout
    assert "2025-02-11 (2d late)" in run.stdout
    assert "INC-2025-0031" in run.stdout
    assert "submission" in run.stdout
    assert "Kim" in run.stdout
    data = json.loads(cli("policy", "status", "--json").stdout)
    assert data["today"] == "2025-02-13"
    assert data["days"] == "business"
    assert data["rules"] == [{"severity": "P2", "submit_days": 5, "approve_days": 10}]
    assert data["due"] == []
    [item] = data["overdue"]
    assert {k: item[k] for k in ("incident_id", "stage", "due", "overdue", "days_late")} == {
        "incident_id": ID,
        "stage": "to submit",
        "due": "2025-02-11",
        "overdue": True,
        "days_late": 2,
    }
    p2 = next(row for row in data["compliance"] if row["severity"] == "P2")
    assert p2 == {
        "severity": "P2",
        "required": 1,
        "done": 0,
        "judged": 0,
        "on_time": 0,
        "unknown": 0,
        "share": None,
    }


def test_show_gives_one_post_mortem_and_overdue_filters(cli: Invoke, stored: None) -> None:
    run = cli("policy", "show", ID)
    assert run.exit_code == 0, run.stderr
    assert f"{ID}: submission overdue since 2025-02-11 (2 days)" in run.stdout
    assert "Counted from: 2025-02-04 (incident date)" in run.stdout
    assert "Approve by: 2025-02-18" in run.stdout
    shown = json.loads(cli("policy", "show", ID, "--json").stdout)
    assert (shown["required"], shown["done"], shown["state"]) == (True, False, None)
    later = cli("policy", "status", "--overdue", env={"BLAMEFREE_NOW": "2025-02-05T09:00:00Z"})
    assert "No post-mortem is overdue." in later.stdout
    missing = cli("policy", "show", "INC-0000-0000")
    assert missing.exit_code != 0
    assert "no post-mortem with incident id 'INC-0000-0000'" in missing.stderr


def test_a_bad_policy_is_a_configuration_error(cli: Invoke, stored: None) -> None:
    run = cli("policy", "status", env={"BLAMEFREE_POLICY_DEADLINES": "P1=soon"})
    assert run.exit_code == 6
    assert (
        "BLAMEFREE_POLICY_DEADLINES: 'P1=soon': write SEVERITY=SUBMIT_DAYS/APPROVE_DAYS"
        in run.stderr
    )
