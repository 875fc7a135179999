"""BF310: a success criterion ticked against what the data says."""

from __future__ import annotations

from blamefree.lint.api import lint_text

CRITERIA = """\
# Login latency

**Incident ID:** LAT-9
**Date:** 2024-04-02

## Action Items

### Immediate (This Week)
- [ ] Cache the session lookup
  - **Owner:** Ana

## Prevention Measures

### Monitoring
- [x] Latency alert on the login path

## Follow-Up

### Success Criteria
- [x] All action items completed
- [ ] Prevention measures implemented
- [x] Team trained on new procedures
"""


def test_bf310_reports_ticks_the_data_disagrees_with_where_they_are_written() -> None:
    findings = [f for f in lint_text(CRITERIA) if f.rule == "BF310"]
    first = CRITERIA.split("\n").index("- [x] All action items completed") + 1
    assert [(f.line, f.field, f.message) for f in findings] == [
        (
            first,
            "follow_up.success_criteria[0]",
            "'All action items completed' is ticked, but the data says it is not met "
            "(1 of 1 committed action items still open)",
        ),
        (
            first + 1,
            "follow_up.success_criteria[1]",
            "'Prevention measures implemented' is not ticked, but the data says it is met "
            "(all 1 prevention measures closed)",
        ),
    ]
    assert findings[0].column == 1 and findings[0].severity.value == "warning"


def test_bf310_is_quiet_when_ticks_and_data_agree() -> None:
    agreeing = CRITERIA.replace("- [x] All action items", "- [ ] All action items").replace(
        "- [ ] Prevention measures implemented", "- [x] Prevention measures implemented"
    )
    assert [f for f in lint_text(agreeing) if f.rule == "BF310"] == []
