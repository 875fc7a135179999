"""Rules of follow-through, pure: due dates, status changes, overdue, reviews, success criteria.

Nothing here reads a clock: functions that need "now" or "today" take it as an argument.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from blamefree.domain import ids
from blamefree.domain.enums import ActionStatus, ActionType, Horizon, ReviewKind, TrackerSystem
from blamefree.domain.postmortem import (
    ActionItem,
    CheckItem,
    Postmortem,
    ReviewSchedule,
    TrackerLink,
)

"""What an action item id looks like: ``A-7F3K2Q`` (Blamefree's own) or a similar token."""

# --- words -----------------------------------------------------------------------------------

_STATUS_WORDS: dict[str, ActionStatus] = {
    "proposed": ActionStatus.PROPOSED,
    "open": ActionStatus.OPEN,
    "todo": ActionStatus.OPEN,
    "to do": ActionStatus.OPEN,
    "in progress": ActionStatus.IN_PROGRESS,
    "started": ActionStatus.IN_PROGRESS,
    "doing": ActionStatus.IN_PROGRESS,
    "done": ActionStatus.DONE,
    "closed": ActionStatus.DONE,
    "complete": ActionStatus.DONE,
    "completed": ActionStatus.DONE,
    "won t do": ActionStatus.WONT_DO,
    "wont do": ActionStatus.WONT_DO,
    "will not do": ActionStatus.WONT_DO,
    "wontfix": ActionStatus.WONT_DO,
    "won t fix": ActionStatus.WONT_DO,
    "dropped": ActionStatus.WONT_DO,
}


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def parse_status(text: str) -> ActionStatus | None:
    """A status from how people write it (``in progress``, ``won't do``, ``wont_do``); else None."""
    return _STATUS_WORDS.get(_words(text))


def parse_type(text: str) -> ActionType | None:
    """An action type from its name, any case; None if it is not one."""
    try:
        return ActionType(_words(text))
    except ValueError:
        return None


_TRACKER = re.compile(
    r"^(?P<system>jira|github)\s+(?:\[(?P<key>[^\]\n]+)\]\((?P<url>[^)\s]+)\)|(?P<bare>\S+))$",
    re.IGNORECASE,
)


def parse_tracker(text: str) -> TrackerLink | None:
    """``Jira [PROJ-12](https://...)``, ``GitHub #12``; None if it does not read as a link."""
    match = _TRACKER.match(text.strip())
    if match is None:
        return None
    return TrackerLink(
        system=TrackerSystem(match["system"].lower()),
        key=match["key"] or match["bare"],
        url=match["url"],
    )


def parse_action_id(text: str) -> str | None:
    """An action item id as written (upper-cased); None if it does not look like one."""
    try:
        return ids.action_id(text)
    except ValueError:
        return None


_WINDOW = re.compile(r"^\s*(?P<n>\d{1,5})\s*(?P<unit>d|days?|w|weeks?)?\s*$", re.IGNORECASE)


def parse_window(text: str) -> int:
    """Days in a window written as ``14d``, ``2w`` or ``10``; ValueError otherwise."""
    match = _WINDOW.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a number of days like 7d or 2w")
    days = int(match["n"])
    return days * 7 if (match["unit"] or "d").lower().startswith("w") else days


# --- due dates -------------------------------------------------------------------------------


def same_owner(written: str | None, asked: str) -> bool:
    """Whether an owner as written names the person asked for: case and a leading @ ignored."""

    def key(name: str) -> str:
        return " ".join(name.strip().lstrip("@").split()).casefold()

    return written is not None and key(written) == key(asked)


def default_due_date(incident_date: dt.date | None, horizon: Horizon) -> dt.date | None:
    """The end of the horizon counted from the incident date (7, 30 or 90 days)."""
    if incident_date is None:
        return None
    return incident_date + dt.timedelta(days=horizon.days)


def effective_due_date(
    item: ActionItem, horizon: Horizon, incident_date: dt.date | None
) -> dt.date | None:
    """The item's due date, or its horizon's default when it has none."""
    return item.due_date if item.due_date is not None else default_due_date(incident_date, horizon)


@dataclass(frozen=True)
class DueDateFlag:
    """Something odd about a due date; allowed, but worth a look."""

    code: str  # before_incident | after_horizon | within_shorter_horizon
    message: str


_SHORTER = {Horizon.SHORT_TERM: Horizon.IMMEDIATE, Horizon.LONG_TERM: Horizon.SHORT_TERM}


def due_date_flags(
    due: dt.date | None, horizon: Horizon, incident_date: dt.date | None
) -> list[DueDateFlag]:
    """Flags for a due date outside its horizon; empty when it fits or cannot be judged."""
    if due is None or incident_date is None:
        return []
    flags: list[DueDateFlag] = []
    end = incident_date + dt.timedelta(days=horizon.days)
    if due < incident_date:
        flags.append(
            DueDateFlag("before_incident", f"due {due} is before the incident ({incident_date})")
        )
    elif due > end:
        flags.append(
            DueDateFlag(
                "after_horizon",
                f"due {due} is after the end of the {horizon.value} horizon ({end}, "
                f"{horizon.days} days after the incident)",
            )
        )
    shorter = _SHORTER.get(horizon)
    if shorter is not None and incident_date <= due <= incident_date + dt.timedelta(
        days=shorter.days
    ):
        flags.append(
            DueDateFlag(
                "within_shorter_horizon",
                f"due {due} falls within the {shorter.value} horizon; consider moving it there",
            )
        )
    return flags


# --- status ----------------------------------------------------------------------------------

_ALLOWED: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.PROPOSED: frozenset(ActionStatus) - {ActionStatus.PROPOSED},
    ActionStatus.OPEN: frozenset(ActionStatus) - {ActionStatus.OPEN},
    ActionStatus.IN_PROGRESS: frozenset(ActionStatus) - {ActionStatus.IN_PROGRESS},
    # A closed item is reopened as open or in progress, not sent back to proposed.
    ActionStatus.DONE: frozenset(ActionStatus) - {ActionStatus.DONE, ActionStatus.PROPOSED},
    ActionStatus.WONT_DO: frozenset(ActionStatus) - {ActionStatus.WONT_DO, ActionStatus.PROPOSED},
}


def can_change_status(old: ActionStatus, new: ActionStatus) -> bool:
    """Whether ``old -> new`` is a transition the workflow allows (same status: no change)."""
    return new in _ALLOWED[old]


def closed_at_after(
    old: ActionStatus, new: ActionStatus, closed_at: dt.datetime | None, now: dt.datetime
) -> dt.datetime | None:
    """``closed_at`` after a status change: set when it closes, cleared when it reopens."""
    if new.closed and not old.closed:
        return now
    if not new.closed:
        return None
    return closed_at if closed_at is not None else now


def with_status(item: ActionItem, status: ActionStatus) -> ActionItem:
    """A copy of the item with the status (and its checkbox) changed."""
    return item.model_copy(update={"status": status, "done": status is ActionStatus.DONE})


def check_with_status(item: CheckItem, status: ActionStatus) -> CheckItem:
    """A copy of the checklist line with the status (and its checkbox) changed."""
    return item.model_copy(update={"status": status, "done": status is ActionStatus.DONE})


def is_overdue(due: dt.date | None, status: ActionStatus, today: dt.date) -> bool:
    """Still to do and due before today."""
    return due is not None and not status.closed and due < today


def is_due_within(due: dt.date | None, status: ActionStatus, today: dt.date, days: int) -> bool:
    """Still to do and due between today and ``days`` from today, or overdue already."""
    return due is not None and not status.closed and due <= today + dt.timedelta(days=days)


# --- reviews ---------------------------------------------------------------------------------

_SCHEDULE_FIELDS = {
    ReviewKind.ONE_WEEK: "one_week",
    ReviewKind.ONE_MONTH: "one_month",
    ReviewKind.THREE_MONTHS: "three_month",
}


def schedule_field(kind: ReviewKind) -> str:
    """The ``ReviewSchedule`` field of a review kind."""
    return _SCHEDULE_FIELDS[kind]


def review_due_date(
    incident_date: dt.date | None, schedule: ReviewSchedule, kind: ReviewKind
) -> dt.date | None:
    """The Follow-Up section's date for the review, else the incident date plus 7/30/90 days."""
    written: dt.date | None = getattr(schedule, schedule_field(kind))
    if written is not None:
        return written
    if incident_date is None:
        return None
    return incident_date + dt.timedelta(days=kind.days)


# --- success criteria ------------------------------------------------------------------------

ALL_ACTIONS_COMPLETED = "all action items completed"
PREVENTION_IMPLEMENTED = "prevention measures implemented"
MONITORING_IMPROVED = "monitoring improved"
EVALUATED_CRITERIA = (ALL_ACTIONS_COMPLETED, PREVENTION_IMPLEMENTED, MONITORING_IMPROVED)


@dataclass(frozen=True)
class CriterionState:
    """One success criterion: what the author ticked and, for the criteria Blamefree knows,
    what the data says. ``met`` is the data's verdict when it is evaluated, else the tick."""

    text: str
    met: bool
    evaluated: bool
    reason: str
    written: bool = False

    @property
    def derived(self) -> bool | None:
        """What the data says, for an evaluated criterion; None for one checked by hand."""
        return self.met if self.evaluated else None

    @property
    def disagrees(self) -> bool:
        """The author's tick says otherwise than the data."""
        return self.evaluated and self.met != self.written


def _all_closed(states: Sequence[ActionStatus], what: str) -> tuple[bool, str]:
    if not states:
        return False, f"no {what}"
    open_count = sum(1 for status in states if not status.closed)
    if open_count:
        return False, f"{open_count} of {len(states)} {what} still open"
    return True, f"all {len(states)} {what} closed"


def _all_done(states: Sequence[ActionStatus], what: str) -> tuple[bool, str]:
    if not states:
        return False, f"no {what}"
    not_done = sum(1 for status in states if status is not ActionStatus.DONE)
    if not_done:
        return False, f"{not_done} of {len(states)} {what} not done"
    return True, f"all {len(states)} {what} done"


def evaluate_criterion(doc: Postmortem, criterion: CheckItem) -> CriterionState:
    """Decide a criterion from the data when it is one Blamefree knows; its box is kept beside."""
    key = _words(criterion.text)
    if key == ALL_ACTIONS_COMPLETED:
        # Proposed items are not committed to yet, so they do not hold the criterion back.
        committed = [
            item.status
            for item in doc.action_items.all()
            if item.status is not ActionStatus.PROPOSED
        ]
        met, reason = _all_closed(committed, "committed action items")
    elif key == PREVENTION_IMPLEMENTED:
        measures = doc.prevention_measures
        states = [item.status for item in [*measures.technical, *measures.process]]
        states += [item.status for item in measures.monitoring]
        met, reason = _all_closed(states, "prevention measures")
    elif key == MONITORING_IMPROVED:
        states = [item.status for item in doc.prevention_measures.monitoring]
        states += [item.status for item in doc.action_items.all() if item.type is ActionType.DETECT]
        met, reason = _all_done(states, "monitoring items")
    else:
        return CriterionState(
            criterion.text, criterion.done, False, "checked by hand", criterion.done
        )
    return CriterionState(criterion.text, met, True, reason, criterion.done)


def evaluate_success_criteria(doc: Postmortem) -> list[CriterionState]:
    """Every success criterion of the document with its state."""
    return [evaluate_criterion(doc, item) for item in doc.follow_up.success_criteria]


def apply_success_criteria(doc: Postmortem) -> Postmortem:
    """A copy of the document whose evaluated criteria are ticked as the data says.

    Never applied on its own: a tick is the author's, so only an explicit edit
    (``actions criteria ID --apply``) sets them from the data.
    """
    criteria = []
    states = evaluate_success_criteria(doc)
    for item, state in zip(doc.follow_up.success_criteria, states, strict=True):
        if state.evaluated and state.met != item.done:
            status = ActionStatus.DONE if state.met else ActionStatus.OPEN
            item = check_with_status(item, status)
        criteria.append(item)
    follow_up = doc.follow_up.model_copy(update={"success_criteria": criteria})
    return doc.model_copy(update={"follow_up": follow_up})
