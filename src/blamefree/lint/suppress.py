"""Inline suppression: ``<!-- blamefree: ignore BF101 -->`` and ``ignore-file`` comments.

- ``<!-- blamefree: ignore BF101, BF203 -->`` alone on a line silences those rules on the next
  non-blank line; at the end of a line of text it silences them on that line.
- ``<!-- blamefree: ignore-file BF2 -->`` anywhere silences them in the whole file.
- Rule ids may be prefixes (``BF1``); no ids at all means every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from blamefree.lint.finding import Finding

# The head of ``<!-- blamefree: ignore ... -->``; the comment runs to the first ">" after it,
# which must close it ("-->"). Found by `_comments` in linear time (a lazy ``[^>]*?\s*-->``
# reads a long run of blanks once from every position).
_COMMENT_HEAD = re.compile(r"<!--\s*+blamefree:\s*+(?P<kind>ignore-file|ignore)\b", re.IGNORECASE)
_ID = re.compile(r"BF\d{0,3}", re.IGNORECASE)
ALL = ("BF",)


@dataclass
class Suppressions:
    """Rule prefixes silenced per line and for the whole file."""

    file: tuple[str, ...] = ()
    lines: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def covers(self, found: Finding) -> bool:
        """Whether a finding is silenced by a comment."""
        prefixes = self.file + self.lines.get(found.line, ())
        return any(found.rule.startswith(prefix) for prefix in prefixes)


def read_suppressions(text: str) -> Suppressions:
    """Every suppression comment of a Markdown text."""
    result = Suppressions()
    if "blamefree:" not in text:
        return result
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        comments = _comments(line)
        for kind, ids_text, _start, _end in comments:
            ids = tuple(found.upper() for found in _ID.findall(ids_text)) or ALL
            if kind == "ignore-file":
                result.file += ids
                continue
            target = number
            if not _outside(line, comments).strip():
                target = number + 1
                while target <= len(lines) and not lines[target - 1].strip():
                    target += 1
            result.lines[target] = result.lines.get(target, ()) + ids
    return result


def _comments(line: str) -> list[tuple[str, str, int, int]]:
    """(kind, ids text, start, end) of every suppression comment in one line."""
    found: list[tuple[str, str, int, int]] = []
    position = 0
    while (head := _COMMENT_HEAD.search(line, position)) is not None:
        close = line.find(">", head.end())
        if close < 0:
            break  # no later comment can close either
        if close - 2 >= head.end() and line[close - 2 : close] == "--":
            ids = line[head.end() : close - 2]
            found.append((head["kind"].lower(), ids, head.start(), close + 1))
        # A head before this ">" closes here or nowhere, and holds no ">" itself: go past it.
        position = close + 1
    return found


def _outside(line: str, comments: list[tuple[str, str, int, int]]) -> str:
    """The line without its suppression comments."""
    parts: list[str] = []
    last = 0
    for _kind, _ids, start, end in comments:
        parts.append(line[last:start])
        last = end
    parts.append(line[last:])
    return "".join(parts)


def apply(findings: list[Finding], text: str) -> list[Finding]:
    """The findings that no comment in ``text`` silences."""
    suppressions = read_suppressions(text)
    if not suppressions.file and not suppressions.lines:
        return findings
    return [found for found in findings if not suppressions.covers(found)]
