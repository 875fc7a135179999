"""The Event Log table shows times as people read them and still reads back exactly."""

import datetime as dt

import pytest

from blamefree.domain.postmortem import Postmortem, Timeline
from blamefree.domain.timeline import EventSource, TimelineEvent
from blamefree.markdown.events import render_event_time
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render


@pytest.mark.parametrize(
    ("micro", "shown"),
    [
        (0, "2026-11-27 01:00:07Z"),
        (250_000, "2026-11-27 01:00:07.250Z"),
        (4_000, "2026-11-27 01:00:07.004Z"),
        (123_456, "2026-11-27 01:00:07.123456Z"),
        (1, "2026-11-27 01:00:07.000001Z"),
    ],
)
def test_event_times_show_fractions_only_when_they_have_them(micro: int, shown: str) -> None:
    moment = dt.datetime(2026, 11, 27, 1, 0, 7, micro, tzinfo=dt.UTC)
    assert render_event_time(moment) == shown
    event = TimelineEvent(
        time=moment,
        time_text="Nov 27, 2026 at 2:00:07 AM CET",
        text="pager went off",
        source=EventSource(tool="pagerduty", id="Q1"),
    )
    doc = Postmortem(incident_id="OPS-4", timeline=Timeline(events=[event]))
    text = render(doc)
    assert f"| {shown} |" in text
    assert "| Nov 27, 2026 at 2:00:07 AM CET |" in text
    assert parse(text) == doc


def test_the_older_iso_form_still_reads() -> None:
    text = render(
        Postmortem(
            incident_id="OPS-5",
            timeline=Timeline(
                events=[TimelineEvent(time=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))]
            ),
        )
    ).replace("2026-01-02 03:04:05Z", "2026-01-02T03:04:05.000000Z")
    assert parse(text).timeline.events[0].time == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
