"""Matching a document's action items to the stored ones: by id, then text, then place."""

from __future__ import annotations

import re

from blamefree.domain.enums import Horizon
from blamefree.domain.item_matching import (
    PlacedItem,
    StoredItem,
    match_items,
    mint_uid,
    new_action_uid,
)
from blamefree.domain.postmortem import ActionItem

NOW, LATER = Horizon.IMMEDIATE, Horizon.SHORT_TERM


def _stored() -> list[StoredItem]:
    return [
        StoredItem(1, "A-AAAAAA", "Alert on disk", NOW.value, 0),
        StoredItem(2, "A-BBBBBB", "Clean temp files", NOW.value, 1),
        StoredItem(3, "A-CCCCCC", "Own volume", LATER.value, 0),
    ]


def test_an_id_wins_then_the_text_then_the_place() -> None:
    placed = [
        PlacedItem(NOW, 0, ActionItem(text="Own volume")),  # moved: found by its text
        PlacedItem(NOW, 1, ActionItem(text="Clean temp files quickly")),  # reworded: its place
        PlacedItem(LATER, 0, ActionItem(text="anything", id="A-AAAAAA")),  # its id
    ]
    assert match_items(placed, _stored()) == {0: 3, 1: 2, 2: 1}


def test_each_stored_item_is_matched_once_and_the_rest_is_new() -> None:
    placed = [
        PlacedItem(NOW, 0, ActionItem(text="Alert on disk")),
        PlacedItem(NOW, 1, ActionItem(text="Alert on disk")),  # the same text again: not item 1
        PlacedItem(LATER, 5, ActionItem(text="Brand new")),
        PlacedItem(LATER, 6, ActionItem(text="x", id="A-ZZZZZZ")),  # an unknown id: new
    ]
    assert match_items(placed, _stored()) == {0: 1, 1: 2}


def test_a_new_id_is_the_documents_own_when_free_and_shown_when_replaced() -> None:
    assert mint_uid("A-FREE01", lambda uid: False) == ("A-FREE01", True)
    uid, shown = mint_uid("A-TAKEN1", lambda uid: uid == "A-TAKEN1")
    assert (uid != "A-TAKEN1", shown) == (True, True)
    uid, shown = mint_uid(None, lambda uid: False)
    assert shown is False
    assert re.fullmatch(r"A-[0-9A-HJKMNP-TV-Z]{6}", uid)
    assert re.fullmatch(r"A-[0-9A-HJKMNP-TV-Z]{6}", new_action_uid())
