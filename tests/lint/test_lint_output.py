"""Output formats, suppression comments and project config of the linter."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from blamefree.errors import ConfigError
from blamefree.lint import formats
from blamefree.lint.api import RULES, FileReport, report_text
from blamefree.lint.config import LintConfig, find_config, load_config
from blamefree.lint.finding import Level
from blamefree.lint.suppress import read_suppressions

DATA = Path(__file__).parents[1] / "data" / "lint"
FILLED = (DATA / "filled-postmortem.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report() -> FileReport:
    return report_text(FILLED, source="docs/pm/filled.md")


# --- formats ------------------------------------------------------------------------------


def test_json_lists_every_finding_with_its_keys(report: FileReport) -> None:
    rows = json.loads(formats.to_json([report]))
    assert len(rows) == 11
    assert rows[1] == {
        "rule": "BF101",
        "category": "blame.person",
        "severity": "error",
        "file": "docs/pm/filled.md",
        "line": 35,
        "column": 21,
        "end_line": 35,
        "end_column": 31,
        "message": "names a person as the cause of a failure: 'Dave broke'",
        "suggestion": rows[1]["suggestion"],
        "field": "timeline.investigation.key_findings",
    }
    assert rows[1]["suggestion"].startswith("Describe the action and its conditions")


def test_sarif_has_the_required_structure(report: FileReport) -> None:
    """SARIF 2.1.0 required properties, checked by hand: no package on PyPI ships the schema."""
    log = json.loads(formats.to_sarif([report], RULES, version="9.9"))
    assert log["version"] == "2.1.0"
    assert log["$schema"] == formats.SARIF_SCHEMA
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("blamefree", "9.9")
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    assert {rule["defaultConfiguration"]["level"] for rule in driver["rules"]} == {
        "error",
        "warning",
    }
    assert len(run["results"]) == 11
    result = run["results"][1]
    assert result["ruleId"] == "BF101"
    assert driver["rules"][result["ruleIndex"]]["id"] == "BF101"
    assert result["level"] == "error"
    assert result["message"]["text"].startswith("names a person as the cause of a failure")
    (location,) = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "docs/pm/filled.md"
    assert physical["region"] == {
        "startLine": 35,
        "startColumn": 21,
        "endLine": 35,
        "endColumn": 31,
    }
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "timeline.investigation.key_findings", "kind": "member"}
    ]
    levels = {r["level"] for r in run["results"]}
    assert levels <= {"error", "warning", "note", "none"}


def test_github_prints_one_workflow_command_per_finding(report: FileReport) -> None:
    lines = formats.to_github([report]).splitlines()
    assert len(lines) == 11
    assert lines[1] == (
        "::error file=docs/pm/filled.md,line=35,col=21,endLine=35,endColumn=31,"
        "title=BF101 blame.person::names a person as the cause of a failure: 'Dave broke'. "
        + report.findings[1].suggestion
    )
    assert lines[0].startswith("::error ")
    assert lines[2].startswith("::warning file=docs/pm/filled.md,line=66,col=23,")


def test_github_escapes_newlines_percent_and_property_separators() -> None:
    text = FILLED.replace("**Percentage:** 41%", "**Percentage:** 39%")
    lines = formats.to_github([report_text(text, source="a,b:c.md")]).splitlines()
    (line,) = [line for line in lines if "BF304" in line]
    assert line.startswith("::error file=a%2Cb%3Ac.md,line=59,")
    assert "percentage 39% does not match" not in line
    assert "percentage 39%25 does not match affected / total users" in line


def test_text_groups_by_file_and_underlines_the_span(report: FileReport) -> None:
    out = io.StringIO()
    formats.print_text(Console(file=out, width=200, color_system=None), [report])
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0] == "docs/pm/filled.md"
    start = lines.index(
        "docs/pm/filled.md:35:21  error  BF101 [blame.person]  names a person as the cause "
        "of a failure: 'Dave broke'  (timeline.investigation.key_findings)"
    )
    assert lines[start + 1] == (
        "   35 │ - **Key Findings:** Dave broke the deploy by switching the alias early."
    )
    assert lines[start + 2] == "      │                     ^^^^^^^^^^"
    assert lines[start + 3].startswith("      = help: Describe the action")
    assert lines[-1] == "4 errors, 7 warnings in 1 of 1 file."


def test_summary_when_clean() -> None:
    assert formats.summary([FileReport("a.md", "", []), FileReport("b.md", "", [])]) == (
        "No problems in 2 files."
    )


# --- suppression --------------------------------------------------------------------------


def test_comment_on_its_own_line_silences_the_next_line() -> None:
    text = FILLED.replace(
        "- **Key Findings:** Dave", "<!-- blamefree: ignore BF101 -->\n\n- **Key Findings:** Dave"
    )
    found = report_text(text).findings
    assert [f.rule for f in found if f.rule.startswith("BF10")] == [
        "BF102",
        "BF105",
        "BF103",
        "BF106",
        "BF104",
        "BF107",
    ]
    assert len(found) == 10


def test_trailing_comment_silences_its_own_line_and_only_the_listed_rules() -> None:
    text = FILLED.replace(
        "**Root Cause:** Human error during the alias switch.",
        "**Root Cause:** Human error during the alias switch. <!-- blamefree: ignore BF2 -->",
    )
    assert [(f.rule, f.line) for f in report_text(text).findings][:1] == [("BF102", 15)]
    text = text.replace("ignore BF2", "ignore BF102")
    assert ("BF102", 15) not in [(f.rule, f.line) for f in report_text(text).findings]


def test_ignore_file_with_prefixes_and_without_ids() -> None:
    text = "<!-- blamefree: ignore-file BF1, BF203 -->\n" + FILLED
    rules = sorted({f.rule for f in report_text(text).findings})
    assert rules == ["BF201"]
    everything = "<!-- blamefree: ignore-file -->\n" + FILLED
    assert report_text(everything).findings == []


def test_edit_notes_are_not_suppressions() -> None:
    found = read_suppressions("<!-- blamefree: line 3: bad date -->\ntext")
    assert (found.file, found.lines) == ((), {})


# --- config -------------------------------------------------------------------------------

TOML = """\
[blamefree]
smtp_host = "mail.example"

[blamefree.lint]
select = ["BF1", "BF3"]
ignore = ["BF107"]
severity-threshold = "error"
extra-blame-words = ["yolo"]
allowed-names = ["Hermes"]

[blamefree.lint.severity]
BF103 = "error"

[blamefree.lint.required-sections]
P3 = ["Root Cause Analysis"]
"""


def test_blamefree_toml_is_found_from_a_sub_directory(tmp_path: Path) -> None:
    (tmp_path / "blamefree.toml").write_text(TOML)
    nested = tmp_path / "postmortems" / "2024"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / "blamefree.toml"
    config = load_config(start=nested)
    assert config.select == ("BF1", "BF3")
    assert config.ignore == ("BF107",)
    assert config.severity_threshold is Level.ERROR
    assert config.level("BF103", Level.WARNING) is Level.ERROR
    assert config.extra_blame_words == ("yolo",)
    assert config.allowed_names == ("Hermes",)
    assert config.required_sections["P3"] == ("root_cause_analysis",)  # type: ignore[index]


def test_pyproject_without_the_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.blamefree.lint]\nignore = ["BF2"]\n')
    inner = tmp_path / "docs"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(start=inner).ignore == ("BF2",)


def test_no_config_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(start=tmp_path) == LintConfig()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[blamefree.lint]\nselct = ['BF1']\n", "selct"),
        ("[blamefree.lint]\nseverity-threshold = 'loud'\n", "severity-threshold"),
        ("[blamefree.lint.required-sections]\nP1 = ['Postscript']\n", "unknown section"),
        ("[blamefree.lint\n", "not valid TOML"),
    ],
)
def test_config_mistakes_are_config_errors(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "blamefree.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


# --- docs and packaging ------------------------------------------------------------------

ROOT = Path(__file__).parents[2]


def test_every_rule_is_documented_with_its_category_and_severity() -> None:
    docs = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| {rule.id} | {rule.category} | {rule.severity.value} |" in docs, rule.id


def test_pre_commit_hook_definition() -> None:
    lines = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8").splitlines()
    hook = [line.strip() for line in lines if line and not line.startswith("#")]
    assert hook[0] == "- id: blamefree-lint"
    assert {"entry: blamefree lint", "language: python", r"files: \.md$"} <= set(hook)
