"""docs/schemas.md: every published schema with its fields, generated from `SCHEMAS`."""

from __future__ import annotations

from typing import Any

from blamefree.schemas import SCHEMAS, InputModel, json_schema

PRINTED_BY: dict[str, str] = {
    "Postmortem": "`parse` (and `document` of PostmortemRead)",
    "PostmortemRead": "`show --json`, `export --format json`",
    "PostmortemSummaryRead": "`list --json` (a list)",
    "RevisionRead": "`history --json` (a list)",
    "MetricRead": "`metrics --json` (an object by metric name)",
    "CriterionRead": "`actions criteria --json` (a list)",
    "ImportOutcomeRead": "`import --json` (a list)",
    "RestoreRead": "`restore --json`",
    "EventRead": "`timeline list --json`, `timeline from` (lists)",
    "EventImportRead": "`timeline import --json`",
    "EventUpdate": "what `timeline edit` and `timeline mark` change",
    "ActionItemRead": "`actions list/add/set/assign/move --json`",
    "ActionItemDetailRead": "`actions show --json`",
    "PreventionMeasureRead": "`actions prevention --json` (a list)",
    "PushResultRead": "`actions push --json` (a list)",
    "PullResultRead": "`actions pull --json` (a list)",
    "ReviewRead": "`reviews list/schedule/record --json`",
    "PersonRead": "`people list --json` (a list)",
    "RemindReportRead": "`remind --json`",
    "DigestRead": "each digest of `remind --json`, and the body of a reminder webhook",
    "FindingRead": "`lint --format json` (a list)",
    "SearchPageRead": "`search --json`",
    "ReindexRead": "`reindex --json`",
    "BackupRead": "`backup --json`, `restore-backup --check --json`",
    "BackupRestoreRead": "`restore-backup --json`",
    "PolicyReportRead": "`policy status --json`",
    "PolicyItemRead": "`policy show ID --json`, and each item of PolicyReportRead",
    "ErrorRead": "the web API's answer to any error (the CLI prints the message instead)",
}
"""Where the CLI prints (or takes) each schema; the rest are for the web API."""


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_text(prop: dict[str, Any]) -> str:
    """A JSON Schema property as a short type for the reference table."""
    if "$ref" in prop:
        return _name(prop["$ref"])
    if "anyOf" in prop:
        return " or ".join(type_text(option) for option in prop["anyOf"])
    if "enum" in prop:
        return " \\| ".join(f"`{value}`" for value in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    kind = prop.get("type")
    if kind == "array":
        return f"list of {type_text(prop.get('items', {}))}"
    if kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        return f"object of {type_text(prop['additionalProperties'])}"
    if kind is None:
        return "any"
    return f"{kind} ({prop['format']})" if "format" in prop else str(kind)


def _cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


def schemas_reference() -> str:
    """The Markdown reference of every published schema."""
    lines = [
        "# Schemas",
        "",
        "Every `--json` output of the CLI is one of these read models (`...Read`), and the web",
        "API will take the inputs (`...Create`, `...Update`) and return the same reads.",
        "`blamefree schema NAME` prints one JSON Schema, `blamefree schema --all` all of them",
        "in one document. Generated from `blamefree.schemas.SCHEMAS` by",
        "`python -m blamefree.cli.reference`; a test keeps it current.",
        "",
        "| schema | kind | printed by |",
        "| --- | --- | --- |",
    ]
    for name, model in SCHEMAS.items():
        kind = "input" if issubclass(model, InputModel) else "output"
        lines.append(f"| [{name}](#{name.lower()}) | {kind} | {PRINTED_BY.get(name, '')} |")
    for name, model in SCHEMAS.items():
        schema = json_schema(name)
        doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        lines += ["", f"## {name}", "", doc, ""]
        required = set(schema.get("required", []))
        lines += ["| field | type | required | meaning |", "| --- | --- | --- | --- |"]
        for field, prop in schema.get("properties", {}).items():
            meaning = _cell(prop.get("description", ""))
            mark = "yes" if field in required else ""
            lines.append(f"| `{field}` | {_cell(type_text(prop))} | {mark} | {meaning} |")
    return "\n".join(lines) + "\n"
