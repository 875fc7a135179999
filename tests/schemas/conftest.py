"""The real `blamefree` app in-process against a real store, for the schema tests."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from blamefree.cli import app
from support.cli import Invoke, Run


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Call the CLI with the test store selected; returns exit code, stdout and stderr."""
    monkeypatch.setenv("BLAMEFREE_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Run:
        result = runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke
