"""``/follow-up``: the calendar of reviews and due dates, recording and scheduling a review, and
the iCalendar feed (``/calendar.ics``) a calendar app subscribes to."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from blamefree.domain.enums import ReviewKind, parse_choice
from blamefree.errors import ValidationFailed
from blamefree.services import calendar, follow_up, reviews
from blamefree.web.deps import Actor, Now, State, Today, UoW
from blamefree.web.pages.board import parse_day
from blamefree.web.security import require_csrf
from blamefree.web.templating import render

router = APIRouter()

NOTES_MAX = 20_000
ICS_TYPE = "text/calendar; charset=utf-8"


def parse_month(text: str, today: dt.date) -> dt.date:
    """``2026-11`` as the first of that month; this month when empty."""
    if not text.strip():
        return follow_up.month_of(today)
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ValidationFailed(f"{text!r} is not a month (YYYY-MM)", field="month") from None


def parse_kind(text: str) -> ReviewKind:
    """``1w``, ``1m`` or ``3m``."""
    try:
        return parse_choice(ReviewKind, text)
    except ValueError as error:
        raise ValidationFailed(str(error), field="kind") from None


def feed_url(request: Request, state: State, **query: str) -> str:
    """The address of the feed as people reach the app (``public_url`` when it is set)."""
    base = (state.settings.public_url or str(request.base_url)).rstrip("/")
    kept = {k: v for k, v in query.items() if v}
    return f"{base}/calendar.ics" + (f"?{urlencode(kept)}" if kept else "")


@router.get("/follow-up", response_class=HTMLResponse)
def follow_up_page(
    request: Request,
    uow: UoW,
    state: State,
    today: Today,
    month: Annotated[str, Query(max_length=10)] = "",
    owner: Annotated[str, Query(max_length=200)] = "",
    held: Annotated[str, Query(max_length=200)] = "",
    scheduled: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=5)] = "",
) -> HTMLResponse:
    """One month of reviews and due dates, the reviews to hold, and the feed's address."""
    shown = follow_up.follow_up_month(uow, month=parse_month(month, today), today=today)
    review_name = reviews.REVIEW_NAMES[parse_kind(kind)] if kind else "review"
    return render(
        request,
        "board/follow_up.html",
        {
            "cal": shown,
            "today": today,
            "feed": feed_url(request, state),
            "owner": owner.strip(),
            "owner_feed": feed_url(request, state, owner=owner.strip()) if owner.strip() else "",
            "held": held,
            "scheduled": scheduled,
            "review_name": review_name,
            "weekdays": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        },
    )


@router.get("/follow-up/{incident_id}/{kind}", response_class=HTMLResponse)
def review_page(
    request: Request, incident_id: str, kind: str, uow: UoW, today: Today
) -> HTMLResponse:
    """The form that records one review: notes and the success criteria it found met."""
    found = follow_up.review_with_criteria(
        uow, incident_id=incident_id, kind=parse_kind(kind), today=today
    )
    return render(request, "board/review.html", {"found": found, "today": today})


@router.post("/follow-up/{incident_id}/{kind}", dependencies=[Depends(require_csrf)])
def record_review(
    incident_id: str,
    kind: str,
    uow: UoW,
    now: Now,
    actor: Actor,
    notes: Annotated[str, Form(max_length=NOTES_MAX)] = "",
    met: Annotated[list[int] | None, Form()] = None,
    apply: Annotated[str, Form(max_length=5)] = "",
) -> RedirectResponse:
    """Record the review as held now, with its notes and success-criteria outcome."""
    held = reviews.hold_review(
        uow,
        incident_id=incident_id,
        kind=parse_kind(kind),
        now=now,
        notes=notes.strip() or None,
        met=met or [],
        apply_evaluated=apply in ("1", "on", "true"),
        by=actor,
    )
    month = f"{held.review.due_date:%Y-%m}" if held.review.due_date else ""
    query = urlencode({"month": month, "held": incident_id, "kind": held.review.kind.value})
    return RedirectResponse(f"/follow-up?{query}", status_code=303)


@router.post("/follow-up/{incident_id}/{kind}/schedule", dependencies=[Depends(require_csrf)])
def schedule_review(
    incident_id: str,
    kind: str,
    uow: UoW,
    now: Now,
    actor: Actor,
    date: Annotated[str, Form(max_length=20)],
) -> RedirectResponse:
    """Move a review to another date (written into the post-mortem's Follow-Up section)."""
    day = parse_day(date, "date")
    if day is None:
        raise ValidationFailed("choose the date of the review", field="date")
    moved = reviews.schedule_review(
        uow, incident_id=incident_id, kind=parse_kind(kind), date=day, now=now, by=actor
    )
    query = urlencode({"month": f"{day:%Y-%m}", "scheduled": incident_id, "kind": moved.kind.value})
    return RedirectResponse(f"/follow-up?{query}", status_code=303)


@router.get("/calendar.ics")
def calendar_feed(
    uow: UoW,
    now: Now,
    owner: Annotated[str, Query(max_length=200)] = "",
    postmortem: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Open action items' due dates and reviews not held yet, as iCalendar (subscribe to it)."""
    data = calendar.build_calendar(
        uow, now=now, owner=owner.strip() or None, incident_id=postmortem.strip() or None
    )
    return Response(
        data,
        media_type=ICS_TYPE,
        headers={"content-disposition": 'inline; filename="blamefree.ics"'},
    )
