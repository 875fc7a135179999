"""``/postmortems/{id}``: one post-mortem laid out as the template spec orders it, with its
timeline picture, metrics and where they came from, and the lint panel; and its export."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from blamefree.domain.accounts import Principal
from blamefree.domain.enums import Phase
from blamefree.services import (
    comments,
    exporting,
    policy,
    reading,
    restriction,
    workflow,
)
from blamefree.store import UnitOfWork
from blamefree.web.auth import checks_own_login, confirm_login
from blamefree.web.deps import Today, UoW, current_actor, request_viewer
from blamefree.web.pages.comments import forget_note, with_note
from blamefree.web.pages.reading_helpers import HELPERS
from blamefree.web.security import csrf_token
from blamefree.web.state import state_of
from blamefree.web.templating import render, with_csrf_cookie
from blamefree.web.timeline_svg import picture

router = APIRouter()


@router.get("/postmortems/{incident_id}", response_class=HTMLResponse)
@checks_own_login
def postmortem_page(request: Request, incident_id: str) -> HTMLResponse:
    # Rendered once per page stamp (version, comments, review, restriction, reviews held),
    # day and reader (web.memo); the CSRF
    # token, the one thing of each request, is filled in as it is sent. The request's unit of
    # work is opened here, the login checked in it first, so the whole read takes one
    # transaction in one worker thread.
    state = state_of(request)
    today = state.today()
    # Until the login is confirmed, it reads as an anonymous reader would.
    with UnitOfWork(state.engine, clock=state.clock, viewer=request_viewer(request)) as uow:
        principal = confirm_login(request, uow)  # and reads as the one logged in from here on
        # Comments, the review, the restriction and the follow-up reviews held are no part of
        # the version: the page stamp holds them too.
        stamp = reading.page_stamp(uow, incident_id=incident_id)
        key = (
            "page",
            request.url.path,
            stamp,
            today,
            principal,
            current_actor(request),
            state.demo,
        )
        slot = state.memo.slot

        def render_page() -> bytes:
            response = _render(request, uow, incident_id, today, Markup(slot), principal)
            return bytes(response.body)

        def unchanged() -> bool:
            return reading.page_stamp(uow, incident_id=incident_id) == stamp

        body = state.memo.read(key, render_page, unchanged)
    token = csrf_token(request)
    body, noted = with_note(request, incident_id, body)
    response = with_csrf_cookie(request, HTMLResponse(body.replace(slot.encode(), token.encode())))
    if noted:
        forget_note(response, incident_id)
    return response


def _render(
    request: Request,
    uow: UnitOfWork,
    incident_id: str,
    today: dt.date,
    token: Markup,
    principal: Principal,
) -> HTMLResponse:
    page = reading.postmortem_page(uow, incident_id=incident_id, today=today)
    settings = state_of(request).settings
    rules = workflow.review_rules(settings)
    review = workflow.workflow_status(
        uow, incident_id=incident_id, principal=principal, review=rules
    )
    shown = page.shown
    moments = [
        (Phase.IMPACT_START, shown.impact_start, page.impact_start_source == "event log"),
        *((t.phase, t.time, t.source == "event log") for t in page.phase_times),
    ]
    drawing = picture(moments=moments, events=shown.timeline.events, zone=shown.timezone)
    context = {
        **HELPERS,
        "page": page,
        "doc": shown,
        "picture": drawing,
        "zone": shown.timezone,
        "workflow": review,
        "restriction": restriction.restriction_status(
            uow, incident_id=incident_id, principal=principal
        ),
        "policy_item": policy.postmortem_policy(
            uow,
            incident_id=incident_id,
            policy=policy.policy_rules(settings),
            today=today,
            zone=settings.timezone,
        ),
    }
    context["comments"] = comments.page_comments(uow, incident_id=incident_id)
    return render(request, "postmortem.html", {**context, "csrf_token": token})


@router.get("/postmortems/{incident_id}/export.{fmt}")
def export_file(
    incident_id: str,
    fmt: exporting.ExportFormat,
    uow: UoW,
    today: Today,
    of: exporting.CsvTable | None = None,
) -> Response:
    # The Export menu's links: the same files as `blamefree export` and the API; Markdown is
    # the author's bytes alone, as this link always gave them.
    exported = exporting.export(
        uow, incident_id=incident_id, format=fmt, table=of, with_base=False, today=today
    )
    return Response(
        content=exported.content,
        media_type=exported.media_type,
        headers={"content-disposition": f'attachment; filename="{exported.file_name}"'},
    )
