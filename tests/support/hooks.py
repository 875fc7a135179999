"""Webhook deliveries for tests: the payloads of tests/data/hooks and a stored post-mortem."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path

from sqlalchemy import Engine

from blamefree.domain.enums import Severity
from blamefree.services import postmortems
from support.uow import in_uow

HOOKS = Path(__file__).resolve().parent.parent / "data" / "hooks"
INCIDENT = "INC-2026-0210"
"""The post-mortem the payloads name (stored by `store_incident`)."""
UNKNOWN_INCIDENT = "INC-2026-0299"
"""What grafana-firing.json names: no such post-mortem is stored."""
PD_SECRET = "whsec-7Yf2kQ9pLr3Xv8Ns1Bt6Hd0Cm4Wj5Ga"


def payload(name: str) -> bytes:
    """The bytes of one delivery in tests/data/hooks."""
    return (HOOKS / name).read_bytes()


def store_incident(engine: Engine, incident_id: str = INCIDENT) -> str:
    """Store a fresh post-mortem (version 1) the deliveries can name."""
    in_uow(
        engine,
        postmortems.start_postmortem,
        title="Checkout errors after the 22:00 deploy",
        severity=Severity.P1,
        day=dt.date(2026, 11, 19),
        incident_id=incident_id,
        save=True,
        by="Amara Okafor",
    )
    return incident_id


def pd_signature(body: bytes, secret: str = PD_SECRET) -> str:
    """The ``v1=...`` signature PagerDuty puts in X-PagerDuty-Signature."""
    return "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
