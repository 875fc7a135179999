"""Review comments, pure: anchors that survive edits, threads, and @mentions."""

from __future__ import annotations

import datetime as dt

from blamefree.domain.comments import (
    SECTIONS,
    Anchor,
    Comment,
    Placement,
    find_mentions,
    place,
    quote_line,
    section_key,
    threads,
)
from blamefree.markdown import layout

LINES = ["", "The export ran out of disk.", "", "Nobody was paged."]
AT = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
PEOPLE = [("Dana Scully", "@dana"), ("Noor", None), ("Kim Lee", None)]


def test_sections_are_the_templates() -> None:
    assert [(heading, key) for key, heading in SECTIONS] == list(layout.SECTIONS)


def test_section_key_reads_keys_and_headings() -> None:
    assert section_key("root_cause_analysis") == "root_cause_analysis"
    assert section_key("Root Cause Analysis") == "root_cause_analysis"
    assert section_key("follow-up") == "follow_up"
    assert section_key("Sign-Off") == "sign_off"
    assert section_key("nope") is None


def test_quote_line_refuses_blank_and_missing_lines() -> None:
    assert quote_line(LINES, 2) == "The export ran out of disk."
    assert quote_line(LINES, 1) is None
    assert quote_line(LINES, 0) is None
    assert quote_line(LINES, 5) is None


def test_anchor_in_place_moved_and_changed() -> None:
    quoted = "Nobody was paged."
    assert place(4, quoted, LINES) == Anchor(Placement.LINE, 4)
    # Two lines added above: found by its text, at its new number.
    assert place(4, quoted, ["New.", "", *LINES]) == Anchor(Placement.MOVED, 6)
    # Reworded: the text is gone, the comment is kept as "on text since changed".
    changed = place(4, quoted, ["", "The export ran out of disk.", "", "The pager was silent."])
    assert changed == Anchor(Placement.CHANGED)
    assert changed.stale is True
    # Spacing alone does not count as a change.
    assert place(4, quoted, ["", "", "", "  Nobody  was paged. "]) == Anchor(Placement.LINE, 4)
    assert place(None, None, LINES) == Anchor(Placement.SECTION)
    assert place(2, "x", None) == Anchor(Placement.NO_SECTION)


def test_anchor_picks_the_nearest_copy() -> None:
    lines = ["- done", "a", "b", "c", "- done", "d"]
    assert place(4, "- done", lines) == Anchor(Placement.MOVED, 5)


def comment(cid: int, parent: int | None = None, minute: int = 0) -> Comment:
    return Comment(
        id=cid,
        incident_id="INC-1",
        section="timeline",
        body=f"c{cid}",
        author="Dana",
        created_at=AT + dt.timedelta(minutes=minute),
        parent_id=parent,
    )


def test_threads_gather_replies_of_replies() -> None:
    found = threads([comment(3, 2, 2), comment(1), comment(2, 1, 1), comment(4, minute=3)])
    assert [(t.root.id, [r.id for r in t.replies]) for t in found] == [(1, [2, 3]), (4, [])]


def test_mentions_of_known_people_and_unknown_words() -> None:
    found = find_mentions(
        "@Dana Scully and @noor, see @kim.lee; ask @dana and @ghost. Mail noor@example.com",
        PEOPLE,
    )
    assert found.known == ("Dana Scully", "Noor", "Kim Lee")
    assert found.unknown == ("ghost",)


def test_mentions_in_code_name_nobody() -> None:
    found = find_mentions("run `@noor` or\n```\n@ghost\n```\n@Kim_Lee", PEOPLE)
    assert found.known == ("Kim Lee",)
    assert found.unknown == ()


def test_full_name_wins_over_first_word() -> None:
    found = find_mentions("@Dana Scully.", [("Dana", None), ("Dana Scully", None)])
    assert found.known == ("Dana Scully",)
