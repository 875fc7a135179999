"""The JSON API under ``/api/v1``: one module per resource, each route one service call."""

from __future__ import annotations

from fastapi import APIRouter

from blamefree.web.api import (
    actions,
    checks,
    comments,
    events,
    people,
    postmortems,
    restriction,
    reviews,
    search,
    sign_off,
    workflow,
)

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(postmortems.router)
api_router.include_router(events.router)
api_router.include_router(checks.router)
api_router.include_router(actions.router)
api_router.include_router(reviews.router)
api_router.include_router(people.router)
api_router.include_router(sign_off.router)
api_router.include_router(comments.router)
api_router.include_router(search.router)
api_router.include_router(workflow.router)
api_router.include_router(restriction.router)
