"""The edit page's lists: rows of text, checklists and action items, added and removed.

Each row's inputs are named ``<list path>-<n>-<part>`` (``action_items.immediate-0-owner``);
``base`` holds the row's place in the list the form was made from (empty for a new row), so a
row keeps its item (id, status, history) and only the parts that were changed change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from blamefree.domain.enums import ActionStatus, Priority
from blamefree.domain.postmortem import ActionItem, CheckItem
from blamefree.errors import ValidationFailed

RowKind = Literal["text", "check", "action"]
PARTS: dict[RowKind, tuple[str, ...]] = {
    "text": ("text",),
    "check": ("text", "done"),
    "action": ("text", "done", "owner", "due", "priority"),
}


@dataclass(frozen=True)
class RowList:
    """A list of the document edited as rows: its path, label, the noun of one row, its kind."""

    path: str
    label: str
    noun: str
    kind: RowKind

    @property
    def article(self) -> str:
        """``a factor``, ``an incident``."""
        return ("an " if self.noun[0] in "aeiou" else "a ") + self.noun

    @property
    def id(self) -> str:
        return "l-" + self.path.replace(".", "-").replace("_", "-")

    def name(self, index: int, part: str) -> str:
        return f"{self.path}-{index}-{part}"


@dataclass
class Row:
    """One row as the form shows it: its number, its base place and the text of each part."""

    index: int
    base: int | None
    values: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    removed: bool = False

    def get(self, part: str) -> str:
        return self.values.get(part, "")


def rows_of(items: list[Any], spec: RowList) -> list[Row]:
    """The rows the form shows for a list, plus one empty row to add an entry without scripts."""
    rows = [
        Row(index=i, base=i, values=shown_row(item, spec), hints=_hints(item))
        for i, item in enumerate(items)
    ]
    rows.append(Row(index=len(items), base=None))
    return rows


def shown_row(item: Any, spec: RowList) -> dict[str, str]:
    if spec.kind == "text":
        return {"text": item}
    values = {"text": item.text, "done": "on" if item.done else ""}
    if spec.kind == "action":
        values.update(
            owner=item.owner if item.owner is not None else (item.owner_text or ""),
            due=item.due_date.isoformat() if item.due_date else "",
            priority=item.priority.value if item.priority else "",
        )
    return values


STATUS_WORDS = {
    ActionStatus.PROPOSED: "proposed",
    ActionStatus.IN_PROGRESS: "in progress",
    ActionStatus.WONT_DO: "won't do",
}


def _hints(item: Any) -> dict[str, str]:
    hints: dict[str, str] = {}
    if isinstance(item, ActionItem) and item.due_date is None and item.due_date_text:
        hints["due"] = f"Written as “{item.due_date_text}”; leave empty to keep it."
    if isinstance(item, ActionItem | CheckItem):
        shown = [getattr(item, "id", None) or "", STATUS_WORDS.get(item.status, "")]
        tracker = getattr(item, "tracker", None)
        if tracker is not None:
            shown.append(tracker.key)
        hints["meta"] = " · ".join(part for part in shown if part)
    return hints


def submitted_rows(form: Mapping[str, str], spec: RowList) -> list[Row]:
    """The rows of a submitted form in their order (new rows after the ones they follow)."""
    pattern = re.compile(rf"^{re.escape(spec.path)}-(\d{{1,6}})-(text|base)$")
    indices = sorted({int(m[1]) for key in form if (m := pattern.match(key))})
    rows = []
    for index in indices:
        base_text = form.get(spec.name(index, "base"), "")
        values = {part: form.get(spec.name(index, part), "") for part in PARTS[spec.kind]}
        rows.append(
            Row(
                index=index,
                base=int(base_text) if base_text.isdigit() else None,
                values=values,
                removed=bool(form.get(spec.name(index, "remove"))),
            )
        )
    return rows


def _fail(spec: RowList, number: int, message: str) -> ValidationFailed:
    return ValidationFailed(f"{spec.label}, {spec.noun} {number}: {message}", field=spec.path)


def apply_rows(items: list[Any], rows: list[Row], spec: RowList) -> list[Any]:
    """The list the rows make of ``items``: untouched rows keep their item as it was."""
    result: list[Any] = []
    for number, row in enumerate(rows, start=1):
        base = items[row.base] if row.base is not None and row.base < len(items) else None
        if row.removed:
            continue
        if base is not None and row.values == shown_row(base, spec):
            result.append(base)
            continue
        text = " ".join(row.get("text").split())
        if not text:
            if base is None and not any(row.get(p).strip() for p in ("owner", "due", "priority")):
                continue  # the empty row for adding stays empty
            raise _fail(spec, number, "give it a text (or tick Remove)")
        if spec.kind == "text":
            result.append(text)
        elif spec.kind == "check":
            result.append(_check_item(base, text, bool(row.get("done"))))
        else:
            result.append(_action_item(base, row, text, spec, number))
    return result


def _status(base: CheckItem | ActionItem | None, done: bool) -> ActionStatus:
    if base is not None and base.done == done:
        return base.status
    return ActionStatus.DONE if done else ActionStatus.OPEN


def _check_item(base: CheckItem | None, text: str, done: bool) -> CheckItem:
    data = base.model_dump() if base is not None else {}
    status = _status(base, done)
    return CheckItem.model_validate({**data, "text": text, "status": status, "done": done})


def _action_item(
    base: ActionItem | None, row: Row, text: str, spec: RowList, number: int
) -> ActionItem:
    before = shown_row(base, spec) if base is not None else {}
    data: dict[str, Any] = base.model_dump() if base is not None else {}
    done = bool(row.get("done"))
    data.update(text=text, status=_status(base, done), done=done)
    owner = " ".join(row.get("owner").split())
    if row.get("owner") != before.get("owner"):
        data.update(owner=owner or None, owner_text=None)
    if row.get("due") != before.get("due"):
        due = row.get("due").strip()
        try:
            data.update(due_date=dt.date.fromisoformat(due) if due else None, due_date_text=None)
        except ValueError as exc:
            raise _fail(spec, number, f"due date {due!r} is not a date (YYYY-MM-DD)") from exc
    if row.get("priority") != before.get("priority"):
        priority = row.get("priority").strip()
        try:
            data.update(priority=Priority(priority) if priority else None, priority_text=None)
        except ValueError as exc:
            raise _fail(spec, number, f"priority {priority!r} is not High, Medium or Low") from exc
    return ActionItem.model_validate(data)
