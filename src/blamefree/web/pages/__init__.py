"""Server-rendered pages: one module per area, each route one service call and a template."""

from __future__ import annotations

from fastapi import APIRouter

from blamefree.web.pages import (
    accounts,
    api_docs,
    board,
    comments,
    follow_up,
    health,
    home,
    inbox,
    postmortem_list,
    postmortem_page,
    revisions,
    search,
    sign_on,
    timeline,
    workflow,
    write,
)

pages_router = APIRouter(include_in_schema=False)
# First: the most read pages (FastAPI tries routes in order, each one's pattern in turn, and
# none of the others overlaps these two).
pages_router.include_router(postmortem_page.router)
pages_router.include_router(postmortem_list.router)
pages_router.include_router(comments.router)
pages_router.include_router(accounts.router)
pages_router.include_router(sign_on.router)
pages_router.include_router(home.router)
pages_router.include_router(board.router)
pages_router.include_router(follow_up.router)
pages_router.include_router(inbox.router)
pages_router.include_router(api_docs.router)
pages_router.include_router(health.router)
pages_router.include_router(write.router)
pages_router.include_router(revisions.router)
pages_router.include_router(timeline.router)
pages_router.include_router(search.router)
pages_router.include_router(workflow.router)
