"""The whole linter on post-mortems: a filled fixture, completeness and consistency rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from blamefree.domain.enums import Severity
from blamefree.lint import lint, lint_text
from blamefree.lint.api import RULES
from blamefree.lint.config import ALL_SECTIONS, LintConfig
from blamefree.lint.finding import Finding, Level
from blamefree.markdown.parse import parse

DATA = Path(__file__).parents[1] / "data" / "lint"
FILLED = (DATA / "filled-postmortem.md").read_text(encoding="utf-8")

# Every problem planted in the fixture: (rule, line, column, end_line, end_column).
EXPECTED = [
    ("BF102", 15, 17, 15, 28),  # Root Cause: Human error during the alias switch.
    ("BF101", 35, 21, 35, 31),  # Dave broke the deploy ...
    ("BF201", 66, 23, 66, 33),  # [Estimate]
    ("BF105", 82, 4, 82, 10),  # QA let this through.
    ("BF103", 90, 22, 90, 33),  # The on-call engineer should have checked ...
    ("BF106", 90, 75, 91, 16),  # Why didn't anyone / check the logs?
    ("BF104", 107, 15, 107, 23),  # careless
    ("BF107", 108, 4, 108, 16),  # Just restart it
    ("BF203", 123, 7, 123, 63),  # no owner
    ("BF203", 128, 7, 128, 77),  # no due date or priority
    ("BF201", 192, 3, 192, 23),  # [Related incident 1]
]


def where(findings: list[Finding]) -> list[tuple[str, int, int, int, int]]:
    return [(f.rule, f.line, f.column, f.end_line, f.end_column) for f in findings]


def rules_and_lines(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in findings]


def test_every_planted_problem_is_found_at_its_place_and_nothing_else() -> None:
    findings = lint_text(FILLED, source="filled.md")
    assert where(findings) == EXPECTED
    assert {f.file for f in findings} == {"filled.md"}
    errors = [(f.rule, f.line) for f in findings if f.severity is Level.ERROR]
    assert errors == [("BF102", 15), ("BF101", 35), ("BF105", 82), ("BF104", 107)]


def test_findings_name_their_field() -> None:
    fields = {(f.rule, f.line): f.field for f in lint_text(FILLED)}
    assert fields[("BF102", 15)] == "executive_summary.root_cause"
    assert fields[("BF101", 35)] == "timeline.investigation.key_findings"
    assert fields[("BF201", 66)] == "impact_assessment.business_impact.revenue_impact"
    assert fields[("BF105", 82)] == "root_cause_analysis.contributing_factors[1]"
    assert fields[("BF203", 123)] == "action_items.immediate[1]"
    assert fields[("BF203", 128)] == "action_items.short_term[0]"


def test_action_item_messages_say_what_is_missing() -> None:
    messages = [f.message for f in lint_text(FILLED) if f.rule == "BF203"]
    assert messages == [
        "action item 'Fail the job when document counts differ by more than 1%' has no owner",
        "action item 'Add the alias switch to the migration runbook with a veri...' has no "
        "due date or priority",
    ]


def test_every_finding_has_a_suggestion_and_language_categories_start_with_blame() -> None:
    findings = lint_text(FILLED)
    assert all(len(f.suggestion) > 20 for f in findings)
    for found in findings:
        assert found.category == RULES[found.rule].category
        assert found.category.startswith("blame.") == found.rule.startswith("BF1")


def test_stored_document_is_linted_in_its_rendered_markdown() -> None:
    doc = parse(FILLED)
    findings = lint(doc)
    assert {f.file for f in findings} == {"INC-2024-0311"}
    by_rule = {(f.rule, f.field) for f in findings}
    assert ("BF101", "timeline.investigation.key_findings") in by_rule
    assert ("BF203", "action_items.immediate[1]") in by_rule
    # Lines refer to the rendered Markdown, which has the same layout as the fixture here.
    assert ("BF101", 35) in rules_and_lines(findings)


def _replace(old: str, new: str, text: str = FILLED) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _only(text: str, rule: str) -> list[Finding]:
    return [f for f in lint_text(text) if f.rule == rule]


# --- completeness -------------------------------------------------------------------------


def test_template_placeholders_are_found_where_they_are() -> None:
    text = _replace("**Severity:** P1", "**Severity:** P0/P1/P2/P3")
    text = _replace("- **Time:** 09:26 UTC", "- **Time:** [Time]", text)
    found = _only(text, "BF201")
    assert [(f.line, f.column, f.end_column, f.field) for f in found[:2]] == [
        (5, 15, 26, "severity"),
        (23, 13, 19, "timeline.detection.time"),
    ]
    assert found[0].message == "template placeholder 'P0/P1/P2/P3' in severity is not filled in"


def test_links_checkboxes_and_code_are_not_placeholders() -> None:
    text = _replace(
        "- Search suggestions",
        "- Search suggestions [Time](https://x.example)\n- `[Estimate]` and [ ] boxes",
    )
    assert [f.line for f in _only(text, "BF201")] == [67, 193]


def test_empty_required_section_depends_on_severity() -> None:
    start = FILLED.index("### Technical")
    end = FILLED.index("## Metrics")
    text = FILLED[:start] + FILLED[end:]
    found = _only(text, "BF202")
    assert [(f.line, f.message, f.field) for f in found] == [
        (
            139,
            "section 'Prevention Measures' is empty; it is required for P1",
            "prevention_measures",
        )
    ]
    assert _only(_replace("**Severity:** P1", "**Severity:** P3", text), "BF202") == []


def test_missing_section_is_reported_at_the_title() -> None:
    start = FILLED.index("## Appendix")
    end = FILLED.index("## Sign-Off")
    found = _only(FILLED[:start] + FILLED[end:], "BF202")
    assert [(f.line, f.message) for f in found] == [
        (1, "section 'Appendix' is missing; it is required for P1")
    ]


def test_required_sections_are_configurable() -> None:
    config = LintConfig.model_validate(
        {"required-sections": {"P1": ["Executive Summary", "timeline"]}}
    )
    assert config.required(Severity.P1) == ("executive_summary", "timeline")
    assert config.required(Severity.P0) == ALL_SECTIONS


def test_no_action_items_at_all() -> None:
    start = FILLED.index("### Immediate")
    end = FILLED.index("## Prevention Measures")
    found = _only(FILLED[:start] + "---\n\n" + FILLED[end:], "BF204")
    assert [(f.line, f.severity, f.field) for f in found] == [(115, Level.ERROR, "action_items")]


@pytest.mark.parametrize(
    ("cause", "problem"),
    [
        ("The index was empty.", "is only 2 words long"),
        (
            "Search returned empty result pages for most queries after the nightly index "
            "migration switched the read alias.",
            "repeats what happened instead of explaining it",
        ),
    ],
)
def test_root_cause_that_restates_the_symptom(cause: str, problem: str) -> None:
    start = FILLED.index("### Primary Cause\n") + len("### Primary Cause\n")
    end = FILLED.index("### Contributing Factors")
    found = _only(FILLED[:start] + cause + "\n\n" + FILLED[end:], "BF205")
    assert [(f.line, f.message) for f in found] == [(76, f"the primary cause {problem}")]


@pytest.mark.parametrize("written", ["", " ", "TBD", "unknown (ask finance)"])
def test_an_empty_or_unknown_due_date_is_reported_like_a_missing_one(written: str) -> None:
    line = "  - **Due Date:** 2024-07-31\n  - **Priority:** Medium"
    text = _replace(line, f"  - **Due Date:**{written}\n  - **Priority:** Medium")
    messages = [(f.line, f.message) for f in _only(text, "BF203")]
    assert messages[-1] == (
        132,
        "action item 'Move index migrations to the blue/green deploy tool' has no due date",
    )
    assert len(messages) == 3


def test_a_due_date_written_as_words_is_a_due_date() -> None:
    text = _replace("  - **Due Date:** 2024-07-31", "  - **Due Date:** end of the next sprint")
    assert [f.line for f in _only(text, "BF203")] == [123, 128]  # the two items before it


def test_root_cause_without_a_why() -> None:
    start = FILLED.index("### Primary Cause\n") + len("### Primary Cause\n")
    end = FILLED.index("### Contributing Factors")
    why = FILLED.index("### Why It Happened")
    text = (
        FILLED[:start]
        + "The read alias pointed at the new search index while it held 3% of the documents.\n\n"
        + FILLED[end:why]
        + FILLED[FILLED.index("### Why We Didn't Catch It") :]
    )
    assert [f.message for f in _only(text, "BF205")] == [
        "the primary cause says what failed but not why"
    ]


# --- consistency --------------------------------------------------------------------------


def test_phases_out_of_order() -> None:
    text = _replace("- **Time:** 10:15 UTC", "- **Time:** 09:29 UTC")
    found = _only(text, "BF301")
    assert [(f.line, f.column, f.message, f.field) for f in found] == [
        (
            38,
            13,
            "mitigation (2024-05-14 09:29 UTC) is before response (2024-05-14 09:31 UTC)",
            "timeline.mitigation.time",
        )
    ]


def test_stated_metric_disagrees_with_the_timeline() -> None:
    text = _replace("- **Detection Time:** 6 minutes", "- **Detection Time:** 3 minutes")
    found = _only(text, "BF302")
    assert [(f.line, f.column, f.message) for f in found] == [
        (155, 23, "stated detection time 3 minutes disagrees with the timeline's 6m")
    ]


def test_a_minute_off_or_rounding_is_not_a_disagreement() -> None:
    text = _replace("- **Total Duration:** 2h 10m", "- **Total Duration:** ~2.2 hours")
    text = _replace("- **Detection Time:** 6 minutes", "- **Detection Time:** 5 minutes", text)
    assert _only(text, "BF302") == []


def test_stated_duration_disagrees_with_the_timeline() -> None:
    found = _only(_replace("**Duration:** 1h 40m", "**Duration:** 45m"), "BF303")
    assert [(f.line, f.column, f.end_column, f.message) for f in found] == [
        (6, 15, 18, "duration 45m disagrees with the timeline, which gives 1h 40m or 2h 10m")
    ]


@pytest.mark.parametrize(
    ("percentage", "flagged"),
    [("41%", False), ("41.0%", False), ("~40%", False), ("39%", True), ("41.4%", True)],
)
def test_percentage_against_users(percentage: str, flagged: bool) -> None:
    found = _only(_replace("**Percentage:** 41%", f"**Percentage:** {percentage}"), "BF304")
    assert [f.line for f in found] == ([59] if flagged else [])


def test_more_affected_than_total_users() -> None:
    found = _only(_replace("**Affected Users:** 205,000", "**Affected Users:** 600,000"), "BF304")
    assert [(f.line, f.message) for f in found] == [
        (58, "affected users (600,000) exceed total users (500,000)")
    ]


def test_due_dates_outside_the_horizon_or_before_the_incident() -> None:
    text = _replace("  - **Due Date:** 2024-05-17", "  - **Due Date:** 2024-05-30")
    text = _replace("  - **Due Date:** 2024-07-31", "  - **Due Date:** 2024-05-01", text)
    found = [f for f in lint_text(text) if f.rule in ("BF305", "BF306")]
    assert [(f.rule, f.line, f.column, f.severity, f.message) for f in found] == [
        (
            "BF305",
            120,
            19,
            Level.WARNING,
            "due date 2024-05-30 is 16 days after the incident, outside the immediate "
            "horizon (7 days)",
        ),
        (
            "BF306",
            134,
            19,
            Level.ERROR,
            "due date 2024-05-01 is 13 days before the incident (2024-05-14)",
        ),
    ]


def test_sign_off_before_the_incident() -> None:
    text = _replace("**Date:** 2024-05-20", "**Date:** 2024-05-02")
    found = _only(text, "BF307")
    assert [(f.line, f.column, f.field) for f in found] == [(205, 11, "sign_off.date")]


# --- selection and severities -------------------------------------------------------------


def test_select_ignore_and_severity_overrides() -> None:
    config = LintConfig(select=("BF1",), ignore=("BF103", "BF106"), severity={"BF10": Level.INFO})
    findings = lint_text(FILLED, config=config)
    assert rules_and_lines(findings) == [
        ("BF102", 15),
        ("BF101", 35),
        ("BF105", 82),
        ("BF104", 107),
        ("BF107", 108),
    ]
    assert {f.severity for f in findings} == {Level.INFO}


def test_the_more_specific_prefix_wins() -> None:
    config = LintConfig(select=("BF", "BF203"), ignore=("BF2",))
    assert [config.enabled(rule) for rule in ("BF101", "BF201", "BF203", "BF301")] == [
        True,
        False,
        True,
        True,
    ]


def test_extra_blame_words_and_allowed_names() -> None:
    text = _replace(
        "**Lessons:** A check that only logs is not a check.",
        "**Lessons:** A yolo change. Hermes broke the deploy.",
    )
    assert [f.rule for f in lint_text(text) if f.line == 111] == ["BF101"]
    config = LintConfig.model_validate({"extra-blame-words": ["yolo"], "allowed-names": ["Hermes"]})
    assert [f.rule for f in lint_text(text, config=config) if f.line == 111] == ["BF104"]


def test_the_same_post_mortem_with_every_problem_fixed_is_clean() -> None:
    clean = (DATA / "clean-postmortem.md").read_text(encoding="utf-8")
    assert lint_text(clean) == []
    assert lint(parse(clean)) == []
