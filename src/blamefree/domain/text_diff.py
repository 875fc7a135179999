"""A readable line diff of two texts: hunks of rows, each row a kept, removed or added line.

Rows carry the line numbers of both sides, so a page can draw the diff unified (one column)
or side by side (``side_by_side`` pairs removed lines with the added lines that replace them).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal

RowKind = Literal["same", "removed", "added"]


@dataclass(frozen=True)
class DiffRow:
    """One line of a diff: in both texts, only the old one, or only the new one."""

    kind: RowKind
    text: str
    old_line: int | None
    new_line: int | None


@dataclass(frozen=True)
class SidePair:
    """One row of a side-by-side view: the old line (left) and the new line (right)."""

    left: DiffRow | None
    right: DiffRow | None


@dataclass
class Hunk:
    """A stretch of changed lines with some unchanged lines around them."""

    old_start: int
    new_start: int
    rows: list[DiffRow] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(1 for row in self.rows if row.kind == "added")

    @property
    def removed(self) -> int:
        return sum(1 for row in self.rows if row.kind == "removed")

    def side_by_side(self) -> list[SidePair]:
        """The rows as pairs: kept lines on both sides, removals beside their additions."""
        pairs: list[SidePair] = []
        removed: list[DiffRow] = []
        added: list[DiffRow] = []

        def flush() -> None:
            for index in range(max(len(removed), len(added))):
                left = removed[index] if index < len(removed) else None
                right = added[index] if index < len(added) else None
                pairs.append(SidePair(left, right))
            removed.clear()
            added.clear()

        for row in self.rows:
            if row.kind == "removed":
                if added:
                    flush()
                removed.append(row)
            elif row.kind == "added":
                added.append(row)
            else:
                flush()
                pairs.append(SidePair(row, row))
        flush()
        return pairs


def line_diff(old: str, new: str, *, context: int = 3) -> list[Hunk]:
    """The hunks that turn ``old`` into ``new``; empty when the texts have the same lines."""
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    hunks: list[Hunk] = []
    for group in matcher.get_grouped_opcodes(context):
        first = group[0]
        hunk = Hunk(old_start=first[1] + 1, new_start=first[3] + 1)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset in range(i2 - i1):
                    hunk.rows.append(
                        DiffRow("same", old_lines[i1 + offset], i1 + offset + 1, j1 + offset + 1)
                    )
                continue
            for index in range(i1, i2):
                hunk.rows.append(DiffRow("removed", old_lines[index], index + 1, None))
            for index in range(j1, j2):
                hunk.rows.append(DiffRow("added", new_lines[index], None, index + 1))
        hunks.append(hunk)
    return hunks
