"""Every command's --help speaks the user's language: no Python types, no {placeholders}."""

import re

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from blamefree.cli import app
from blamefree.cli.helptext import humanize

PYTHON_WORDS = re.compile(
    r"<(?:str|bool|int|float|path|file|dir|datetime|uuid)>|<[A-Z][A-Za-z]*>|list\[|NoneType"
    r"|\bbool\b|\bstr\b|\bOptional\b"
)


def _paths(group: TyperGroup, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, TyperGroup):
            found += _paths(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _paths(humanize(typer.main.get_command(app)))


def test_every_command_is_walked() -> None:
    assert len(COMMANDS) > 40
    assert ("actions", "add") in COMMANDS
    assert ("timeline", "import") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "blamefree")
def test_help_has_no_python_types(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert PYTHON_WORDS.search(text) is None, PYTHON_WORDS.search(text)
    usage = next(row for row in text.splitlines() if "Usage:" in row)
    assert "{" not in usage and "}" not in usage, usage
    assert "-h" in text  # the short help option survives the walk


def test_options_say_what_goes_in_them() -> None:
    text = CliRunner().invoke(app, ["actions", "add", "--help"], env={"COLUMNS": "140"}).output
    assert re.search(r"--due\s+DATE", text)
    assert re.search(r"--owner\s+NAME", text)
    assert re.search(r"--horizon\s+immediate\|short_term\|long_term", text)
    assert "Usage: blamefree actions add [OPTIONS] ID TEXT" in text
    lint = CliRunner().invoke(app, ["lint", "--help"], env={"COLUMNS": "140"}).output
    assert "Usage: blamefree lint [OPTIONS] FILE_OR_ID..." in lint
    push = CliRunner().invoke(app, ["actions", "push", "--help"], env={"COLUMNS": "140"}).output
    assert "[ACTION...]" in push
