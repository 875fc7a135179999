"""Apply the demo manifest (src/blamefree/data/demo/manifest.json) to a store through the CLI.

A test-side loader: it runs every command the manifest lists, in the manifest's order, and
resolves ``{action}`` to the id of the action item with the given text. The web demo loader
(``blamefree.web.demo.load_demo``) does the same through the service layer.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import typer

from blamefree.cli import app
from blamefree.web.demo import last_step_time

DEMO_DIR = Path(str(resources.files("blamefree").joinpath("data", "demo")))


def manifest() -> dict[str, Any]:
    """The demo manifest as data."""
    data: dict[str, Any] = json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))
    return data


@dataclass
class Ran:
    """What one CLI call did."""

    args: list[str]
    exit_code: int
    stdout: str
    stderr: str


class DemoCli:
    """The real CLI, built once (Typer rebuilds it on every CliRunner call, which is slow)."""

    def __init__(self, workdir: Path, *, database_url: str) -> None:
        self.command = typer.main.get_command(app)
        self.workdir = workdir
        self.database_url = database_url

    def __call__(self, args: Sequence[str]) -> Ran:
        """Run one command from the demo directory and return its exit code and output."""
        out, err = io.StringIO(), io.StringIO()
        with (
            contextlib.chdir(self.workdir),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = self.command.main(
                    args=["--db", self.database_url, *args],
                    prog_name="blamefree",
                    standalone_mode=False,
                )
            except SystemExit as stop:  # typer.Exit with a code
                code = stop.code
        exit_code = code if isinstance(code, int) else 0
        return Ran(list(args), exit_code, out.getvalue(), err.getvalue())


def _checked(run: Callable[[Sequence[str]], Ran], args: Sequence[str]) -> Ran:
    result = run(args)
    if result.exit_code != 0:
        raise AssertionError(
            f"blamefree {' '.join(args)} exited {result.exit_code}: {result.stderr or result.stdout}"
        )
    return result


@dataclass
class Loaded:
    """What loading the manifest did: each source import's result, by (incident, source)."""

    imports: dict[tuple[str, str], dict[str, Any]]
    action_ids: dict[tuple[str, str], str]


def load(run: Callable[[Sequence[str]], Ran], data: dict[str, Any]) -> Loaded:
    """Run the manifest's commands in order: people, post-mortems and sources, changes, reviews."""
    for person in data["people"]:
        name, email, slack = person["name"], person["email"], person["slack"]
        _checked(run, ["people", "add", name, "--email", email, "--slack", slack])
    imports: dict[tuple[str, str], dict[str, Any]] = {}
    for pm in data["postmortems"]:
        _checked(run, pm["import_command"])
        for source in pm["sources"]:
            result = _checked(run, [*source["command"], "--json"])
            imports[(pm["incident_id"], source["source"])] = json.loads(result.stdout)
    ids: dict[tuple[str, str], str] = {}
    for pm in data["postmortems"]:
        listed = _checked(run, ["actions", "list", "--incident", pm["incident_id"], "--json"])
        for item in json.loads(listed.stdout):
            ids[(pm["incident_id"], item["text"])] = item["id"]
    for change in data["action_changes"]:
        command = [
            ids[(change["incident_id"], change["item"])] if part == "{action}" else part
            for part in change["command"]
        ]
        _checked(run, command)
    for change in data["prevention_changes"]:
        _checked(run, change["command"])
    for review in data["reviews"]:
        _checked(run, review["command"])
    ticked = last_step_time(data).isoformat().replace("+00:00", "Z")
    for pm in data["postmortems"]:
        # Once the changes are in, each team ticks the success criteria the data now meets
        # (saves never tick them on their own: the author's ticks are kept as written), at the
        # time of the last change, as the web demo loader does.
        if pm["state"] != "draft":
            _checked(run, ["--now", ticked, "actions", "criteria", pm["incident_id"], "--apply"])
    return Loaded(imports, ids)
