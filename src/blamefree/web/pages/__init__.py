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

first_router = APIRouter(include_in_schema=False)
"""The most read page, a post-mortem's: the app tries it before the API's routes and every
other page (FastAPI tries routes in order, each one's pattern in turn, some 3 µs each; no
other route overlaps it)."""
first_router.include_router(postmortem_page.router)

pages_router = APIRouter(include_in_schema=False)
# First: the list, the next most read page (none of the others overlaps it).
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
