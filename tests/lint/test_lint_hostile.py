"""No input makes the linter slow: scanners read what the old patterns read, and hostile inputs
lint in a child process with a timeout (a pathological input fails by not finishing; no timing
assertion here). Speed targets are in bench/adversarial.py."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blamefree.lint import language_text, suppress
from blamefree.lint.api import lint_text
from blamefree.lint.limits import LINE_MAX
from blamefree.lint.locate import Locator, Span, match_label
from blamefree.lint.outline import atx_heading
from blamefree.markdown.fields import split_label
from support.hostile import run_child

TESTS = Path(__file__).parents[1]
ROOT = TESTS.parent
HOSTILE = TESTS / "data" / "hostile" / "lint"
EXAMPLE = ROOT / "src" / "blamefree" / "data" / "example-postmortem.md"
# Generous: each child below needs a few seconds on a loaded 2-core machine. Before the linter
# was linear, 5,000 spaces after "**Severity:** P1" alone took 76 s and 30 KB would take hours.
TIMEOUT = 300

# The patterns the scanners replace, kept as the specification of what they find.
OLD_INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
OLD_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
OLD_URL = re.compile(r"https?://\S+|\]\([^)\s]*\)")
OLD_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
OLD_COMMENT = re.compile(
    r"<!--\s*blamefree:\s*(?P<kind>ignore-file|ignore)\b(?P<ids>[^>]*?)\s*-->", re.IGNORECASE
)
OLD_BOLD = re.compile(
    r"^(?P<lead>\s*(?:[-*+]\s+)?)\*\*(?P<label>[^*\n]{1,60}?)\s*(?::\s*\*\*|\*\*\s*:)[ \t]*"
    r"(?P<value>.*?)[ \t]*\\?[ \t]*$"
)


def _strings(alphabet: str, longest: int) -> list[str]:
    return [
        "".join(chars)
        for size in range(longest + 1)
        for chars in itertools.product(alphabet, repeat=size)
    ]


def test_code_spans_are_what_the_inline_code_pattern_found() -> None:
    checked = 0
    for text in _strings("`a\n", 8):
        expected = [match.span() for match in OLD_INLINE_CODE.finditer(text)]
        assert list(language_text._code_spans(text)) == expected, repr(text)
        checked += 1
    assert checked == sum(3**n for n in range(9))


@settings(max_examples=400, deadline=None, database=None)
@given(st.text(alphabet="<!->a \n", max_size=40))
def test_comment_spans_are_what_the_comment_pattern_found(text: str) -> None:
    expected = [match.span() for match in OLD_HTML_COMMENT.finditer(text)]
    assert list(language_text._comment_spans(text)) == expected


@settings(max_examples=400, deadline=None, database=None)
@given(st.text(alphabet="]()htps:/ a\n", max_size=40))
def test_url_spans_are_what_the_url_pattern_found(text: str) -> None:
    expected = [match.span() for match in OLD_URL.finditer(text)]
    assert list(language_text._url_spans(text)) == expected


def test_atx_headings_read_as_the_heading_pattern_read_them() -> None:
    for text in _strings("# \ta", 7):
        old = OLD_ATX.match(text)
        expected = None if old is None else (len(old[1]), old[2] or "")
        assert atx_heading(text) == expected, repr(text)


@settings(max_examples=400, deadline=None, database=None)
@given(st.text(alphabet="<!-> \tab", max_size=12), st.sampled_from(["ignore", "ignore-file"]))
def test_suppression_comments_read_as_the_comment_pattern_read_them(tail: str, kind: str) -> None:
    line = f"text <!-- blamefree: {kind}{tail}"
    expected = [
        (match["kind"].lower(), match["ids"], *match.span()) for match in OLD_COMMENT.finditer(line)
    ]
    found = [(k, ids.rstrip(), start, end) for k, ids, start, end in suppress._comments(line)]
    assert found == expected


def test_labelled_lines_the_old_pattern_read_keep_their_spans() -> None:
    known = {"time": "time", "detected by": "detected_by", "severity": "severity"}
    lines = [
        "- **Time:** 13:52 UTC",
        "**Severity:** P1  ",
        "  - **Detected By** : Prometheus alert \\",
        "**Time:**",
        "* **Time: ** 14:00",
        "**Time :**   14:00   ",
    ]
    for line in lines:
        old = OLD_BOLD.match(line)
        assert old is not None, line
        start, end = old.span("value")
        if start == end:
            start, end = old.start("label"), old.end("label")
        assert match_label(line, known) == (known[old["label"].strip().lower()], start, end)


def test_labels_are_read_as_the_parser_reads_them() -> None:
    known = {"time": "time", "detected by": "detected_by"}
    # (line, what the parser reads, the text the located span covers)
    cases = [
        ("- **Time** 4:10 PM", ("time", "4:10 PM"), "4:10 PM"),
        ("- **Time** – 14:32 UTC", ("time", "14:32 UTC"), "14:32 UTC"),
        ("- **Time (UTC):** 14:32", ("time", "14:32 UTC"), "14:32"),
        ("- **Timestamp:** 14:32 UTC  \\", ("time", "14:32 UTC  \\"), "14:32 UTC"),
        ("1. **Detected By:** on-call", ("detected by", "on-call"), "on-call"),
        ("- Detected By: on-call", ("detected by", "on-call"), "on-call"),
    ]
    for line, parsed, written in cases:
        lead = len(line) - len(line.lstrip("-1. "))
        assert split_label(line[lead:], set(known)) == parsed, line
        found = match_label(line, known)
        assert found is not None, line
        name, start, end = found
        assert (name, line[start:end]) == (known[parsed[0]], written)
        assert start == line.index(written)
    assert match_label("- **Note** 4:10 PM", known) is None  # no colon and not a known label
    assert match_label("- **Time:** " + "x" * LINE_MAX, known) is None  # over the limit


def test_a_time_written_without_its_colon_is_located_on_its_line() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("- **Time:** 13:52 UTC", "- **Time** 13:52 UTC", 1)
    text = text.replace("- **Time:** 13:58 UTC", "- **Time (UTC):** 13:58", 1)
    locator = Locator(text)
    lines = text.split("\n")
    detection = lines.index("- **Time** 13:52 UTC") + 1
    response = lines.index("- **Time (UTC):** 13:58") + 1
    assert locator.field("timeline.detection.time") == Span(detection, 12, detection, 21)
    assert locator.field("timeline.response.time") == Span(response, 19, response, 24)


def test_field_at_picks_the_shortest_covering_area() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    locator = Locator(text)
    lines = text.split("\n")
    owner = lines.index("  - **Owner:** Tomás Alves") + 1
    assert locator.field_at(owner) == "action_items.immediate[0].owner"
    assert locator.field_at(owner - 1) == "action_items.immediate[0]"
    assert locator.field_at(lines.index("### Detection") + 1) == "timeline.detection"
    assert locator.field_at(1) is None
    assert locator.field_at(len(lines) + 5) is None


def test_a_line_over_the_limit_is_reported_and_not_read() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    long_line = "Dave broke prod. " * (LINE_MAX // 17 + 1)
    short = "Dave broke the deploy."
    text = text.replace(
        "per-environment override for this key.",
        f"per-environment override for this key.\n\n{long_line}\n\n{short}\n\n"
        f"```\n{long_line}\n```",
        1,
    )
    lines = text.split("\n")
    found = [(f.rule, f.line, f.column, f.end_column, f.field) for f in lint_text(text)]
    at = lines.index(long_line) + 1
    cause = "root_cause_analysis.primary_cause"
    assert found == [
        ("BF401", at, 1, len(long_line.rstrip()) + 1, cause),
        ("BF101", at + 2, 1, 11, cause),
    ]
    message = next(f.message for f in lint_text(text) if f.rule == "BF401")
    assert message.startswith(f"line is {len(long_line):,} characters long; lines over 10,000")


# (file, findings as (rule, line, field)); the README says what each file holds.
FIXTURES: dict[str, list[list[object]]] = {
    "severity-spaces.md": [],
    # A value longer than the parser reads is kept as text, and shown (BF312) at its field.
    "duration-tabs.md": [["BF312", 6, "duration"]],
    "title-backticks.md": [],
    "time-spaces.md": [["BF312", 23, "timeline.detection.time"]],
    "heading-spaces.md": [],
    "link-targets.md": [],
    "blank-lines.md": [],
    "long-line.md": [["BF401", 82, "root_cause_analysis.primary_cause"]],
    # An unclosed comment hides the rest of the document, as it does in any Markdown viewer.
    "comment-openers.md": [
        ["BF202", 1, section]
        for section in (
            "what_went_well",
            "what_went_wrong",
            "prevention_measures",
            "metrics",
            "follow_up",
            "appendix",
            "sign_off",
        )
    ]
    + [["BF204", 1, "action_items"]],
}
FIXTURES["suppress-heads.md"] = FIXTURES["comment-openers.md"]

FIXTURE_CHILD = textwrap.dedent(
    """
    import json
    import sys
    from pathlib import Path

    from blamefree.lint.api import lint_text

    found = {}
    for name in sys.argv[1:]:
        path = Path(name)
        findings = lint_text(path.read_text(encoding="utf-8"), source=path.name)
        found[path.name] = [[f.rule, f.line, f.field] for f in findings]
    print(json.dumps(found))
    """
)


def _child(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_child(code, *args, timeout=TIMEOUT)


def test_hostile_fixtures_lint_to_their_findings() -> None:
    assert sorted(path.name for path in HOSTILE.glob("*.md")) == sorted([*FIXTURES, "README.md"])
    run = _child(FIXTURE_CHILD, *(str(HOSTILE / name) for name in sorted(FIXTURES)))
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout) == FIXTURES


FAMILIES = textwrap.dedent(
    """
    import string
    import sys
    from pathlib import Path

    from blamefree.errors import TemplateParseError
    from blamefree.lint.api import lint_text

    example = Path(sys.argv[1]).read_text(encoding="utf-8")
    length = int(sys.argv[2])
    lines = [
        "# Post-Mortem: Checkout API outage after connection-pool change",
        "**Severity:** P1",
        "**Duration:** 3h22m",
        "**Impact Start:** 13:48 UTC",
        "- **Time:** 13:52 UTC",
        "- [ ] Alert on pool saturation above 80% for 5 minutes",
        "  - **Owner:** Priya Raman",
        "per-environment override for this key.",
    ]
    count = errors = 0
    for line in lines:
        for char in [*string.punctuation, " ", "\\t"]:
            for joiner in (" ", "\\n\\n"):
                text = example.replace(line, line + joiner + char * length + "x", 1)
                try:
                    lint_text(text)
                except TemplateParseError:
                    errors += 1
                count += 1
    print(f"linted {count}")
    """
)


def test_long_runs_of_every_character_in_every_kind_of_field() -> None:
    # Under the line limit, so every pattern reads the whole run.
    run = _child(FAMILIES, str(EXAMPLE), "3000")
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["linted", str(8 * 34 * 2)]


SEARCH = textwrap.dedent(
    """
    import os
    import sys
    import time
    from pathlib import Path

    from hypothesis import HealthCheck, given, settings, target
    from hypothesis import strategies as st

    from blamefree.errors import TemplateParseError
    from blamefree.lint.api import lint_text

    example = Path(sys.argv[1]).read_text(encoding="utf-8")
    lines = [
        "# Post-Mortem: Checkout API outage after connection-pool change",
        "**Severity:** P1",
        "**Impact Start:** 13:48 UTC",
        "- **Time:** 13:52 UTC",
        "- **Key Findings:** Connection pool exhausted (5/5 in use)",
        "- [ ] Alert on pool saturation above 80% for 5 minutes",
        "- **Total Users:** 1,200,000",
        "- **Detection Time:** 4 minutes",
        "per-environment override for this key.",
    ]
    pieces = st.sampled_from(
        list("*_`~[]()<>!#|\\\\-+=:;,./'\\" \\t0123456789aZ@")
        + ["<!--", "-->", "**", "](", "http://", "\\n", "\\n\\n", "Dave ", "broke ", "why "]
        + ["<!-- blamefree: ignore", "**Time:**", "- ", "# ", "about "]
    )
    runs = st.tuples(pieces, st.integers(1, 3000)).map(lambda pair: pair[0] * pair[1])
    fills = st.lists(runs, min_size=1, max_size=4).map("".join).map(lambda fill: fill[:30000])

    @settings(
        max_examples=int(os.environ.get("SEARCH_EXAMPLES", "100")),
        deadline=None,
        database=None,
        derandomize=os.environ.get("CI", "").lower() == "true",
        suppress_health_check=list(HealthCheck),
    )
    @given(st.sampled_from(lines), st.sampled_from([" ", "\\n", "\\n\\n"]), fills)
    def search(line, joiner, fill):
        text = example.replace(line, line + joiner + fill, 1)
        started = time.process_time()
        try:
            lint_text(text)
        except TemplateParseError:
            pass
        # Steers the search towards slow inputs; the parent's timeout is the only check.
        target((time.process_time() - started) * 1000 / len(text), label="ms per char")

    search()
    print("searched")
    """
)


@pytest.mark.filterwarnings("ignore")
def test_a_search_for_slow_inputs_finds_none() -> None:
    run = _child(SEARCH, str(EXAMPLE))
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "searched"
