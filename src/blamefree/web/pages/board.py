"""``/actions``: the action board across post-mortems (filters in the URL, bulk updates, push to
and pull from Jira / GitHub) and ``/actions/prevention``, the prevention measures."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from blamefree.domain.enums import ActionStatus, Severity, TrackerSystem, parse_choice
from blamefree.errors import ValidationFailed
from blamefree.services import actions, board, trackers
from blamefree.web.deps import Actor, Now, State, Today, UoW
from blamefree.web.pages.identity import local_path
from blamefree.web.security import require_csrf
from blamefree.web.templating import render

router = APIRouter()

E = TypeVar("E", bound=StrEnum)
Many = Annotated[list[str] | None, Query()]
FormIds = Annotated[list[str] | None, Form()]
TEXT_MAX = 200


def parse_many(kind: type[E], values: list[str] | None, field: str) -> tuple[E, ...]:
    """URL values as enum members; ValidationFailed naming the parameter for a wrong one."""
    found: list[E] = []
    for value in values or []:
        if not value.strip():
            continue
        try:
            found.append(parse_choice(kind, value))
        except ValueError as error:
            raise ValidationFailed(str(error), field=field) from None
    return tuple(dict.fromkeys(found))


def parse_day(text: str, field: str) -> dt.date | None:
    """A date input's value (YYYY-MM-DD), None when empty."""
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"{text!r} is not a date (YYYY-MM-DD)", field=field) from None


def back_to(back: str, default: str, **notice: str | int) -> str:
    """Where a form returns to: a path of this site (never elsewhere), with a notice added."""
    target = back if local_path(back) and back.startswith(default) else default
    extra = urlencode({k: v for k, v in notice.items() if v not in ("", None)})
    if not extra:
        return target
    return f"{target}{'&' if '?' in target else '?'}{extra}"


NOTICE_PARAMS = frozenset({"updated", "changed"})


def here(request: Request) -> str:
    """This page's path and filters, without the one-time notices (where forms come back to)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in NOTICE_PARAMS]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def tracker_readiness(state: State) -> dict[str, list[str]]:
    """Per tracker, the settings it still needs (empty: it can be pushed to)."""
    return {
        system.value: trackers.missing_settings(state.settings, system) for system in TrackerSystem
    }


@router.get("/actions", response_class=HTMLResponse)
def action_board_page(
    request: Request,
    uow: UoW,
    state: State,
    today: Today,
    status: Many = None,
    severity: Many = None,
    owner: Annotated[str, Query(max_length=TEXT_MAX)] = "",
    postmortem: Annotated[str, Query(max_length=TEXT_MAX)] = "",
    overdue: Annotated[str, Query(max_length=5)] = "",
    q: Annotated[str, Query(max_length=TEXT_MAX)] = "",
    group: Annotated[str, Query(max_length=20)] = "status",
    sort: Annotated[str, Query(max_length=20)] = "due",
    updated: Annotated[int | None, Query(ge=0)] = None,
    changed: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """Action items of every post-mortem, filtered, grouped and sorted as the URL says."""
    filters = board.BoardFilters(
        statuses=parse_many(ActionStatus, status, "status"),
        owner=owner.strip() or None,
        incident_id=postmortem.strip() or None,
        severities=parse_many(Severity, severity, "severity"),
        overdue=overdue in ("1", "on", "true"),
        text=q.strip() or None,
    )
    found = board.action_board(uow, today=today, filters=filters, group=group, sort=sort)
    return render(
        request,
        "board/actions.html",
        {
            "board": found,
            "filters": filters,
            "group": group,
            "sort": sort,
            "q": q,
            "today": today,
            "statuses": list(board.STATUS_ORDER),
            "status_titles": board.STATUS_TITLES,
            "severities": list(Severity),
            "groups": board.GROUPS,
            "sorts": board.SORTS,
            "trackers": tracker_readiness(state),
            "here": here(request),
            "updated": updated,
            "changed": changed,
        },
    )


@router.post("/actions/bulk", dependencies=[Depends(require_csrf)])
def bulk_update(
    uow: UoW,
    now: Now,
    actor: Actor,
    action_id: FormIds = None,
    status: Annotated[str, Form(max_length=20)] = "",
    owner: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    due: Annotated[str, Form(max_length=20)] = "",
    back: Annotated[str, Form(max_length=2000)] = "/actions",
) -> RedirectResponse:
    """Give the selected items the chosen status, owner and/or due date (all or none)."""
    chosen = parse_many(ActionStatus, [status], "status")
    changed = actions.update_actions(
        uow,
        action_ids=action_id or [],
        now=now,
        by=actor,
        status=chosen[0] if chosen else None,
        owner=owner.strip() or None,
        due=parse_day(due, "due"),
    )
    return RedirectResponse(back_to(back, "/actions", updated=len(changed)), status_code=303)


# Before /actions/{action_id}/status, which would otherwise take "prevention" for an id.
@router.post("/actions/prevention/status", dependencies=[Depends(require_csrf)])
def set_measure_status(
    uow: UoW,
    now: Now,
    actor: Actor,
    postmortem: Annotated[str, Form(max_length=TEXT_MAX)],
    category: Annotated[str, Form(max_length=20)],
    number: Annotated[int, Form(ge=1)],
    status: Annotated[str, Form(max_length=20)],
    back: Annotated[str, Form(max_length=2000)] = "/actions/prevention",
) -> RedirectResponse:
    """One prevention measure's status from its row."""
    chosen = parse_many(ActionStatus, [status], "status")
    if not chosen:
        raise ValidationFailed("choose a status", field="status")
    measure = actions.set_measure(
        uow,
        incident_id=postmortem,
        category=category,
        number=number,
        status=chosen[0],
        now=now,
        by=actor,
    )
    where = f"{measure.incident_id} {measure.category} {measure.number}"
    return RedirectResponse(back_to(back, "/actions/prevention", changed=where), status_code=303)


@router.post("/actions/{action_id}/status", dependencies=[Depends(require_csrf)])
def set_status(
    action_id: str,
    uow: UoW,
    now: Now,
    actor: Actor,
    status: Annotated[str, Form(max_length=20)],
    back: Annotated[str, Form(max_length=2000)] = "/actions",
) -> RedirectResponse:
    """One item's status from its row (``Mark done``)."""
    chosen = parse_many(ActionStatus, [status], "status")
    if not chosen:
        raise ValidationFailed("choose a status", field="status")
    item = actions.set_action(uow, action_id=action_id, now=now, by=actor, status=chosen[0])
    return RedirectResponse(back_to(back, "/actions", changed=item.uid), status_code=303)


@router.post("/actions/push", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def push_to_tracker(
    request: Request,
    uow: UoW,
    state: State,
    now: Now,
    actor: Actor,
    to: Annotated[str, Form(max_length=20)],
    action_id: FormIds = None,
    back: Annotated[str, Form(max_length=2000)] = "/actions",
) -> HTMLResponse:
    """File an issue for each selected item that has none yet; one outcome per item."""
    (system,) = parse_many(TrackerSystem, [to], "to") or (None,)
    if system is None:
        raise ValidationFailed("choose jira or github", field="to")
    results = trackers.push_selected(
        uow, settings=state.settings, to=system, uids=action_id or [], now=now, by=actor
    )
    return render(
        request,
        "board/tracker_results.html",
        {
            "verb": "push",
            "system": system,
            "pushed": results,
            "pulled": [],
            "back": back_to(back, "/actions"),
        },
    )


@router.post("/actions/pull", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def pull_from_trackers(
    request: Request,
    uow: UoW,
    state: State,
    now: Now,
    actor: Actor,
    action_id: FormIds = None,
    back: Annotated[str, Form(max_length=2000)] = "/actions",
) -> HTMLResponse:
    """Refresh the selected items' status from their tracker issues; one outcome per item."""
    results = trackers.pull_selected(
        uow, settings=state.settings, uids=action_id or [], now=now, by=actor or "tracker sync"
    )
    return render(
        request,
        "board/tracker_results.html",
        {
            "verb": "pull",
            "system": None,
            "pushed": [],
            "pulled": results,
            "back": back_to(back, "/actions"),
        },
    )


# --- prevention measures ---------------------------------------------------------------------


@router.get("/actions/prevention", response_class=HTMLResponse)
def prevention_page(
    request: Request,
    uow: UoW,
    status: Many = None,
    severity: Many = None,
    postmortem: Annotated[str, Query(max_length=TEXT_MAX)] = "",
    category: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=TEXT_MAX)] = "",
    changed: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """Prevention measures of every post-mortem, by category, filtered as the URL says."""
    filters = board.MeasureFilters(
        statuses=parse_many(ActionStatus, status, "status"),
        incident_id=postmortem.strip() or None,
        severities=parse_many(Severity, severity, "severity"),
        category=category.strip() or None,
        text=q.strip() or None,
    )
    found = board.measure_board(uow, filters=filters)
    return render(
        request,
        "board/prevention.html",
        {
            "board": found,
            "filters": filters,
            "q": q,
            "statuses": list(board.STATUS_ORDER),
            "status_titles": board.STATUS_TITLES,
            "severities": list(Severity),
            "categories": board.CATEGORIES,
            "here": here(request),
            "changed": changed,
        },
    )
