"""``/healthz``: is this worker up and does its store answer (JSON, for load balancers)."""

from __future__ import annotations

import os

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from blamefree import __version__
from blamefree.errors import StoreError
from blamefree.schemas.health import HealthRead
from blamefree.store.migrate import schema_status
from blamefree.web.deps import State

router = APIRouter()


@router.get("/healthz", response_model=HealthRead)
def healthz(state: State) -> JSONResponse:
    """200 when the store answers at the schema this version needs, else 503 saying why."""
    backend = state.engine.dialect.name
    try:
        found = schema_status(state.engine)
    except StoreError as error:  # names the store without its password
        health = HealthRead(
            status="unavailable",
            store="unreachable",
            backend=backend,
            schema_revision=None,
            version=__version__,
            pid=os.getpid(),
            message=error.message,
        )
    else:
        health = HealthRead(
            status="ok" if found.up_to_date else "unavailable",
            store="ok" if found.up_to_date else "behind",
            backend=backend,
            schema_revision=found.current,
            version=__version__,
            pid=os.getpid(),
            message=None
            if found.up_to_date
            else f"the schema is at {found.current}, "
            f"this version needs {found.head}: run blamefree db upgrade",
        )
    code = 200 if health.status == "ok" else 503
    return JSONResponse(health.model_dump(mode="json"), status_code=code)
