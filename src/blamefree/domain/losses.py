"""What replacing a stored post-mortem with a document would throw away.

A file that does not say which stored version it was made from cannot be merged: saving it
replaces the stored document. That is refused (unless forced) when it would remove timeline
events or action items (with their history), or overwrite what the store tracks about an item
(status, owner, due date, horizon, priority, type) with something else.
"""

from __future__ import annotations

from dataclasses import dataclass

from blamefree.domain.enums import ActionStatus
from blamefree.domain.identity import (
    Placed,
    action_label,
    entry_label,
    keyed,
    match_action_items,
    placed_items,
)
from blamefree.domain.merge import display
from blamefree.domain.postmortem import ActionItem, Postmortem


@dataclass(frozen=True)
class Loss:
    """One thing the store has that a save would remove or overwrite."""

    path: str
    what: str
    stored: object = None
    file: object = None


def losses(stored: Postmortem, file: Postmortem) -> list[Loss]:
    """Events, action items and item state in ``stored`` that saving ``file`` would remove."""
    found: list[Loss] = []
    kept = keyed(file.timeline.events)
    for key, event in keyed(stored.timeline.events).items():
        if key not in kept:
            found.append(
                Loss(
                    f"timeline.events[{entry_label(event)}]",
                    "event would be removed",
                    stored=f"{display(event.time)} {event.text}".strip(),
                )
            )
    ours, theirs = placed_items(stored.action_items), placed_items(file.action_items)
    pairs = match_action_items(ours, theirs)
    for index, entry in enumerate(ours):
        path = f"action_items.{entry.horizon.value}[{action_label(entry)}]"
        if index not in pairs:
            found.append(
                Loss(path, "action item would be removed, with its history", stored=_state(entry))
            )
            continue
        other = theirs[pairs[index]]
        if other.horizon is not entry.horizon:
            found.append(
                Loss(
                    f"{path}.horizon",
                    "horizon would change",
                    entry.horizon.value,
                    other.horizon.value,
                )
            )
        found.extend(_item_losses(path, entry.item, other.item))
    return found


def _state(entry: Placed) -> str:
    item = entry.item
    parts = [item.text, item.status.label]
    if item.owner:
        parts.append(f"owner {item.owner}")
    if item.due_date or item.due_date_text:
        parts.append(f"due {item.due_date_text or display(item.due_date)}")
    return ", ".join(parts)


def _item_losses(path: str, ours: ActionItem, theirs: ActionItem) -> list[Loss]:
    """State the store set on an item that the file's version of it would overwrite."""
    found: list[Loss] = []
    if ours.status is not theirs.status and ours.status is not ActionStatus.OPEN:
        found.append(
            Loss(f"{path}.status", "status would change", ours.status.value, theirs.status.value)
        )
    if ours.owner is not None and ours.owner != theirs.owner:
        found.append(Loss(f"{path}.owner", "owner would change", ours.owner, theirs.owner))
    for name in ("priority", "type"):
        before, after = getattr(ours, name), getattr(theirs, name)
        if before is not None and before != after:
            found.append(
                Loss(f"{path}.{name}", f"{name} would change", display(before), display(after))
            )
    stored_due = (ours.due_date, ours.due_date_text)
    if stored_due != (None, None) and stored_due != (theirs.due_date, theirs.due_date_text):
        found.append(
            Loss(
                f"{path}.due_date",
                "due date would change",
                display(stored_due),
                display((theirs.due_date, theirs.due_date_text)),
            )
        )
    return found


__all__ = ["Loss", "losses"]
