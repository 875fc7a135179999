import datetime as dt
import json
import os
from pathlib import Path

import pytest

from blamefree.domain.enums import Priority, Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import TemplateParseError
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render

UTC = dt.UTC
DATA = Path(__file__).parent.parent / "data" / "postmortems"
EXAMPLE = Path(__file__).parents[2] / "src" / "blamefree" / "data" / "example-postmortem.md"
PACKAGED_TEMPLATE = (
    Path(__file__).parents[2] / "src" / "blamefree" / "spec" / "postmortem-template.md"
)
SPEC = PACKAGED_TEMPLATE
SHARED_SPEC = Path(__file__).parents[3] / "shared" / "spec" / "postmortem-template.md"


def test_packaged_template_is_the_spec_byte_for_byte() -> None:
    if not SHARED_SPEC.exists() and os.environ.get("CI", "").lower() != "true":
        pytest.skip(f"!!! the spec is not beside this checkout ({SHARED_SPEC}); not compared")
    assert PACKAGED_TEMPLATE.read_bytes() == SHARED_SPEC.read_bytes()


def test_template_reads_as_all_unknown_and_renders_back_exactly() -> None:
    text = SPEC.read_text()
    doc = parse(text)
    assert doc == Postmortem()
    assert render(doc) == text


def test_filled_example() -> None:
    doc = parse(EXAMPLE.read_text(), source="example.md")
    assert doc.incident_id == "INC-2024-0142"
    assert doc.title == "Post-Mortem: Checkout API outage after connection-pool change"
    assert doc.date == dt.date(2024, 3, 12)
    assert doc.severity is Severity.P1
    assert doc.duration == 12120
    assert doc.timeline.detection.time == dt.datetime(2024, 3, 12, 13, 52, tzinfo=UTC)
    assert doc.timeline.post_resolution.time == dt.datetime(2024, 3, 12, 17, 10, tzinfo=UTC)
    assert doc.timeline.mitigation.extra == ["Traffic was shifted to eu-central-1 at 15:55 UTC."]
    users = doc.impact_assessment.users_affected
    assert (users.total_users, users.affected_users, users.percentage) == (1200000, 216000, 18.0)
    assert doc.impact_assessment.business_impact.support_tickets == 312
    assert len(doc.root_cause_analysis.contributing_factors) == 4
    assert [item.done for item in doc.action_items.all()] == [True, False, False, False]
    assert doc.action_items.long_term[0].extra == ["**Ticket:** PLAT-881"]
    assert doc.metrics.performance_impact.response_time.during is not None
    assert doc.metrics.performance_impact.response_time.during.value == 30.0
    assert doc.follow_up.review_schedule.one_month == dt.date(2024, 4, 11)
    assert doc.sign_off.approved_by == "Dana Okafor"


def test_filled_example_renders_back_unchanged() -> None:
    text = EXAMPLE.read_text()
    assert render(parse(text)) == text


def test_messy_document() -> None:
    doc = parse((DATA / "messy-real-world.md").read_text(), source="messy.md")
    assert doc.incident_id == "SRCH-77"
    assert doc.date == dt.date(2018, 10, 21)
    assert doc.date_text == "Oct 21–22, 2018"
    assert doc.severity is Severity.P1
    assert doc.severity_text == "SEV-1"
    assert doc.duration == 87060
    timeline = doc.timeline
    assert timeline.detection.time == dt.datetime(2018, 10, 22, 5, 37, tzinfo=UTC)
    assert timeline.detection.time_text == "9:37 PM PST (05:37 UTC)"
    assert timeline.detection.extra == ["A second ticket wave came in at 06:10 UTC."]
    assert timeline.response.time == dt.datetime(2018, 10, 22, 5, 52, tzinfo=UTC)
    assert timeline.response.acknowledged_by is None
    assert timeline.response.initial_assessment is None
    # 23:40 after 05:52 on the 22nd is read on the reference date (21st) and rolled forward.
    assert timeline.investigation.time == dt.datetime(2018, 10, 21, 23, 40, tzinfo=UTC)
    assert timeline.mitigation.time == dt.datetime(2018, 10, 22, 0, 36, tzinfo=UTC)
    assert timeline.mitigation.effectiveness is None
    assert timeline.resolution.time is None
    assert timeline.resolution.time_text is None
    assert timeline.post_resolution.time is None
    assert timeline.post_resolution.time_text == "not recorded"
    users = doc.impact_assessment.users_affected
    assert users.total_users == 2500000
    assert users.total_users_text == "~2.5 million"
    assert users.affected_users is None
    assert users.affected_users_text == "All of them"
    assert users.percentage == 100.0
    business = doc.impact_assessment.business_impact
    assert business.revenue_impact is None
    assert business.support_tickets == 1127
    assert business.customer_complaints is None
    assert doc.executive_summary.root_cause is None
    assert doc.root_cause_analysis.contributing_factors == [
        "Quorum setting left at default",
        "No partition testing",
    ]
    assert len(doc.what_went_wrong.items) == 4
    immediate = doc.action_items.immediate
    assert [(i.text, i.done, i.priority) for i in immediate] == [
        ("Set minimum master nodes to 3", True, Priority.HIGH),
        ("Write the split-brain runbook", False, Priority.MEDIUM),
    ]
    assert immediate[0].due_date == dt.date(2019, 7, 2)
    assert immediate[1].owner is None
    assert immediate[1].due_date is None
    assert immediate[1].due_date_text == "TBD"
    assert doc.action_items.short_term[0].due_date == dt.date(2024, 7, 19)
    assert doc.action_items.long_term == []
    assert doc.prevention_measures.process == []
    stated = doc.metrics.incident_metrics
    assert (stated.detection_time, stated.response_time) == (120, 900)
    assert (stated.resolution_time, stated.total_duration) == (67680, 67620)
    error_rate = doc.metrics.performance_impact.error_rate
    assert [
        m.value if m else None for m in (error_rate.before, error_rate.during, error_rate.after)
    ] == [0.1, 45.0, 0.1]
    uptime = doc.metrics.performance_impact.uptime
    assert uptime.before is not None and uptime.before.value is None
    assert doc.follow_up.review_schedule.one_week == dt.date(2018, 10, 28)
    assert doc.follow_up.review_schedule.one_month is None
    assert [(c.text, c.done) for c in doc.follow_up.success_criteria] == [
        ("All action items completed", True),
        ("Monitoring improved", False),
    ]
    assert doc.appendix.logs_and_evidence == []
    assert doc.appendix.related_incidents == ["SRCH-12"]
    assert doc.sign_off.date == dt.date(2019, 2, 28)
    assert doc.extra_sections == []


def test_messy_document_renders_stably() -> None:
    doc = parse((DATA / "messy-real-world.md").read_text())
    once = render(doc)
    assert parse(once) == doc
    assert render(parse(once)) == once


def test_time_zone_option_applies_to_bare_times() -> None:
    text = (
        SPEC.read_text()
        .replace("**Date:** [Date]", "**Date:** 2024-05-01")
        .replace("### Detection\n- **Time:** [Time]", "### Detection\n- **Time:** 09:15")
    )
    doc = parse(text, timezone="America/New_York")
    assert doc.timezone == "America/New_York"
    assert doc.timeline.detection.time == dt.datetime(2024, 5, 1, 13, 15, tzinfo=UTC)
    assert parse(render(doc)) == doc


def test_date_with_time_sets_impact_start() -> None:
    text = SPEC.read_text().replace("**Date:** [Date]", "**Date:** 2019-07-02 13:45 UTC")
    doc = parse(text)
    assert doc.impact_start == dt.datetime(2019, 7, 2, 13, 45, tzinfo=UTC)
    assert "Impact Start" not in render(doc)
    assert parse(render(doc)) == doc


def test_unknown_sections_are_kept() -> None:
    text = EXAMPLE.read_text().replace(
        "## Metrics\n", "## Glossary\n\nSLO: service level objective.\n\n---\n\n## Metrics\n"
    )
    doc = parse(text)
    assert [(e.heading, e.body) for e in doc.extra_sections] == [
        ("Glossary", "SLO: service level objective.")
    ]
    assert parse(render(doc)) == doc


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("**Date:** 2024-03-12", "**Date:** 2024-02-30", 4, "date"),
        ("**Severity:** P1", "**Severity:** P7", 5, "severity"),
        ("- **Time:** 13:58 UTC", "- **Time:** 25:61 UTC", 28, "timeline.response.time"),
        (
            "  - **Priority:** Medium\n  - **Ticket",
            "  - **Priority:** Whenever\n  - **Ticket",
            141,
            "action_items.long_term[0].priority",
        ),
    ],
)
def test_malformed_fields_name_file_line_and_field(
    old: str, new: str, line: int, field: str
) -> None:
    text = EXAMPLE.read_text()
    assert old in text
    with pytest.raises(TemplateParseError) as caught:
        parse(text.replace(old, new, 1), source="broken.md")
    error = caught.value
    assert (error.file, error.line, error.field) == ("broken.md", line, field)
    assert str(error).startswith(f"broken.md:{line}, field {field!r}: ")


def test_not_a_postmortem() -> None:
    with pytest.raises(TemplateParseError, match="does not look like a post-mortem") as caught:
        parse("# README\n\nSome project.\n\n## Install\n\npip install it\n", source="README.md")
    assert caught.value.file == "README.md"


def test_json_keys_follow_the_template() -> None:
    data = parse(EXAMPLE.read_text()).to_json_dict()
    assert list(data)[:16] == [
        "incident_id",
        "date",
        "severity",
        "duration",
        "executive_summary",
        "timeline",
        "impact_assessment",
        "root_cause_analysis",
        "what_went_well",
        "what_went_wrong",
        "action_items",
        "prevention_measures",
        "metrics",
        "follow_up",
        "appendix",
        "sign_off",
    ]
    assert list(data["timeline"])[:6] == [
        "detection",
        "response",
        "investigation",
        "mitigation",
        "resolution",
        "post_resolution",
    ]
    assert data["timeline"]["detection"]["time"] == "2024-03-12T13:52:00Z"
    assert data["follow_up"]["review_schedule"]["1_week_follow_up"] == "2024-03-19"
    assert json.loads(json.dumps(data)) == data
