"""``/``: the dashboard (post-mortems by status, overdue items, upcoming reviews, metrics)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from blamefree.services import postmortems
from blamefree.web.deps import UoW
from blamefree.web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, uow: UoW) -> HTMLResponse:
    summaries = postmortems.list_postmortems(uow)
    return render(request, "home.html", {"summaries": summaries})
