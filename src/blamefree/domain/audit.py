"""The audit log's words: where a change came from, and one entry of the log (pure, no store)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Origin:
    """Where a unit of work's changes come from: ``cli`` or ``web``, and the address (the
    host of a command, the client address of a request) when known."""

    channel: str = "cli"
    address: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One row of the append-only audit log."""

    id: int
    at: dt.datetime
    actor: str | None
    action: str
    incident_id: str | None
    channel: str
    address: str | None
    details: dict[str, Any] = field(default_factory=dict)
