"""Metric definitions: what each metric measures, where it comes from, and disagreements."""

import datetime as dt

import pytest

from blamefree.domain.metrics import DISAGREEMENT_SECONDS, Anchors, compute_metrics
from blamefree.domain.postmortem import (
    DetectionBlock,
    IncidentMetrics,
    Metrics,
    MitigationBlock,
    Postmortem,
    PostResolutionBlock,
    ResolutionBlock,
    ResponseBlock,
    Timeline,
)
from blamefree.schemas.convert import metric_read, to_data

START = dt.datetime(2024, 5, 1, 22, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def document(
    *,
    impact_start: dt.datetime | None = START,
    detected: int | None = 10,
    acknowledged: int | None = 15,
    mitigated: int | None = 40,
    resolved: int | None = 90,
    ended: int | None = 150,
    stated: IncidentMetrics | None = None,
    duration: int | None = None,
) -> Postmortem:
    def time(minutes: int | None) -> dt.datetime | None:
        return None if minutes is None else at(minutes)

    return Postmortem(
        impact_start=impact_start,
        duration=duration,
        timeline=Timeline(
            detection=DetectionBlock(time=time(detected)),
            response=ResponseBlock(time=time(acknowledged)),
            mitigation=MitigationBlock(time=time(mitigated)),
            resolution=ResolutionBlock(time=time(resolved)),
            post_resolution=PostResolutionBlock(time=time(ended)),
        ),
        metrics=Metrics(incident_metrics=stated or IncidentMetrics()),
    )


def seconds(doc: Postmortem) -> dict[str, int | None]:
    return {name: metric.seconds for name, metric in compute_metrics(doc).items()}


def test_definitions() -> None:
    assert seconds(document()) == {
        "detection_time": 10 * 60,  # detected - impact start
        "response_time": 5 * 60,  # acknowledged - detected
        "mitigation_time": 40 * 60,  # mitigated - impact start
        "resolution_time": 90 * 60,  # resolved - impact start
        "total_duration": 150 * 60,  # end of post-resolution - impact start
    }
    metrics = compute_metrics(document())
    assert {m.source for m in metrics.values()} == {"timeline"}
    assert to_data(metric_read(metrics["resolution_time"])) == {
        "seconds": 5400,
        "source": "timeline",
        "text": "1h 30m",
    }


def test_total_ends_at_resolution_without_post_resolution_time() -> None:
    assert seconds(document(ended=None))["total_duration"] == 90 * 60


def test_without_impact_start_only_response_is_computed() -> None:
    assert seconds(document(impact_start=None)) == {
        "detection_time": None,
        "response_time": 300,
        "mitigation_time": None,
        "resolution_time": None,
        "total_duration": None,
    }


def test_falls_back_to_stated_values() -> None:
    stated = IncidentMetrics(
        detection_time=240,
        detection_time_text="4 min",
        response_time=360,
        resolution_time=10080,
        resolution_time_text="2h48m",
        total_duration=11880,
    )
    metrics = compute_metrics(document(impact_start=None, acknowledged=None, stated=stated))
    assert {name: to_data(metric_read(m)) for name, m in metrics.items()} == {
        "detection_time": {"seconds": 240, "source": "stated", "text": "4 min"},
        "response_time": {"seconds": 360, "source": "stated", "text": "6m"},
        "mitigation_time": {"seconds": None, "source": None, "text": None},
        "resolution_time": {"seconds": 10080, "source": "stated", "text": "2h48m"},
        "total_duration": {"seconds": 11880, "source": "stated", "text": "3h 18m"},
    }


def test_header_duration_is_the_stated_total_when_metrics_leave_it_out() -> None:
    metrics = compute_metrics(document(impact_start=None, duration=7200))
    assert to_data(metric_read(metrics["total_duration"])) == {
        "seconds": 7200,
        "source": "stated",
        "text": "2h 0m",
    }


def test_unknown_everywhere_stays_null() -> None:
    metrics = compute_metrics(Postmortem())
    assert [to_data(metric_read(m)) for m in metrics.values()] == [
        {"seconds": None, "source": None, "text": None}
    ] * 5


@pytest.mark.parametrize(
    ("stated_seconds", "shown"),
    [
        (600, False),  # equal
        (600 + DISAGREEMENT_SECONDS, False),  # a minute off is rounding, not disagreement
        (600 - DISAGREEMENT_SECONDS, False),
        (600 + DISAGREEMENT_SECONDS + 1, True),
        (300, True),
    ],
)
def test_stated_value_is_shown_beside_a_disagreeing_timeline(
    stated_seconds: int, shown: bool
) -> None:
    stated = IncidentMetrics(detection_time=stated_seconds, detection_time_text="as written")
    metric = compute_metrics(document(stated=stated))["detection_time"]
    assert (metric.seconds, metric.source) == (600, "timeline")
    assert metric.disagrees is shown
    data = to_data(metric_read(metric))
    if shown:
        assert data["stated"] == {"seconds": stated_seconds, "text": "as written"}
    else:
        assert "stated" not in data


def test_stated_text_defaults_to_canonical_form() -> None:
    stated = IncidentMetrics(total_duration=3600)
    metric = compute_metrics(document(stated=stated))["total_duration"]
    assert to_data(metric_read(metric))["stated"] == {"seconds": 3600, "text": "1h 0m"}


def test_negative_timeline_value_falls_back_to_stated() -> None:
    # Detection written before the impact start: the timeline is inconsistent, use the statement.
    stated = IncidentMetrics(detection_time=120)
    metric = compute_metrics(document(detected=-5, stated=stated))["detection_time"]
    assert (metric.seconds, metric.source) == (120, "stated")


def test_anchors_override_the_timeline() -> None:
    anchors = Anchors(
        impact_start=at(0),
        detected=at(1),
        acknowledged=at(3),
        mitigated=None,
        resolved=at(20),
        ended=at(20),
    )
    metrics = compute_metrics(document(), anchors)
    assert {name: m.seconds for name, m in metrics.items()} == {
        "detection_time": 60,
        "response_time": 120,
        "mitigation_time": None,
        "resolution_time": 1200,
        "total_duration": 1200,
    }
