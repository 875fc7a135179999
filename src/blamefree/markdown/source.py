"""An author's text as lines, kept byte for byte: BOM, line endings and a missing final newline.

The parser reads a text with its byte-order mark removed and every ``\\r\\n`` or ``\\r`` read as
``\\n``; ``Source`` splits a text the same way, so its line numbers are the parser's, and keeps
what was removed so that unchanged lines are written back exactly as they were.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_BREAK = re.compile(r"\r\n|\r|\n")
BOM = "\ufeff"


@dataclass
class Source:
    """A text's lines without their endings, each line's ending, and its byte-order mark."""

    bom: str
    lines: list[str]
    endings: list[str]

    @property
    def eol(self) -> str:
        """The line ending most lines use; what new lines get."""
        counts = Counter(ending for ending in self.endings if ending)
        return counts.most_common(1)[0][0] if counts else "\n"

    @property
    def normalised(self) -> str:
        """The text as the parser reads it: no BOM, ``\\n`` line endings."""
        return "\n".join(self.lines)


def split_source(text: str) -> Source:
    """Split a text into lines the way the parser numbers them."""
    body = text.lstrip(BOM)
    bom = text[: len(text) - len(body)]
    lines: list[str] = []
    endings: list[str] = []
    position = 0
    for match in _BREAK.finditer(body):
        lines.append(body[position : match.start()])
        endings.append(match.group())
        position = match.end()
    lines.append(body[position:])
    endings.append("")
    return Source(bom=bom, lines=lines, endings=endings)


def join_source(source: Source, lines: list[tuple[str, str | None]]) -> str:
    """The text of ``(line, ending)`` pairs; an ending of None is a new line's (the dominant one).

    Every line but the last ends with a line break and the last with none, as in the original
    (a text that ended with a newline has an empty last line).
    """
    eol = source.eol
    out = [source.bom]
    for index, (line, ending) in enumerate(lines):
        last = index == len(lines) - 1
        out.append(line)
        if not last:
            out.append(ending or eol)
    return "".join(out)
