"""BF312 (values read by assumption) and BF313 (phase time vs its key event)."""

from __future__ import annotations

from blamefree.lint import lint_text
from blamefree.lint.finding import Finding

DOC = """\
# Post-Mortem: Invoice renderer timed out

**Incident ID:** INC-2026-0777
**Date:** {date}
**Severity:** P3
**Impact Start:** 14:02 EEST

## Timeline

### Detection
- **Time:** {detected}
- **Detected By:** Synthetic invoice check

### Resolution
- **Time:** 15:30 EEST
- **Resolved By:** Billing on-call
{events}
## Impact Assessment

### Users Affected
- **Total Users:** 3.400.000
- **Affected Users:** {affected}
"""

LOG = """
### Event Log

| Time (UTC) | Phase | Kind | Actor | Event | Key | Source | As written | Link |
|---|---|---|---|---|---|---|---|---|
| 2026-06-09 11:02:00Z | impact_start | custom |  | Renderer p99 over 30 s | ★ | manual:r1 | 11:02 UTC |  |
| {detected_event} | detection | alert_fired |  | Invoice check failed | {key} | manual:r2 | as logged |  |
| 2026-06-09 11:40:00Z | detection | message |  | Support asked about invoices |  | manual:r3 | 11:40 UTC |  |
"""


def _doc(
    *,
    date: str = "2026-06-09",
    detected: str = "14:20 EEST",
    affected: str = "12,000",
    events: str = "",
) -> str:
    return DOC.format(date=date, detected=detected, affected=affected, events=events)


def _log(detected_event: str, *, key: str = "★") -> str:
    return LOG.format(detected_event=detected_event, key=key)


def _of(findings: list[Finding], rule: str) -> list[tuple[int, int, str | None, str]]:
    return [(f.line, f.column, f.field, f.message) for f in findings if f.rule == rule]


def test_a_document_that_writes_every_zone_and_date_plainly_has_no_assumption() -> None:
    assert _of(lint_text(_doc()), "BF312") == []


def test_a_bare_time_read_in_a_zone_from_another_line_is_shown_where_it_is() -> None:
    findings = lint_text(_doc(detected="14:20"))
    assert _of(findings, "BF312") == [
        (
            11,
            13,
            "timeline.detection.time",
            "'14:20' names no zone; it was read in EEST, the zone written with impact_start "
            "('14:02 EEST')",
        )
    ]
    [hit] = [f for f in findings if f.rule == "BF312"]
    assert hit.severity == "warning"
    assert hit.suggestion.startswith("Write the zone with the time ('14:20 EEST' if that is")


def test_a_date_that_reads_both_ways_names_both_days() -> None:
    findings = lint_text(_doc(date="06/09/2026"))
    assert _of(findings, "BF312") == [
        (
            4,
            11,
            "date",
            "'06/09/2026' reads both ways; it was read day first, as 2026-09-06, not 2026-06-09",
        )
    ]
    [hit] = [f for f in findings if f.rule == "BF312"]
    assert "'2026-09-06', or '2026-06-09' if that is the day meant" in hit.suggestion


def test_a_number_read_with_dots_as_thousands_is_shown() -> None:
    findings = lint_text(_doc(affected="4.500"))
    assert _of(findings, "BF312") == [
        (
            22,
            23,
            "impact_assessment.users_affected.affected_users",
            "'4.500' was read as 4,500: this document groups thousands with dots (1.234.567), "
            "so a single dot before three digits does too",
        )
    ]


def test_a_written_phase_time_off_its_key_event_is_a_finding() -> None:
    # Detection is written as 14:20 EEST (11:20 UTC); the key detection event says 11:26 UTC.
    findings = lint_text(_doc(events=_log("2026-06-09 11:26:00Z")))
    assert _of(findings, "BF313") == [
        (
            11,
            13,
            "timeline.detection.time",
            "detection time 2026-06-09 11:20 UTC is 6m off the key detection event at "
            "2026-06-09 11:26 UTC ('Invoice check failed')",
        )
    ]


def test_within_a_minute_or_without_a_key_event_nothing_is_reported() -> None:
    assert _of(lint_text(_doc(events=_log("2026-06-09 11:20:45Z"))), "BF313") == []
    # Not key: an ordinary event at another moment says nothing about the phase time.
    assert _of(lint_text(_doc(events=_log("2026-06-09 11:26:00Z", key=""))), "BF313") == []


def test_the_impact_start_is_checked_against_its_key_event_too() -> None:
    text = _doc(events=_log("2026-06-09 11:20:00Z")).replace(
        "**Impact Start:** 14:02 EEST", "**Impact Start:** 13:55 EEST"
    )
    assert _of(lint_text(text), "BF313") == [
        (
            6,
            19,
            "impact_start",
            "impact start time 2026-06-09 10:55 UTC is 7m off the key impact start event at "
            "2026-06-09 11:02 UTC ('Renderer p99 over 30 s')",
        )
    ]


def test_a_value_longer_than_the_reader_reads_is_shown_at_its_field() -> None:
    findings = lint_text(_doc(affected="12,000 " + "and more words about them " * 50))
    ((line, column, field, message),) = _of(findings, "BF312")
    assert (line, column, field) == (22, 23, "impact_assessment.users_affected.affected_users")
    assert message.startswith("1,306 characters are more than the 1,000 a value is read from")
