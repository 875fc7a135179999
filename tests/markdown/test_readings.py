"""How everyday phrasings are read: zones that carry over, dates, labels, headings, numbers."""

import datetime as dt

import pytest

from blamefree.domain.assumptions import Assumption
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import TemplateParseError
from blamefree.lint.api import FileReport, report_text
from blamefree.markdown.layout import SECTION_HEADINGS
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render

UTC = dt.UTC


def doc(header: str, body: str = "") -> str:
    return f"# Queue backlog\n\n{header}\n\n## Executive Summary\n\n{body}\n\n## Timeline\n"


def phases(*times: str) -> str:
    names = ["Detection", "Response", "Investigation", "Mitigation"]
    return "\n\n".join(
        f"### {name}\n- **Time:** {time}" for name, time in zip(names, times, strict=False)
    )


def assumed(result: Postmortem, kind: str) -> list[Assumption]:
    return [a for a in result.assumptions if a.kind == kind]


def stable(text: str) -> Postmortem:
    """Parse, and check that the rendered document reads back the same."""
    result = parse(text)
    assert parse(render(result)) == result
    return result


# --- zones -----------------------------------------------------------------------------------


def test_a_zone_written_once_carries_over_to_bare_times() -> None:
    text = (
        "# Queue backlog\n\n**Date:** 2025-06-02\n**Impact Start:** 11:20 IST\n\n"
        "## Executive Summary\n\n## Timeline\n\n" + phases("11:31", "11:45")
    )
    result = stable(text)
    assert result.impact_start == dt.datetime(2025, 6, 2, 5, 50, tzinfo=UTC)
    assert result.timeline.detection.time == dt.datetime(2025, 6, 2, 6, 1, tzinfo=UTC)
    assert result.timeline.response.time == dt.datetime(2025, 6, 2, 6, 15, tzinfo=UTC)
    notes = assumed(result, "zone_assumed")
    assert [(a.field, a.zone, a.from_field, a.text) for a in notes] == [
        ("timeline.detection.time", "IST", "impact_start", "11:31"),
        ("timeline.response.time", "IST", "impact_start", "11:45"),
    ]
    assert notes[0].read_as == "2025-06-02 06:01 UTC"
    assert "Time Zone" in notes[0].note


def test_the_zone_can_come_from_a_later_time() -> None:
    text = (
        "# Disk full\n\n**Date:** 2025-01-14\n\n## Executive Summary\n\n## Timeline\n\n"
        + phases("07:02", "07:10 CET")
    )
    result = stable(text)
    assert result.timeline.detection.time == dt.datetime(2025, 1, 14, 6, 2, tzinfo=UTC)
    assert [a.from_field for a in assumed(result, "zone_assumed")] == ["timeline.response.time"]


def test_the_document_zone_means_nothing_is_carried() -> None:
    text = (
        "# Disk full\n\n**Date:** 2025-01-14\n**Time Zone:** Asia/Tokyo\n\n"
        "## Executive Summary\n\n## Timeline\n\n" + phases("07:02", "07:10 CET")
    )
    result = parse(text)
    assert result.timeline.detection.time == dt.datetime(2025, 1, 13, 22, 2, tzinfo=UTC)
    assert result.assumptions == []


def test_a_document_without_any_zone_reads_utc_and_notes_nothing() -> None:
    text = "# Disk full\n\n**Date:** 2025-01-14\n\n## Summary\n\n## Timeline\n\n" + phases("07:02")
    result = parse(text)
    assert result.timeline.detection.time == dt.datetime(2025, 1, 14, 7, 2, tzinfo=UTC)
    assert result.assumptions == []


def test_the_utc_twin_of_a_local_time_is_the_zone_that_carries() -> None:
    text = "# Lag\n\n**Date:** 2025-03-03\n\n## Summary\n\n## Timeline\n\n" + phases(
        "6:10 AM EST (11:10 UTC)", "11:25"
    )
    result = parse(text)
    assert result.timeline.response.time == dt.datetime(2025, 3, 3, 11, 25, tzinfo=UTC)
    assert [a.zone for a in assumed(result, "zone_assumed")] == ["UTC"]


def test_assumptions_are_in_the_json() -> None:
    text = "# Lag\n\n**Date:** 2025-03-03\n\n## Summary\n\n## Timeline\n\n" + phases(
        "9:00 PDT", "9:12"
    )
    data = parse(text).to_json_dict()
    assert data["assumptions"][0]["kind"] == "zone_assumed"
    assert data["assumptions"][0]["field"] == "timeline.response.time"
    assert data["assumptions"][0]["zone"] == "PDT"


# --- ranges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("from 16:04 to 16:09 UTC", dt.datetime(2025, 5, 9, 16, 4, tzinfo=UTC)),
        ("16:04–16:09 EEST", dt.datetime(2025, 5, 9, 13, 4, tzinfo=UTC)),
        ("between 16:04 and 16:09 UTC", dt.datetime(2025, 5, 9, 16, 4, tzinfo=UTC)),
    ],
)
def test_a_time_range_reads_as_its_start_and_keeps_its_end(
    written: str, expected: dt.datetime
) -> None:
    text = "# X\n\n**Date:** 2025-05-09\n\n## Summary\n\n## Timeline\n\n" + phases(written)
    result = stable(text)
    assert result.timeline.detection.time == expected
    assert result.timeline.detection.time_text == written


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["the 40th of Brumaire", "sometime last spring", "2025-13-45"])
def test_an_unreadable_header_date_is_an_error_with_its_place(written: str) -> None:
    text = doc(f"**Incident ID:** OPS-9\n**Date:** {written}")
    with pytest.raises(TemplateParseError) as caught:
        parse(text, source="ops-9.md")
    assert (caught.value.file, caught.value.line, caught.value.field) == ("ops-9.md", 4, "date")


def test_an_unknown_header_date_is_not_an_error() -> None:
    result = parse(doc("**Date:** TBC (waiting on the logs)"))
    assert (result.date, result.date_text) == (None, "TBC (waiting on the logs)")


def test_a_numeric_date_that_reads_both_ways_is_day_first_and_noted() -> None:
    text = (
        doc("**Date:** 06/05/2025")
        + "\n## Action Items\n\n### Immediate (This Week)\n- [ ] Rotate keys\n"
        "  - **Owner:** Ines\n  - **Due Date:** 09/05/2025\n  - **Priority:** High\n"
    )
    result = stable(text)
    assert result.date == dt.date(2025, 5, 6)
    assert result.action_items.immediate[0].due_date == dt.date(2025, 5, 9)
    notes = assumed(result, "ambiguous_date")
    assert [(a.field, a.read_as, a.other_reading) for a in notes] == [
        ("date", "2025-05-06", "2025-06-05"),
        ("action_items.immediate[0].due_date", "2025-05-09", "2025-09-05"),
    ]


@pytest.mark.parametrize("written", ["17/05/2025", "05/17/2025", "2025/05/06", "06.05.2025"])
def test_dates_that_read_one_way_only_are_not_noted(written: str) -> None:
    assert parse(doc(f"**Date:** {written}")).assumptions == []


# --- labels and headings ----------------------------------------------------------------------


def test_labels_without_a_colon() -> None:
    text = (
        "# Cache stampede\n\n**Date:** 2025-02-11\n**Severity** P2\n\n## Executive Summary\n\n"
        "**What Happened** The cache expired all at once.\n\n## Timeline\n\n### Detection\n"
        "- **Time** – 10:40 UTC\n- **Detected By** synthetic checks\n\n"
        "## What Went Wrong\n\n1. No jitter on expiry\n\n**Learnings**\nSpread expiry times.\n"
    )
    result = parse(text)
    assert result.severity is not None and result.severity.value == "P2"
    assert result.executive_summary.what_happened == "The cache expired all at once."
    assert result.timeline.detection.time == dt.datetime(2025, 2, 11, 10, 40, tzinfo=UTC)
    assert result.timeline.detection.detected_by == "synthetic checks"
    assert result.what_went_wrong.lessons == "Spread expiry times."


def test_bold_text_that_is_no_label_stays_text() -> None:
    text = doc("**Date:** 2025-02-11", "**Nobody** expected the cache to expire.")
    result = parse(text)
    assert result.executive_summary.what_happened is None
    assert any("Nobody" in extra.body for extra in result.extra_sections)


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("What went badly / lessons", "what_went_wrong"),
        ("What could have gone better", "what_went_wrong"),
        ("Root cause & contributing factors", "root_cause_analysis"),
        ("Follow-ups", "follow_up"),
        ("Remediation", "action_items"),
    ],
)
def test_renamed_and_combined_headings(heading: str, key: str) -> None:
    text = f"# X\n\n**Date:** 2025-02-11\n\n## Summary\n\n## {heading}\n\nSomething we wrote.\n"
    result = parse(text)
    assert all(extra.heading != heading for extra in result.extra_sections)
    kept = [extra.body for extra in result.extra_sections if extra.parent == SECTION_HEADINGS[key]]
    assert getattr(result, key) != type(getattr(result, key))() or kept == ["Something we wrote."]


def test_a_lessons_section_is_what_went_wrong_unless_that_is_written() -> None:
    alone = parse(
        "# X\n\n## Summary\n\n## What Went Well\n\n1. Paging\n\n## Key takeaways\n\nShard sooner.\n"
    )
    assert alone.what_went_wrong.lessons == "Shard sooner."
    both = parse(
        "# X\n\n## Summary\n\n## Lessons learned\n\n- Shard sooner\n\n"
        "## What went wrong\n\n1. Hot partition\n"
    )
    assert both.what_went_wrong.items == ["Hot partition"]
    assert [extra.heading for extra in both.extra_sections] == ["Lessons learned"]


# --- numbers ---------------------------------------------------------------------------------


def impact(users: str, percentage: str = "[%]", tickets: str = "[Number]") -> str:
    return (
        "# X\n\n## Summary\n\n## Impact Assessment\n\n### Users Affected\n"
        f"- **Total Users:** [Number]\n- **Affected Users:** {users}\n- **Percentage:** {percentage}"
        f"\n\n### Business Impact\n- **Support Tickets:** {tickets}\n"
    )


@pytest.mark.parametrize(
    ("written", "count"),
    [
        ("everyone in ap-south-1 (about 4,800)", 4800),
        ("HTTP 502s for roughly 950 accounts", 950),
        ("v4 clients only: 120", 120),
        ("the k8s tenants, ~3k", 3000),
        ("node-12 users", None),
    ],
)
def test_numbers_in_names_and_codes_are_not_counts(written: str, count: int | None) -> None:
    users = stable(impact(written)).impact_assessment.users_affected
    assert (users.affected_users, users.affected_users_text) == (count, written)


@pytest.mark.parametrize(
    ("written", "value"),
    [("~25% of usual sign-ups", 25.0), ("<2%", 2.0), ("all of us-west-2", None)],
)
def test_percentages_with_words_after_them(written: str, value: float | None) -> None:
    users = stable(impact("[Number]", written)).impact_assessment.users_affected
    assert (users.percentage, users.percentage_text) == (value, written)


def test_dots_group_thousands_where_the_document_writes_them_so() -> None:
    text = impact("1.250.000", tickets="4.000")
    result = stable(text)
    assert result.impact_assessment.business_impact.support_tickets == 4000
    assert [(a.kind, a.field, a.read_as) for a in result.assumptions] == [
        ("dot_thousands", "impact_assessment.business_impact.support_tickets", "4,000")
    ]


def test_a_single_dot_group_is_a_decimal_point_elsewhere() -> None:
    result = parse(impact("1,250", tickets="4.000"))
    assert result.impact_assessment.business_impact.support_tickets == 4
    assert result.assumptions == []


def metric(line: str) -> str:
    return (
        f"# X\n\n## Summary\n\n## Metrics\n\n### Incident Metrics\n- **Detection Time:** {line}\n"
    )


@pytest.mark.parametrize(
    "written",
    ["~0 (paged by the deploy itself)", "about 0 minutes", "0", "zero", "immediately (canary)"],
)
def test_a_stated_zero_is_zero_seconds(written: str) -> None:
    metrics = stable(metric(written)).metrics.incident_metrics
    assert metrics.detection_time == 0


def test_a_zero_before_a_note_with_minutes_in_it_is_still_zero() -> None:
    stated = parse(metric("0 (the rollback took 9 minutes)")).metrics.incident_metrics
    assert stated.detection_time == 0


@pytest.mark.parametrize(
    ("written", "value", "unit"),
    [
        ("~35% of normal traffic", 35.0, "%"),
        ("<0.5%", 0.5, "%"),
        ("90% of checkout calls", 90.0, "%"),
        ("220 ms at p99", 220.0, "ms"),
        ("3 pods restarting", 3.0, None),
    ],
)
def test_performance_values_keep_their_unit(written: str, value: float, unit: str | None) -> None:
    text = (
        "# X\n\n## Summary\n\n## Metrics\n\n### Performance Impact\n"
        f"- **Error Rate:** 0.1% → {written} → 0.1%\n"
    )
    during = stable(text).metrics.performance_impact.error_rate.during
    assert during is not None
    assert (during.value, during.unit, during.text) == (value, unit, written)


def test_a_number_of_thousands_of_digits_is_text() -> None:
    digits = "7" * 5000
    text = (
        impact(digits, f"{digits}%", digits)
        + f"\n## Metrics\n\n### Incident Metrics\n- **Detection Time:** {digits} min\n"
    )
    result = parse(text)
    assert result.impact_assessment.users_affected.affected_users is None
    assert result.impact_assessment.business_impact.support_tickets is None
    assert result.metrics.incident_metrics.detection_time is None
    assert render(result).count(digits) >= 3


def test_an_over_long_value_is_kept_as_text_and_noted() -> None:
    written = "12 minutes " + "(and then some) " * 100
    result = stable(metric(written))
    stated = result.metrics.incident_metrics
    assert (stated.detection_time, stated.detection_time_text) == (None, written.strip())
    [note] = result.assumptions
    assert (note.kind, note.field, note.length) == (
        "field_too_long",
        "metrics.incident_metrics.detection_time",
        len(written.strip()),
    )


# --- documents without a Date ------------------------------------------------------------------


def test_without_a_date_bare_times_take_the_date_of_a_dated_one() -> None:
    text = "# X\n\n**Impact Start:** 23:50 UTC\n\n## Summary\n\n## Timeline\n\n" + phases(
        "2025-04-02 00:05 UTC", "00:20"
    )
    result = stable(text)
    assert result.impact_start == dt.datetime(2025, 4, 1, 23, 50, tzinfo=UTC)
    assert result.timeline.response.time == dt.datetime(2025, 4, 2, 0, 20, tzinfo=UTC)


# --- action items ---------------------------------------------------------------------------


@pytest.mark.parametrize("indent", [2, 4])
def test_nested_sub_bullets_under_an_action_item(indent: int) -> None:
    pad = " " * indent
    text = (
        "# X\n\n**Date:** 2025-02-11\n\n## Summary\n\n## Action Items\n\n### Immediate (This Week)\n"
        f"- [ ] Add jitter to cache expiry\n{pad}- **Owner:** Tomas\n{pad}  - he pairs with Rui\n"
        f"{pad}- **Due Date:** 2025-02-20\n{pad}  - **Priority:** Medium\n"
    )
    result = stable(text)
    [item] = result.action_items.immediate
    assert item.owner == "Tomas"
    assert item.due_date == dt.date(2025, 2, 20)
    assert item.priority is not None and item.priority.value == "Medium"
    assert item.extra == ["he pairs with Rui"]
    assert render(result).count("Due Date") == 3  # this item's and two placeholder items'


def test_lint_finds_a_combined_heading_and_does_not_call_it_missing() -> None:
    base = (
        "# Cache stampede\n\n**Incident ID:** C-1\n**Date:** 2025-02-11\n**Severity:** P1\n\n"
        "## Executive Summary\n\n**What Happened:** Expiry all at once.\n\n"
    )
    filled = report_text(base + "## What went badly / lessons\n\n1. No jitter on expiry\n")
    empty = report_text(base + "## What went badly / lessons\n\n")

    def wrong(report: FileReport) -> list[str]:
        return [f.message for f in report.findings if f.rule == "BF202" and "Wrong" in f.message]

    assert wrong(filled) == []
    assert wrong(empty) == ["section 'What Went Wrong' is empty; it is required for P1"]


def test_an_endless_zone_name_is_a_parse_error_not_a_crash() -> None:
    with pytest.raises(TemplateParseError) as caught:
        parse(doc("**Date:** 2025-02-11\n**Time Zone:** " + "Europe" * 2000), source="z.md")
    assert (caught.value.line, caught.value.field) == (4, "timezone")
    note = doc("**Date:** 2025-02-11", "All times are in " + "Q" * 9000 + ".")
    assert parse(note).timezone is None


def test_a_labelled_line_continued_over_hard_breaks_reads_back_the_same() -> None:
    text = doc("**Date:** 2025-01-01", "**What Happened:** the queue filled\\\n\\\nand stalled")
    result = stable(text)
    assert result.executive_summary.what_happened == "the queue filled\nand stalled"
