"""Use cases for the people directory: who owns action items and how to reach them."""

from __future__ import annotations

import re

from sqlalchemy import Engine

from blamefree.errors import PersonNotFound, ValidationFailed
from blamefree.store import UnitOfWork
from blamefree.store.follow_through import FollowThroughRepository, Person

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
NAME_MAX = 200
"""The longest name the directory keeps (the column's size on every backend)."""
_SLACK = re.compile(r"^@?[a-z0-9][a-z0-9._-]{0,79}$|^[UW][A-Z0-9]{6,}$", re.IGNORECASE)


def add_person(
    engine: Engine, *, name: str, email: str | None = None, slack: str | None = None
) -> tuple[Person, bool]:
    """Add someone, or update their addresses; returns them and whether they were new."""
    name = name.strip()
    if not name:
        raise ValidationFailed("a person needs a name", field="name")
    if len(name) > NAME_MAX:
        # Checked here so SQLite and PostgreSQL refuse it alike, with the field named.
        raise ValidationFailed(
            f"a name is at most {NAME_MAX} characters, this one has {len(name)}", field="name"
        )
    if email is not None and not _EMAIL.match(email.strip()):
        raise ValidationFailed(f"{email!r} does not look like an email address", field="email")
    if slack is not None and not _SLACK.match(slack.strip()):
        raise ValidationFailed(
            f"{slack!r} is not a Slack handle (@name) or member id (U0123ABCD)", field="slack"
        )
    handle = slack.strip() if slack else None
    if handle and not handle.startswith("@") and not re.match(r"^[UW][A-Z0-9]{6,}$", handle):
        handle = "@" + handle
    with UnitOfWork(engine) as uow:
        repo = FollowThroughRepository(uow.session)
        new = repo.put_person(Person(name, email.strip() if email else None, handle))
        person = repo.person(name)
    assert person is not None
    return person, new


def list_people(engine: Engine) -> list[Person]:
    """Everyone in the directory, by name."""
    with UnitOfWork(engine) as uow:
        return FollowThroughRepository(uow.session).people()


def find_person(engine: Engine, *, name: str) -> Person | None:
    """Someone by name (case-insensitive when there is no exact match), or None."""
    with UnitOfWork(engine) as uow:
        return FollowThroughRepository(uow.session).person(name)


def remove_person(engine: Engine, *, name: str) -> None:
    """Take someone out of the directory."""
    with UnitOfWork(engine) as uow:
        if not FollowThroughRepository(uow.session).remove_person(name):
            raise PersonNotFound(f"{name!r} is not in the people directory")
