"""Acceptance audit: eight public incidents re-told in the template by different hands.

The fixtures in tests/data/postmortems/audit/ were written without looking at the other
fixtures, each in one writer's habits (12-hour clocks with zones, a ``**Time Zone:**`` line,
``--tz``, ISO timestamps, multi-day incidents, placeholders left in, renamed headings, tables
and code blocks). The values below were read off the text by hand, before running the parser.
"""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from blamefree.domain import values
from blamefree.domain.derive import document_json, metrics_of
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render
from blamefree.schemas.convert import metric_read, to_data

AUDIT = Path(__file__).parent.parent / "data" / "postmortems" / "audit"
PHASES = ("detection", "response", "investigation", "mitigation", "resolution", "post_resolution")
METRICS = (
    "detection_time",
    "response_time",
    "mitigation_time",
    "resolution_time",
    "total_duration",
)
H, M, D = 3600, 60, 86400


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


# file -> (--tz option, expected values)
CASES: dict[str, tuple[str | None, dict[str, Any]]] = {
    # Renamed "Summary", 12-hour clock with a slash date, a bare 00:15 after midnight, a
    # "Lessons learned" section, a code block, P1/medium priorities, DMY due date.
    "gitlab-database-2017.md": (
        None,
        {
            "incident_id": "GL-2017-0131",
            "date": dt.date(2017, 1, 31),
            "severity": "P1",
            "duration": 18 * H,
            "impact_start": utc(2017, 1, 31, 23, 27),
            "times": (
                utc(2017, 1, 31, 23, 27),
                utc(2017, 1, 31, 23, 30),
                utc(2017, 2, 1, 0, 15),
                utc(2017, 2, 1, 17, 0),
                utc(2017, 2, 1, 18, 14),
                utc(2017, 2, 1, 20, 0),
            ),
            "users": (None, 5000, None),
            "tickets_complaints": (None, None),
            "stated": (0, 3 * M, 18 * H + 47 * M, 18 * H),
            "metrics": {
                "detection_time": (0, "timeline", None),
                "response_time": (3 * M, "timeline", None),
                "mitigation_time": (17 * H + 33 * M, "timeline", None),
                "resolution_time": (18 * H + 47 * M, "timeline", None),
                "total_duration": (20 * H + 33 * M, "timeline", 18 * H),
            },
        },
    ),
    # Bullet header and summary, an Impact Start block, bare 12-hour times read in the
    # document's America/Los_Angeles (PST in January), MTTD/MTTA/MTTR, a table as free text.
    "slack-2021-01-04.md": (
        None,
        {
            "incident_id": "SLK-20210104",
            "date": dt.date(2021, 1, 4),
            "severity": "P0",
            "duration": 3 * H + 43 * M,
            "impact_start": utc(2021, 1, 4, 14, 57),
            "times": (
                utc(2021, 1, 4, 15, 1),
                utc(2021, 1, 4, 15, 6),
                utc(2021, 1, 4, 15, 30),
                utc(2021, 1, 4, 17, 15),
                utc(2021, 1, 4, 18, 40),
                utc(2021, 1, 4, 20, 0),
            ),
            "users": (12_000_000, 12_000_000, 100.0),
            "tickets_complaints": (40_000, None),
            "stated": (4 * M, 5 * M, 3 * H + 43 * M, 5 * H + 3 * M),
            "metrics": {
                "detection_time": (4 * M, "timeline", None),
                "response_time": (5 * M, "timeline", None),
                "mitigation_time": (2 * H + 18 * M, "timeline", None),
                "resolution_time": (3 * H + 43 * M, "timeline", None),
                "total_duration": (5 * H + 3 * M, "timeline", None),
            },
        },
    ),
    # ISO timestamps in every shape, a Date that carries the impact start, a table of raw
    # status lines under the Timeline, `~1.2K`, an extra bullet in a phase.
    "fastly-2021-06-08.md": (
        None,
        {
            "incident_id": "FST-0608",
            "date": dt.date(2021, 6, 8),
            "severity": "P1",
            "duration": 2 * H + 48 * M,
            "impact_start": utc(2021, 6, 8, 9, 47),
            "times": (
                utc(2021, 6, 8, 9, 48),
                utc(2021, 6, 8, 9, 58),
                utc(2021, 6, 8, 10, 27),
                utc(2021, 6, 8, 10, 36),
                utc(2021, 6, 8, 12, 35),
                utc(2021, 6, 8, 17, 25),
            ),
            "users": (None, None, 85.0),
            "tickets_complaints": (1200, None),
            "stated": (1 * M, 10 * M, 2 * H + 48 * M, 7 * H + 38 * M),
            "metrics": {
                "detection_time": (1 * M, "timeline", None),
                "response_time": (10 * M, "timeline", None),
                "mitigation_time": (49 * M, "timeline", None),
                "resolution_time": (2 * H + 48 * M, "timeline", None),
                "total_duration": (7 * H + 38 * M, "timeline", None),
            },
        },
    ),
    # Two weeks: a date range, "April 5, 2022 at 07:38 UTC", dated times, N/A post-resolution,
    # a percentage without its sign, "~13.7 days" disagreeing with the timeline.
    "atlassian-2022-04.md": (
        None,
        {
            "incident_id": "PIR-2022-04-05",
            "date": dt.date(2022, 4, 5),
            "severity": "P1",
            "duration": 13 * D + 16 * H + 19 * M,
            "impact_start": utc(2022, 4, 5, 7, 38),
            "times": (
                utc(2022, 4, 5, 7, 46),
                utc(2022, 4, 5, 8, 17),
                utc(2022, 4, 5, 8, 53),
                utc(2022, 4, 9, 2, 0),
                utc(2022, 4, 18, 23, 57),
                None,
            ),
            "users": (200_000, 775, 0.39),
            "tickets_complaints": (1200, None),
            "stated": (8 * M, 31 * M, 1_183_680, None),
            "metrics": {
                "detection_time": (8 * M, "timeline", None),
                "response_time": (31 * M, "timeline", None),
                "mitigation_time": (3 * D + 18 * H + 22 * M, "timeline", None),
                "resolution_time": (13 * D + 16 * H + 19 * M, "timeline", 1_183_680),
                "total_duration": (13 * D + 16 * H + 19 * M, "timeline", None),
            },
        },
    ),
    # Three days in generic "PT" (PDT in October), month-first numeric date, placeholders left
    # in post-resolution, metrics and sign-off.
    "roblox-2021-10.md": (
        None,
        {
            "incident_id": "RBX-2021-10-28",
            "date": dt.date(2021, 10, 28),
            "severity": "P0",
            "duration": 73 * H,
            "impact_start": utc(2021, 10, 28, 20, 37),
            "times": (
                utc(2021, 10, 28, 20, 37),
                utc(2021, 10, 28, 20, 45),
                utc(2021, 10, 28, 21, 30),
                utc(2021, 10, 31, 5, 0),
                utc(2021, 10, 31, 23, 45),
                None,
            ),
            "users": (50_000_000, 50_000_000, 100.0),
            "tickets_complaints": (None, None),
            "stated": (None, 8 * M, 73 * H, 3 * D + 3 * H + 8 * M),
            "metrics": {
                "detection_time": (0, "timeline", None),
                "response_time": (8 * M, "timeline", None),
                "mitigation_time": (2 * D + 8 * H + 23 * M, "timeline", None),
                "resolution_time": (3 * D + 3 * H + 8 * M, "timeline", 73 * H),
                "total_duration": (3 * D + 3 * H + 8 * M, "timeline", None),
            },
        },
    ),
    # Local time with UTC in parentheses (UTC wins), the last one past UTC midnight, "3.5B",
    # "## Incident Summary", "## Root Cause", "### Acknowledgement", six factors.
    "facebook-2021-10-04.md": (
        None,
        {
            "incident_id": "FB-SEV1-20211004",
            "date": dt.date(2021, 10, 4),
            "severity": "P1",
            "duration": 6 * H,
            "impact_start": utc(2021, 10, 4, 15, 39),
            "times": (
                utc(2021, 10, 4, 15, 40),
                utc(2021, 10, 4, 15, 51),
                utc(2021, 10, 4, 16, 30),
                utc(2021, 10, 4, 21, 50),
                utc(2021, 10, 4, 22, 20),
                utc(2021, 10, 5, 0, 0),
            ),
            "users": (3_500_000_000, 3_500_000_000, 100.0),
            "tickets_complaints": (None, 10_600_000),
            "stated": (1 * M, 11 * M, 6 * H + 41 * M, 8 * H + 21 * M),
            "metrics": {
                "detection_time": (1 * M, "timeline", None),
                "response_time": (11 * M, "timeline", None),
                "mitigation_time": (6 * H + 11 * M, "timeline", None),
                "resolution_time": (6 * H + 41 * M, "timeline", None),
                "total_duration": (8 * H + 21 * M, "timeline", None),
            },
        },
    ),
    # Bare times read with --tz America/New_York (EDT in August); the "detection" happened
    # before impact (pre-market e-mails), so detection time is unknown, not negative.
    "knight-capital-2012.md": (
        "America/New_York",
        {
            "incident_id": "KCG-2012-08-01",
            "date": dt.date(2012, 8, 1),
            "severity": "P0",
            "duration": 45 * M,
            "impact_start": utc(2012, 8, 1, 13, 30),
            "times": (
                utc(2012, 8, 1, 12, 1),
                utc(2012, 8, 1, 13, 34),
                utc(2012, 8, 1, 13, 40),
                utc(2012, 8, 1, 13, 58),
                utc(2012, 8, 1, 14, 15),
                utc(2012, 8, 1, 20, 0),
            ),
            "users": (None, None, None),
            "tickets_complaints": (0, None),
            "stated": (None, 4 * M, 45 * M, 6 * H + 30 * M),
            "metrics": {
                "detection_time": (None, None, None),
                "response_time": (1 * H + 33 * M, "timeline", 4 * M),
                "mitigation_time": (28 * M, "timeline", None),
                "resolution_time": (45 * M, "timeline", None),
                "total_duration": (6 * H + 30 * M, "timeline", None),
            },
        },
    ),
    # `**Time Zone:** PST` with bare 24-hour times across midnight and into a third day,
    # yearless due and review dates, a placeholder action item, "12 000", a lone dash.
    "azure-leap-day-2012.md": (
        None,
        {
            "incident_id": "AZ-2012-0229",
            "date": dt.date(2012, 2, 28),
            "severity": "P1",
            "duration": D + 10 * H + 15 * M,
            "impact_start": utc(2012, 2, 29, 0, 0),
            "times": (
                utc(2012, 2, 29, 1, 15),
                utc(2012, 2, 29, 1, 45),
                utc(2012, 2, 29, 2, 20),
                utc(2012, 2, 29, 2, 38),
                utc(2012, 2, 29, 10, 15),
                utc(2012, 3, 1, 10, 15),
            ),
            "users": (None, None, None),
            "tickets_complaints": (12_000, None),
            "stated": (75 * M, 30 * M, 10 * H + 15 * M, D + 10 * H + 15 * M),
            "metrics": {
                "detection_time": (1 * H + 15 * M, "timeline", None),
                "response_time": (30 * M, "timeline", None),
                "mitigation_time": (2 * H + 38 * M, "timeline", None),
                "resolution_time": (10 * H + 15 * M, "timeline", None),
                "total_duration": (D + 10 * H + 15 * M, "timeline", None),
            },
        },
    ),
}


def _read(name: str) -> tuple[str, str | None]:
    return (AUDIT / name).read_text(encoding="utf-8"), CASES[name][0]


def test_every_audit_fixture_has_expectations() -> None:
    assert sorted(path.name for path in AUDIT.glob("*.md")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_header_and_phase_times(name: str) -> None:
    text, tz = _read(name)
    want = CASES[name][1]
    doc = parse(text, source=name, timezone=tz)
    assert doc.incident_id == want["incident_id"]
    assert doc.date == want["date"]
    assert (doc.severity.value if doc.severity else None) == want["severity"]
    assert doc.duration == want["duration"]
    assert doc.impact_start == want["impact_start"]
    times = tuple(getattr(doc.timeline, phase).time for phase in PHASES)
    assert times == want["times"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_impact_numbers(name: str) -> None:
    text, tz = _read(name)
    want = CASES[name][1]
    doc = parse(text, source=name, timezone=tz)
    users = doc.impact_assessment.users_affected
    assert (users.total_users, users.affected_users, users.percentage) == want["users"]
    business = doc.impact_assessment.business_impact
    assert (business.support_tickets, business.customer_complaints) == want["tickets_complaints"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_stated_and_computed_metrics(name: str) -> None:
    text, tz = _read(name)
    want = CASES[name][1]
    doc = parse(text, source=name, timezone=tz)
    stated = doc.metrics.incident_metrics
    assert (
        stated.detection_time,
        stated.response_time,
        stated.resolution_time,
        stated.total_duration,
    ) == want["stated"]
    computed = {str(key): to_data(metric_read(metric)) for key, metric in metrics_of(doc).items()}
    got = {
        metric: (
            computed[metric]["seconds"],
            computed[metric]["source"],
            computed[metric].get("stated", {}).get("seconds"),  # type: ignore[attr-defined]
        )
        for metric in METRICS
    }
    assert got == want["metrics"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_render_is_stable_and_parses_back_the_same(name: str) -> None:
    text, tz = _read(name)
    doc = parse(text, source=name, timezone=tz)
    once = render(doc)
    again = parse(once, source=name, timezone=tz)
    assert render(again) == once
    assert document_json(again) == document_json(doc)


def test_placeholders_and_unknown_words_read_as_unknown() -> None:
    gitlab = parse((AUDIT / "gitlab-database-2017.md").read_text(encoding="utf-8"))
    users = gitlab.impact_assessment.users_affected
    assert (users.total_users, users.total_users_text) == (None, "not recorded")
    assert (users.percentage, users.percentage_text) == (None, "N/A")
    business = gitlab.impact_assessment.business_impact
    assert (business.revenue_impact, business.support_tickets_text) == (None, "unknown")
    assert (business.customer_complaints, business.customer_complaints_text) == (None, None)
    assert (gitlab.sign_off.reviewed_by, gitlab.sign_off.approved_by) == (None, None)
    roblox = parse((AUDIT / "roblox-2021-10.md").read_text(encoding="utf-8"))
    post = roblox.timeline.post_resolution
    assert (post.time, post.time_text, post.verification, post.monitoring) == (None,) * 4
    assert roblox.sign_off.date is None
    azure = parse((AUDIT / "azure-leap-day-2012.md").read_text(encoding="utf-8"))
    assert azure.what_went_wrong.lessons is None
    long_term = azure.action_items.long_term[0]
    assert (long_term.due_date, long_term.due_date_text) == (None, "TBD")
    assert [item.text for item in azure.action_items.immediate] == [
        "Fix certificate date arithmetic"
    ]


def test_dates_without_a_year_follow_the_document() -> None:
    azure = parse((AUDIT / "azure-leap-day-2012.md").read_text(encoding="utf-8"))
    reviews = azure.follow_up.review_schedule
    assert (reviews.one_week, reviews.one_month, reviews.three_month) == (
        dt.date(2012, 3, 7),
        dt.date(2012, 3, 28),
        dt.date(2012, 5, 28),
    )
    assert [item.due_date for item in azure.action_items.short_term] == [
        dt.date(2012, 3, 30),
        dt.date(2012, 3, 15),
    ]


# --- what the audit found the parser misreading, value by value ------------------------------

REF = dt.date(2017, 1, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017/01/31 6pm UTC", utc(2017, 1, 31, 18, 0)),  # GitLab's own live notes
        ("11pm-ish UTC", utc(2017, 1, 31, 23, 0)),
        ("9 AM PST", utc(2017, 1, 31, 17, 0)),
        ("8 p.m. ET", utc(2017, 2, 1, 1, 0)),
        ("noon UTC", utc(2017, 1, 31, 12, 0)),
        ("20:00 Europe/Berlin", utc(2017, 1, 31, 19, 0)),
        ("14:00 UTC the next day", utc(2017, 2, 1, 14, 0)),
        ("9:37 PM PST (05:37 UTC)", utc(2017, 2, 1, 5, 37)),
    ],
)
def test_times_people_write(text: str, expected: dt.datetime) -> None:
    assert values.parse_time(text, reference=REF) == expected


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1,127 minutes", 1127 * M),
        ("4h25", 4 * H + 25 * M),
        ("1h30 (from the first alert)", 1 * H + 30 * M),
        ("PT4H25M", 4 * H + 25 * M),
        ("P1DT2H", D + 2 * H),
        ("an hour", H),
        ("about two hours", 2 * H),
        ("half an hour", 30 * M),
        ("1 hour and a half", 90 * M),
    ],
)
def test_durations_people_write(text: str, seconds: int) -> None:
    assert values.parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "count"),
    [("1.234.567", 1_234_567), ("2,5k", 2500), ("~1.2M", 1_200_000), ("40k", 40_000)],
)
def test_counts_people_write(text: str, count: int) -> None:
    assert values.parse_count(text) == count


@pytest.mark.parametrize(
    ("text", "percentage"),
    [("3,400 of 10,000 (34%)", 34.0), ("1.2M of 50M (2.4%)", 2.4), ("12,5 %", 12.5)],
)
def test_percentages_people_write(text: str, percentage: float) -> None:
    assert values.parse_percentage(text) == percentage


def test_third_of_march() -> None:
    found = values.find_date("3rd of March 2017")
    assert found is not None and found.date == dt.date(2017, 3, 3)


NOTED = """# Checkout errors

**Incident ID:** NOTE-1
**Date:** 2024-07-10
**Severity:** P2

## Timeline

_All times are in Pacific time (PDT)._

### Detection
- **Time:** 9:00 AM
- **Detected By:** Pager

### Response
- **Time (UTC):** 16:05
- **Acknowledged By:** On-call

### Resolution
- **Timestamp:** 10:30 AM

## Impact Assessment

### Users Affected
- **Affected Users:** 3,400 of 10,000 (34%)
- **Percentage:** 3,400 of 10,000 (34%)
"""


def test_zone_notes_and_zoned_labels() -> None:
    doc = parse(NOTED, source="noted.md")
    assert doc.timezone == "America/Los_Angeles"
    times = (doc.timeline.detection.time, doc.timeline.response.time, doc.timeline.resolution.time)
    assert times == (utc(2024, 7, 10, 16, 0), utc(2024, 7, 10, 16, 5), utc(2024, 7, 10, 17, 30))
    users = doc.impact_assessment.users_affected
    assert (users.affected_users, users.percentage) == (3400, 34.0)
    once = render(doc)
    again = parse(once, source="noted.md")
    assert render(again) == once
    assert document_json(again) == document_json(doc)


def test_a_zone_note_wins_over_the_tz_option() -> None:
    doc = parse(NOTED, source="noted.md", timezone="Europe/Berlin")
    assert doc.timeline.detection.time == utc(2024, 7, 10, 16, 0)


def test_prose_about_all_times_is_not_a_zone() -> None:
    text = NOTED.replace("_All times are in Pacific time (PDT)._", "All times are approximate.")
    doc = parse(text, source="noted.md")
    assert (doc.timezone, doc.timeline.detection.time) == (None, utc(2024, 7, 10, 9, 0))
