"""Which item of one version of a document is which item of another.

Action items are the same item when they carry the same id (``A-7F3K2Q``); an item without an id
is the one with the same text, else the one in the same place (horizon and position), the way
the store keeps an item's row. Timeline events are the same when they come from the same source
record (tool and id), else when they have the same time and text. Other list entries (contributing
factors, reflections, appendix entries, checklist lines) are the same when their text is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from blamefree.domain.enums import Horizon
from blamefree.domain.postmortem import ActionItem, ActionItems, CheckItem, ExtraSection
from blamefree.domain.timeline import TimelineEvent

Key = tuple[Hashable, int]
"""An item's identity and which occurrence of that identity it is (0 for the first)."""


@dataclass(frozen=True)
class Placed:
    """An action item with the horizon it is listed under."""

    horizon: Horizon
    item: ActionItem


def placed_items(items: ActionItems) -> list[Placed]:
    """Every action item with its horizon, in document order."""
    return [Placed(horizon, item) for horizon, listed in items.by_horizon() for item in listed]


def action_items_of(placed: Iterable[Placed]) -> ActionItems:
    """The action items grouped by horizon again, keeping their order."""
    grouped: dict[Horizon, list[ActionItem]] = {horizon: [] for horizon in Horizon}
    for entry in placed:
        grouped[entry.horizon].append(entry.item)
    return ActionItems(
        immediate=grouped[Horizon.IMMEDIATE],
        short_term=grouped[Horizon.SHORT_TERM],
        long_term=grouped[Horizon.LONG_TERM],
    )


def _positions(items: Sequence[Placed]) -> list[tuple[Horizon, int]]:
    seen: dict[Horizon, int] = {}
    places = []
    for entry in items:
        places.append((entry.horizon, seen.get(entry.horizon, 0)))
        seen[entry.horizon] = seen.get(entry.horizon, 0) + 1
    return places


def match_action_items(
    left: Sequence[Placed], right: Sequence[Placed], *, by_place: bool = True
) -> dict[int, int]:
    """Pairs (index in ``left`` -> index in ``right``) of the same items: by id, text, place.

    Two items that both carry an id are the same only when the ids are equal.
    """
    pairs: dict[int, int] = {}
    taken: set[int] = set()

    def pair(test: Callable[[int, int], bool]) -> None:
        for i in range(len(left)):
            if i in pairs:
                continue
            for j in range(len(right)):
                if j not in taken and test(i, j):
                    pairs[i] = j
                    taken.add(j)
                    break

    def one_id_missing(i: int, j: int) -> bool:
        return left[i].item.id is None or right[j].item.id is None

    pair(lambda i, j: left[i].item.id is not None and left[i].item.id == right[j].item.id)
    pair(lambda i, j: one_id_missing(i, j) and left[i].item.text == right[j].item.text)
    if by_place:
        left_places, right_places = _positions(left), _positions(right)
        pair(lambda i, j: one_id_missing(i, j) and left_places[i] == right_places[j])
    return pairs


def carry_action_ids(source: ActionItems, target: ActionItems) -> ActionItems:
    """``target``'s items, each without an id given the id of the same item in ``source``.

    The store keeps an item's id once it has one; writing it into the document keeps the stored
    text and the document in step.
    """
    old, new = placed_items(source), placed_items(target)
    used = {entry.item.id for entry in new if entry.item.id is not None}
    carried = list(new)
    for i, j in match_action_items(new, old).items():
        uid = old[j].item.id
        if carried[i].item.id is None and uid is not None and uid not in used:
            carried[i] = Placed(carried[i].horizon, carried[i].item.model_copy(update={"id": uid}))
            used.add(uid)
    return action_items_of(carried)


# --- keys of other list entries ----------------------------------------------------------------


def entry_key(value: Any) -> Hashable:
    """What makes a list entry the same entry in two versions of a document."""
    if isinstance(value, str):
        return value
    if isinstance(value, TimelineEvent):
        if value.source.id is not None:
            return ("source", value.source.tool, value.source.id)
        return ("at", value.time, value.text)
    if isinstance(value, CheckItem):
        return value.text
    if isinstance(value, ExtraSection):
        if value.heading is not None:
            return (value.parent, value.heading, value.level)
        return (value.parent, None, value.body)
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, sort_keys=True, default=str)


def entry_label(value: Any) -> str:
    """A short, readable name of a list entry for paths like ``timeline.events[slack:C1/42]``."""
    if isinstance(value, TimelineEvent):
        if value.source.id is not None:
            return f"{value.source.tool}:{value.source.id}"
        return f"{value.time.strftime('%Y-%m-%dT%H:%M:%SZ')} {_quoted(value.text)}"
    if isinstance(value, ExtraSection):
        return _quoted(value.heading if value.heading is not None else value.body)
    if isinstance(value, CheckItem):
        return _quoted(value.text)
    if isinstance(value, str):
        return _quoted(value)
    return _quoted(str(entry_key(value)))


def action_label(entry: Placed) -> str:
    """``A-7F3K2Q``, or the item's text quoted when it has no id."""
    return entry.item.id if entry.item.id is not None else _quoted(entry.item.text)


def _quoted(text: str, limit: int = 60) -> str:
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return json.dumps(short, ensure_ascii=False)


def keyed(values: Iterable[Any]) -> dict[Key, Any]:
    """The entries by key; a key seen again gets the next occurrence number."""
    counts: dict[Hashable, int] = {}
    out: dict[Key, Any] = {}
    for value in values:
        key = entry_key(value)
        n = counts.get(key, 0)
        counts[key] = n + 1
        out[(key, n)] = value
    return out


__all__ = [
    "Key",
    "Placed",
    "action_items_of",
    "action_label",
    "carry_action_ids",
    "entry_key",
    "entry_label",
    "keyed",
    "match_action_items",
    "placed_items",
]
