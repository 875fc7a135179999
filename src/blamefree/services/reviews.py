"""Use cases for follow-up reviews: each post-mortem's 1-week, 1-month and 3-month reviews.

A review is due on the date the post-mortem's Follow-Up section gives it, else 7, 30 or 90 days
after the incident. ``schedule_review`` writes a new date into the document (a new revision);
``record_review`` notes that a review was held, with notes, in the store. ``sign_off`` signs a
post-mortem off in one role (its Sign-Off section, a new revision), recorded as data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from blamefree.domain import actions as rules
from blamefree.domain.enums import ActionStatus, ReviewKind, Severity, SignOffRole
from blamefree.errors import CriterionNotFound, PostmortemNotFound, ValidationFailed
from blamefree.services.saving import save_revision
from blamefree.store import UnitOfWork
from blamefree.store.follow_through import FollowThroughRepository, ReviewRecord
from blamefree.store.sign_offs import SignOffRecord, sign_offs_of

REVIEW_NAMES = {
    ReviewKind.ONE_WEEK: "1-week review",
    ReviewKind.ONE_MONTH: "1-month review",
    ReviewKind.THREE_MONTHS: "3-month review",
}


@dataclass(frozen=True)
class ReviewView:
    """One review of one post-mortem as it stands on a given day."""

    incident_id: str
    title: str | None
    severity: Severity | None
    kind: ReviewKind
    due_date: dt.date | None
    due_is_default: bool
    done_at: dt.datetime | None
    notes: str | None
    by: str | None
    overdue: bool

    @property
    def name(self) -> str:
        """``1-week review`` and so on."""
        return REVIEW_NAMES[self.kind]


def list_reviews(
    uow: UnitOfWork,
    *,
    today: dt.date,
    upcoming: int | None = None,
    overdue: bool = False,
    include_done: bool = False,
    incident_id: str | None = None,
) -> list[ReviewView]:
    """Reviews of every post-mortem (or one), by due date.

    ``upcoming`` keeps reviews due from today to that many days ahead; ``overdue`` keeps those
    due before today and not held; given both, either kind is kept. Held reviews are left out
    unless ``include_done``.
    """
    repo = FollowThroughRepository(uow.session)
    sources = repo.review_sources(incident_id)
    if incident_id is not None and not sources:
        raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
    held = {(r.incident_id, r.kind): r for r in repo.reviews()}
    views: list[ReviewView] = []
    for source in sources:
        for kind in ReviewKind:
            written = getattr(source.schedule, rules.schedule_field(kind))
            due = rules.review_due_date(source.date, source.schedule, kind)
            record: ReviewRecord | None = held.get((source.incident_id, kind))
            done_at = record.done_at if record else None
            views.append(
                ReviewView(
                    incident_id=source.incident_id,
                    title=source.title,
                    severity=source.severity,
                    kind=kind,
                    due_date=due,
                    due_is_default=written is None and due is not None,
                    done_at=done_at,
                    notes=record.notes if record else None,
                    by=record.by if record else None,
                    overdue=due is not None and done_at is None and due < today,
                )
            )
    if not include_done:
        views = [v for v in views if v.done_at is None]
    if upcoming is not None or overdue:
        horizon = today + dt.timedelta(days=upcoming or 0)
        views = [
            v
            for v in views
            if (overdue and v.overdue)
            or (upcoming is not None and v.due_date is not None and today <= v.due_date <= horizon)
        ]
    return sorted(views, key=lambda v: (v.due_date or dt.date.max, v.incident_id, v.kind.days))


def record_review(
    uow: UnitOfWork,
    *,
    incident_id: str,
    kind: ReviewKind,
    now: dt.datetime,
    notes: str | None = None,
    by: str | None = None,
) -> ReviewView:
    """Note that a review was held (now), with notes; recording it again replaces the notes."""
    repo = FollowThroughRepository(uow.session)
    row_id = repo.postmortem_row_id(incident_id)
    if row_id is None:
        raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
    repo.put_review(row_id, kind, done_at=now, notes=notes, by=by)
    return _one(uow, incident_id, kind, now.date())


@dataclass(frozen=True)
class HeldReview:
    """A review as recorded, with the success criteria as they stood after it."""

    review: ReviewView
    criteria: list[rules.CriterionState]


def hold_review(
    uow: UnitOfWork,
    *,
    incident_id: str,
    kind: ReviewKind,
    now: dt.datetime,
    notes: str | None = None,
    met: Collection[int] = (),
    apply_evaluated: bool = False,
    by: str | None = None,
) -> HeldReview:
    """Record a review held now with its notes and its success-criteria outcome.

    ``met`` numbers (1-based) the criteria checked by hand that the review found met; every
    other criterion checked by hand is found not met. The criteria Blamefree evaluates follow
    the data; ``apply_evaluated`` ticks their boxes as the data says. A changed outcome is one
    revision of the post-mortem; the notes go with the review, as ``record_review`` keeps them.
    """
    with uow.stamped(now):
        stored = uow.postmortems.get(incident_id)
        criteria = list(stored.doc.follow_up.success_criteria)
        unknown = sorted(n for n in met if not 1 <= n <= len(criteria))
        if unknown:
            raise CriterionNotFound(
                f"{incident_id} has {len(criteria)} success criteria, not {unknown[0]}"
            )
        doc = rules.apply_success_criteria(stored.doc) if apply_evaluated else stored.doc
        changed: list[str] = []
        ticked = list(doc.follow_up.success_criteria)
        for number, (item, state) in enumerate(
            zip(ticked, rules.evaluate_success_criteria(doc), strict=True), start=1
        ):
            if state.evaluated:
                if item.done != stored.doc.follow_up.success_criteria[number - 1].done:
                    changed.append(f"{number} {'met' if item.done else 'not met'}")
                continue
            wanted = number in met
            if item.done != wanted:
                status = ActionStatus.DONE if wanted else ActionStatus.OPEN
                ticked[number - 1] = rules.check_with_status(item, status)
                changed.append(f"{number} {'met' if wanted else 'not met'}")
        if changed:
            follow_up = doc.follow_up.model_copy(update={"success_criteria": ticked})
            save_revision(
                uow,
                incident_id=incident_id,
                doc=doc.model_copy(update={"follow_up": follow_up}),
                expected_version=stored.version,
                message=f"{REVIEW_NAMES[kind]}: success criteria " + ", ".join(changed),
                by=by,
            )
        review = record_review(
            uow, incident_id=incident_id, kind=kind, now=now, notes=notes or None, by=by
        )
        after = uow.postmortems.get(incident_id, events=False).doc
    return HeldReview(review=review, criteria=rules.evaluate_success_criteria(after))


def schedule_review(
    uow: UnitOfWork,
    *,
    incident_id: str,
    kind: ReviewKind,
    date: dt.date,
    now: dt.datetime,
    by: str | None = None,
) -> ReviewView:
    """Move a review to another date: written into the Follow-Up section as a new revision."""
    with uow.stamped(now):
        stored = uow.postmortems.get(incident_id)
        doc = stored.doc
        if doc.date is not None and date < doc.date:
            raise ValidationFailed(f"{date} is before the incident ({doc.date})", field="date")
        follow_up = doc.follow_up.model_copy(deep=True)
        name = rules.schedule_field(kind)
        if getattr(follow_up.review_schedule, name) != date or getattr(
            follow_up.review_schedule, f"{name}_text"
        ):
            schedule = follow_up.review_schedule.model_copy(
                update={name: date, f"{name}_text": None}
            )
            follow_up = follow_up.model_copy(update={"review_schedule": schedule})
            changed = doc.model_copy(update={"follow_up": follow_up})
            save_revision(
                uow,
                incident_id=incident_id,
                doc=changed,
                expected_version=stored.version,
                message=f"{REVIEW_NAMES[kind]} scheduled for {date}",
                by=by,
            )
    # The Follow-Up section is where a review's date lives (``list_reviews`` reads it there);
    # no copy goes into the reviews table, where a later edit of the section would leave it stale.
    return _one(uow, incident_id, kind, now.date())


def _one(uow: UnitOfWork, incident_id: str, kind: ReviewKind, today: dt.date) -> ReviewView:
    views = list_reviews(uow, today=today, incident_id=incident_id, include_done=True)
    return next(v for v in views if v.kind is kind)


# --- sign-off ------------------------------------------------------------------------------


def sign_off(
    uow: UnitOfWork,
    *,
    incident_id: str,
    role: SignOffRole,
    now: dt.datetime,
    name: str | None = None,
    by: str | None = None,
) -> list[SignOffRecord]:
    """Sign a post-mortem off in one role (Prepared, Reviewed or Approved By), dated ``now``:
    written into its Sign-Off section as a new revision and recorded with who did it.

    ``name`` is who signs (default: ``by``, the one who acts); every role's sign-off as it
    then stands comes back.
    """
    who = " ".join((name or by or "").split())
    if not who:
        raise ValidationFailed("a sign-off needs the name of who signs", field="name")
    with uow.stamped(now):
        stored = uow.postmortems.get(incident_id)
        current = stored.doc.sign_off
        signed = current.model_copy(update={role.field: who, "date": now.date(), "date_text": None})
        if signed != current:
            save_revision(
                uow,
                incident_id=incident_id,
                doc=stored.doc.model_copy(update={"sign_off": signed}),
                expected_version=stored.version,
                message=f"signed off: {role.label} {who}",
                by=by,
            )
    return sign_offs_of(uow.session, incident_id)


def list_sign_offs(uow: UnitOfWork, *, incident_id: str) -> list[SignOffRecord]:
    """Who signed a post-mortem off in which role, when, and who recorded it."""
    uow.postmortems.stamp(incident_id)  # PostmortemNotFound for an unknown id
    return sign_offs_of(uow.session, incident_id)


def held_reviews(uow: UnitOfWork, *, incident_id: str) -> tuple[ReviewRecord, ...]:
    """The reviews recorded for one post-mortem as stored (recording one is no new version
    of the document); in a fixed order, so two reads of the same rows compare equal."""
    return FollowThroughRepository(uow.session).held_reviews(incident_id)
