"""``/``: the dashboard (post-mortems by standing, overdue items, reviews, post-mortems due
or overdue under the policy and the share done within it, recent incidents, the last 90 days'
median times by severity)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from blamefree.services import dashboard as dashboard_service
from blamefree.services.policy import policy_rules
from blamefree.web.deps import State, Today, UoW
from blamefree.web.pages.reading_helpers import HELPERS
from blamefree.web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, uow: UoW, today: Today, state: State) -> HTMLResponse:
    board = dashboard_service.dashboard(
        uow,
        today=today,
        policy=policy_rules(state.settings),
        zone=state.settings.timezone,
    )
    return render(request, "home.html", {**HELPERS, "board": board})
