"""The follow-up calendar: a month of reviews and action-item due dates, and the reviews to hold.

Read-only; a review is recorded with ``reviews.hold_review`` and moved with
``reviews.schedule_review``. Weeks start on Monday; "today" is the caller's (the app's clock).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from blamefree.domain.enums import ReviewKind, Severity
from blamefree.services.actions import ActionView, evaluate_criteria, list_actions
from blamefree.services.reviews import HeldReview, ReviewView, list_reviews
from blamefree.store import UnitOfWork

UPCOMING_DAYS = 30
RECENTLY_HELD = 10


@dataclass(frozen=True)
class CalendarEntry:
    """One thing on one day: a review, or an action item falling due."""

    day: dt.date
    incident_id: str
    title: str | None
    severity: Severity | None
    label: str
    overdue: bool
    done: bool
    review: ReviewView | None = None
    action: ActionView | None = None

    @property
    def kind(self) -> str:
        """``review`` or ``due``."""
        return "review" if self.review is not None else "due"


@dataclass(frozen=True)
class CalendarDay:
    """A cell of the month grid."""

    day: dt.date
    in_month: bool
    is_today: bool
    entries: list[CalendarEntry] = field(default_factory=list)


@dataclass(frozen=True)
class FollowUpMonth:
    """What the follow-up page shows for one month."""

    month: dt.date
    """The first day of the month shown."""
    previous: dt.date
    following: dt.date
    weeks: list[list[CalendarDay]]
    agenda: list[CalendarEntry]
    to_hold: list[ReviewView]
    held: list[ReviewView]


def month_of(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def _shift(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _review_entry(review: ReviewView) -> CalendarEntry | None:
    if review.due_date is None:
        return None
    return CalendarEntry(
        day=review.due_date,
        incident_id=review.incident_id,
        title=review.title,
        severity=review.severity,
        label=review.name,
        overdue=review.overdue,
        done=review.done_at is not None,
        review=review,
    )


def _due_entry(action: ActionView) -> CalendarEntry | None:
    if action.due is None:
        return None
    r = action.record
    return CalendarEntry(
        day=action.due,
        incident_id=r.incident_id,
        title=r.title,
        severity=r.severity,
        label=r.text,
        overdue=action.overdue,
        done=r.status.closed,
        action=action,
    )


def follow_up_month(uow: UnitOfWork, *, month: dt.date, today: dt.date) -> FollowUpMonth:
    """Reviews (held or not) and action items' due dates of one month, on a Monday-first grid;
    the reviews to hold (overdue, or due within 30 days) and those held most recently."""
    first = month_of(month)
    reviews = list_reviews(uow, today=today, include_done=True)
    entries = [e for r in reviews if (e := _review_entry(r)) is not None]
    entries += [e for a in list_actions(uow, today=today) if (e := _due_entry(a)) is not None]
    entries.sort(key=lambda e: (e.day, e.kind != "review", e.incident_id, e.label))
    by_day: dict[dt.date, list[CalendarEntry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    grid = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )
    weeks = [
        [
            CalendarDay(day, day.month == first.month, day == today, by_day.get(day, []))
            for day in week
        ]
        for week in grid
    ]
    horizon = today + dt.timedelta(days=UPCOMING_DAYS)
    to_hold = [
        r
        for r in reviews
        if r.done_at is None and r.due_date is not None and (r.overdue or r.due_date <= horizon)
    ]
    held = sorted(
        (r for r in reviews if r.done_at is not None),
        key=lambda r: r.done_at or dt.datetime.min.replace(tzinfo=dt.UTC),
        reverse=True,
    )[:RECENTLY_HELD]
    return FollowUpMonth(
        month=first,
        previous=_shift(first, -1),
        following=_shift(first, 1),
        weeks=weeks,
        agenda=[e for e in entries if month_of(e.day) == first],
        to_hold=to_hold,
        held=held,
    )


def review_with_criteria(
    uow: UnitOfWork, *, incident_id: str, kind: ReviewKind, today: dt.date
) -> HeldReview:
    """One review of one post-mortem and its success criteria as they stand (the review form)."""
    views = list_reviews(uow, today=today, incident_id=incident_id, include_done=True)
    review = next(v for v in views if v.kind is kind)
    return HeldReview(review=review, criteria=evaluate_criteria(uow, incident_id=incident_id))
