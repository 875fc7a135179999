"""Pure rules behind the reading pages: standing from sign-offs, medians of partly known
durations, the line diff of two versions."""

from __future__ import annotations

from blamefree.domain.enums import SignOffRole
from blamefree.domain.medians import median_of
from blamefree.domain.standing import Standing, standing_of
from blamefree.domain.text_diff import line_diff


def test_standing_follows_the_sign_off_roles() -> None:
    assert standing_of([]) is Standing.DRAFT
    assert standing_of([SignOffRole.PREPARED]) is Standing.IN_REVIEW
    assert standing_of([SignOffRole.PREPARED, SignOffRole.REVIEWED]) is Standing.IN_REVIEW
    assert standing_of([SignOffRole.APPROVED]) is Standing.APPROVED
    assert [s.label for s in Standing] == ["Draft", "In review", "Approved"]


def test_a_median_counts_unknown_values_but_never_uses_them() -> None:
    found = median_of([60, None, 180, 120, None])
    assert (found.seconds, found.known, found.total, found.unknown) == (120.0, 3, 5, 2)
    assert median_of([60, 120]).seconds == 90.0
    nothing = median_of([None, None])
    assert (nothing.seconds, nothing.known, nothing.total) == (None, 0, 2)
    assert median_of([]).seconds is None


def test_a_line_diff_numbers_both_sides_and_pairs_replacements() -> None:
    old = "a\nb\nc\nd\ne\nf\ng\nh\ni\n"
    new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\n"
    hunks = line_diff(old, new, context=1)
    assert [(h.old_start, h.new_start, h.removed, h.added) for h in hunks] == [
        (3, 3, 1, 1),
        (9, 9, 0, 1),
    ]
    rows = [(r.kind, r.text, r.old_line, r.new_line) for r in hunks[0].rows]
    assert rows == [
        ("same", "c", 3, 3),
        ("removed", "d", 4, None),
        ("added", "D", None, 4),
        ("same", "e", 5, 5),
    ]
    pairs = hunks[0].side_by_side()
    assert [
        (p.left.text if p.left else None, p.right.text if p.right else None) for p in pairs
    ] == [
        ("c", "c"),
        ("d", "D"),
        ("e", "e"),
    ]
    assert line_diff("same\n", "same\n") == []
