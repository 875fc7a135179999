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

_COMMENT = re.compile(
    r"<!--\s*blamefree:\s*(?P<kind>ignore-file|ignore)\b(?P<ids>[^>]*?)\s*-->", re.IGNORECASE
)
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
        for match in _COMMENT.finditer(line):
            ids = tuple(found.upper() for found in _ID.findall(match["ids"])) or ALL
            if match["kind"].lower() == "ignore-file":
                result.file += ids
                continue
            target = number
            if not _COMMENT.sub("", line).strip():
                target = number + 1
                while target <= len(lines) and not lines[target - 1].strip():
                    target += 1
            result.lines[target] = result.lines.get(target, ()) + ids
    return result


def apply(findings: list[Finding], text: str) -> list[Finding]:
    """The findings that no comment in ``text`` silences."""
    suppressions = read_suppressions(text)
    if not suppressions.file and not suppressions.lines:
        return findings
    return [found for found in findings if not suppressions.covers(found)]
