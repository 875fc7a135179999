"""``GET /healthz``: whether this worker is up and its store answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class HealthRead(BaseModel):
    """One worker's health, for load balancers and ``systemctl`` checks."""

    status: Literal["ok", "unavailable"] = Field(
        description="ok: this worker serves and its store answers at the schema it needs."
    )
    store: Literal["ok", "behind", "unreachable"] = Field(
        description="behind: the store's schema is older than this version (blamefree db upgrade)."
    )
    backend: str = Field(description="sqlite or postgresql.")
    schema_revision: str | None = Field(description="The store's schema revision; None: unknown.")
    version: str = Field(description="This Blamefree's version.")
    pid: int = Field(description="The worker process that answered (several workers: which one).")
    message: str | None = Field(default=None, description="Why the store is not ok.")
