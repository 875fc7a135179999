"""Everyday phrasings an independent author used that the reader got wrong, each as a class.

A list that says it has nothing, a performance row that gives only some of its values, a
duration with its units run together, a note after TBD, and zone abbreviations the reader did
not know or that mean several zones. The examples are our own wording of each class.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blamefree.domain import values
from blamefree.domain.postmortem import Postmortem
from blamefree.lint import lint_text
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render
from support.demo_manifest import DEMO_DIR

UTC = dt.UTC


def stable(text: str) -> Postmortem:
    """Parse, and check that the rendered document reads back the same and renders the same."""
    result = parse(text)
    rendered = render(result)
    assert parse(rendered) == result
    assert render(parse(rendered)) == rendered
    return result


def section(heading: str, sub: str, body: str) -> str:
    return f"# Cache stampede\n\n## Summary\n\n## {heading}\n\n### {sub}\n{body}\n"


# --- a list that says it has nothing -----------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "sub", "written", "part", "name"),
    [
        ("Appendix", "Related Incidents", "- None recorded.", "appendix", "related_incidents"),
        ("Appendix", "Related Incidents", "- No similar incidents on file", "appendix", "related_incidents"),
        ("Appendix", "Related Incidents", "- n/a (first outage of this service)", "appendix", "related_incidents"),
        ("Appendix", "References", "- Nothing to add", "appendix", "references"),
        ("Appendix", "Logs and Evidence", "- None kept: the logs rotated after a day", "appendix", "logs_and_evidence"),
        ("Impact Assessment", "Features Affected", "- No customer-facing features", "impact_assessment", "features_affected"),
        ("Root Cause Analysis", "Contributing Factors", "1. None identified (a single cause)", "root_cause_analysis", "contributing_factors"),
        ("Follow-Up", "Success Criteria", "- [ ] N/A", "follow_up", "success_criteria"),
    ],
)  # fmt: skip
def test_a_lone_none_is_the_authors_word_not_an_item_nor_a_placeholder(
    heading: str, sub: str, written: str, part: str, name: str
) -> None:
    result = stable(section(heading, sub, written))
    model = getattr(result, part)
    statement = written.split(" ", 1)[1].removeprefix("[ ] ")
    assert (getattr(model, name), getattr(model, f"{name}_none")) == ([], statement)
    rendered = render(result)
    assert f"### {sub}\n{written}\n" in rendered


def test_the_none_may_be_a_paragraph_and_placeholders_beside_it_do_not_count() -> None:
    result = stable(
        section("Appendix", "Related Incidents", "None that we know of.")
        + "\n### References\n- [Documentation]\n- Not applicable\n- [Tools]\n"
    )
    appendix = result.appendix
    assert (appendix.related_incidents, appendix.related_incidents_none) == (
        [],
        "None that we know of.",
    )
    assert (appendix.references, appendix.references_none) == ([], "Not applicable")
    assert result.extra_sections == []
    assert "### Related Incidents\n- None that we know of.\n" in render(result)


def test_what_went_well_can_say_nothing_did() -> None:
    text = "# Disk full\n\n## Summary\n\n## What Went Well\n\n1. Nothing, honestly\n"
    result = stable(text)
    assert (result.what_went_well.items, result.what_went_well.items_none) == (
        [],
        "Nothing, honestly",
    )
    assert "## What Went Well\n\n1. Nothing, honestly\n" in render(result)


@pytest.mark.parametrize(
    ("heading", "sub", "written", "part", "name"),
    [
        ("Root Cause Analysis", "Contributing Factors", "1. No alerting on queue depth", "root_cause_analysis", "contributing_factors"),
        ("Appendix", "Related Incidents", "- None of the earlier outages looked like this; see INC-7", "appendix", "related_incidents"),
        ("Impact Assessment", "Features Affected", "- Nothing could be added to a basket", "impact_assessment", "features_affected"),
    ],
)  # fmt: skip
def test_an_entry_that_only_starts_like_none_is_an_entry(
    heading: str, sub: str, written: str, part: str, name: str
) -> None:
    model = getattr(stable(section(heading, sub, written)), part)
    assert getattr(model, name) == [written.split(" ", 1)[1]]
    assert getattr(model, f"{name}_none") is None


def test_two_entries_are_a_list_even_when_one_says_none() -> None:
    result = stable(section("Appendix", "Related Incidents", "- None recorded\n- INC-2031"))
    assert result.appendix.related_incidents == ["INC-2031"]
    assert result.appendix.related_incidents_none is None


def test_a_horizon_or_a_prevention_list_can_say_it_has_nothing() -> None:
    text = (
        "# Disk full\n\n## Summary\n\n## Action Items\n\n### Immediate (This Week)\n"
        "- [ ] No immediate actions needed\n  - **Owner:** [Name]\n  - **Due Date:** [Date]\n"
        "\n### Long-term (Next 90 Days)\n- [ ] Move the queue to its own disk\n"
        "\n## Prevention Measures\n\n### Process\n- [ ] None for now\n"
        "\n### Technical\n- [ ] No changes on Fridays\n"
    )
    result = stable(text)
    items, measures = result.action_items, result.prevention_measures
    assert (items.immediate, items.immediate_none) == ([], "No immediate actions needed")
    assert [i.text for i in items.long_term] == ["Move the queue to its own disk"]
    assert (measures.process, measures.process_none) == ([], "None for now")
    # A measure that starts with "No" is a measure unless it names the list itself.
    assert [m.text for m in measures.technical] == ["No changes on Fridays"]
    rendered = render(result)
    assert "### Immediate (This Week)\n- [ ] No immediate actions needed\n\n" in rendered
    assert "### Process\n- [ ] None for now\n" in rendered


def test_a_none_gives_way_to_an_entry_added_later() -> None:
    result = stable(section("Appendix", "Related Incidents", "- None recorded"))
    appendix = result.appendix.model_copy(update={"related_incidents": ["INC-4"]})
    assert appendix.settled().related_incidents_none is None
    assert result.model_copy(update={"appendix": appendix}).settled().appendix == appendix.settled()


def _without_appendix_entries(text: str, replacement: str) -> str:
    head, _appendix, tail = text.partition("\n## Appendix\n")
    _body, rule, rest = tail.partition("\n---\n")
    return head + "\n## Appendix\n" + replacement + rule + rest


def test_a_stated_none_is_content_for_lint_and_an_empty_appendix_is_not() -> None:
    written = (DEMO_DIR / "postmortems" / "INC-2026-0147.md").read_text(encoding="utf-8")
    stated = _without_appendix_entries(
        written,
        "\n### Logs and Evidence\n- None kept\n\n### Related Incidents\n- No related incidents"
        "\n\n### References\n- n/a\n",
    )
    assert lint_text(stated, source="stated.md") == []
    appendix = render(parse(stated)).partition("## Appendix")[2]
    assert "- None kept\n" in appendix and "- n/a\n" in appendix
    assert not [p for p in ("[Screenshots]", "[Related incident 1]", "[Tools]") if p in appendix]
    empty = _without_appendix_entries(
        written, "\n### Logs and Evidence\n\n### Related Incidents\n\n### References\n"
    )
    assert [(f.rule, f.field) for f in lint_text(empty, source="empty.md")] == [
        ("BF202", "appendix")
    ]


# --- a performance row with some of its values ----------------------------------------------


def rows(*lines: str) -> str:
    return "# X\n\n## Summary\n\n## Metrics\n\n### Performance Impact\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("written", "slot", "value", "unit"),
    [
        ("41% at the worst point", "during", 41.0, "%"),
        ("3.5 s during the incident", "during", 3.5, "s"),
        ("99.95% before", "before", 99.95, "%"),
        ("0.4% after the rollback", "after", 0.4, "%"),
        ("12%", "before", 12.0, "%"),
        ("→ 12% →", "during", 12.0, "%"),
        ("[Before] → 7% → [After]", "during", 7.0, "%"),
    ],
)
def test_a_row_with_one_value_renders_as_written(
    written: str, slot: str, value: float, unit: str
) -> None:
    result = stable(rows(f"- **Error Rate:** {written}"))
    row = result.metrics.performance_impact.error_rate
    measured = getattr(row, slot)
    assert measured is not None
    assert (measured.value, measured.unit) == (value, unit)
    assert [s for s in ("before", "during", "after") if getattr(row, s) is not None] == [slot]
    assert f"- **Error Rate:** {written}\n" in render(result)


def test_a_row_with_two_values_keeps_them_in_order_and_adds_no_third() -> None:
    result = stable(rows("- **Response Time:** 300 ms -> 2.1 s"))
    row = result.metrics.performance_impact.response_time
    assert row.before is not None and row.during is not None and row.after is None
    assert (row.before.value, row.during.value, row.during.unit) == (300.0, 2.1, "s")
    assert "- **Response Time:** 300 ms -> 2.1 s\n" in render(result)


def test_a_full_row_is_still_written_canonically() -> None:
    result = stable(rows("- **Uptime:** 99.9%->80%->99.9%"))
    assert result.metrics.performance_impact.uptime.text is None
    assert "- **Uptime:** 99.9% → 80% → 99.9%\n" in render(result)


_ROW_VALUE = st.sampled_from(["0.2%", "38%", "240 ms", "1.9 s", "2h07m", "N/A", "timeout", ""])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ROW_VALUE, min_size=1, max_size=3), st.sampled_from([" → ", " -> ", "→"]))
def test_any_partial_row_renders_back_as_written(parts: list[str], arrow: str) -> None:
    written = arrow.join(parts).strip()
    if not written or written in ("→", "->"):
        return  # no value written at all: the template's placeholders, as before
    result = stable(rows(f"- **Error Rate:** {written}"))
    line = f"- **Error Rate:** {written}\n"
    full = len(parts) == 3 and all(parts)
    assert (line in render(result)) or full


# --- a duration with its units run together, in a performance cell ----------------------------


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("2h07m", 7620), ("3m20s", 200), ("1d 2h", 93600), ("~1h 5m", 3900), ("4h25", 15900)],
)
def test_a_compact_duration_in_a_cell_is_seconds(written: str, seconds: int) -> None:
    result = stable(rows(f"- **Response Time:** 2 s → {written} → 2 s"))
    during = result.metrics.performance_impact.response_time.during
    assert during is not None
    assert (during.value, during.unit, during.text) == (float(seconds), "s", written)


def test_single_units_keep_their_own_unit() -> None:
    result = stable(rows("- **Response Time:** 45 min → 2 h → 90 s"))
    row = result.metrics.performance_impact.response_time
    assert row.before is not None and row.during is not None and row.after is not None
    assert [(m.value, m.unit) for m in (row.before, row.during, row.after)] == [
        (45.0, "min"),
        (2.0, "h"),
        (90.0, "s"),
    ]


# --- a note after TBD ------------------------------------------------------------------------


NOTED = """# Search slow

**Incident ID:** INC-88
**Severity:** TBD (triage on Monday)

## Executive Summary

**What Happened:** Search timed out.
**Root Cause:** unknown (the vendor has not replied)

## Timeline

### Resolution
- **Time:** 2025-03-04 10:00 UTC
- **Resolved By:** TBD (night shift handover notes are missing)
- **Resolution Method:** Restarted the cluster

## Impact Assessment

### Business Impact
- **Revenue Impact:** pending (finance is costing the refunds)
- **Reputation Impact:** TBD

## Root Cause Analysis

### Primary Cause
N/A (still under investigation by the storage team)

## Sign-Off

**Prepared By:** Ana Lima
**Approved By:** pending (VP on leave until the 12th)
"""


def test_the_note_after_an_unknown_word_is_kept_and_the_value_stays_unknown() -> None:
    result = stable(NOTED)
    assert result.severity is None
    assert result.severity_text == "TBD (triage on Monday)"
    summary = result.executive_summary
    assert (summary.root_cause, summary.root_cause_text) == (
        None,
        "unknown (the vendor has not replied)",
    )
    resolution = result.timeline.resolution
    assert (resolution.resolved_by, resolution.resolved_by_text) == (
        None,
        "TBD (night shift handover notes are missing)",
    )
    business = result.impact_assessment.business_impact
    assert (business.revenue_impact, business.revenue_impact_text) == (
        None,
        "pending (finance is costing the refunds)",
    )
    # A bare unknown word says nothing more than the placeholder: nothing to keep.
    assert (business.reputation_impact, business.reputation_impact_text) == (None, None)
    rca = result.root_cause_analysis
    assert (rca.primary_cause, rca.primary_cause_text) == (
        None,
        "N/A (still under investigation by the storage team)",
    )
    assert (result.sign_off.approved_by, result.sign_off.approved_by_text) == (
        None,
        "pending (VP on leave until the 12th)",
    )
    rendered = render(result)
    for line in (
        "**Severity:** TBD (triage on Monday)",
        "**Root Cause:** unknown (the vendor has not replied)",
        "- **Resolved By:** TBD (night shift handover notes are missing)",
        "- **Revenue Impact:** pending (finance is costing the refunds)",
        "### Primary Cause\nN/A (still under investigation by the storage team)\n",
        "**Approved By:** pending (VP on leave until the 12th)",
    ):
        assert line in rendered


# --- zone abbreviations ----------------------------------------------------------------------


def timed(time: str, header: str = "") -> str:
    return (
        f"# Lisbon edge\n\n**Date:** 2026-07-14\n{header}\n## Summary\n\n## Timeline\n\n"
        f"### Detection\n- **Time:** {time}\n"
    )


@pytest.mark.parametrize(
    ("written", "utc"),
    [("10:05 WEST", "09:05"), ("10:05 CAT", "08:05"), ("10:05 SAST", "08:05")],
)
def test_zones_we_now_know_are_read(written: str, utc: str) -> None:
    result = stable(timed(written))
    assert result.timeline.detection.time == dt.datetime.fromisoformat(f"2026-07-14T{utc}Z")
    assert [a.kind for a in result.assumptions] == []


def test_an_abbreviation_with_several_meanings_is_read_one_way_and_noted() -> None:
    result = stable(timed("10:05 IST"))
    assert result.timeline.detection.time == dt.datetime(2026, 7, 14, 4, 35, tzinfo=UTC)
    [note] = result.assumptions
    assert (note.kind, note.field, note.zone, note.read_as) == (
        "zone_ambiguous",
        "timeline.detection.time",
        "IST (UTC+05:30)",
        "2026-07-14 04:35 UTC",
    )
    assert "Irish Standard Time (UTC+01:00)" in note.note
    assert "Israel Standard Time (UTC+02:00)" in note.note


@pytest.mark.parametrize(
    ("zone", "written", "utc"),
    [
        ("Europe/Dublin", "10:05 IST", "09:05"),
        ("Asia/Dhaka", "10:05 BST", "04:05"),
        ("Asia/Shanghai", "10:05 CST", "02:05"),
    ],
)
def test_the_documents_zone_says_which_meaning(zone: str, written: str, utc: str) -> None:
    result = stable(timed(written, f"**Time Zone:** {zone}\n"))
    assert result.timeline.detection.time == dt.datetime.fromisoformat(f"2026-07-14T{utc}Z")
    assert result.assumptions == []


def test_an_ambiguous_time_zone_line_is_noted_once() -> None:
    result = stable(timed("10:05", "**Time Zone:** BST\n").replace("10:05\n", "10:05 BST\n"))
    assert result.timeline.detection.time == dt.datetime(2026, 7, 14, 9, 5, tzinfo=UTC)
    assert [(a.kind, a.field, a.zone) for a in result.assumptions] == [
        ("zone_ambiguous", "timezone", "BST (UTC+01:00)")
    ]


def test_capitals_that_look_like_an_unknown_zone_are_noted_with_the_zone_used() -> None:
    result = stable(timed("10:05 QZT", "**Time Zone:** Europe/Lisbon\n"))
    assert result.timeline.detection.time == dt.datetime(2026, 7, 14, 9, 5, tzinfo=UTC)
    [note] = result.assumptions
    assert (note.kind, note.field, note.zone, note.text) == (
        "zone_unknown",
        "timeline.detection.time",
        "Europe/Lisbon",
        "10:05 QZT",
    )
    assert "'QZT' is not a time zone" in note.note


def test_other_capitals_after_a_time_are_not_a_zone() -> None:
    result = stable(timed("10:05 SRE paged", "**Time Zone:** UTC\n"))
    assert result.timeline.detection.time == dt.datetime(2026, 7, 14, 10, 5, tzinfo=UTC)
    assert result.assumptions == []


@settings(max_examples=120, deadline=None)
@given(st.from_regex(r"[A-Z]{2,4}T", fullmatch=True))
def test_a_zone_like_abbreviation_is_read_or_noted_never_ignored(abbr: str) -> None:
    result = parse(timed(f"10:05 {abbr}", "**Time Zone:** UTC\n"))
    kinds = [a.kind for a in result.assumptions if a.field == "timeline.detection.time"]
    moment = result.timeline.detection.time
    assert moment is not None
    if abbr in values.AMBIGUOUS_ZONES:
        assert kinds == ["zone_ambiguous"]
    elif abbr in values.ZONE_ABBREVIATIONS or abbr in values.GENERIC_ZONES:
        local = moment.astimezone(values.zone(abbr))
        assert (local.hour, local.minute, kinds) == (10, 5, [])
    else:
        assert kinds == ["zone_unknown"]
        assert moment == dt.datetime(2026, 7, 14, 10, 5, tzinfo=UTC)
