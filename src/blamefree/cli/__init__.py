"""The `blamefree` command line: thin commands over the services."""

from __future__ import annotations

from blamefree.cli import lint as _lint  # registers the commands
from blamefree.cli import postmortems as _postmortems  # registers the commands
from blamefree.cli import timeline as _timeline  # registers the commands
from blamefree.cli.app import app

_COMMAND_MODULES = (
    _postmortems,
    _lint,
    _timeline,
)


def main() -> None:
    """Entry point of the `blamefree` command."""
    app()


__all__ = ["app", "main"]
