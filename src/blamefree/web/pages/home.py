"""``/``: the dashboard (post-mortems by standing, overdue items, reviews, recent incidents,
the last 90 days' median times by severity)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from blamefree.services import dashboard as dashboard_service
from blamefree.web.deps import Today, UoW
from blamefree.web.pages.reading_helpers import HELPERS
from blamefree.web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, uow: UoW, today: Today) -> HTMLResponse:
    board = dashboard_service.dashboard(uow, today=today)
    return render(request, "home.html", {**HELPERS, "board": board})
