"""Use cases for action items and prevention measures across post-mortems.

Every change goes through the post-mortem's document: the item is changed there and the
document is saved as a new revision based on the version that was read (a concurrent edit
raises ``StaleEdit`` instead of being overwritten). The save patches the author's text, so a
status change ticks one box and an assignment rewrites one Owner line; nothing else in the text
changes. An item's ``**ID:**`` line is written only when its text alone would not tell it apart
(another item of the post-mortem has the same text); the store knows every item's id anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from blamefree.domain import actions as rules
from blamefree.domain.enums import ActionStatus, ActionType, Horizon, Priority, Severity
from blamefree.domain.item_matching import new_action_uid
from blamefree.domain.postmortem import ActionItem, CheckItem, Postmortem, TrackerLink
from blamefree.errors import CriterionNotFound, MeasureNotFound, ValidationFailed
from blamefree.schemas.actions import ActionItemUpdate
from blamefree.services.saving import check_version, save_revision
from blamefree.store import StoredPostmortem, UnitOfWork
from blamefree.store.follow_through import (
    ActionRecord,
    FollowThroughRepository,
    HistoryEntry,
)
from blamefree.store.prevention_records import measure_records


@dataclass(frozen=True)
class ActionView:
    """An action item with what follows from the rules on a given day."""

    record: ActionRecord
    due: dt.date | None
    due_is_default: bool
    overdue: bool
    flags: list[rules.DueDateFlag] = field(default_factory=list)

    @property
    def uid(self) -> str:
        """The item's public id."""
        return self.record.uid


def view(record: ActionRecord, *, today: dt.date) -> ActionView:
    """An action record seen on ``today``: effective due date, overdue, flags."""
    due = record.due_date
    default = due is None
    if due is None:
        due = rules.default_due_date(record.incident_date, record.horizon)
    return ActionView(
        record=record,
        due=due,
        due_is_default=default and due is not None,
        overdue=rules.is_overdue(due, record.status, today),
        flags=rules.due_date_flags(record.due_date, record.horizon, record.incident_date),
    )


def list_actions(
    uow: UnitOfWork,
    *,
    today: dt.date,
    owner: str | None = None,
    statuses: Sequence[ActionStatus] | None = None,
    severities: Sequence[Severity] | None = None,
    overdue: bool = False,
    due_within: int | None = None,
    incident_id: str | None = None,
) -> list[ActionView]:
    """Action items across all post-mortems, filtered; due dates default to the horizon's end.

    ``owner`` matches ignoring case and a leading ``@`` (``dana`` finds ``@Dana``).

    ``overdue`` keeps items past due; ``due_within`` keeps open items due within that many days
    (overdue ones included). Both leave closed items out.
    """
    records = FollowThroughRepository(uow.session).list_actions(
        statuses=statuses or None,
        severities=severities or None,
        incident_id=incident_id,
    )
    if owner is not None:
        records = [r for r in records if rules.same_owner(r.owner, owner)]
    views = [view(record, today=today) for record in records]
    if overdue:
        views = [v for v in views if v.overdue]
    if due_within is not None:
        views = [v for v in views if rules.is_due_within(v.due, v.record.status, today, due_within)]
    return views


def action_history(uow: UnitOfWork, *, action_id: str) -> list[HistoryEntry]:
    """Every recorded change of one action item, oldest first."""
    return FollowThroughRepository(uow.session).history(action_id)


@dataclass(frozen=True)
class ActionDetail:
    """One action item as ``actions show`` gives it: as it stands, and every change of it."""

    action: ActionView
    history: list[HistoryEntry]


def show_action(uow: UnitOfWork, *, action_id: str, today: dt.date) -> ActionDetail:
    """One action item by id with its history of changes, oldest first."""
    repo = FollowThroughRepository(uow.session)
    found = view(repo.get_action(action_id), today=today)
    return ActionDetail(action=found, history=repo.history(found.uid))


# --- changes through the document ----------------------------------------------------------


def _with_id(doc: Postmortem, item: ActionItem, uid: str) -> ActionItem:
    """The item with its id shown when another item of the document has the same text, since
    the store tells items without an id line apart by their text."""
    if item.id is not None:
        return item
    same_text = [other for other in doc.action_items.all() if other.text == item.text]
    return item.model_copy(update={"id": uid}) if len(same_text) > 1 else item


def _fresh_uid(taken: set[str]) -> str:
    uid = new_action_uid()
    while uid in taken:
        uid = new_action_uid()
    taken.add(uid)
    return uid


def _save(
    uow: UnitOfWork,
    stored: StoredPostmortem,
    doc: Postmortem,
    *,
    message: str,
    by: str | None,
) -> StoredPostmortem:
    return save_revision(
        uow,
        incident_id=stored.incident_id,
        doc=doc,
        expected_version=stored.version,
        message=message,
        by=by,
    )


Change = Callable[[Horizon, ActionItem], tuple[Horizon, ActionItem, str] | None]
"""What a command does to one item: its horizon and item after, and what changed (None: nothing)."""


def _change_item(
    uow: UnitOfWork,
    *,
    action_id: str,
    now: dt.datetime,
    by: str | None,
    change: Change,
    based_on: int | None = None,
) -> ActionView:
    """Apply ``change`` to one item of its document and save the document (``based_on``: the
    version of the post-mortem the caller saw, ``StaleEdit`` if another was saved since)."""
    with uow.stamped(now):
        repo = FollowThroughRepository(uow.session)
        record = repo.get_action(action_id)
        stored = uow.postmortems.get(record.incident_id)
        check_version(stored, based_on)
        items = dict(stored.doc.action_items.by_horizon())[record.horizon]
        outcome = change(record.horizon, items[record.position])
        if outcome is not None:
            horizon, updated, what = outcome
            changed = stored.doc.action_items.model_copy(deep=True)
            lists = dict(changed.by_horizon())
            if horizon is record.horizon:
                lists[horizon][record.position] = updated
            else:  # a moved item goes to the end of its new horizon
                del lists[record.horizon][record.position]
                lists[horizon].append(updated)
            doc = stored.doc.model_copy(update={"action_items": changed})
            position = record.position if horizon is record.horizon else len(lists[horizon]) - 1
            lists[horizon][position] = _with_id(doc, updated, record.uid)
            doc = doc.model_copy(update={"action_items": changed})
            _save(uow, stored, doc, message=f"{record.uid}: {what}", by=by)
        return view(repo.get_action(record.uid), today=now.date())


def set_action(
    uow: UnitOfWork,
    *,
    action_id: str,
    now: dt.datetime,
    by: str | None = None,
    status: ActionStatus | None = None,
    due: dt.date | None = None,
    priority: Priority | None = None,
    type: ActionType | None = None,
    text: str | None = None,
) -> ActionView:
    """Change an item's status, due date, priority, type or text; the checkbox follows status."""

    def change(horizon: Horizon, item: ActionItem) -> tuple[Horizon, ActionItem, str] | None:
        updated = item
        what: list[str] = []
        if status is not None and status is not item.status:
            if not rules.can_change_status(item.status, status):
                raise ValidationFailed(
                    f"{action_id.strip().upper()}: cannot go from {item.status.label} to "
                    f"{status.label}; reopen it as open or in progress",
                    field="status",
                )
            updated = rules.with_status(updated, status)
            what.append(f"status {status.label}")
        if due is not None and due != item.due_date:
            updated = updated.model_copy(update={"due_date": due, "due_date_text": None})
            what.append(f"due {due}")
        if priority is not None and priority is not item.priority:
            updated = updated.model_copy(update={"priority": priority, "priority_text": None})
            what.append(f"priority {priority.value}")
        if type is not None and type is not item.type:
            updated = updated.model_copy(update={"type": type})
            what.append(f"type {type.value}")
        if text is not None and text != item.text:
            updated = updated.model_copy(update={"text": text})
            what.append("text")
        if not what:
            return None
        return horizon, updated, ", ".join(what)

    return _change_item(uow, action_id=action_id, now=now, by=by, change=change)


def assign_action(
    uow: UnitOfWork, *, action_id: str, owner: str, now: dt.datetime, by: str | None = None
) -> ActionView:
    """Give an action item to someone."""
    if not owner.strip():
        raise ValidationFailed("the owner must not be empty", field="owner")

    def change(horizon: Horizon, item: ActionItem) -> tuple[Horizon, ActionItem, str] | None:
        if item.owner == owner.strip():
            return None
        # The note that said why there was no owner ("TBD (ask finance)") goes with it.
        assigned = item.model_copy(update={"owner": owner.strip(), "owner_text": None})
        return horizon, assigned, f"assigned to {owner}"

    return _change_item(uow, action_id=action_id, now=now, by=by, change=change)


def move_action(
    uow: UnitOfWork, *, action_id: str, horizon: Horizon, now: dt.datetime, by: str | None = None
) -> ActionView:
    """Move an action item to another horizon (at its end); its due date stays as it was."""

    def change(old: Horizon, item: ActionItem) -> tuple[Horizon, ActionItem, str] | None:
        if old is horizon:
            return None
        return horizon, item, f"moved from {old.value} to {horizon.value}"

    return _change_item(uow, action_id=action_id, now=now, by=by, change=change)


def update_action(
    uow: UnitOfWork,
    *,
    action_id: str,
    changes: ActionItemUpdate,
    now: dt.datetime,
    based_on: int | None = None,
    by: str | None = None,
) -> ActionView:
    """Change the fields ``changes`` sets (status, owner, horizon, due date, priority, type,
    text) in one new version; the rules of ``set_action``, ``assign_action`` and
    ``move_action`` apply."""
    fields = changes.model_dump(exclude_unset=True)
    for name in ("text", "status", "owner", "horizon"):
        if name in fields and fields[name] is None:
            raise ValidationFailed(f"{name} cannot be cleared", field=name)
    if "owner" in fields and not fields["owner"].strip():
        raise ValidationFailed("the owner must not be empty", field="owner")

    def change(horizon: Horizon, item: ActionItem) -> tuple[Horizon, ActionItem, str] | None:
        updated, what = item, []
        status = changes.status
        if status is not None and status is not item.status:
            if not rules.can_change_status(item.status, status):
                raise ValidationFailed(
                    f"{action_id.strip().upper()}: cannot go from {item.status.label} to "
                    f"{status.label}; reopen it as open or in progress",
                    field="status",
                )
            updated = rules.with_status(updated, status)
            what.append(f"status {status.label}")
        if "due_date" in fields and changes.due_date != item.due_date:
            updated = updated.model_copy(
                update={"due_date": changes.due_date, "due_date_text": None}
            )
            what.append(f"due {changes.due_date or 'cleared'}")
        if "priority" in fields and changes.priority is not item.priority:
            updated = updated.model_copy(
                update={"priority": changes.priority, "priority_text": None}
            )
            what.append(f"priority {changes.priority.value if changes.priority else 'cleared'}")
        if "type" in fields and changes.type is not item.type:
            updated = updated.model_copy(update={"type": changes.type})
            what.append(f"type {changes.type.value if changes.type else 'cleared'}")
        if changes.text is not None and changes.text.strip() != item.text:
            updated = updated.model_copy(update={"text": changes.text.strip()})
            what.append("text")
        if changes.owner is not None and changes.owner.strip() != item.owner:
            owner = changes.owner.strip()
            updated = updated.model_copy(update={"owner": owner, "owner_text": None})
            what.append(f"assigned to {owner}")
        target = changes.horizon or horizon
        if target is not horizon:
            what.append(f"moved from {horizon.value} to {target.value}")
        if not what:
            return None
        return target, updated, ", ".join(what)

    return _change_item(uow, action_id=action_id, now=now, by=by, change=change, based_on=based_on)


def link_tracker(
    uow: UnitOfWork, *, action_id: str, link: TrackerLink, now: dt.datetime, by: str | None = None
) -> ActionView:
    """Record the tracker issue an action item is tracked as (after a push)."""

    def change(horizon: Horizon, item: ActionItem) -> tuple[Horizon, ActionItem, str] | None:
        if item.tracker == link:
            return None
        updated = item.model_copy(update={"tracker": link})
        return horizon, updated, f"tracked as {link.system.label} {link.key}"

    return _change_item(uow, action_id=action_id, now=now, by=by, change=change)


@dataclass(frozen=True)
class AddedAction:
    """A new action item and anything odd about its due date."""

    action: ActionView
    flags: list[rules.DueDateFlag]


def add_action(
    uow: UnitOfWork,
    *,
    incident_id: str,
    text: str,
    horizon: Horizon,
    now: dt.datetime,
    owner: str | None = None,
    due: dt.date | None = None,
    priority: Priority | None = None,
    type: ActionType | None = None,
    status: ActionStatus = ActionStatus.OPEN,
    based_on: int | None = None,
    by: str | None = None,
) -> AddedAction:
    """Add an action item; without a due date it gets its horizon's end from the incident date.

    A due date outside its horizon is allowed and comes back flagged.
    """
    if not text.strip():
        raise ValidationFailed("an action item needs some text", field="text")
    with uow.stamped(now):
        repo = FollowThroughRepository(uow.session)
        stored = uow.postmortems.get(incident_id)
        check_version(stored, based_on)
        records = repo.list_actions(incident_id=incident_id)
        doc = stored.doc
        if due is None:
            due = rules.default_due_date(doc.date, horizon)
        uid = _fresh_uid({r.uid for r in records} | {i.id or "" for i in doc.action_items.all()})
        item = ActionItem(
            text=text.strip(),
            status=status,
            owner=owner,
            due_date=due,
            priority=priority,
            type=type,
        )
        changed = doc.action_items.model_copy(deep=True)
        dict(changed.by_horizon())[horizon].append(item)
        doc = doc.model_copy(update={"action_items": changed})
        dict(changed.by_horizon())[horizon][-1] = _with_id(doc, item, uid)
        doc = doc.model_copy(update={"action_items": changed})
        position = len(dict(changed.by_horizon())[horizon]) - 1
        _save(uow, stored, doc, message=f"added to {horizon.value}: {item.text}", by=by)
        # The store gives the item its id (the one shown, unless another post-mortem took it
        # meanwhile); read back what was kept.
        kept = next(
            r
            for r in repo.list_actions(incident_id=incident_id)
            if r.horizon is horizon and r.position == position
        )
        added = view(kept, today=now.date())
    return AddedAction(action=added, flags=rules.due_date_flags(due, horizon, doc.date))


# --- prevention measures ---------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureView:
    """A prevention measure with where it sits and when it closed."""

    incident_id: str
    category: str
    number: int  # 1-based, as the checklist shows it
    item: CheckItem
    closed_at: dt.datetime | None


def list_measures(uow: UnitOfWork, *, incident_id: str) -> list[MeasureView]:
    """A post-mortem's prevention measures, category by category."""
    doc = uow.postmortems.get(incident_id).doc
    closed = FollowThroughRepository(uow.session).prevention_closed_at(incident_id)
    return [
        MeasureView(incident_id, category, i + 1, item, closed.get((category, i)))
        for category in ("technical", "process", "monitoring")
        for i, item in enumerate(getattr(doc.prevention_measures, category))
    ]


def list_all_measures(
    uow: UnitOfWork, *, statuses: Sequence[ActionStatus] | None = None
) -> list[MeasureView]:
    """Prevention measures across post-mortems (newest incident first), optionally by status."""
    return [
        MeasureView(
            r.incident_id,
            r.category,
            r.number,
            CheckItem(text=r.text, status=r.status),
            r.closed_at,
        )
        for r in measure_records(uow.session, statuses=statuses or ())
    ]


def set_measure(
    uow: UnitOfWork,
    *,
    incident_id: str,
    category: str,
    number: int,
    status: ActionStatus,
    now: dt.datetime,
    based_on: int | None = None,
    by: str | None = None,
) -> MeasureView:
    """Change the status of a prevention measure (its checkbox follows); ``based_on`` as for
    ``update_action``."""
    if category not in ("technical", "process", "monitoring"):
        raise ValidationFailed(
            f"category {category!r} is not technical, process or monitoring", field="category"
        )
    with uow.stamped(now):
        stored = uow.postmortems.get(incident_id)
        check_version(stored, based_on)
        measures = stored.doc.prevention_measures.model_copy(deep=True)
        items: list[CheckItem] = getattr(measures, category)
        if not 1 <= number <= len(items):
            raise MeasureNotFound(
                f"{incident_id} has {len(items)} {category} prevention measure(s); "
                f"there is no number {number}"
            )
        item = items[number - 1]
        if status is not item.status:
            if not rules.can_change_status(item.status, status):
                raise ValidationFailed(
                    f"cannot go from {item.status.label} to {status.label}", field="status"
                )
            items[number - 1] = rules.check_with_status(item, status)
            doc = stored.doc.model_copy(update={"prevention_measures": measures})
            message = f"prevention {category} {number}: {status.label}"
            _save(uow, stored, doc, message=message, by=by)
        closed = FollowThroughRepository(uow.session).prevention_closed_at(incident_id)
    return MeasureView(
        incident_id, category, number, items[number - 1], closed.get((category, number - 1))
    )


def change_measures(
    uow: UnitOfWork,
    *,
    incident_id: str,
    category: str | None = None,
    number: int | None = None,
    status: ActionStatus | None = None,
    now: dt.datetime,
    by: str | None = None,
) -> list[MeasureView]:
    """What ``actions prevention`` does in one go: set one measure's status when ``category``,
    ``number`` and ``status`` are given (a revision when it changes something), and return
    the post-mortem's measures as they then stand."""
    given = {"category": category, "number": number, "status": status}
    if category is not None and number is not None and status is not None:
        set_measure(
            uow,
            incident_id=incident_id,
            category=category,
            number=number,
            status=status,
            now=now,
            by=by,
        )
    elif any(value is not None for value in given.values()):
        missing = next(name for name, value in given.items() if value is None)
        raise ValidationFailed(
            "to change a prevention measure give its category, number and status", field=missing
        )
    return list_measures(uow, incident_id=incident_id)


def evaluate_criteria(uow: UnitOfWork, *, incident_id: str) -> list[rules.CriterionState]:
    """The success criteria of a post-mortem, evaluated from its data where they can be."""
    doc = uow.postmortems.get(incident_id).doc
    return rules.evaluate_success_criteria(doc)


def add_criterion(
    uow: UnitOfWork, *, incident_id: str, text: str, now: dt.datetime, by: str | None = None
) -> list[rules.CriterionState]:
    """Add a custom success criterion (checked by hand unless Blamefree knows it)."""
    if not text.strip():
        raise ValidationFailed("a success criterion needs some text", field="text")
    with uow.stamped(now):
        stored = uow.postmortems.get(incident_id)
        follow_up = stored.doc.follow_up.model_copy(deep=True)
        follow_up.success_criteria.append(CheckItem(text=text.strip()))
        doc = stored.doc.model_copy(update={"follow_up": follow_up})
        saved = _save(uow, stored, doc, message=f"success criterion added: {text}", by=by)
    return rules.evaluate_success_criteria(saved.doc)


def check_criterion(
    uow: UnitOfWork,
    *,
    incident_id: str,
    number: int,
    met: bool,
    now: dt.datetime,
    by: str | None = None,
) -> list[rules.CriterionState]:
    """Tick or untick a criterion checked by hand; evaluated ones follow the data instead."""
    with uow.stamped(now):
        stored = uow.postmortems.get(incident_id)
        follow_up = stored.doc.follow_up.model_copy(deep=True)
        criteria = follow_up.success_criteria
        if not 1 <= number <= len(criteria):
            raise CriterionNotFound(
                f"{incident_id} has {len(criteria)} success criteria, not {number}"
            )
        state = rules.evaluate_criterion(stored.doc, criteria[number - 1])
        if state.evaluated:
            raise ValidationFailed(
                f"{criteria[number - 1].text!r} is evaluated from the data ({state.reason}); "
                "change the items it depends on instead",
                field="number",
            )
        status = ActionStatus.DONE if met else ActionStatus.OPEN
        criteria[number - 1] = rules.check_with_status(criteria[number - 1], status)
        doc = stored.doc.model_copy(update={"follow_up": follow_up})
        word = "met" if met else "not met"
        saved = _save(uow, stored, doc, message=f"success criterion {number}: {word}", by=by)
    return rules.evaluate_success_criteria(saved.doc)


def apply_criteria(
    uow: UnitOfWork, *, incident_id: str, now: dt.datetime, by: str | None = None
) -> list[rules.CriterionState]:
    """Tick the evaluated criteria as the data says: an explicit edit, one box per criterion
    that disagrees (nothing else ticks them: the checkboxes are the author's)."""
    with uow.stamped(now):
        stored = uow.postmortems.get(incident_id)
        changed = [s.text for s in rules.evaluate_success_criteria(stored.doc) if s.disagrees]
        if not changed:
            return rules.evaluate_success_criteria(stored.doc)
        doc = rules.apply_success_criteria(stored.doc)
        message = "success criteria set from the data: " + ", ".join(changed)
        saved = _save(uow, stored, doc, message=message, by=by)
    return rules.evaluate_success_criteria(saved.doc)


def change_criteria(
    uow: UnitOfWork,
    *,
    incident_id: str,
    add: str | None = None,
    check: int | None = None,
    uncheck: int | None = None,
    apply: bool = False,
    now: dt.datetime,
    by: str | None = None,
) -> list[rules.CriterionState]:
    """What ``actions criteria`` does in one go: add a criterion, tick or untick one by hand,
    set the evaluated ones from the data (in that order, each a revision when it changes
    something), and return the criteria as they then stand."""
    if add is not None:
        add_criterion(uow, incident_id=incident_id, text=add, now=now, by=by)
    for number, met in ((check, True), (uncheck, False)):
        if number is not None:
            check_criterion(uow, incident_id=incident_id, number=number, met=met, now=now, by=by)
    if apply:
        apply_criteria(uow, incident_id=incident_id, now=now, by=by)
    return evaluate_criteria(uow, incident_id=incident_id)


# --- several items at once -------------------------------------------------------------------


def update_actions(
    uow: UnitOfWork,
    *,
    action_ids: Sequence[str],
    now: dt.datetime,
    by: str | None = None,
    status: ActionStatus | None = None,
    owner: str | None = None,
    due: dt.date | None = None,
) -> list[ActionView]:
    """Give several items the same status, owner and/or due date, all or none.

    The caller's unit of work holds every change, so one item that cannot change (an unknown
    id, a closed item set in progress) leaves all of them as they were. Each item changed is
    one revision of its post-mortem, with one history line per field, by ``by``.
    """
    uids = list(dict.fromkeys(uid.strip().upper() for uid in action_ids if uid.strip()))
    if not uids:
        raise ValidationFailed("select at least one action item", field="action_ids")
    if owner is not None and not owner.strip():
        raise ValidationFailed("the owner must not be empty", field="owner")
    if status is None and owner is None and due is None:
        raise ValidationFailed("choose a status, an owner or a due date to set", field="status")

    def change_for(uid: str) -> Change:
        def change(horizon: Horizon, item: ActionItem) -> tuple[Horizon, ActionItem, str] | None:
            updated = item
            what: list[str] = []
            if status is not None and status is not item.status:
                if not rules.can_change_status(item.status, status):
                    raise ValidationFailed(
                        f"{uid}: cannot go from {item.status.label} to {status.label}; "
                        "reopen it as open or in progress",
                        field="status",
                    )
                updated = rules.with_status(updated, status)
                what.append(f"status {status.label}")
            if owner is not None and owner.strip() != item.owner:
                updated = updated.model_copy(update={"owner": owner.strip(), "owner_text": None})
                what.append(f"assigned to {owner.strip()}")
            if due is not None and due != item.due_date:
                updated = updated.model_copy(update={"due_date": due, "due_date_text": None})
                what.append(f"due {due}")
            return (horizon, updated, ", ".join(what)) if what else None

        return change

    return [
        _change_item(uow, action_id=uid, now=now, by=by, change=change_for(uid)) for uid in uids
    ]
