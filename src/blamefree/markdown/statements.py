"""The author's word that a list has nothing: ``None recorded``, ``No related incidents``.

When it is all a list holds, the parser keeps it in the list's ``<list>_none`` sibling instead of
reading it as an entry (or dropping it as an unknown word); see docs/file-format.md.
"""

from __future__ import annotations

import re

from blamefree.domain import values
from blamefree.markdown.blocks import Block, Item
from blamefree.markdown.fields import split_label

_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s*(?P<text>.*)$", re.DOTALL)

# What the lone "No ..." entry of a list must name to say the list has nothing.
NONE_NOUNS: dict[str, tuple[str, ...]] = {
    "features_affected": ("feature", "features", "functionality"),
    "contributing_factors": ("factor", "factors"),
    "success_criteria": ("criteria", "criterion"),
    "logs_and_evidence": ("log", "logs", "evidence", "screenshots", "graphs"),
    "related_incidents": ("incident", "incidents", "outage", "outages"),
    "references": ("reference", "references", "documentation", "docs", "runbook", "runbooks"),
    "action_items": ("action", "actions", "items", "follow-ups"),
    "prevention": ("measure", "measures", "improvement", "improvements"),
}


def without_box(text: str) -> str:
    """A checklist entry's text without its ``[ ]`` / ``[x]``."""
    match = _CHECKBOX.match(text)
    return match["text"].strip() if match else text.strip()


def none_statement(entries: list[str], loose: list[Block], nouns: tuple[str, ...]) -> str | None:
    """The author's word that a list has nothing (``None recorded``, ``No related incidents``),
    when it is all the list holds: its one entry besides placeholders, or a one-line paragraph
    in place of the list."""
    written = [entry for entry in entries if not values.is_placeholder(without_box(entry))]
    if len(written) == 1 and "\n" not in written[0]:
        text = without_box(written[0])
        return text if values.says_none(text, nouns) else None
    if not written and len(loose) == 1 and loose[0].kind == "paragraph":
        text = loose[0].raw.strip()
        return text if "\n" not in text and values.says_none(text, nouns) else None
    return None


def bare_item(item: Item) -> str:
    """An item's text when nothing but placeholder sub-bullets sits under it, else all of it."""
    for child in item.children:
        split = split_label(child.raw, {"owner", "due date", "due", "priority"})
        if child.children or split is None or not values.is_placeholder(split[1]):
            return item.raw
    return item.head


def horizon_none(blocks: list[Block]) -> str | None:
    """The author's word that a horizon has no action items (``- None this week``)."""
    entries = [bare_item(item) for block in blocks if block.kind == "list" for item in block.items]
    loose = [block for block in blocks if block.kind != "list"]
    return none_statement(entries, loose, NONE_NOUNS["action_items"])
