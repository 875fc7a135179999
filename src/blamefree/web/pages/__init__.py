"""Server-rendered pages: one module per area, each route one service call and a template."""

from __future__ import annotations

from fastapi import APIRouter

from blamefree.web.pages import (
    accounts,
    api_docs,
    board,
    follow_up,
    health,
    home,
    inbox,
    postmortem_list,
    postmortem_page,
    revisions,
    timeline,
    write,
)

pages_router = APIRouter(include_in_schema=False)
# First: the most read page (FastAPI tries routes in order; none of the others overlaps it).
pages_router.include_router(postmortem_page.router)
pages_router.include_router(accounts.router)
pages_router.include_router(home.router)
pages_router.include_router(board.router)
pages_router.include_router(follow_up.router)
pages_router.include_router(inbox.router)
pages_router.include_router(api_docs.router)
pages_router.include_router(health.router)
pages_router.include_router(write.router)
pages_router.include_router(postmortem_list.router)
pages_router.include_router(revisions.router)
pages_router.include_router(timeline.router)
