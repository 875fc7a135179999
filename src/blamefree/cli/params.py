"""How the command line reads what people type: choices from the enumerations, and ids.

Every enumeration option takes its values the way people write them (``short-term``,
``Short term``, ``p1``, ``SEV1``, ``med``) and a wrong one names what is allowed. Every id
argument is checked against the grammar in ``blamefree.domain.ids`` before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, TypeVar

import typer

from blamefree.domain import ids
from blamefree.domain.enums import parse_choice
from blamefree.errors import ValidationFailed

E = TypeVar("E", bound=StrEnum)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")
]
"""The ``--json`` option of every command that can print JSON."""


def choice(kind: type[E]) -> Callable[[str | E], E]:
    """A Typer ``parser`` for an enumeration: forgiving about spelling, strict about meaning."""

    def parse(value: str | E) -> E:
        try:
            return parse_choice(kind, value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc

    return parse


def _checked(check: Callable[[str], str], field: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            return check(value)
        except ValueError as exc:
            raise ValidationFailed(str(exc), field=field) from exc

    return parse


incident_id = _checked(ids.incident_id, "incident_id")
"""Parser for an incident id argument or option."""
action_id = _checked(ids.action_id, "action_id")
"""Parser for an action item id argument."""
event_ref = _checked(ids.event_ref, "event_ref")
"""Parser for a timeline event reference argument."""

IncidentId = Annotated[str, typer.Argument(metavar="ID", help="Incident ID.", parser=incident_id)]
StoredIncidentId = Annotated[
    str,
    typer.Argument(metavar="ID", help="Incident ID of a stored post-mortem.", parser=incident_id),
]
ActionId = Annotated[
    str,
    typer.Argument(metavar="ACTION", help="Action item id, e.g. A-7F3K2Q.", parser=action_id),
]
EventRef = Annotated[
    str,
    typer.Argument(
        metavar="EVENT",
        help="Event reference from `timeline list` (a prefix will do).",
        parser=event_ref,
    ),
]
