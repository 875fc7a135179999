"""The JSON API under ``/api/v1``: one module per resource, each route one service call."""

from __future__ import annotations

from fastapi import APIRouter

from blamefree.web.api import postmortems

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(postmortems.router)
