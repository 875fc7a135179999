"""The ``### Event Log`` table at the end of the Timeline section, both ways.

One row per event. Cells escape ``\\`` as ``\\\\``, ``|`` as ``\\|`` and line breaks as ``<br>``;
times are written in UTC as people read them (``2026-11-27 01:00:00Z``), with milliseconds or
microseconds only when the time has them, so reading the table back gives the same events. The
event's ``time_text`` keeps the time as its source wrote it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent

HEADING = "Event Log"
COLUMNS = ("Time (UTC)", "Phase", "Kind", "Actor", "Event", "Key", "Source", "As written", "Link")
KEY_MARK = "★"
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


_UNESCAPE = re.compile(r"\\([\\|])|<br>")
# A row's pieces: an escaped character, a run of plain text, a lone backslash, a pipe.
_ROW_TOKEN = re.compile(r"\\.|[^\\|]+|\\|\|", re.DOTALL)


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda match: match[1] or "\n", text)


def _cells(line: str) -> list[str]:
    """Split a table row on pipes that are not escaped."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    cells: list[str] = []
    current: list[str] = []
    for match in _ROW_TOKEN.finditer(body):
        if match[0] == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(match[0])
    tail = "".join(current).strip()
    if tail or not body.endswith("|"):
        cells.append(tail)
    return cells


def format_event_time(value: dt.datetime) -> str:
    """UTC with microseconds and ``Z``: exact and sortable (the JSON form)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def render_event_time(value: dt.datetime) -> str:
    """UTC as people read it, ``2026-11-27 01:00:00Z``; milliseconds (``.250``) or microseconds
    only when the time has them. Exact: reading it back gives the same time."""
    value = value.astimezone(dt.UTC)
    seconds = value.strftime("%Y-%m-%d %H:%M:%S")
    if not value.microsecond:
        return f"{seconds}Z"
    if value.microsecond % 1000 == 0:
        return f"{seconds}.{value.microsecond // 1000:03d}Z"
    return f"{seconds}.{value.microsecond:06d}Z"


def render_event_log(events: list[TimelineEvent]) -> list[str]:
    """The table's lines, events in time order; nothing when there are no events."""
    if not events:
        return []
    lines = [
        f"### {HEADING}",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    for event in events:
        source = event.source.tool + (f":{event.source.id}" if event.source.id is not None else "")
        cells = [
            render_event_time(event.time),
            event.phase.value if event.phase else "",
            event.kind.value,
            event.actor or "",
            event.text,
            KEY_MARK if event.key else "",
            source,
            event.time_text or "",
            event.link or "",
        ]
        lines.append("| " + " | ".join(_escape(cell) for cell in cells) + " |")
    return lines


def parse_event_log(
    lines: list[str], first_line: int, fail: Callable[[str, int, str], Exception]
) -> list[TimelineEvent]:
    """Events from the table's source lines; ``fail(message, line, field)`` builds the error."""
    rows = [(first_line + i, line) for i, line in enumerate(lines) if line.strip().startswith("|")]
    if len(rows) < 2 or not _SEPARATOR.match(rows[1][1].strip()):
        raise fail("the Event Log must be a table with a header row", first_line, "timeline.events")
    header = [cell.lower() for cell in _cells(rows[0][1])]
    wanted = [column.lower() for column in COLUMNS]
    if header[: len(wanted)] != wanted:
        raise fail(
            f"Event Log columns must be: {' | '.join(COLUMNS)}", rows[0][0], "timeline.events"
        )
    events: list[TimelineEvent] = []
    for index, (number, line) in enumerate(rows[2:]):
        cells = [_unescape(cell) for cell in _cells(line)]
        cells += [""] * (len(COLUMNS) - len(cells))
        time_text, phase, kind, actor, text, key, source, written, link = cells[: len(COLUMNS)]
        path = f"timeline.events[{index}]"
        try:
            time = dt.datetime.fromisoformat(time_text.replace("Z", "+00:00"))
        except ValueError:
            raise fail(
                f"{time_text[:60]!r} is not a UTC time such as 2026-11-27 01:00:00Z",
                number,
                f"{path}.time",
            ) from None
        if time.tzinfo is None:
            raise fail(f"{time_text[:60]!r} has no time zone", number, f"{path}.time")
        try:
            phase_value = Phase(phase) if phase else None
        except ValueError:
            choices = ", ".join(p.value for p in Phase)
            raise fail(
                f"unknown phase {phase[:40]!r}; use one of {choices}", number, f"{path}.phase"
            ) from None
        try:
            kind_value = EventKind(kind) if kind else EventKind.CUSTOM
        except ValueError:
            choices = ", ".join(k.value for k in EventKind)
            raise fail(
                f"unknown kind {kind[:40]!r}; use one of {choices}", number, f"{path}.kind"
            ) from None
        tool, _colon, source_id = source.partition(":")
        events.append(
            TimelineEvent(
                time=time,
                time_text=written or None,
                phase=phase_value,
                kind=kind_value,
                actor=actor or None,
                text=text,
                source=EventSource(tool=tool or "manual", id=source_id if _colon else None),
                key=key.strip() not in ("", "no", "-"),
                link=link or None,
            )
        )
    return events
