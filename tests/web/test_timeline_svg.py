"""The geometry of the timeline picture: marks in time order inside the axis, labels that do
not overlap, ticks in the post-mortem's zone, key events labelled, crowds of events merged."""

from __future__ import annotations

import datetime as dt

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import TimelineEvent
from blamefree.web.timeline_svg import LEFT, RIGHT, picture

START = dt.datetime(2026, 8, 27, 9, 14, tzinfo=dt.UTC)


def _at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def test_marks_bands_and_ticks_follow_the_moments() -> None:
    moments = [
        (Phase.IMPACT_START, START, False),
        (Phase.DETECTION, _at(1), False),
        (Phase.RESPONSE, _at(3), True),
        (Phase.INVESTIGATION, None, False),
        (Phase.MITIGATION, _at(38), False),
        (Phase.RESOLUTION, _at(137), False),
    ]
    pic = picture(moments=moments, events=[], zone="Europe/Lisbon")
    assert [m.label for m in pic.marks] == [
        "Impact start", "Detection", "Response", "Mitigation", "Resolution",
    ]  # fmt: skip
    assert [m.when for m in pic.marks] == ["10:14", "10:15", "10:17", "10:52", "12:31"]
    assert [m.derived for m in pic.marks] == [False, False, True, False, False]
    xs = [m.x for m in pic.marks]
    assert xs == sorted(xs) and xs[0] >= LEFT and xs[-1] <= RIGHT
    # Labels that would overlap go to separate lanes.
    assert len({m.label_y for m in pic.marks[:3]}) == 3
    assert [b.phase for b in pic.bands] == [m.phase for m in pic.marks[:-1]]
    assert [t.label for t in pic.ticks] == ["10:30", "11:00", "11:30", "12:00", "12:30"]
    assert (pic.start, pic.end) == ("2026-08-27 10:14", "2026-08-27 12:31")
    assert not pic.empty


def test_key_events_are_labelled_and_crowds_merge_into_one_dot() -> None:
    # 50 messages within half a second: less than a pixel apart.
    crowd = [TimelineEvent(time=_at(10 + n / 6000), text=f"message {n}") for n in range(50)]
    key = TimelineEvent(time=_at(20), text="  LIS-A drained\nfrom the balancer ", key=True,
                        phase=Phase.MITIGATION)  # fmt: skip
    pic = picture(moments=[(Phase.IMPACT_START, START, False)], events=[*crowd, key], zone=None)
    plain = [d for d in pic.dots if not d.key]
    assert len(plain) == 1 and plain[0].count == 50
    assert plain[0].title == "09:24 message 0 (and 49 more)"
    labelled = [d for d in pic.dots if d.key]
    assert [d.label for d in labelled] == ["09:34 LIS-A drained from the balancer"]
    assert pic.height > pic.tick_y


def test_nothing_known_draws_nothing() -> None:
    pic = picture(moments=[(Phase.DETECTION, None, False)], events=[], zone="Europe/Lisbon")
    assert pic.empty and pic.marks == [] and pic.ticks == []


def test_a_picture_over_days_dates_its_ticks() -> None:
    moments = [(Phase.IMPACT_START, START, False), (Phase.RESOLUTION, _at(60 * 50), False)]
    pic = picture(moments=moments, events=[], zone="UTC")
    assert pic.marks[1].when == "2026-08-29 11:14"
    assert pic.ticks[0].label.startswith("08-2")
