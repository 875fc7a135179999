import datetime as dt

import pytest

from blamefree.domain import values

UTC = dt.UTC
REF = dt.date(2019, 7, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-07-02", dt.date(2019, 7, 2)),
        ("July 2, 2019", dt.date(2019, 7, 2)),
        ("28 Feb 2017", dt.date(2017, 2, 28)),
        ("19/07/2024", dt.date(2024, 7, 19)),
        ("07/19/2024", dt.date(2024, 7, 19)),
        ("03/04/2024", dt.date(2024, 4, 3)),
        ("Oct 21–22, 2018", dt.date(2018, 10, 21)),
        ("21-22 October 2018", dt.date(2018, 10, 21)),
        ("Tuesday, July 2nd, 2019", dt.date(2019, 7, 2)),
        ("2024/07/19", dt.date(2024, 7, 19)),
    ],
)
def test_dates_as_people_write_them(text: str, expected: dt.date) -> None:
    assert values.parse_date(text) == expected


def test_impossible_date_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a valid date"):
        values.parse_date("2024-02-30")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:32 UTC", dt.datetime(2019, 7, 2, 14, 32, tzinfo=UTC)),
        ("2019-07-02T13:45:00Z", dt.datetime(2019, 7, 2, 13, 45, tzinfo=UTC)),
        ("2018-10-22 16:24 UTC", dt.datetime(2018, 10, 22, 16, 24, tzinfo=UTC)),
        ("9:37 AM PST (17:37 UTC)", dt.datetime(2019, 7, 2, 17, 37, tzinfo=UTC)),
        ("9:37 AM PDT", dt.datetime(2019, 7, 2, 16, 37, tzinfo=UTC)),
        ("2:32 pm", dt.datetime(2019, 7, 2, 14, 32, tzinfo=UTC)),
        ("14:32 CEST", dt.datetime(2019, 7, 2, 12, 32, tzinfo=UTC)),
        ("14:32:05.25 UTC", dt.datetime(2019, 7, 2, 14, 32, 5, 250000, tzinfo=UTC)),
        ("July 3, 2019 01:10 UTC", dt.datetime(2019, 7, 3, 1, 10, tzinfo=UTC)),
        ("~14:32 UTC (first page)", dt.datetime(2019, 7, 2, 14, 32, tzinfo=UTC)),
        (
            "2019-07-02T13:45:00.123456789+02:00",
            dt.datetime(2019, 7, 2, 11, 45, 0, 123456, tzinfo=UTC),
        ),
    ],
)
def test_times_as_people_write_them(text: str, expected: dt.datetime) -> None:
    assert values.parse_time(text, reference=REF) == expected


def test_bare_time_after_midnight_rolls_to_next_day() -> None:
    previous = dt.datetime(2019, 7, 2, 23, 50, tzinfo=UTC)
    assert values.parse_time("00:36", reference=REF, previous=previous) == dt.datetime(
        2019, 7, 3, 0, 36, tzinfo=UTC
    )


def test_slightly_earlier_time_does_not_roll_over() -> None:
    previous = dt.datetime(2019, 7, 2, 14, 0, tzinfo=UTC)
    assert values.parse_time("13:50", reference=REF, previous=previous) == dt.datetime(
        2019, 7, 2, 13, 50, tzinfo=UTC
    )


def test_time_without_zone_reads_in_document_zone() -> None:
    berlin = values.zone("Europe/Berlin")
    assert values.parse_time("14:32", reference=REF, tz=berlin) == dt.datetime(
        2019, 7, 2, 12, 32, tzinfo=UTC
    )


def test_impossible_time_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a valid time"):
        values.parse_time("25:61 UTC", reference=REF)


def test_time_needs_a_date_from_somewhere() -> None:
    assert values.parse_time("14:32 UTC", reference=None) is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("27 minutes", 1620),
        ("2h48m", 10080),
        ("1127 min", 67620),
        ("00:02:00", 120),
        ("1d 0h 11m", 87060),
        ("~18.8 hours", 67680),
        ("2 hours and 15 minutes", 8100),
        ("45s", 45),
        ("3m 5s (from first page)", 185),
        ("14:00–16:48 UTC", 10080),
        ("0", 0),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert values.parse_duration(text) == seconds


def test_duration_without_unit_is_not_read() -> None:
    assert values.parse_duration("a long afternoon") is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (45, "45s"), (185, "3m 5s"), (10080, "2h 48m"), (87060, "1d 0h 11m")],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert values.format_duration(seconds) == text
    assert values.parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1,234,567", 1234567),
        ("~2.5 million", 2500000),
        ("40k", 40000),
        ("None", 0),
        ("about 1200 (est.)", 1200),
        ("12 000", 12000),
        ("all of them", None),
    ],
)
def test_counts(text: str, count: int | None) -> None:
    assert values.parse_count(text) == count


@pytest.mark.parametrize(
    "text",
    [
        "[Time]",
        "[Name]",
        "N/A",
        "n/a",
        "TBD",
        "unknown",
        "Not recorded",
        "_TBD_",
        "TBD (finance)",
        "P0/P1/P2/P3",
        "High/Medium/Low",
        "[Before] → [During] → [After]",
    ],
)
def test_unknown_values(text: str) -> None:
    assert values.is_unknown(text) is True


@pytest.mark.parametrize("text", ["Dave", "0", "none of the EU", "TBD-service"])
def test_known_values(text: str) -> None:
    assert values.is_unknown(text) is False


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("0.1%", 0.1, "%"), ("120 ms", 120.0, "ms"), ("2.3 s", 2.3, "s"), ("99.99%", 99.99, "%")],
)
def test_measurements(text: str, value: float, unit: str) -> None:
    measured = values.parse_measurement(text)
    assert (measured.value, measured.unit) == (value, unit)
    assert values.format_measurement(value, unit) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1432 UTC", dt.datetime(2019, 7, 2, 14, 32, tzinfo=UTC)),
        ("1432Z", dt.datetime(2019, 7, 2, 14, 32, tzinfo=UTC)),
        ("14h32", dt.datetime(2019, 7, 2, 14, 32, tzinfo=UTC)),
        ("03/07 02:10 UTC", dt.datetime(2019, 7, 3, 2, 10, tzinfo=UTC)),
        ("02:10 UTC (03/07)", dt.datetime(2019, 7, 3, 2, 10, tzinfo=UTC)),
        ("July 2, 2019 14:32 UTC", dt.datetime(2019, 7, 2, 14, 32, tzinfo=UTC)),
    ],
)
def test_other_clock_styles(text: str, expected: dt.datetime) -> None:
    assert values.parse_time(text, reference=REF) == expected


@pytest.mark.parametrize("text", ["soon", "after lunch", "-", "to"])
def test_words_without_a_time_read_as_no_time(text: str) -> None:
    # Once a crash (a range check paired an empty list of times with one follower).
    assert values.parse_time(text, reference=dt.date(2024, 3, 12), tz=None) is None
