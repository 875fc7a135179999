"""The first line naming the stored version a file was made from: written, read, taken off."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blamefree.errors import TemplateParseError
from blamefree.markdown.base_marker import (
    BaseMarker,
    blank_marker,
    marker_line,
    read_marker,
    with_marker,
    without_marker,
)
from blamefree.markdown.parse import parse
from support.updates_doc import DOCUMENT

LINE = (
    "<!-- blamefree: INC-2025-0031 version 12 "
    "(keep this line: updates from this file merge safely) -->"
)


def test_the_line_reads_as_a_comment_with_id_and_version() -> None:
    assert marker_line("INC-2025-0031", 12) == LINE
    assert read_marker(LINE + "\n# Title\n") == BaseMarker("INC-2025-0031", 12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Title\n", f"{LINE}\n# Title\n"),
        ("# Title\r\n\r\nBody\r\n", f"{LINE}\r\n# Title\r\n\r\nBody\r\n"),
        ("\ufeff# Title\r\n", f"\ufeff{LINE}\r\n# Title\r\n"),
        ("# Title\rBody\r", f"{LINE}\r# Title\rBody\r"),
    ],
    ids=["lf", "crlf", "bom-crlf", "cr"],
)
def test_it_goes_after_a_bom_in_the_texts_line_endings(text: str, expected: str) -> None:
    marked = with_marker(text, "INC-2025-0031", 12)
    assert marked == expected
    assert without_marker(marked) == text
    assert read_marker(marked) == BaseMarker("INC-2025-0031", 12)
    # Marking again replaces the line instead of stacking a second one.
    assert with_marker(with_marker(text, "INC-2025-0031", 3), "INC-2025-0031", 12) == expected


@pytest.mark.parametrize("incident_id", ["ops 17", 'say "hi"', "a-->b", "Störung-3"])
def test_ids_that_would_break_the_comment_are_written_as_json(incident_id: str) -> None:
    line = marker_line(incident_id, 2)
    assert line.count("-->") == 1 and line.endswith("-->")
    assert read_marker(line) == BaseMarker(incident_id, 2)


@given(
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x85\u2028\u2029"),
        min_size=1,
        max_size=30,
    ),
    st.integers(min_value=1, max_value=10**6),
)
def test_any_id_and_version_read_back(incident_id: str, version: int) -> None:
    assert read_marker(marker_line(incident_id, version) + "\n") == BaseMarker(incident_id, version)


@pytest.mark.parametrize(
    "line",
    [
        "<!-- blamefree: ignore BF101 -->",
        "<!-- blamefree: INC-1 version 0 -->",
        "<!-- blamefree: INC-1 version two -->",
        "<!-- blamefree INC-1 version 2 -->",
        "# <!-- blamefree: INC-1 version 2 -->",
    ],
)
def test_lines_off_the_grammar_are_not_markers(line: str) -> None:
    assert read_marker(f"{line}\n# Title\n") is None
    assert without_marker(f"{line}\n# Title\n") == f"{line}\n# Title\n"


def test_only_the_first_line_is_a_marker() -> None:
    assert read_marker(f"# Title\n{LINE}\n") is None


def test_parsing_ignores_the_line_and_keeps_line_numbers() -> None:
    assert parse(with_marker(DOCUMENT, "INC-2025-0031", 4)) == parse(DOCUMENT)
    assert blank_marker(f"{LINE}\r\n# T\r\n") == "\r\n# T\r\n"
    broken = DOCUMENT.replace("**Date:** 2025-02-04", "**Date:** 2025-02-31")
    with pytest.raises(TemplateParseError) as plain:
        parse(broken, source="f.md")
    with pytest.raises(TemplateParseError) as marked:
        parse(with_marker(broken, "INC-2025-0031", 4), source="f.md")
    assert (plain.value.line, marked.value.line) == (4, 5)
