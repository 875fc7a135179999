"""Generate docs/cli.md from the command definitions, so the reference never drifts."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Any

import typer

from blamefree.cli.app import EXIT_CODES_HELP, app
from blamefree.cli.helptext import humanize
from blamefree.config import CONFIG_FILE_HELP, Settings
from blamefree.errors import errors_reference
from blamefree.schemas.reference import schemas_reference


def _commands(group: Any, prefix: str) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if command is None or command.hidden:
            continue
        path = f"{prefix} {name}"
        if hasattr(command, "list_commands"):
            found.append((path, command))
            found.extend(_commands(command, path))
        else:
            found.append((path, command))
    return found


def _param_row(param: Any) -> str:
    if param.param_type_name == "argument":
        name = f"`{(param.metavar or param.name or '').upper()}`"
    else:
        name = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        if param.metavar and not param.is_flag:
            name += " " + param.metavar.replace("|", " \\| ")
    help_text = (getattr(param, "help", None) or "").replace("\n", " ").replace("|", "\\|")
    default = getattr(param, "default", None)
    if param.param_type_name == "option" and default not in (None, False, (), []):
        help_text += f" (default: `{default}`)"
    return f"| {name} | {help_text} |"


def cli_reference() -> str:
    """The Markdown reference of every command."""
    root = humanize(typer.main.get_command(app))
    lines = [
        "# Command-line reference",
        "",
        "Generated from the code by `python -m blamefree.cli.reference`; a test keeps it current.",
        "",
        EXIT_CODES_HELP.replace(" \\\n", " ").strip(),
        "",
        "## blamefree",
        "",
        "| option | meaning |",
        "| --- | --- |",
    ]
    lines += [
        _param_row(p)
        for p in root.params
        if p.name not in ("install_completion", "show_completion")
    ]
    for path, command in _commands(root, "blamefree"):
        lines += ["", f"## {path}", "", (command.help or "").strip().replace("\b\n", ""), ""]
        params = [p for p in command.params if p.name != "help"]
        if params:
            lines += ["| argument / option | meaning |", "| --- | --- |"]
            lines += [_param_row(p) for p in params]
    return "\n".join(lines) + "\n"


def settings_reference() -> str:
    """The Markdown table of every setting."""
    lines = [
        "# Settings",
        "",
        "Every setting is an environment variable `BLAMEFREE_<NAME>`; command-line options such as",
        "`--db` and `--tz` override them for one run. Generated from `blamefree.config.Settings`.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        value = field.default.value if isinstance(field.default, enum.Enum) else field.default
        default = "(computed)" if field.default_factory is not None else repr(value)
        lines.append(f"| `BLAMEFREE_{name.upper()}` | {default} | {field.description} |")
        if name == "now":  # where the config file's own variable stood in the table
            lines.append(f"| `BLAMEFREE_CONFIG` | None | {CONFIG_FILE_HELP} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write docs/cli.md, settings.md, errors.md and schemas.md (or check them with --check)."""
    docs = Path(__file__).parents[3] / "docs"
    wanted = {
        docs / "cli.md": cli_reference(),
        docs / "settings.md": settings_reference(),
        docs / "errors.md": errors_reference(),
        docs / "schemas.md": schemas_reference(),
    }
    if "--check" in sys.argv:
        stale = [
            str(path)
            for path, text in wanted.items()
            if not path.exists() or path.read_text() != text
        ]
        if stale:
            sys.exit(f"out of date: {', '.join(stale)}; run python -m blamefree.cli.reference")
        return
    for path, text in wanted.items():
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
