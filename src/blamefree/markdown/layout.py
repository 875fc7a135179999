"""The template's layout: section headings, labels and placeholders, shared by render and parse."""

from __future__ import annotations

import re

TEMPLATE_TITLE = "Post-Mortem Template"
REMEMBER = (
    "**Remember:** Post-mortems are about learning, not blame. "
    "Focus on improving systems and processes."
)

# h2 sections in template order: (heading, key)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("Executive Summary", "executive_summary"),
    ("Timeline", "timeline"),
    ("Impact Assessment", "impact_assessment"),
    ("Root Cause Analysis", "root_cause_analysis"),
    ("What Went Well", "what_went_well"),
    ("What Went Wrong", "what_went_wrong"),
    ("Action Items", "action_items"),
    ("Prevention Measures", "prevention_measures"),
    ("Metrics", "metrics"),
    ("Follow-Up", "follow_up"),
    ("Appendix", "appendix"),
    ("Sign-Off", "sign_off"),
)
SECTION_HEADINGS = dict((key, heading) for heading, key in SECTIONS)

# Other names writers give the same sections (compared after normalise()).
SECTION_SYNONYMS: dict[str, str] = {
    "executive summary": "executive_summary",
    "summary": "executive_summary",
    "incident summary": "executive_summary",
    "timeline": "timeline",
    "incident timeline": "timeline",
    "timeline of events": "timeline",
    "impact assessment": "impact_assessment",
    "impact": "impact_assessment",
    "customer impact": "impact_assessment",
    "root cause analysis": "root_cause_analysis",
    "root cause": "root_cause_analysis",
    "root causes": "root_cause_analysis",
    "rca": "root_cause_analysis",
    "what went well": "what_went_well",
    "things that went well": "what_went_well",
    "what went wrong": "what_went_wrong",
    "what didn t go well": "what_went_wrong",
    "what did not go well": "what_went_wrong",
    "things that went wrong": "what_went_wrong",
    "action items": "action_items",
    "actions": "action_items",
    "follow up actions": "action_items",
    "prevention measures": "prevention_measures",
    "prevention": "prevention_measures",
    "metrics": "metrics",
    "incident metrics": "metrics",
    "follow up": "follow_up",
    "followup": "follow_up",
    "follow ups": "follow_up",
    "appendix": "appendix",
    "appendices": "appendix",
    "sign off": "sign_off",
    "signoff": "sign_off",
    "sign offs": "sign_off",
    "approval": "sign_off",
    "approvals": "sign_off",
    "what went badly": "what_went_wrong",
    "what went poorly": "what_went_wrong",
    "what could have gone better": "what_went_wrong",
    "what could have been better": "what_went_wrong",
    "what could be improved": "what_went_wrong",
    "what didn t work": "what_went_wrong",
    "areas for improvement": "what_went_wrong",
    "what went right": "what_went_well",
    "what worked": "what_went_well",
    "what worked well": "what_went_well",
    "remediation": "action_items",
    "remediations": "action_items",
    "remediation items": "action_items",
    "corrective actions": "action_items",
    "action plan": "action_items",
}
# Headings about lessons only: they take What Went Wrong when no heading names it outright
# (its **Lessons:** and its points are where a lessons section's content belongs).
LESSON_HEADINGS: dict[str, str] = {
    "lessons": "what_went_wrong",
    "lessons learned": "what_went_wrong",
    "lessons learnt": "what_went_wrong",
    "learnings": "what_went_wrong",
    "key learnings": "what_went_wrong",
    "takeaways": "what_went_wrong",
    "key takeaways": "what_went_wrong",
    "what we learned": "what_went_wrong",
}
# Words that join two names in one heading: "What went badly / lessons", "Root cause & fix".
_HEADING_JOINS = re.compile(r"\s*(?:/|&|\+|\||,|;|:|\(|\)|\s-\s|\s–\s|\s—\s|\band\b)\s*", re.I)

HEADER_LABELS: tuple[tuple[str, str], ...] = (
    ("Incident ID", "incident_id"),
    ("Date", "date"),
    ("Severity", "severity"),
    ("Duration", "duration"),
)
HEADER_EXTRA_LABELS: tuple[tuple[str, str], ...] = (
    ("Impact Start", "impact_start"),
    ("Time Zone", "timezone"),
)
# What `blamefree new` writes for the header extras, so a new post-mortem shows where they go.
IMPACT_START_PROMPT = "[When impact began, e.g. {day} 14:05 — every metric starts here]"
TIME_ZONE_PROMPT = "[Zone of times written without one, e.g. UTC or Europe/Berlin]"
HEADER_PLACEHOLDERS = {
    "incident_id": "[ID]",
    "date": "[Date]",
    "severity": "P0/P1/P2/P3",
    "duration": "[Duration]",
}

EXECUTIVE_SUMMARY_LABELS: tuple[tuple[str, str, str], ...] = (
    ("What Happened", "what_happened", "[Brief description]"),
    ("Impact", "impact", "[Users affected, features broken, duration]"),
    ("Root Cause", "root_cause", "[Brief root cause]"),
    ("Resolution", "resolution", "[How it was fixed]"),
)

PHASE_HEADINGS: tuple[tuple[str, str], ...] = (
    ("Detection", "detection"),
    ("Response", "response"),
    ("Investigation", "investigation"),
    ("Mitigation", "mitigation"),
    ("Resolution", "resolution"),
    ("Post-Resolution", "post_resolution"),
)
PHASE_PLACEHOLDERS: dict[str, str] = {
    "detected_by": "[Person/System]",
    "detection_method": "[How it was detected]",
    "acknowledged_by": "[Person]",
    "initial_assessment": "[Assessment]",
    "investigated_by": "[Person/Team]",
    "key_findings": "[Findings]",
    "mitigation_applied": "[What was done]",
    "effectiveness": "[Did it work?]",
    "resolved_by": "[Person/Team]",
    "resolution_method": "[How it was fixed]",
    "verification": "[How it was verified]",
    "monitoring": "[Ongoing monitoring]",
}
PHASE_SYNONYMS: dict[str, str] = {
    "detection": "detection",
    "detected": "detection",
    "response": "response",
    "acknowledgement": "response",
    "acknowledgment": "response",
    "investigation": "investigation",
    "mitigation": "mitigation",
    "resolution": "resolution",
    "post resolution": "post_resolution",
    "postresolution": "post_resolution",
    "after resolution": "post_resolution",
    "impact start": "impact_start",
    "start of impact": "impact_start",
}

USERS_LABELS: tuple[tuple[str, str, str], ...] = (
    ("Total Users", "total_users", "[Number]"),
    ("Affected Users", "affected_users", "[Number]"),
    ("Percentage", "percentage", "[%]"),
)
BUSINESS_LABELS: tuple[tuple[str, str, str], ...] = (
    ("Revenue Impact", "revenue_impact", "[Estimate]"),
    ("Support Tickets", "support_tickets", "[Number]"),
    ("Customer Complaints", "customer_complaints", "[Number]"),
    ("Reputation Impact", "reputation_impact", "[Assessment]"),
)

HORIZON_HEADINGS: tuple[tuple[str, str], ...] = (
    ("Immediate (This Week)", "immediate"),
    ("Short-term (Next 30 Days)", "short_term"),
    ("Long-term (Next 90 Days)", "long_term"),
)
PREVENTION_HEADINGS: tuple[tuple[str, str, str], ...] = (
    ("Technical", "technical", "Technical prevention measure"),
    ("Process", "process", "Process improvement"),
    ("Monitoring", "monitoring", "Monitoring improvement"),
)

INCIDENT_METRIC_LABELS: tuple[tuple[str, str], ...] = (
    ("Detection Time", "detection_time"),
    ("Response Time", "response_time"),
    ("Resolution Time", "resolution_time"),
    ("Total Duration", "total_duration"),
)
PERFORMANCE_LABELS: tuple[tuple[str, str], ...] = (
    ("Error Rate", "error_rate"),
    ("Response Time", "response_time"),
    ("Uptime", "uptime"),
)
TIMELINE_NOTE = "(timeline: {})"
# Both start only after a non-space, so a long run of spaces is not retried at every space.
TIMELINE_NOTE_PATTERN = re.compile(r"(?<!\s)\s*+\(timeline:[^)]*+\)\s*+$")
ARROW = " → "
ARROW_SPLIT = re.compile(r"(?<!\s)\s*+(?:→|->|=>|⟶|➔)\s*+")

REVIEW_LABELS: tuple[tuple[str, str], ...] = (
    ("1 Week Follow-Up", "one_week"),
    ("1 Month Follow-Up", "one_month"),
    ("3 Month Follow-Up", "three_month"),
)

FEATURE_PLACEHOLDERS = ("[Feature 1]", "[Feature 2]", "[Feature 3]")
APPENDIX_HEADINGS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Logs and Evidence",
        "logs_and_evidence",
        ("[Links to relevant logs]", "[Screenshots]", "[Metrics graphs]"),
    ),
    ("Related Incidents", "related_incidents", ("[Related incident 1]", "[Related incident 2]")),
    ("References", "references", ("[Documentation]", "[Runbooks]", "[Tools]")),
)

SIGN_OFF_LABELS: tuple[tuple[str, str], ...] = (
    ("Prepared By", "prepared_by"),
    ("Reviewed By", "reviewed_by"),
    ("Approved By", "approved_by"),
    ("Date", "date"),
)

_NON_WORD = re.compile(r"[^a-z0-9]+")
_LEADING_NUMBER = re.compile(r"^\s*(?:\d+[.)]|[ivx]+\.)\s+", re.IGNORECASE)


def normalise(text: str) -> str:
    """Compare headings and labels loosely: case, punctuation, numbering and emoji do not count."""
    text = _LEADING_NUMBER.sub("", text.replace("’", "'"))
    return _NON_WORD.sub(" ", text.lower()).strip()


def section_key(heading: str) -> tuple[str, bool] | None:
    """(section key, True when only a lessons heading) for a level-2 heading, or None.

    A heading that renames a section maps through ``SECTION_SYNONYMS``; one that combines
    names ("What went badly / lessons", "Root cause and contributing factors") maps to the
    first of its parts that names a section.
    """
    words = normalise(heading)
    if words in SECTION_SYNONYMS:
        return SECTION_SYNONYMS[words], False
    if words in LESSON_HEADINGS:
        return LESSON_HEADINGS[words], True
    lesson: str | None = None
    for part in _HEADING_JOINS.split(heading[:200]):
        name = normalise(part)
        if name in SECTION_SYNONYMS:
            return SECTION_SYNONYMS[name], False
        lesson = lesson or LESSON_HEADINGS.get(name)
    return (lesson, True) if lesson else None


def place_sections(headings: list[tuple[str, int]]) -> list[str | None]:
    """The section key of each (heading, level) in order, None for one that is no template
    section (not level 2, unknown, or a second heading for a section already placed). A lessons
    heading takes What Went Wrong only when no heading names it outright; parse and the lint
    locator place sections with this one function, so they always agree."""
    keys: list[str | None] = [None] * len(headings)
    taken: set[str] = set()
    fallback: list[tuple[int, str]] = []
    for index, (heading, level) in enumerate(headings):
        match = section_key(heading) if level == 2 else None
        if match is None:
            continue
        if match[1]:
            fallback.append((index, match[0]))
        elif match[0] not in taken:
            keys[index] = match[0]
            taken.add(match[0])
    for index, key in fallback:
        if key not in taken:
            keys[index] = key
            taken.add(key)
    return keys
