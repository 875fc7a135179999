"""The action board: action items and prevention measures across post-mortems, filtered,
grouped and sorted the way a team reads them (what is overdue, who has what, what is next).

Read-only; changes go through ``services.actions`` (one item, or several with
``update_actions``). Overdue is decided on the ``today`` the caller passes (the app's clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from blamefree.domain import actions as rules
from blamefree.domain.enums import ActionStatus, Severity
from blamefree.errors import ValidationFailed
from blamefree.services.actions import ActionView, list_actions
from blamefree.store import UnitOfWork
from blamefree.store.prevention_records import MeasureRecord, measure_records

GROUPS = ("status", "owner", "due")
SORTS = ("due", "owner", "status", "postmortem", "severity")
CATEGORIES = ("technical", "process", "monitoring")
STATUS_ORDER = (
    ActionStatus.IN_PROGRESS,
    ActionStatus.OPEN,
    ActionStatus.PROPOSED,
    ActionStatus.DONE,
    ActionStatus.WONT_DO,
)
STATUS_TITLES = {
    ActionStatus.PROPOSED: "Proposed",
    ActionStatus.OPEN: "Open",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.WONT_DO: "Won't do",
}
UNASSIGNED = "Unassigned"


@dataclass(frozen=True)
class BoardFilters:
    """What the board shows; every field is one URL parameter of the page."""

    statuses: tuple[ActionStatus, ...] = ()
    owner: str | None = None
    incident_id: str | None = None
    severities: tuple[Severity, ...] = ()
    overdue: bool = False
    text: str | None = None


@dataclass(frozen=True)
class ActionGroup:
    """One heading of the board and its items; ``closed`` groups start folded."""

    key: str
    title: str
    items: list[ActionView]
    closed: bool = False

    @property
    def overdue(self) -> int:
        """How many of its items are past due."""
        return sum(1 for item in self.items if item.overdue)


@dataclass(frozen=True)
class ActionBoard:
    """The board as the page draws it."""

    groups: list[ActionGroup]
    shown: int
    total: int
    overdue: int
    owners: list[str] = field(default_factory=list)
    incidents: list[tuple[str, str | None]] = field(default_factory=list)


def _matches_text(view: ActionView, words: str) -> bool:
    r = view.record
    haystack = " ".join(
        part or "" for part in (r.uid, r.text, r.incident_id, r.title, r.owner, r.due_date_text)
    ).casefold()
    return all(word in haystack for word in words.casefold().split())


def _sort_key(sort: str) -> Callable[[ActionView], Any]:
    def due(view: ActionView) -> tuple[Any, ...]:
        return (view.due is None, view.due or dt.date.max, view.record.incident_id)

    keys: dict[str, Callable[[ActionView], Any]] = {
        "due": due,
        "owner": lambda v: (v.record.owner is None, (v.record.owner or "").casefold(), *due(v)),
        "status": lambda v: (STATUS_ORDER.index(v.record.status), *due(v)),
        "postmortem": lambda v: (v.record.incident_id, v.record.horizon.days, v.record.position),
        "severity": lambda v: (v.record.severity is None, v.record.severity or "", *due(v)),
    }
    return keys[sort]


def _due_bucket(view: ActionView, today: dt.date) -> tuple[int, str, str]:
    if view.record.status.closed:
        return 5, "closed", "Closed"
    if view.due is None:
        return 4, "no-date", "No due date"
    if view.overdue:
        return 0, "overdue", "Overdue"
    if view.due <= today + dt.timedelta(days=7):
        return 1, "week", "Due within a week"
    if view.due <= today + dt.timedelta(days=30):
        return 2, "month", "Due within 30 days"
    return 3, "later", "Later"


def _group(views: list[ActionView], group: str, today: dt.date) -> list[ActionGroup]:
    if group == "status":
        return [
            ActionGroup(status.value, STATUS_TITLES[status], items, status.closed)
            for status in STATUS_ORDER
            if (items := [v for v in views if v.record.status is status])
        ]
    if group == "owner":
        names: dict[str, str] = {}
        for v in views:
            name = " ".join((v.record.owner or "").lstrip("@").split())
            if name.casefold() not in names or names[name.casefold()].islower():
                names[name.casefold()] = name or UNASSIGNED  # "Dana" over "@dana"
        ordered = sorted(names, key=lambda k: (k == "", k))
        return [
            ActionGroup(
                "owner-" + (key or "none").replace(" ", "-"),
                names[key],
                [
                    v
                    for v in views
                    if " ".join((v.record.owner or "").lstrip("@").split()).casefold() == key
                ],
            )
            for key in ordered
        ]
    buckets: dict[tuple[int, str, str], list[ActionView]] = {}
    for v in views:
        buckets.setdefault(_due_bucket(v, today), []).append(v)
    return [
        ActionGroup(key, title, buckets[(rank, key, title)], key == "closed")
        for rank, key, title in sorted(buckets)
    ]


def action_board(
    uow: UnitOfWork,
    *,
    today: dt.date,
    filters: BoardFilters = BoardFilters(),
    group: str = "status",
    sort: str = "due",
) -> ActionBoard:
    """Every action item matching ``filters``, grouped by status, owner or due date."""
    if group not in GROUPS:
        raise ValidationFailed(f"group {group!r} is not one of {', '.join(GROUPS)}", field="group")
    if sort not in SORTS:
        raise ValidationFailed(f"sort {sort!r} is not one of {', '.join(SORTS)}", field="sort")
    every = list_actions(uow, today=today)
    views = every
    if filters.statuses:
        views = [v for v in views if v.record.status in filters.statuses]
    if filters.severities:
        views = [v for v in views if v.record.severity in filters.severities]
    if filters.incident_id:
        views = [v for v in views if v.record.incident_id == filters.incident_id]
    if filters.owner:
        wanted = filters.owner
        if wanted.casefold() == UNASSIGNED.casefold():
            views = [v for v in views if not (v.record.owner or "").strip()]
        else:
            views = [v for v in views if rules.same_owner(v.record.owner, wanted)]
    if filters.overdue:
        views = [v for v in views if v.overdue]
    if filters.text and filters.text.strip():
        views = [v for v in views if _matches_text(v, filters.text)]
    views = sorted(views, key=_sort_key(sort))
    owners: dict[str, str] = {}
    for v in every:
        name = " ".join((v.record.owner or "").lstrip("@").split())
        if name:
            owners.setdefault(name.casefold(), name)
    incidents = sorted({(v.record.incident_id, v.record.title) for v in every}, reverse=True)
    return ActionBoard(
        groups=_group(views, group, today),
        shown=len(views),
        total=len(every),
        overdue=sum(1 for v in views if v.overdue),
        owners=sorted(owners.values(), key=str.casefold),
        incidents=incidents,
    )


# --- prevention measures ---------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureFilters:
    """What the prevention list shows."""

    statuses: tuple[ActionStatus, ...] = ()
    incident_id: str | None = None
    severities: tuple[Severity, ...] = ()
    category: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class MeasureGroup:
    """The measures of one category."""

    key: str
    title: str
    items: list[MeasureRecord]


@dataclass(frozen=True)
class MeasureBoard:
    """Prevention measures across post-mortems, by category."""

    groups: list[MeasureGroup]
    shown: int
    total: int
    open: int
    incidents: list[tuple[str, str | None]] = field(default_factory=list)


def measure_board(uow: UnitOfWork, *, filters: MeasureFilters = MeasureFilters()) -> MeasureBoard:
    """Every prevention measure matching ``filters``, by category, newest incident first."""
    if filters.category is not None and filters.category not in CATEGORIES:
        raise ValidationFailed(
            f"category {filters.category!r} is not technical, process or monitoring",
            field="category",
        )
    every = measure_records(uow.session)
    records: Sequence[MeasureRecord] = every
    if filters.statuses:
        records = [m for m in records if m.status in filters.statuses]
    if filters.severities:
        records = [m for m in records if m.severity in filters.severities]
    if filters.incident_id:
        records = [m for m in records if m.incident_id == filters.incident_id]
    if filters.category:
        records = [m for m in records if m.category == filters.category]
    if filters.text and filters.text.strip():
        words = filters.text.casefold().split()
        records = [
            m
            for m in records
            if all(w in f"{m.text} {m.incident_id} {m.title or ''}".casefold() for w in words)
        ]
    groups = [
        MeasureGroup(category, category.capitalize(), items)
        for category in CATEGORIES
        if (items := [m for m in records if m.category == category])
    ]
    return MeasureBoard(
        groups=groups,
        shown=len(records),
        total=len(every),
        open=sum(1 for m in records if not m.status.closed),
        incidents=sorted({(m.incident_id, m.title) for m in every}, reverse=True),
    )
