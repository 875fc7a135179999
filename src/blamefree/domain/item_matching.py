"""Which stored action item an edited document's item is: the rules, without a database.

A document comes back edited (a file, an edit, a command's change) and its action items must
be matched to the items the store holds, so that each keeps its id, status history and
creation time. In order of trust:

1. an item that shows its id (``**ID:** A-7F3K2Q``) is the stored item with that id;
2. an item without an id whose text is a stored item's text is that item (it may have moved);
3. failing that, the item in the same place (horizon and position) is the one stored there
   (its wording may have changed).

Each stored item is matched at most once; what is left unmatched is new (gets an id) or gone.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from blamefree.domain.enums import Horizon
from blamefree.domain.postmortem import ActionItem

ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base 32: no I, L, O, U, so an id survives being read aloud or retyped."""


@dataclass(frozen=True)
class StoredItem:
    """What matching needs to know of an item the store holds."""

    key: int  # the store's own reference (a row id)
    uid: str
    text: str
    horizon: str
    position: int


@dataclass(frozen=True)
class PlacedItem:
    """An item of the document, where it stands."""

    horizon: Horizon
    position: int
    item: ActionItem


def placed_items(groups: Sequence[tuple[Horizon, Sequence[ActionItem]]]) -> list[PlacedItem]:
    """Every item of a document's action items with its horizon and position."""
    return [
        PlacedItem(horizon, position, item)
        for horizon, items in groups
        for position, item in enumerate(items)
    ]


def match_items(placed: Sequence[PlacedItem], stored: Sequence[StoredItem]) -> dict[int, int]:
    """For each placed item that is a stored one: its index in ``placed`` -> the stored key."""
    by_uid = {item.uid: item for item in stored}
    by_place = {(item.horizon, item.position): item for item in stored}
    matched: dict[int, int] = {}
    claimed: set[int] = set()

    def take(index: int, candidate: StoredItem | None) -> None:
        if candidate is not None and candidate.key not in claimed:
            matched[index] = candidate.key
            claimed.add(candidate.key)

    for index, place in enumerate(placed):
        if place.item.id is not None:
            take(index, by_uid.get(place.item.id))
    for index, place in enumerate(placed):
        if place.item.id is None and index not in matched:
            take(
                index,
                next(
                    (s for s in stored if s.text == place.item.text and s.key not in claimed), None
                ),
            )
    for index, place in enumerate(placed):
        if place.item.id is None and index not in matched:
            take(index, by_place.get((place.horizon.value, place.position)))
    return matched


def new_action_uid() -> str:
    """A fresh random public id like ``A-7F3K2Q`` (32**6, about a billion, possibilities)."""
    return "A-" + "".join(secrets.choice(ID_ALPHABET) for _ in range(6))


def mint_uid(wanted: str | None, taken: Callable[[str], bool]) -> tuple[str, bool]:
    """The id for a new item: the document's own if it is free, else a fresh one; and whether
    the document must show it (it named one that belongs to another item: show the new one)."""
    if wanted is not None and not taken(wanted):
        return wanted, True
    while True:
        uid = new_action_uid()
        if not taken(uid):
            return uid, wanted is not None
