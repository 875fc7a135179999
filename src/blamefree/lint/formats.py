"""Lint output: Rich text grouped by file, JSON, SARIF 2.1.0 and GitHub workflow commands."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from rich.console import Console
from rich.text import Text

from blamefree.lint.api import FileReport
from blamefree.lint.finding import Finding, Level, Rule
from blamefree.schemas.convert import finding_read, to_data
from blamefree.terminal import json_text, visible

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/blamefree/blamefree/blob/main/docs/lint.md"
_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "cyan"}
_SARIF_LEVEL = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}
_GITHUB_LEVEL = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}


def to_json(reports: list[FileReport]) -> str:
    """All findings as one JSON list."""
    rows = [
        to_data(finding_read(found, report.file)) for report in reports for found in report.findings
    ]
    return json_text(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n"


def to_sarif(reports: list[FileReport], rules: dict[str, Rule], *, version: str) -> str:
    """A SARIF 2.1.0 log with one run; every rule is described, results point at regions."""
    ids = list(rules)
    driver = {
        "name": "blamefree",
        "version": version,
        "informationUri": INFORMATION_URI,
        "rules": [
            {
                "id": rule.id,
                "name": rule.title,
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.description},
                "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
                "properties": {"category": rule.category},
            }
            for rule in rules.values()
        ],
    }
    results = []
    for report in reports:
        for found in report.findings:
            region = {
                "startLine": found.line,
                "startColumn": found.column,
                "endLine": found.end_line,
                "endColumn": found.end_column,
            }
            result: dict[str, Any] = {
                "ruleId": found.rule,
                "level": _SARIF_LEVEL[found.severity],
                "message": {"text": f"{found.message}. {found.suggestion}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(found.file or report.file)},
                            "region": region,
                        }
                    }
                ],
                "properties": {"category": found.category, "suggestion": found.suggestion},
            }
            if found.rule in rules:
                result["ruleIndex"] = ids.index(found.rule)
            if found.field:
                result["locations"][0]["logicalLocations"] = [
                    {"fullyQualifiedName": found.field, "kind": "member"}
                ]
            results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json_text(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def _uri(file: str) -> str:
    return file.replace("\\", "/").replace(" ", "%20")


def _escape_data(text: str) -> str:
    # Workflow commands land in CI logs: no raw control character may reach them either.
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(escaped, one_line=True)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(reports: list[FileReport]) -> str:
    """One ``::error file=...,line=...,col=...,endColumn=...::message`` command per finding."""
    lines = []
    for report in reports:
        for found in report.findings:
            props = {
                "file": found.file or report.file,
                "line": found.line,
                "col": found.column,
                "endLine": found.end_line,
                "endColumn": found.end_column,
                "title": f"{found.rule} {found.category}",
            }
            joined = ",".join(
                f"{key}={_escape_property(str(value))}" for key, value in props.items()
            )
            message = _escape_data(f"{found.message}. {found.suggestion}")
            lines.append(f"::{_GITHUB_LEVEL[found.severity]} {joined}::{message}")
    return "".join(line + "\n" for line in lines)


def summary(reports: list[FileReport]) -> str:
    """'2 errors, 1 warning in 1 of 3 files' or 'No problems in 3 files'."""
    counts = Counter(found.severity for report in reports for found in report.findings)
    files = sum(1 for report in reports if report.findings)
    plural = "" if len(reports) == 1 else "s"
    if not counts:
        return f"No problems in {len(reports)} file{plural}."
    parts = [
        f"{counts[level]} {level.value}{'' if counts[level] == 1 else 's'}"
        for level in Level
        if counts[level]
    ]
    return f"{', '.join(parts)} in {files} of {len(reports)} file{plural}."


def print_text(console: Console, reports: list[FileReport]) -> None:
    """Findings grouped by file, each with its line and the span underlined, then a summary.

    Everything taken from the document (file names, source lines, quoted spans) is printed
    literally with control characters shown as escapes, so a line cannot steer the terminal.
    """
    for report in reports:
        if not report.findings:
            continue
        console.print(Text(_visible(report.file), style="bold underline"))
        lines = report.text.split("\n")
        for found in report.findings:
            _print_finding(console, found, report.file, lines)
        console.print()
    if reports:
        console.print(Text(summary(reports), style="bold"))


def _visible(text: str) -> str:
    return visible(text, one_line=True)


def _print_finding(console: Console, found: Finding, file: str, lines: list[str]) -> None:
    head = Text()
    head.append(_visible(f"{found.file or file}:{found.line}:{found.column}"), style="bold")
    head.append("  ")
    head.append(found.severity.value, style=_STYLE[found.severity])
    head.append(f"  {found.rule} ", style="bold")
    head.append(f"[{found.category}]", style="dim")
    head.append(_visible(f"  {found.message}"))
    if found.field:
        head.append(_visible(f"  ({found.field})"), style="dim")
    console.print(head, soft_wrap=True)
    source = lines[found.line - 1].expandtabs(1) if 0 < found.line <= len(lines) else ""
    end = found.end_column if found.end_line == found.line else len(source) + 1
    # The carets follow the escaped text, so they stay under the span they mark.
    before = _visible(source[: found.column - 1])
    span = _visible(source[found.column - 1 : max(end, found.column) - 1])
    gutter = f"{found.line:>5} │ "
    row = Text(gutter, style="dim")
    row.append(_visible(source))
    console.print(row, soft_wrap=True, highlight=False)
    marks = Text(" " * (len(gutter) - 2) + "│ ", style="dim")
    marks.append(" " * len(before) + "^" * max(1, len(span)), style=_STYLE[found.severity])
    console.print(marks, soft_wrap=True)
    help_line = Text(_visible(f"      = help: {found.suggestion}"), style="green")
    console.print(help_line, soft_wrap=True)
