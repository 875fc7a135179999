"""An iCalendar feed of open action items' due dates and upcoming follow-up reviews.

Every event is an all-day event with a UID that depends only on what it is about
(``A-7F3K2Q@blamefree`` for an action item, ``review-INC-1-1w@blamefree`` for a review), so a
calendar app that subscribes to the feed, or imports it again, updates events instead of
duplicating them. Closed items and held reviews leave the feed (and so the calendar).
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from blamefree.services.actions import ActionView, list_actions
from blamefree.services.reviews import ReviewView, list_reviews
from blamefree.store import UnitOfWork

PRODID = "-//Blamefree//Follow-through//EN"
UID_DOMAIN = "blamefree"


def action_uid(action_id: str) -> str:
    """The calendar UID of an action item's due date."""
    return f"{action_id}@{UID_DOMAIN}"


def review_uid(incident_id: str, kind: str) -> str:
    """The calendar UID of a post-mortem's review."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in incident_id)
    return f"review-{safe}-{kind}@{UID_DOMAIN}"


def _all_day(event: Event, day: dt.date) -> None:
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")


def _action_event(action: ActionView, stamp: dt.datetime) -> Event | None:
    if action.due is None:
        return None
    r = action.record
    event = Event()
    event.add("uid", action_uid(r.uid))
    event.add("dtstamp", stamp)
    _all_day(event, action.due)
    event.add("summary", f"Due: {r.text} ({r.uid})")
    lines = [
        f"Action item {r.uid} of {r.incident_id}" + (f": {r.title}" if r.title else ""),
        f"Horizon: {r.horizon.value}; status: {r.status.label}",
        f"Owner: {r.owner or 'unassigned'}",
    ]
    if r.priority is not None:
        lines.append(f"Priority: {r.priority.value}")
    if action.due_is_default:
        lines.append("Due date: the horizon's end (none was given)")
    if r.tracker is not None:
        lines.append(f"Tracker: {r.tracker.system.label} {r.tracker.key} {r.tracker.url or ''}")
    event.add("description", "\n".join(line.rstrip() for line in lines))
    event.add("categories", ["Blamefree", "Action item"])
    if r.tracker is not None and r.tracker.url:
        event.add("url", r.tracker.url)
    return event


def _review_event(review: ReviewView, stamp: dt.datetime) -> Event | None:
    if review.due_date is None:
        return None
    event = Event()
    event.add("uid", review_uid(review.incident_id, review.kind.value))
    event.add("dtstamp", stamp)
    _all_day(event, review.due_date)
    title = f": {review.title}" if review.title else ""
    event.add("summary", f"{review.name} of {review.incident_id}{title}")
    event.add(
        "description",
        f"Follow-up {review.name} of post-mortem {review.incident_id}. Record it with: "
        f"blamefree reviews record {review.incident_id} {review.kind.value} --notes ...",
    )
    event.add("categories", ["Blamefree", "Review"])
    return event


def build_calendar(
    uow: UnitOfWork,
    *,
    now: dt.datetime,
    owner: str | None = None,
    reviews: bool = True,
    incident_id: str | None = None,
) -> bytes:
    """The feed as iCalendar bytes: open items' due dates and reviews not held yet.

    With ``owner``, only that person's items, and the reviews of the post-mortems they are in;
    with ``incident_id``, only that post-mortem's (PostmortemNotFound for an unknown one).
    """
    if incident_id is not None:
        uow.postmortems.get(incident_id, events=False)
    today = now.date()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = ": ".join(part for part in (owner, incident_id) if part)
    calendar.add("x-wr-calname", f"Blamefree: {name}" if name else "Blamefree follow-through")
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    involved: set[str] = set()
    for action in list_actions(uow, today=today, owner=owner, incident_id=incident_id):
        if action.record.status.closed:
            continue
        involved.add(action.record.incident_id)
        event = _action_event(action, stamp)
        if event is not None:
            calendar.add_component(event)
    if reviews:
        for review in list_reviews(uow, today=today, incident_id=incident_id):
            if owner is not None and review.incident_id not in involved:
                continue  # someone's own feed: reviews of the post-mortems they have work in
            event = _review_event(review, stamp)
            if event is not None:
                calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
