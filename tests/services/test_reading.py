"""Reading one post-mortem as its page does, on SQLite and PostgreSQL: where each phase time
came from (and the event log's when it disagrees), history newest first, diffs, restore."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import Horizon, Phase, Severity
from blamefree.domain.standing import Standing
from blamefree.errors import RevisionNotFound, ValidationFailed
from blamefree.lint.api import report_stored
from blamefree.services import postmortems, reading
from blamefree.store import UnitOfWork
from support.demo_docs import DEMO_TODAY, store, timed_doc
from support.uow import in_uow

START = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def written(engine: Engine) -> str:
    """Detection written at 10:12 while the event log's detection is 10:20; response only in
    the log; one action item; prepared but not approved."""
    doc = timed_doc("INC-R-1", day=START.date(), severity=Severity.P2, detected_after=None)
    doc = doc.model_copy(
        update={
            "timeline": doc.timeline.model_validate(
                {
                    "detection": {"time": START + dt.timedelta(minutes=12)},
                    "events": [
                        {"time": START + dt.timedelta(minutes=20), "phase": "detection",
                         "text": "alert"},
                        {"time": START + dt.timedelta(minutes=25), "phase": "response",
                         "text": "ack", "actor": "Dana"},
                    ],
                }
            ),
            "action_items": doc.action_items.model_validate(
                {"immediate": [{"text": "Add an alert", "owner": "Dana"}]}
            ),
            "sign_off": doc.sign_off.model_validate({"prepared_by": "Kim"}),
        }
    )  # fmt: skip
    store(engine, doc)
    return "INC-R-1"


def test_the_page_says_where_each_phase_time_came_from(engine: Engine, written: str) -> None:
    page = in_uow(engine, reading.postmortem_page, incident_id=written, today=DEMO_TODAY)
    times = {t.phase: t for t in page.phase_times}
    detection = times[Phase.DETECTION]
    assert (detection.time, detection.source) == (START + dt.timedelta(minutes=12), "written")
    assert detection.logged == START + dt.timedelta(minutes=20)
    response = times[Phase.RESPONSE]
    assert (response.time, response.source, response.logged) == (
        START + dt.timedelta(minutes=25), "event log", None,
    )  # fmt: skip
    assert (times[Phase.MITIGATION].time, times[Phase.MITIGATION].source) == (None, None)
    assert page.impact_start_source == "written"
    assert page.shown.timeline.response.acknowledged_by == "Dana"
    assert page.doc.timeline.response.acknowledged_by is None  # as written: not filled in
    assert page.metrics["detection_time"].seconds == 12 * 60
    assert page.metrics["response_time"].seconds == 13 * 60
    assert page.from_event_log("response_time") and not page.from_event_log("detection_time")
    assert page.standing is Standing.IN_REVIEW
    action = page.actions[(Horizon.IMMEDIATE, 0)]
    assert (action.record.text, action.due, action.overdue) == (
        "Add an alert", dt.date(2026, 11, 9), True,
    )  # fmt: skip
    # The lint panel holds what `blamefree lint INC-R-1` reports.
    assert page.findings == report_stored(page.text, page.doc, source=written).findings
    assert "BF202" in {f.rule for f in page.findings}


def test_history_diff_and_restore(engine: Engine, written: str) -> None:
    with UnitOfWork(engine) as uow:
        stored = postmortems.get_postmortem(uow, incident_id=written)
        postmortems.update_postmortem(
            uow,
            incident_id=written,
            postmortem_in=stored.doc.model_copy(update={"title": "Renamed"}),
            expected_version=1,
            by="Kim",
        )
    history = in_uow(engine, reading.history_page, incident_id=written)
    assert [r.version for r in history.revisions] == [2, 1]
    assert (history.current, history.title, history.revisions[0].author) == (2, "Renamed", "Kim")
    diff = in_uow(engine, reading.diff_page, incident_id=written)
    assert (diff.old.version, diff.new.version, diff.versions) == (1, 2, [1, 2])
    assert (diff.added, diff.removed) == (1, 1)
    assert [r.text for h in diff.hunks for r in h.rows if r.kind == "added"] == ["# Renamed"]
    with pytest.raises(RevisionNotFound):
        in_uow(engine, reading.diff_page, incident_id=written, old=1, new=7)
    with pytest.raises(ValidationFailed) as caught:
        in_uow(engine, reading.diff_page, incident_id=written, old=0)
    assert caught.value.field == "from"
    restored = in_uow(engine, reading.restore, incident_id=written, version=1, by="Lee")
    assert (restored.action, restored.stored.version) == ("restored", 3)
    again = in_uow(engine, reading.restore, incident_id=written, version=3, by="Lee")
    assert again.action == "unchanged"
