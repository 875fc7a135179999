"""Any text into the parser gives a document or a TemplateParseError, never another exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blamefree.errors import TemplateParseError
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render

TEMPLATE_LINES = [
    "# Post-Mortem",
    "**Incident ID:** INC-1",
    "**Date:** 2024-03-12",
    "**Severity:** P1",
    "**Duration:** 2h",
    "---",
    "## Executive Summary",
    "## Timeline",
    "### Detection",
    "- **Time:** 14:32 UTC",
    "- **Time:** 25:99",
    "### Event Log",
    "| Time (UTC) | Phase | Kind | Actor | Event | Key | Source | As written | Link |",
    "|---|---|---|---|---|---|---|---|---|",
    "| 2024-03-12T14:00:00Z | detection | x | a | b | | s | | |",
    "## Action Items",
    "### Immediate (This Week)",
    "- [ ] Fix it",
    "  - **Owner:** Ana",
    "  - **Due Date:** 2024-13-01",
    "  - **Priority:** Sometimes",
    "## Metrics",
    "### Incident Metrics",
    "- **Detection Time:** 5 minutes",
    "### Performance Impact",
    "- **Error Rate:** 1% → 2% → 3% → 4%",
    "## Follow-Up",
    "### Success Criteria",
    "- [x] Done",
    "## Sign-Off",
    "**Date:** yesterday",
    "",
    "```",
    "    code",
    "> quote",
    "<!-- c -->",
]
documents = st.lists(st.sampled_from(TEMPLATE_LINES) | st.text(max_size=40), max_size=40).map(
    "\n".join
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(documents)
def test_parser_answers_only_with_documents_or_parse_errors(text: str) -> None:
    try:
        doc = parse(text, source="fuzz.md")
    except TemplateParseError as error:
        assert error.file == "fuzz.md"
        assert error.line is not None and error.line >= 1
        return
    assert parse(render(doc)) == doc
