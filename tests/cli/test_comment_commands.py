"""`blamefree comment add|list|resolve|reopen` on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import Invoke
from support.updates_doc import DOCUMENT

ID = "INC-2025-0031"
QUOTED = "The export job ran out of disk space for its temporary files."


@pytest.fixture
def stored(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BLAMEFREE_USER", "Kim")
    path = tmp_path / "ledger.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    assert cli("people", "add", "Noor", "--email", "noor@example.com").exit_code == 0
    return ID


def test_add_reply_list_resolve_reopen(cli: Invoke, stored: str) -> None:
    run = cli("comment", "add", stored, "-s", "Root Cause Analysis", "-l", "3", "Why? @Noor @ghost")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"Commented on {stored} (Root Cause Analysis, line 3): comment 1.",
        "Mentions Noor: told by the next `blamefree remind`.",
    ]
    assert "warning: @ghost names no one in the people directory" in " ".join(run.stderr.split())
    reply = cli("comment", "add", stored, "--reply-to", "1", "--as", "Noor", "Disk was 2 GB.")
    assert reply.stdout.strip() == f"Replied to {stored} (Root Cause Analysis, line 3): comment 2."
    listed = cli("comment", "list", stored)
    assert listed.exit_code == 0
    lines = [line.rstrip() for line in listed.stdout.splitlines()]
    assert lines[0].startswith("#1 Root Cause Analysis, line 3 · open ")
    assert lines[1:] == [
        f"  > {QUOTED}",
        lines[2],
        "  Why? @Noor @ghost",
        lines[4],
        "    Disk was 2 GB.",
    ]
    assert lines[2].startswith("  #1 Kim, ") and lines[4].startswith("    #2 Noor, ")
    data = json.loads(cli("comment", "list", stored, "--json").stdout)
    (thread,) = data["threads"]
    assert [(c["id"], c["author"], c["mentions"]) for c in thread["comments"]] == [
        (1, "Kim", ["Noor"]),
        (2, "Noor", []),
    ]
    assert cli("comment", "resolve", "2").stdout.strip() == f"Resolved thread #1 on {stored}."
    assert (
        cli("comment", "resolve", "1").stdout.strip() == f"Already resolved: thread #1 on {stored}."
    )
    assert cli("comment", "list", stored).stdout.strip() == (
        f"No open comments on {stored} (1 resolved; --all shows them)."
    )
    resolved = json.loads(cli("comment", "list", stored, "--all", "--json").stdout)
    assert (resolved["threads"][0]["resolved"], resolved["threads"][0]["resolved_by"]) == (
        True,
        "Kim",
    )
    assert cli("comment", "reopen", "1").stdout.strip() == f"Reopened thread #1 on {stored}."


def test_add_json_names_unknown_mentions(cli: Invoke, stored: str) -> None:
    run = cli("comment", "add", stored, "--section", "timeline", "cc @ghost", "--json")
    data = json.loads(run.stdout)
    assert (data["unknown_mentions"], data["comment"]["section"], data["comment"]["line"]) == (
        ["ghost"],
        "timeline",
        None,
    )


def test_errors_have_their_exit_codes(cli: Invoke, stored: str) -> None:
    bad = cli("comment", "add", stored, "--section", "Conclusions", "x")
    assert bad.exit_code == 3
    assert "'Conclusions' is not a section of the template" in bad.stderr
    far = cli("comment", "add", stored, "--section", "root_cause_analysis", "--line", "99", "x")
    assert far.exit_code == 3
    assert "Root Cause Analysis has lines 1 to" in far.stderr
    missing = cli("comment", "resolve", "42")
    assert (missing.exit_code, missing.stderr.strip()) == (4, "error: no comment 42")
    unknown = cli("comment", "list", "INC-2099-0001")
    assert unknown.exit_code == 4
