"""Three post-mortems for the search tests (services, API, page, CLI)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from blamefree.domain.postmortem import Postmortem
from blamefree.services import postmortems
from support.uow import in_uow

XSS = '<img src=x onerror="alert(1)"><script>alert("hi")</script>'


def _doc(incident_id: str, **fields: Any) -> Postmortem:
    data: dict[str, Any] = {"incident_id": incident_id, **fields}
    return Postmortem.model_validate(data)


def _event(text_: str, minute: int = 0) -> dict[str, Any]:
    return {
        "time": f"2026-03-02T10:{minute:02d}:00Z",
        "text": text_,
        "source": {"tool": "manual", "id": f"e{minute}-{len(text_)}"},
    }


def store_three(engine: Engine) -> None:
    """INC-2026-0001 (Kafka, P1, Ana's open item), -0002 (connection pool, P2, Bo's done item,
    features Checkout API and Payments), -0003 (staging pool, P3, an XSS string)."""
    docs = [
        _doc(
            "INC-2026-0001",
            title="Kafka brokers ran out of disk",
            severity="P1",
            date="2026-03-02",
            executive_summary={"what_happened": "Kafka disks filled and consumers stalled."},
            action_items={"immediate": [{"text": "Alert on broker disk use", "owner": "Ana Lima"}]},
        ),
        _doc(
            "INC-2026-0002",
            title="Checkout errors after a connection limit change",
            severity="P2",
            date="2026-01-15",
            executive_summary={"root_cause": "The connection pool was halved by a config push."},
            timeline={"events": [_event("Someone asked whether kafka was involved", 5)]},
            action_items={
                "short_term": [
                    {"text": "Review pool limits", "owner": "Bo", "status": "done", "done": True}
                ]
            },
            impact_assessment={"features_affected": ["Checkout API", "Payments"]},
        ),
        _doc(
            "INC-2026-0003",
            title="Staging pool exhausted during a load test",
            severity="P3",
            date="2026-04-20",
            root_cause_analysis={
                "primary_cause": "A load test on staging used every connection, and the pool was too small."
            },
            what_went_wrong={"items": [XSS]},
        ),
    ]
    for doc in docs:
        in_uow(engine, postmortems.create_postmortem, postmortem_in=doc, by="Kim")
