"""What the CLI adds to an error's message when it prints it: the command or option that helps.

Errors say what is wrong in words that fit the web app as well; naming ``--update`` or
``blamefree actions list`` is the shell's business, so those hints live here, keyed by error
class (and, where one class has several causes, by the field it names or the command run).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from blamefree.errors import (
    ActionItemNotFound,
    BlamefreeError,
    DuplicatePostmortem,
    EventNotFound,
    MergeConflict,
    OwnersUnreachable,
    PersonNotFound,
    StoreNotEmpty,
    ValidationFailed,
    WouldLoseWork,
    ZoneMissing,
)

Hint = Callable[[BlamefreeError, str], str | None]
"""(error, command name as typed, e.g. ``import``) -> the text to add after the message."""

PEOPLE_ADD = " (`blamefree people add NAME --email ADDRESS`)"
"""How the CLI adds an address for an owner reminders cannot reach."""

FIELD_OPTIONS = {"time": "--at", "since": "--since", "until": "--until"}
"""Fields of a ValidationFailed that the CLI takes as an option of another name."""


def _quoted(incident_id: str | None) -> str:
    return shlex.quote(incident_id) if incident_id else "ID"


def _duplicate(error: BlamefreeError, command: str) -> str | None:
    return "; use --update to save this file as its next version" if command == "import" else None


def _conflict(error: BlamefreeError, command: str) -> str | None:
    if command != "import":
        return None
    incident_id = _quoted(getattr(error, "incident_id", None))
    return (
        "\nTo keep a stored value, write it into the file (or start again from "
        f"`blamefree export {incident_id}`); to keep the file's values, import it again "
        "with --force."
    )


def _would_lose(error: BlamefreeError, command: str) -> str | None:
    if command != "import":
        return None
    incident_id = _quoted(getattr(error, "incident_id", None))
    return (
        f"\nMake your changes in `blamefree export {incident_id}` and import that, or "
        "import this file again with --force to replace the stored post-mortem with it."
    )


def _field_option(error: BlamefreeError, command: str) -> str | None:
    field = error.field if isinstance(error, ValidationFailed) else None
    option = FIELD_OPTIONS.get(field or "")
    return f" (option {option})" if option else None


HINTS: dict[type[BlamefreeError], Hint] = {
    EventNotFound: lambda _e, _c: "; `blamefree timeline list ID` shows the references",
    ActionItemNotFound: lambda _e, _c: "; `blamefree actions list` shows the ids",
    PersonNotFound: lambda _e, _c: "; `blamefree people list` shows who is there",
    DuplicatePostmortem: _duplicate,
    MergeConflict: _conflict,
    WouldLoseWork: _would_lose,
    ValidationFailed: _field_option,
    ZoneMissing: lambda _e, _c: " (option --tz)",
    OwnersUnreachable: lambda _e, _c: PEOPLE_ADD,
    StoreNotEmpty: lambda _e, _c: (
        "\nRestore into a new SQLite file (`blamefree --db sqlite:///restored.sqlite3 "
        "restore-backup FILE`) or an empty PostgreSQL database (`blamefree db upgrade` first)."
    ),
}


def hint_for(error: BlamefreeError, command: str = "") -> str:
    """The hint the CLI adds for this error (nearest class with one), or ``""``."""
    for klass in type(error).__mro__:
        hint = HINTS.get(klass)
        if hint is not None:
            return hint(error, command) or ""
    return ""


def described(error: BlamefreeError, command: str = "") -> str:
    """The error's message with the CLI's hint added, as the CLI prints it."""
    return f"{error}{hint_for(error, command)}"
