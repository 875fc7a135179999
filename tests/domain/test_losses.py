"""What a save from a file that names no base version would throw away."""

from __future__ import annotations

import datetime as dt

from blamefree.domain.identity import carry_action_ids
from blamefree.domain.losses import losses
from blamefree.domain.postmortem import ActionItem, ActionItems
from support.merge_docs import base_doc, changed, event, with_ids


def test_the_same_document_loses_nothing() -> None:
    doc = base_doc()
    assert losses(doc, doc) == []


def test_events_only_the_store_has_are_listed() -> None:
    written = base_doc()
    stored = written.model_copy(
        update={
            "timeline": written.timeline.model_copy(
                update={
                    "events": [*written.timeline.events, event(40, "lag back to 0", ident="E9")]
                }
            )
        }
    )
    assert [(loss.path, loss.what, loss.stored) for loss in losses(stored, written)] == [
        (
            "timeline.events[opsgenie:E9]",
            "event would be removed",
            "2025-06-03T08:40:00Z lag back to 0",
        )
    ]
    assert losses(written, stored) == []  # adding events loses nothing


def test_item_state_the_store_set_is_listed_and_new_state_is_not() -> None:
    written = base_doc()
    stored = with_ids(written, "A-0000L1", "A-0000L2", "A-0000L3")
    stored = changed(
        stored,
        **{
            "action_items.immediate.0.status": "done",
            "action_items.immediate.0.done": True,
            "action_items.immediate.1.due_date": dt.date(2025, 6, 20),
            "action_items.short_term.0.owner": "Tam",
        },
    )
    found = [(loss.path, loss.stored, loss.file) for loss in losses(stored, written)]
    assert found == [
        ("action_items.immediate[A-0000L1].status", "done", "open"),
        ("action_items.immediate[A-0000L2].due_date", "2025-06-20", "2025-06-09"),
        ("action_items.short_term[A-0000L3].owner", "Tam", None),
    ]
    # The file setting what the store left open is adding, not losing; ids alone are no loss.
    adding = changed(
        written,
        **{
            "action_items.short_term.0.owner": "Kai",
            "action_items.short_term.0.status": "done",
            "action_items.short_term.0.done": True,
        },
    )
    assert losses(with_ids(written, "A-0000L1", "A-0000L2", "A-0000L3"), adding) == []


def test_an_item_missing_from_the_file_is_listed_with_its_state() -> None:
    stored = with_ids(base_doc(), "A-0000G1", "A-0000G2", "A-0000G3")
    written = stored.model_copy(
        update={"action_items": ActionItems(immediate=stored.action_items.immediate[:1])}
    )
    assert [(loss.path, loss.what, loss.stored) for loss in losses(stored, written)] == [
        (
            "action_items.immediate[A-0000G2]",
            "action item would be removed, with its history",
            "Document reindex, open, owner Ola, due 2025-06-09",
        ),
        (
            "action_items.short_term[A-0000G3]",
            "action item would be removed, with its history",
            "Run two consumers, open",
        ),
    ]


def test_ids_are_carried_over_to_the_same_items() -> None:
    stored = with_ids(base_doc(), "A-0000C1", "A-0000C2", "A-0000C3")
    lists = base_doc().action_items.model_copy(deep=True)
    lists.immediate.insert(0, ActionItem(text="A brand-new item"))
    lists.short_term[0] = lists.short_term[0].model_copy(update={"text": "Run three consumers"})
    carried = carry_action_ids(stored.action_items, lists)
    assert [(i.text, i.id) for i in carried.all()] == [
        ("A brand-new item", None),
        ("Page on lag above 5 min", "A-0000C1"),
        ("Document reindex", "A-0000C2"),
        ("Run three consumers", "A-0000C3"),  # same place, new wording
    ]
