"""Server-rendered pages: one module per area, each route one service call and a template."""

from __future__ import annotations

from fastapi import APIRouter

from blamefree.web.pages import home, identity, timeline

pages_router = APIRouter(include_in_schema=False)
pages_router.include_router(identity.router)
pages_router.include_router(home.router)
pages_router.include_router(timeline.router)
