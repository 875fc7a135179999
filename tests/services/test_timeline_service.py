import json
from pathlib import Path

import httpx
from sqlalchemy import Engine

from blamefree.domain.enums import Phase, Severity
from blamefree.domain.postmortem import Postmortem
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
