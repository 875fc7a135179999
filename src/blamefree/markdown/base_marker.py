"""The line that says which stored version a Markdown file was made from.

``export``, ``render ID``, ``edit`` and ``new --save`` put it at the top of the file (after a
byte-order mark, if the text has one, and in the text's own line endings)::

    <!-- blamefree: INC-7 version 4 (keep this line: updates from this file merge safely) -->

Grammar: ``<!-- blamefree: ID version N -->`` on the first line, where ``ID`` is the incident id
as it is, or a JSON string when it holds white space, a double quote or ``-->``, ``N`` is a
version number (1 or more), and an optional note in parentheses may follow ``N``. A Markdown
renderer shows nothing for it and editors keep it. The reader takes the line off before the
document is read, so it is never part of the stored text; a line that does not follow the
grammar is not a marker (it stays in the text like any comment).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

BOM = "\ufeff"
NOTE = "keep this line: updates from this file merge safely"
_BARE_ID = re.compile(r'[^\s"]+')
_MARKER = re.compile(
    r'<!-- blamefree: (?P<id>"(?:[^"\\]|\\.)*"|[^\s"]+) version (?P<version>[1-9][0-9]{0,8})'
    r"(?: \([^()\n]*\))? -->[ \t]*"
)


@dataclass(frozen=True)
class BaseMarker:
    """The stored post-mortem and version a file was made from."""

    incident_id: str
    version: int


def marker_line(incident_id: str, version: int) -> str:
    """The marker for ``incident_id`` at ``version``, without a line ending."""
    if _BARE_ID.fullmatch(incident_id) and "-->" not in incident_id:
        written = incident_id
    else:
        written = json.dumps(incident_id, ensure_ascii=False).replace(">", "\\u003e")
    return f"<!-- blamefree: {written} version {version} ({NOTE}) -->"


def _line_ending(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"


def _first_line(text: str) -> tuple[str, str, str]:
    """(byte-order mark or '', first line, the rest after its line ending)."""
    bom = BOM if text.startswith(BOM) else ""
    body = text[len(bom) :]
    match = re.search(r"\r\n|\r|\n", body)
    if match is None:
        return bom, body, ""
    return bom, body[: match.start()], body[match.end() :]


def read_marker(text: str) -> BaseMarker | None:
    """The marker on the text's first line, or None."""
    _bom, line, _rest = _first_line(text)
    match = _MARKER.fullmatch(line)
    if match is None:
        return None
    written = match["id"]
    try:
        incident_id = json.loads(written) if written.startswith('"') else written
    except json.JSONDecodeError:
        return None
    return BaseMarker(incident_id=incident_id, version=int(match["version"]))


def without_marker(text: str) -> str:
    """The text with its marker line (and that line's ending) taken off; a BOM stays."""
    if read_marker(text) is None:
        return text
    bom, _line, rest = _first_line(text)
    return bom + rest


def blank_marker(text: str) -> str:
    """The text with its marker line emptied, so that line numbers stay those of the file."""
    if read_marker(text) is None:
        return text
    bom, _line, rest = _first_line(text)
    return bom + _line_ending(text) + rest


def with_marker(text: str, incident_id: str, version: int) -> str:
    """The text with the marker for ``incident_id`` at ``version`` as its first line."""
    text = without_marker(text)
    bom = BOM if text.startswith(BOM) else ""
    return bom + marker_line(incident_id, version) + _line_ending(text) + text[len(bom) :]


__all__ = [
    "BaseMarker",
    "blank_marker",
    "marker_line",
    "read_marker",
    "with_marker",
    "without_marker",
]
