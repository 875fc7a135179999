"""The `blamefree` command line: thin commands over the services."""

from __future__ import annotations

from blamefree.cli import actions as _actions  # registers the commands
from blamefree.cli import backup as _backup  # registers the commands
from blamefree.cli import calendar as _calendar  # registers the commands
from blamefree.cli import comments as _comments  # registers the commands
from blamefree.cli import db as _db  # registers the commands
from blamefree.cli import lint as _lint  # registers the commands
from blamefree.cli import people as _people  # registers the commands
from blamefree.cli import policy as _policy  # registers the commands
from blamefree.cli import postmortems as _postmortems  # registers the commands
from blamefree.cli import remind as _remind  # registers the commands
from blamefree.cli import restrict as _restrict  # registers the commands
from blamefree.cli import review as _review  # registers the commands
from blamefree.cli import reviews as _reviews  # registers the commands
from blamefree.cli import search as _search  # registers the commands
from blamefree.cli import serve as _serve  # registers the commands
from blamefree.cli import timeline as _timeline  # registers the commands
from blamefree.cli import trackers as _trackers  # registers the commands
from blamefree.cli import updates as _updates  # registers the commands
from blamefree.cli import users as _users  # registers the commands
from blamefree.cli.app import app

_COMMAND_MODULES = (
    _postmortems,
    _lint,
    _remind,
    _actions,
    _trackers,
    _reviews,
    _comments,
    _review,
    _restrict,
    _people,
    _policy,
    _calendar,
    _timeline,
    _updates,
    _search,
    _db,
    _backup,
    _users,
    _serve,
)


def main() -> None:
    """Entry point of the `blamefree` command."""
    app()


__all__ = ["app", "main"]
