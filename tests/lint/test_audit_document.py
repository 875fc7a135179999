"""Acceptance audit: a second filled post-mortem, written apart from the rules, linted end to end.

Every planted problem is found at its line and columns, and nothing else is reported: the same
document holds names as neutral actors, quoted chat, inline code, a code block and a blockquote
that use blaming words, a done item without an owner and consistent times and numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blamefree.cli import app
from blamefree.lint import lint_text

AUDIT = Path(__file__).parents[1] / "data" / "lint" / "audit-filled-postmortem.md"

# (rule, severity, line, column, end_line, end_column, field)
EXPECTED = [
    ("BF102", "error", 15, 17, 15, 31, "executive_summary.root_cause"),
    ("BF101", "error", 35, 47, 35, 67, "timeline.investigation.key_findings"),
    ("BF201", "warning", 68, 28, 68, 36, "impact_assessment.business_impact.customer_complaints"),
    ("BF105", "error", 80, 22, 80, 40, "root_cause_analysis.contributing_factors[0]"),
    ("BF103", "warning", 89, 1, 89, 8, "root_cause_analysis.why_we_didnt_catch_it"),
    ("BF106", "warning", 106, 4, 106, 70, "what_went_wrong.items[0]"),
    ("BF104", "error", 107, 28, 107, 36, "what_went_wrong.items[1]"),
    ("BF107", "warning", 108, 18, 108, 28, "what_went_wrong.items[2]"),
    ("BF103", "warning", 110, 20, 110, 31, "what_went_wrong.lessons"),
    ("BF203", "warning", 122, 7, 122, 72, "action_items.immediate[1]"),
    ("BF203", "warning", 127, 7, 127, 61, "action_items.short_term[0]"),
    ("BF203", "warning", 133, 7, 133, 55, "action_items.long_term[0]"),
    ("BF201", "warning", 136, 19, 136, 34, "action_items.long_term[0].priority"),
    ("BF201", "warning", 205, 18, 205, 24, "sign_off.reviewed_by"),
]

# What each span covers in the source, so a shifted column fails with a readable diff.
SPANS = [
    "Operator error",
    "Kenji's script wiped",
    "[Number]",
    "failed to document",
    "If only",
    "Why did nobody double-check the rotation script before running it?",
    "reckless",
    "simply had",
    "should have",
    "Make the rotation job wait until every pod reports the new secret",
    "Add a readiness probe that opens a database connection",
    "Move credential rotation to the secrets operator",
    "High/Medium/Low",
    "[Name]",
]


def test_every_planted_problem_is_found_at_its_place_and_nothing_else() -> None:
    text = AUDIT.read_text(encoding="utf-8")
    findings = lint_text(text, source=AUDIT.name)
    got = [
        (f.rule, f.severity.value, f.line, f.column, f.end_line, f.end_column, f.field)
        for f in findings
    ]
    assert got == EXPECTED
    lines = text.split("\n")
    assert [lines[f.line - 1][f.column - 1 : f.end_column - 1] for f in findings] == SPANS


def test_action_item_messages_name_what_is_missing() -> None:
    findings = lint_text(AUDIT.read_text(encoding="utf-8"))
    assert [f.message for f in findings if f.rule == "BF203"] == [
        "action item 'Make the rotation job wait until every pod reports the ne...' has no owner",
        "action item 'Add a readiness probe that opens a database connection' has no due date "
        "or priority",
        "action item 'Move credential rotation to the secrets operator' has no priority",
    ]


def test_cli_json_reports_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no project config above an empty directory
    monkeypatch.setenv("BLAMEFREE_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    result = CliRunner().invoke(app, ["lint", str(AUDIT), "--format", "json"])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert [
        (r["rule"], r["severity"], r["line"], r["column"], r["end_line"], r["end_column"])
        for r in rows
    ] == [row[:6] for row in EXPECTED]
    assert {r["file"] for r in rows} == {str(AUDIT)}
    assert all(r["category"].startswith("blame.") == r["rule"].startswith("BF1") for r in rows)
