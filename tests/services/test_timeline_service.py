import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from blamefree.domain.derive import event_ref
from blamefree.domain.enums import Phase, Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import ValidationFailed
from blamefree.schemas import EventUpdate
from blamefree.services import postmortems, timeline
from support.uow import in_uow

DATA = Path(__file__).parents[1] / "data" / "importers" / "pagerduty"
PAGES = [
    json.loads((DATA / n).read_text()) for n in ("log_entries_page1.json", "log_entries_page2.json")
]


def _pagerduty(request: httpx.Request) -> httpx.Response:
    assert request.headers["Authorization"] == "Token token=pd-token"
    page = PAGES[0] if request.url.params["offset"] == "0" else PAGES[1]
    return httpx.Response(200, json=page)


def test_live_pagerduty_fetch_is_tagged_and_imported_once(engine: Engine) -> None:
    in_uow(
        engine,
        postmortems.create_postmortem,
        postmortem_in=Postmortem(incident_id="INC-1", severity=Severity.P1),
    )
    events = timeline.fetch_pagerduty(
        "Q1ABCDEF",
        token="pd-token",
        base_url="https://pd.test",
        transport=httpx.MockTransport(_pagerduty),
    )
    assert [e.phase for e in events if e.phase] == [
        Phase.DETECTION,
        Phase.RESPONSE,
        Phase.RESOLUTION,
    ]
    first = in_uow(
        engine, timeline.import_events, incident_id="INC-1", events=events, source="pagerduty"
    )
    assert (first.read, first.added, first.skipped, first.version) == (7, 7, 0, 2)
    again = in_uow(
        engine, timeline.import_events, incident_id="INC-1", events=events, source="pagerduty"
    )
    assert (again.added, again.skipped, again.version) == (0, 7, 2)
    stored = in_uow(engine, postmortems.get_postmortem, incident_id="INC-1")
    assert [e.source.id for e in stored.doc.timeline.events][:2] == ["R0TRIGGER01", "R1NOTIFY001"]
    metrics = postmortems.metrics_of(stored.doc)
    assert metrics["response_time"].seconds == 152


def test_add_and_edit_read_typed_times_against_the_incident_date(engine: Engine) -> None:
    doc = Postmortem(incident_id="INC-2", date=dt.date(2024, 3, 12), timezone="Europe/Berlin")
    in_uow(engine, postmortems.create_postmortem, postmortem_in=doc, by="Ana")
    added = in_uow(
        engine,
        timeline.add_event,
        incident_id="INC-2",
        at="14:32",
        text="Alert fired",
        phase=Phase.DETECTION,
        key=True,
        by="Ana",
    )
    assert (added.time, added.time_text, added.source.tool) == (
        dt.datetime(2024, 3, 12, 13, 32, tzinfo=dt.UTC),
        "14:32",
        "manual",
    )
    edited = in_uow(
        engine,
        timeline.edit_event,
        incident_id="INC-2",
        ref=event_ref(added)[:6],
        changes=EventUpdate(text="Alert fired twice"),
        at="2024-03-12T14:40:00Z",
        by="Ben",
    )
    assert (edited.time, edited.text, edited.source.id) == (
        dt.datetime(2024, 3, 12, 14, 40, tzinfo=dt.UTC),
        "Alert fired twice",
        added.source.id,
    )
    history = in_uow(engine, postmortems.history, incident_id="INC-2")
    assert [(h.version, h.author) for h in history] == [(1, "Ana"), (2, "Ana"), (3, "Ben")]
    with pytest.raises(ValidationFailed, match="time 'soon' is not a time"):
        in_uow(
            engine,
            timeline.edit_event,
            incident_id="INC-2",
            ref=event_ref(added)[:6],
            changes=EventUpdate(),
            at="soon",
        )
