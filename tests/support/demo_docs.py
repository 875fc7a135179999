"""The demo post-mortems (src/blamefree/data/demo/postmortems) imported through the service
layer, and small post-mortems built in code for exact expectations."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.markdown.render import render
from blamefree.services import postmortems
from blamefree.store import UnitOfWork

DEMO_TODAY = dt.date(2026, 11, 20)
DEMO_FILES = sorted(
    Path(str(resources.files("blamefree").joinpath("data", "demo", "postmortems"))).glob("*.md")
)


def import_demo(engine: Engine, *, today: dt.date = DEMO_TODAY) -> list[str]:
    """Import every demo post-mortem; their incident ids."""
    with UnitOfWork(engine) as uow:
        report = postmortems.import_files(uow, paths=DEMO_FILES, today=today, by="Demo loader")
    failed = [(o.path.name, o.error) for o in report.outcomes if o.error is not None]
    assert failed == []
    return [o.incident_id for o in report.outcomes if o.incident_id is not None]


def at(day: dt.date, hh: int, mm: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=dt.UTC)


def store(engine: Engine, doc: Postmortem, *, by: str = "Test") -> None:
    """Store ``doc`` as version 1 with its rendering as the text."""
    with UnitOfWork(engine) as uow:
        postmortems.create_postmortem(uow, postmortem_in=doc, text=render(doc), by=by)


def timed_doc(
    incident_id: str,
    *,
    day: dt.date,
    severity: Severity,
    detected_after: int | None,
    title: str | None = None,
    **extra: Any,
) -> Postmortem:
    """A post-mortem whose impact starts at 10:00 and is detected ``detected_after`` minutes
    later (None: detection time unknown), acknowledged 5 minutes after detection."""
    start = at(day, 10, 0)
    timeline: dict[str, Any] = {}
    if detected_after is not None:
        detected = start + dt.timedelta(minutes=detected_after)
        timeline = {
            "detection": {"time": detected},
            "response": {"time": detected + dt.timedelta(minutes=5)},
        }
    return Postmortem.model_validate(
        {
            "incident_id": incident_id,
            "title": title or f"Incident {incident_id}",
            "date": day,
            "severity": severity,
            "impact_start": start,
            "timeline": timeline,
            **extra,
        }
    )
