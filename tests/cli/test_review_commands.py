"""`blamefree review ...` and `blamefree audit` on a real store, as people type them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import Invoke
from support.updates_doc import DOCUMENT
from support.workflow_doc import ID, REVIEWABLE, TWO_APPROVALS

NOW = "2025-02-10T09:00:00Z"


@pytest.fixture
def stored(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BLAMEFREE_NOW", NOW)
    monkeypatch.setenv("BLAMEFREE_REVIEW_APPROVALS", TWO_APPROVALS)
    path = tmp_path / "ledger.md"
    path.write_text(REVIEWABLE, encoding="utf-8")
    assert cli("--as", "Kim", "import", str(path)).exit_code == 0
    run = cli(
        "review",
        "assign",
        ID,
        "--reviewer",
        "Ravi",
        "--approver",
        "Ana",
        "--approver",
        "Bo",
        "--as",
        "Kim",
    )
    assert run.exit_code == 0, run.stderr
    return path


def test_the_review_from_the_command_line(cli: Invoke, stored: Path) -> None:
    assert cli("review", "submit", ID, "--as", "Kim").exit_code == 0
    run = cli(
        "review", "request-changes", ID, "--as", "Ravi", "--comment", "Say why the disk filled"
    )
    assert run.exit_code == 0, run.stderr
    assert f"{ID}: draft" in run.stdout
    assert cli("review", "submit", ID, "--as", "Kim").exit_code == 0
    assert cli("review", "approve", ID, "--as", "Ana").exit_code == 0
    run = cli("review", "approve", ID, "--as", "Bo", "--json")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["state"], data["locked"], [a["name"] for a in data["approvals"]]) == (
        "approved",
        True,
        ["Ana", "Bo"],
    )
    assert data["sign_off"] == {
        "prepared_by": "Kim",
        "reviewed_by": "Ravi, Ana, Bo",
        "approved_by": "Ana, Bo",
        "date": "2025-02-10",
    }
    shown = json.loads(cli("show", ID, "--json").stdout)
    assert shown["document"]["sign_off"]["approved_by"] == "Ana, Bo"

    # Locked: an edit is refused with exit 5 until it is reopened with a reason.
    run = cli(
        "--as", "Kim", "timeline", "add", ID, "--at", "2025-02-09T03:00:00Z", "--text", "Disk alert"
    )
    assert run.exit_code == 5
    assert f"post-mortem {ID!r} is approved and takes no edit" in run.stderr
    run = cli("import", "--update", str(stored))
    assert run.exit_code == 5
    assert "is approved and takes no edit" in run.stdout + run.stderr
    run = cli("review", "reopen", ID)
    assert run.exit_code == 2  # --reason is required
    assert cli("review", "reopen", ID, "--as", "Kim", "--reason", "Missed a step").exit_code == 0
    run = cli(
        "--as", "Kim", "timeline", "add", ID, "--at", "2025-02-09T03:00:00Z", "--text", "Disk alert"
    )
    assert run.exit_code == 0, run.stderr

    status = json.loads(cli("review", "status", ID, "--json", "--as", "Kim").stdout)
    assert [(t["transition"], t["by"]) for t in status["transitions"]] == [
        ("submit", "Kim"),
        ("request-changes", "Ravi"),
        ("submit", "Kim"),
        ("approve", "Ana"),
        ("approve", "Bo"),
        ("reopen", "Kim"),
    ]
    assert status["allowed"] == ["submit"]

    entries = json.loads(cli("audit", ID, "--json").stdout)
    assert [e["action"] for e in entries][-4:] == [
        "workflow.sign-off",
        "workflow.reopen",
        "workflow.sign-off",
        "edit",
    ]
    assert {e["channel"] for e in entries} == {"cli"}
    assert entries[-1]["actor"] == "Kim"
    table = cli("audit", ID, "--limit", "2")
    assert table.exit_code == 0
    assert "workflow.sign-off" in table.stdout
    assert "Audit log (2)" in table.stdout


def test_the_author_is_refused_as_their_own_approver(cli: Invoke, stored: Path) -> None:
    assert cli("review", "submit", ID, "--as", "Kim").exit_code == 0
    run = cli("review", "approve", ID, "--as", "Kim")
    assert run.exit_code == 10
    assert f"cannot approve {ID}: Kim is its author and may not review it" in run.stderr
    run = cli("review", "publish", ID, "--as", "Ana")
    assert run.exit_code == 5
    assert "publish needs it approved" in run.stderr


def test_lint_errors_refuse_a_submission_with_the_findings(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLAMEFREE_NOW", NOW)
    path = tmp_path / "ledger.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert cli("--as", "Kim", "import", str(path)).exit_code == 0
    run = cli("review", "submit", ID, "--as", "Kim")
    assert run.exit_code == 3
    assert "BF202 section 'What Went Wrong' is missing" in run.stderr
    lenient = cli(
        "review", "submit", ID, "--as", "Kim", env={"BLAMEFREE_REVIEW_BLOCKING_LEVELS": ""}
    )
    assert lenient.exit_code == 0, lenient.stderr


def test_a_bad_approval_rule_is_a_configuration_error(cli: Invoke, stored: Path) -> None:
    run = cli("review", "status", ID, env={"BLAMEFREE_REVIEW_APPROVALS": "P1=two"})
    assert run.exit_code == 6
    assert (
        "BLAMEFREE_REVIEW_APPROVALS: 'P1=two': write SEVERITY=APPROVALS/FROM_APPROVERS"
        in run.stderr
    )
