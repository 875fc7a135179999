"""The review workflow's forms on the post-mortem page (POST, CSRF) and the audit pages
``/audit`` and ``/postmortems/{id}/audit``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from blamefree.domain.workflow import Transition
from blamefree.services import audit, postmortems, restriction
from blamefree.services import workflow as service
from blamefree.web.deps import CurrentPrincipal, Now, State, UoW
from blamefree.web.security import require_csrf
from blamefree.web.templating import render

router = APIRouter()
CSRF = [Depends(require_csrf)]
AUDIT_PAGE_LIMIT = 500


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


@router.post("/postmortems/{incident_id}/workflow/members", dependencies=CSRF)
def assign_members(
    incident_id: str,
    uow: UoW,
    state: State,
    now: Now,
    principal: CurrentPrincipal,
    reviewers: Annotated[str, Form(max_length=2000)] = "",
    approvers: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """Name reviewers and approvers (comma-separated names) from the workflow panel."""
    service.assign(
        uow,
        incident_id=incident_id,
        principal=principal,
        now=now,
        review=service.review_rules(state.settings),
        reviewers=_names(reviewers),
        approvers=_names(approvers),
    )
    return RedirectResponse(f"/postmortems/{incident_id}#workflow", status_code=303)


@router.post("/postmortems/{incident_id}/workflow/{transition}", dependencies=CSRF)
def make_transition(
    incident_id: str,
    transition: Transition,
    uow: UoW,
    state: State,
    now: Now,
    principal: CurrentPrincipal,
    note: Annotated[str, Form(max_length=4000)] = "",
) -> RedirectResponse:
    """One review step from the workflow panel's buttons."""
    service.transition(
        uow,
        incident_id=incident_id,
        step=transition,
        principal=principal,
        now=now,
        review=service.review_rules(state.settings),
        note=note,
    )
    return RedirectResponse(f"/postmortems/{incident_id}#workflow", status_code=303)


@router.post("/postmortems/{incident_id}/restriction", dependencies=CSRF)
def set_restriction(
    incident_id: str,
    uow: UoW,
    now: Now,
    principal: CurrentPrincipal,
    restricted: Annotated[str, Form(max_length=10)] = "",
    add_members: Annotated[str, Form(max_length=2000)] = "",
    remove_members: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """The restriction panel's form: restricted or not, members to add and remove."""
    restriction.set_restriction(
        uow,
        incident_id=incident_id,
        principal=principal,
        now=now,
        restricted=restricted == "on",
        add_members=_names(add_members),
        remove_members=_names(remove_members),
    )
    return RedirectResponse(f"/postmortems/{incident_id}#restriction", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    uow: UoW,
    incident: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    entries = audit.audit_log(uow, incident_id=incident or None, limit=AUDIT_PAGE_LIMIT)
    context = {"entries": entries, "incident_id": incident or None, "limit": AUDIT_PAGE_LIMIT}
    return render(request, "audit.html", context)


@router.get("/postmortems/{incident_id}/audit", response_class=HTMLResponse)
def postmortem_audit_page(request: Request, incident_id: str, uow: UoW) -> HTMLResponse:
    stored = postmortems.version_stamp(uow, incident_id=incident_id)  # 404 for an unknown id
    entries = audit.audit_log(uow, incident_id=stored.incident_id, limit=AUDIT_PAGE_LIMIT)
    context = {"entries": entries, "incident_id": incident_id, "limit": AUDIT_PAGE_LIMIT}
    return render(request, "audit.html", context)
