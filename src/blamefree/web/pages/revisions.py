"""``/postmortems/{id}/history``, ``/diff?from=&to=`` and POST ``/restore``: a post-mortem's
saved versions, a readable diff of two of them, and bringing one back as the next version."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from blamefree.services import reading
from blamefree.web.deps import Actor, State, UoW
from blamefree.web.pages.reading_helpers import HELPERS
from blamefree.web.security import require_csrf
from blamefree.web.templating import render

router = APIRouter()


@router.get("/postmortems/{incident_id}/history", response_class=HTMLResponse)
def history(
    request: Request,
    incident_id: str,
    uow: UoW,
    restored: Annotated[int | None, Query(ge=1)] = None,
    outcome: Annotated[Literal["restored", "unchanged"] | None, Query()] = None,
) -> HTMLResponse:
    found = reading.history_page(uow, incident_id=incident_id)
    notice = {"version": restored, "outcome": outcome} if restored and outcome else None
    return render(request, "history.html", {**HELPERS, "history": found, "notice": notice})


@router.get("/postmortems/{incident_id}/diff", response_class=HTMLResponse)
def diff(
    request: Request,
    incident_id: str,
    uow: UoW,
    old: Annotated[int | None, Query(alias="from")] = None,
    new: Annotated[int | None, Query(alias="to")] = None,
    view: Annotated[Literal["unified", "split"], Query()] = "unified",
) -> HTMLResponse:
    found = reading.diff_page(uow, incident_id=incident_id, old=old, new=new)
    return render(request, "diff.html", {**HELPERS, "diff": found, "view": view})


@router.post("/postmortems/{incident_id}/restore", dependencies=[Depends(require_csrf)])
def restore(
    incident_id: str,
    uow: UoW,
    actor: Actor,
    state: State,
    version: Annotated[int, Form(ge=1)],
) -> RedirectResponse:
    outcome = reading.restore(
        uow,
        incident_id=incident_id,
        version=version,
        timezone=state.settings.timezone,
        by=actor,
    )
    target = (
        f"/postmortems/{outcome.stored.incident_id}/history"
        f"?restored={outcome.restored_version}&outcome={outcome.action}"
    )
    return RedirectResponse(target, status_code=303)
