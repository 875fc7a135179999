"""A long event log is listed a page at a time; the metrics still count every event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from blamefree.domain.derive import event_ref
from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventSource, TimelineEvent
from blamefree.services import timeline
from support.timeline_data import INCIDENT
from support.uow import in_uow
from support.web import WebClient

from .conftest import PAGE

START = dt.datetime(2024, 3, 12, 14, 0, tzinfo=dt.UTC)
PAGE_LIMIT = 150_000
"""Bytes of HTML a page of the editor may weigh (issue 10: under 150 KB a page)."""


def _log(count: int) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            time=START + dt.timedelta(minutes=n),
            text=f"Status update {n}: checkout error rate at {n % 7}% and falling slowly",
            actor="Statuspage",
            phase={0: Phase.IMPACT_START, count - 1: Phase.RESOLUTION}.get(n),
            key=n in (0, count - 1),
            link=f"https://status.example.com/incidents/abc/updates/{n}",
            source=EventSource(tool="statuspage", id=f"update-{n}"),
        )
        for n in range(count)
    ]


def test_a_long_log_is_paged_and_a_change_lands_on_the_event_s_page(
    client: WebClient, engine: Engine, incident: str
) -> None:
    events = _log(130)
    in_uow(engine, timeline.import_events, incident_id=INCIDENT, events=events, source="statuspage")
    first = client.get(PAGE)
    assert first.status_code == 200
    assert "Events 1–50 of 130" in first.text
    assert first.text.count('<li class="tl-event') == 50
    assert f'href="{PAGE}?page=2#events" data-partial>Later events</a>' in first.text
    assert len(first.content) < PAGE_LIMIT
    third = client.get(f"{PAGE}?page=3")
    assert "Events 101–130 of 130" in third.text
    assert "Status update 129" in third.text
    assert "Status update 99:" not in third.text
    # the metrics count the events of every page: resolved at the last one, 2h 9m in
    assert '<span class="tl-value">2h 9m</span>' in first.text
    late = event_ref(events[120])
    marked = client.post_form(f"{PAGE}/events/{late}/key", {"key": "1"})
    assert marked.url.path == PAGE
    assert marked.url.query == f"at={late}".encode()
    assert "Events 101–130 of 130" in marked.text
    assert "Marked as a key event: “Status update 120" in marked.text
    assert f'id="edit-{late}"' in client.get(f"{PAGE}?edit={late}").text
    removed = client.post_form(f"{PAGE}/events/{late}/remove", {"page": "3"})
    assert (removed.url.query, removed.status_code) == (b"page=3", 200)
    assert "Events 101–129 of 129" in removed.text
