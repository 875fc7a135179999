"""A stored post-mortem for the timeline editor's tests, and how to read back what was stored."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from blamefree.domain.timeline import TimelineEvent
from blamefree.services import postmortems, timeline
from support.timeline_data import INCIDENT, checkout_postmortem
from support.uow import in_uow

PAGE = f"/postmortems/{INCIDENT}/timeline"


@pytest.fixture
def incident(engine: Engine) -> str:
    """INC-2024-0312 (Berlin time, detection stated as 15 minutes), version 1, no events."""
    in_uow(engine, postmortems.create_postmortem, postmortem_in=checkout_postmortem(), by="Ana")
    return INCIDENT


def stored_events(engine: Engine) -> list[tuple[TimelineEvent, str | None]]:
    return in_uow(engine, timeline.list_recorded_events, incident_id=INCIDENT)


def stored_version(engine: Engine) -> int:
    return in_uow(engine, postmortems.get_postmortem, incident_id=INCIDENT).version
