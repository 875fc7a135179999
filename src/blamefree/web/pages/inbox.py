"""``/inbox``: webhook events that named no stored post-mortem; attach, start a draft, discard.

Every form posts with its CSRF token and answers with a redirect back to the inbox, which says
what was done (``?attached=``, ``?drafted=``, ``?discarded=``); a choice that cannot be done is
shown on the inbox page itself, with the status of its error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from blamefree.domain.enums import Severity
from blamefree.domain.ids import is_incident_id
from blamefree.errors import BlamefreeError, Conflict, InputError, NotFound, ValidationFailed
from blamefree.importers.webhooks import HOOK_SOURCES
from blamefree.services import inbox, postmortems
from blamefree.store import UnitOfWork
from blamefree.web.deps import Actor, State, UoW
from blamefree.web.security import require_csrf
from blamefree.web.state import WebState
from blamefree.web.templating import render

router = APIRouter()

SHOWN = 500
"""At most this many inbox events on the page (oldest first); the page says how many wait."""

SOURCE_NAMES = {
    "alertmanager": "Alertmanager",
    "grafana": "Grafana",
    "pagerduty": "PagerDuty",
    "opsgenie": "Opsgenie",
}

Items = Annotated[list[int], Form(description="Ids of the chosen inbox events")]


@dataclass(frozen=True)
class Done:
    """What the last form did, read back from the redirect's query."""

    attached: int | None
    added: int | None
    to: str | None
    drafted: str | None
    discarded: int | None


def _page(
    request: Request,
    uow: UnitOfWork,
    state: WebState,
    *,
    done: Done | None = None,
    error: BlamefreeError | None = None,
    form: dict[str, str] | None = None,
    chosen: list[int] | None = None,
) -> HTMLResponse:
    items = inbox.list_inbox(uow, limit=SHOWN)
    stored = postmortems.list_postmortems(uow)
    known = {summary.incident_id for summary in stored}
    suggested = next(
        (i.named for i in items if i.named and i.named not in known and is_incident_id(i.named)),
        None,
    )
    base = (state.settings.public_url or str(request.base_url)).rstrip("/")
    context = {
        "items": items,
        "waiting": inbox.count_inbox(uow) if len(items) >= SHOWN else len(items),
        "postmortems": stored,
        "known": known,
        "suggested_id": suggested,
        "severities": [s.value for s in Severity],
        "receivers": [(source, f"{base}/hooks/{source}") for source in HOOK_SOURCES],
        "source_names": SOURCE_NAMES,
        "label": state.settings.webhook_postmortem_label,
        "zone": state.settings.timezone,
        "done": done,
        "error": error,
        "form": form or {},
        "chosen": set(chosen or []),
    }
    status = error.http_status if error is not None else 200
    return render(request, "inbox.html", context, status_code=status)


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    uow: UoW,
    state: State,
    attached: Annotated[int | None, Query(ge=0)] = None,
    added: Annotated[int | None, Query(ge=0)] = None,
    to: Annotated[str | None, Query(max_length=200)] = None,
    drafted: Annotated[str | None, Query(max_length=200)] = None,
    discarded: Annotated[int | None, Query(ge=0)] = None,
) -> HTMLResponse:
    done = Done(attached=attached, added=added, to=to, drafted=drafted, discarded=discarded)
    shown = any(v is not None for v in (attached, drafted, discarded))
    return _page(request, uow, state, done=done if shown else None)


def _back(**query: object) -> RedirectResponse:
    return RedirectResponse(f"/inbox?{urlencode(query)}", status_code=303)


_SHOWN_ON_PAGE = (InputError, NotFound, Conflict)


@router.post("/inbox/attach", dependencies=[Depends(require_csrf)], response_model=None)
def attach(
    request: Request,
    uow: UoW,
    state: State,
    actor: Actor,
    items: Items = [],  # noqa: B006 (FastAPI reads the default, never mutates it)
    incident_id: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse | RedirectResponse:
    """File the chosen events into a stored post-mortem's timeline."""
    try:
        if not incident_id.strip():
            raise ValidationFailed("choose the post-mortem to attach to", field="incident_id")
        done = inbox.attach_items(uow, item_ids=items, incident_id=incident_id.strip(), by=actor)
    except _SHOWN_ON_PAGE as error:
        uow.rollback()
        form = {"incident_id": incident_id}
        return _page(request, uow, state, error=error, form=form, chosen=items)
    return _back(attached=done.attached, added=done.added, to=done.incident_id)


@router.post("/inbox/draft", dependencies=[Depends(require_csrf)], response_model=None)
def draft(
    request: Request,
    uow: UoW,
    state: State,
    actor: Actor,
    items: Items = [],  # noqa: B006
    title: Annotated[str, Form(max_length=500)] = "",
    severity: Annotated[str, Form(max_length=8)] = "",
    draft_id: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse | RedirectResponse:
    """Start a new draft post-mortem with the chosen events on its timeline."""
    form = {"title": title, "severity": severity, "draft_id": draft_id}
    try:
        level = _severity(severity)
        done = inbox.start_draft(
            uow, item_ids=items, title=title, severity=level, incident_id=draft_id, by=actor
        )
    except _SHOWN_ON_PAGE as error:
        uow.rollback()
        return _page(request, uow, state, error=error, form=form, chosen=items)
    return _back(drafted=done.incident_id, attached=done.attached)


@router.post("/inbox/discard", dependencies=[Depends(require_csrf)], response_model=None)
def discard(
    request: Request,
    uow: UoW,
    state: State,
    actor: Actor,
    items: Items = [],  # noqa: B006
) -> HTMLResponse | RedirectResponse:
    """Discard the chosen events (a later delivery of one adds nothing)."""
    try:
        count = inbox.discard_items(uow, item_ids=items, by=actor)
    except _SHOWN_ON_PAGE as error:
        uow.rollback()
        return _page(request, uow, state, error=error, chosen=items)
    return _back(discarded=count)


def _severity(text: str) -> Severity | None:
    if not text.strip():
        return None
    try:
        return Severity(text.strip().upper())
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise ValidationFailed(
            f"severity {text!r} is not one of {choices}", field="severity"
        ) from None
