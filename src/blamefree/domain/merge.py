"""Three-way merge of post-mortems: the changes a file made onto the document as stored now.

``base`` is the version the file was made from, ``stored`` the document in the store today and
``file`` the document read from the file. Whatever only one side changed is taken from that side;
where both changed the same field to different values, the merge reports a ``FieldConflict``
naming the field path with the three values, and the caller stores nothing.

Fields are compared one by one, section by section. A value and the way it was written
(``due_date`` and ``due_date_text``) are one field, and so are an item's status and its checkbox.
Lists are compared by item identity (see ``identity``): action items by id, else text, else
place, across horizons (moving an item is a change of its ``horizon``); events by source record,
else time and text; other entries by their text. Entries only one side added are kept, entries one
side removed are removed unless the other side changed them (a conflict). The order is the stored
one, unless only the file reordered; entries the other side added go after their neighbour
(events stay in time order).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from blamefree.domain.identity import (
    Key,
    Placed,
    action_items_of,
    action_label,
    entry_label,
    keyed,
    match_action_items,
    placed_items,
)
from blamefree.domain.postmortem import (
    ActionItem,
    ActionItems,
    ExtraSection,
    Measurement,
    Postmortem,
    TrackerLink,
)
from blamefree.domain.timeline import EventSource

Side = Literal["stored", "file"]
ConflictKind = Literal["changed", "removed_in_stored", "removed_in_file"]
T = TypeVar("T")

# Parts whose fields only make sense together: a change to any of them is a change of the whole.
_ATOMIC: tuple[type[BaseModel], ...] = (Measurement, TrackerLink, EventSource, ExtraSection)


@dataclass(frozen=True)
class FieldConflict:
    """One field both sides changed: its path and the base, stored and file values (JSON-ready).

    ``kind`` is ``changed``, or ``removed_in_stored`` / ``removed_in_file`` when one side removed
    an entry the other side changed (that side's value is then ``None``).
    """

    path: str
    base: Any
    stored: Any
    file: Any
    kind: ConflictKind = "changed"


@dataclass(frozen=True)
class MergeResult:
    """The merged document and the conflicts found on the way (none: a clean merge)."""

    doc: Postmortem
    conflicts: tuple[FieldConflict, ...]

    @property
    def clean(self) -> bool:
        """No field was changed differently on both sides."""
        return not self.conflicts


def merge_documents(
    base: Postmortem,
    stored: Postmortem,
    file: Postmortem,
    *,
    prefer: Side = "stored",
    choose: Mapping[str, Side] | None = None,
) -> MergeResult:
    """Apply the changes ``file`` made to ``base`` onto ``stored``.

    Every conflict is reported; in the returned document a conflicting field holds the value of
    the side ``choose`` names for its path, else of ``prefer`` (the stored one unless told
    otherwise).
    """
    merger = _Merger(prefer, choose or {})
    doc = merger.value("", base, stored, file)
    return MergeResult(doc=doc, conflicts=tuple(merger.conflicts))


def display(value: Any) -> Any:
    """A value as JSON-ready data; a value written as text (``due_date_text``) shows that text."""
    if isinstance(value, tuple):
        primary, *rest = value
        written = next((part for part in rest if isinstance(part, str) and part), None)
        return written if written is not None else display(primary)
    if isinstance(value, Placed):
        return {"horizon": value.horizon.value, **display(value.item)}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    if isinstance(value, list):
        return [display(part) for part in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@cache
def _groups(cls: type[BaseModel]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A model's fields as merge units: ``x`` with ``x_text``, ``status`` with ``done``."""
    names = list(cls.model_fields)
    units: list[tuple[str, tuple[str, ...]]] = []
    for name in names:
        if name.endswith("_text") and name[: -len("_text")] in names:
            continue
        if name == "done" and "status" in names:
            continue
        members = [name]
        if f"{name}_text" in names:
            members.append(f"{name}_text")
        if name == "status" and "done" in names:
            members.append("done")
        units.append((name, tuple(members)))
    return tuple(units)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _unchanged(before: Any, after: Any) -> bool:
    """Whether a side left an entry as it was; an action item only given its id is unchanged."""
    if before == after:
        return True
    if isinstance(before, Placed) and isinstance(after, Placed):
        return before.horizon == after.horizon and _unchanged(before.item, after.item)
    if isinstance(before, ActionItem) and isinstance(after, ActionItem) and before.id is None:
        return after.model_copy(update={"id": None}) == before
    return False


class _Merger:
    def __init__(self, prefer: Side, choose: Mapping[str, Side]) -> None:
        self.prefer = prefer
        self.choose = choose
        self.conflicts: list[FieldConflict] = []

    def conflict(
        self, path: str, base: Any, stored: Any, file: Any, kind: ConflictKind = "changed"
    ) -> Any:
        self.conflicts.append(
            FieldConflict(path, display(base), display(stored), display(file), kind)
        )
        return file if self.choose.get(path, self.prefer) == "file" else stored

    def value(self, path: str, base: Any, stored: Any, file: Any) -> Any:
        if stored == file or file == base:
            return stored
        if stored == base:
            return file
        if isinstance(stored, ActionItems) and isinstance(file, ActionItems):
            old_items = base if isinstance(base, ActionItems) else None
            return self.action_items(path, old_items, stored, file)
        if (
            isinstance(stored, BaseModel)
            and type(stored) is type(file)
            and not isinstance(stored, _ATOMIC)
        ):
            return self.model(path, base if type(base) is type(stored) else None, stored, file)
        if isinstance(stored, list) and isinstance(file, list):
            old = base if isinstance(base, list) else []
            merged = self.entries(path, keyed(old), keyed(stored), keyed(file))
            if path == "timeline.events":
                # The event log is in time order; events at the same time keep the merged order.
                merged.sort(key=lambda event: event.time)
            return merged
        return self.conflict(path, base, stored, file)

    def model(self, path: str, base: BaseModel | None, stored: BaseModel, file: BaseModel) -> Any:
        update: dict[str, Any] = {}
        for name, members in _groups(type(stored)):

            def pick(model: BaseModel | None, members: tuple[str, ...] = members) -> Any:
                if len(members) == 1:
                    return getattr(model, members[0]) if model is not None else None
                return tuple(getattr(model, m) if model is not None else None for m in members)

            merged = self.value(_join(path, name), pick(base), pick(stored), pick(file))
            parts = merged if len(members) > 1 else (merged,)
            update.update(zip(members, parts, strict=True))
        return stored.model_copy(update=update)

    def entries(
        self,
        path: str,
        base: dict[Key, T],
        stored: dict[Key, T],
        file: dict[Key, T],
        *,
        where: Callable[[T], str] | None = None,
        merge: Callable[[str, T | None, T, T], T] | None = None,
    ) -> list[T]:
        """Entries by identity: kept, added, removed and changed on either side."""
        name = where or (lambda entry: f"{path}[{entry_label(entry)}]")
        combine = merge or self.value
        kept: dict[Key, T] = {}
        for key, ours in stored.items():
            theirs = file.get(key)
            if key in base:
                if theirs is not None:
                    kept[key] = combine(name(ours), base[key], ours, theirs)
                elif not _unchanged(base[key], ours):
                    # The file removed an entry the store changed since.
                    conflict = self.conflict(name(ours), base[key], ours, None, "removed_in_file")
                    if conflict is not None:
                        kept[key] = ours
            else:
                kept[key] = combine(name(ours), None, ours, theirs) if theirs is not None else ours
        for key, theirs in file.items():
            if key in stored:
                continue
            if key not in base:
                kept[key] = theirs
            elif not _unchanged(base[key], theirs):
                # The store removed an entry the file changed.
                conflict = self.conflict(name(theirs), base[key], None, theirs, "removed_in_stored")
                if conflict is not None:
                    kept[key] = theirs
        return [kept[key] for key in _order(list(base), list(stored), list(file), kept)]

    def action_items(
        self, path: str, base: ActionItems | None, stored: ActionItems, file: ActionItems
    ) -> ActionItems:
        old = placed_items(base) if base is not None else []
        ours, theirs = placed_items(stored), placed_items(file)
        old_keys, our_keys, their_keys = _action_keys(old, ours, theirs)

        def where(entry: Placed) -> str:
            return f"{path}.{entry.horizon.value}[{action_label(entry)}]"

        def merge(at: str, b: Placed | None, s: Placed, f: Placed) -> Placed:
            horizon = self.value(f"{at}.horizon", b.horizon if b else None, s.horizon, f.horizon)
            item = self.value(at, b.item if b else None, s.item, f.item)
            return Placed(horizon, item)

        merged = self.entries(
            path,
            dict(zip(old_keys, old, strict=True)),
            dict(zip(our_keys, ours, strict=True)),
            dict(zip(their_keys, theirs, strict=True)),
            where=where,
            merge=merge,
        )
        result = action_items_of(merged)
        stated = {
            name: self.value(
                _join(path, name),
                getattr(base, name) if base is not None else None,
                getattr(stored, name),
                getattr(file, name),
            )
            for name in type(stored).model_fields
            if name.endswith("_none")
        }
        return result.model_copy(update=stated).settled()


def _action_keys(
    base: Sequence[Placed], stored: Sequence[Placed], file: Sequence[Placed]
) -> tuple[list[Key], list[Key], list[Key]]:
    """One identity per action item across the three versions."""
    base_keys: list[Key] = [(("base", i), 0) for i in range(len(base))]
    stored_keys: list[Key] = [(("stored", j), 0) for j in range(len(stored))]
    file_keys: list[Key] = [(("file", k), 0) for k in range(len(file))]
    stored_pairs = match_action_items(base, stored)
    file_pairs = match_action_items(base, file)
    for i, j in stored_pairs.items():
        stored_keys[j] = base_keys[i]
    for i, k in file_pairs.items():
        file_keys[k] = base_keys[i]
    # Items both sides added: the same when they have the same id or text.
    new_stored = sorted(set(range(len(stored))) - set(stored_pairs.values()))
    new_file = sorted(set(range(len(file))) - set(file_pairs.values()))
    pairs = match_action_items(
        [stored[j] for j in new_stored], [file[k] for k in new_file], by_place=False
    )
    for a, b in pairs.items():
        file_keys[new_file[b]] = stored_keys[new_stored[a]]
    return base_keys, stored_keys, file_keys


def _order(base: list[Key], stored: list[Key], file: list[Key], kept: dict[Key, Any]) -> list[Key]:
    """The stored order (the file's if only the file reordered), the other side's additions
    after their neighbour."""
    common = [key for key in base if key in stored and key in file]
    stored_common = [key for key in stored if key in common]
    file_common = [key for key in file if key in common]
    primary, secondary = (
        (file, stored) if stored_common == common and file_common != common else (stored, file)
    )
    order = [key for key in primary if key in kept]
    placed = set(order)
    for index, key in enumerate(secondary):
        if key not in kept or key in placed:
            continue
        at = 0
        for before in reversed(secondary[:index]):
            if before in placed:
                at = order.index(before) + 1
                break
        # Skip past what only the primary side added there, so both sides' additions stay
        # in the order they were made.
        others = set(secondary)
        while at < len(order) and order[at] not in others:
            at += 1
        order.insert(at, key)
        placed.add(key)
    return order


__all__ = ["FieldConflict", "MergeResult", "Side", "display", "merge_documents"]
