"""The geometry of the timeline picture on the post-mortem page: a time axis with impact start
and the six phases marked, the stretches between them shaded, and the events as dots (key
events larger and labelled). The template draws it as inline SVG from these numbers; nothing
here is HTML, so every text reaches the page through autoescaping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import TimelineEvent
from blamefree.redact import shorten

WIDTH = 800
LEFT = 20
RIGHT = WIDTH - 20
LANE = 17
CHAR = 7.0  # the width of a label character at the picture's font size, near enough
LABEL_MAX = 40

PHASE_LABELS = {
    Phase.IMPACT_START: "Impact start",
    Phase.DETECTION: "Detection",
    Phase.RESPONSE: "Response",
    Phase.INVESTIGATION: "Investigation",
    Phase.MITIGATION: "Mitigation",
    Phase.RESOLUTION: "Resolution",
    Phase.POST_RESOLUTION: "Post-resolution",
}
_STEPS = [
    60 * m for m in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)
]  # seconds
MAX_TICKS = 9
XOf = Callable[[dt.datetime], float]
Local = Callable[[dt.datetime], str]


@dataclass(frozen=True)
class Mark:
    """A moment drawn as a vertical line with its label: impact start or a phase."""

    phase: Phase
    x: float
    label: str
    when: str
    derived: bool
    label_y: float
    anchor: str = "start"


@dataclass(frozen=True)
class Band:
    """The stretch from one marked moment to the next, shaded in the earlier one's colour."""

    phase: Phase
    x: float
    width: float


@dataclass(frozen=True)
class Dot:
    """One or more events at (nearly) the same moment."""

    x: float
    phase: Phase | None
    key: bool
    title: str
    count: int = 1
    label: str | None = None
    label_y: float = 0.0
    anchor: str = "start"


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass
class TimelinePicture:
    """Everything the template needs to draw the timeline; ``empty`` when no time is known."""

    width: int = WIDTH
    height: int = 0
    band_y: float = 0.0
    band_height: float = 14.0
    axis_y: float = 0.0
    tick_y: float = 0.0
    marks: list[Mark] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    start: str = ""
    end: str = ""

    @property
    def empty(self) -> bool:
        return not self.marks and not self.dots


def _zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name) if name else dt.UTC
    except (KeyError, ValueError):
        return dt.UTC


def _lanes(
    items: Sequence[tuple[float, str]], *, first_y: float, step: float
) -> list[tuple[float, str]]:
    """A y (lane) and text anchor for each label at x, so that no two labels overlap."""
    ends: list[float] = []
    placed: list[tuple[float, str]] = []
    for x, text in items:
        width = len(text) * CHAR
        anchor = "end" if x + width > RIGHT else "start"
        left, right = (x - width, x) if anchor == "end" else (x, x + width)
        for lane, end in enumerate(ends):
            if left > end + 6:
                ends[lane] = right
                placed.append((first_y + lane * step, anchor))
                break
        else:
            ends.append(right)
            placed.append((first_y + (len(ends) - 1) * step, anchor))
    return placed


def picture(
    *,
    moments: Sequence[tuple[Phase, dt.datetime | None, bool]],
    events: Sequence[TimelineEvent],
    zone: str | None,
) -> TimelinePicture:
    """The picture of ``moments`` (impact start and phases: time, derived from the event log)
    and ``events``, with times written in ``zone``."""
    tz = _zone(zone)
    known = [(phase, time, derived) for phase, time, derived in moments if time is not None]
    times = [time for _, time, _ in known] + [event.time for event in events]
    pic = TimelinePicture()
    if not times:
        return pic
    first, last = min(times), max(times)
    span = max((last - first).total_seconds(), 600.0)
    pad = span * 0.04
    origin = first - dt.timedelta(seconds=pad)
    scale = (RIGHT - LEFT) / (span + 2 * pad)

    def x_of(time: dt.datetime) -> float:
        return round(LEFT + (time - origin).total_seconds() * scale, 1)

    def local(time: dt.datetime, *, day: bool = False) -> str:
        shown = time.astimezone(tz)
        return shown.strftime("%Y-%m-%d %H:%M" if day else "%H:%M")

    several_days = first.astimezone(tz).date() != last.astimezone(tz).date()
    ordered = sorted(known, key=lambda item: item[1])
    lanes = _lanes(
        [(x_of(t), f"{PHASE_LABELS[p]} {local(t)}") for p, t, _ in ordered], first_y=14, step=LANE
    )
    lane_count = max(1, len({y for y, _ in lanes}))
    pic.band_y = 14 + lane_count * LANE
    pic.axis_y = pic.band_y + pic.band_height + 34
    pic.tick_y = pic.axis_y + 18
    for (phase, time, derived), (y, anchor) in zip(ordered, lanes, strict=True):
        pic.marks.append(
            Mark(phase, x_of(time), PHASE_LABELS[phase], local(time, day=several_days), derived, y,
                 anchor)
        )  # fmt: skip
    for here, after in zip(pic.marks, [*pic.marks[1:], None], strict=True):
        end = after.x if after is not None else x_of(last)
        if end > here.x:
            pic.bands.append(Band(here.phase, here.x, round(end - here.x, 1)))
    pic.ticks = _ticks(origin, span + 2 * pad, x_of, tz, several_days)
    pic.dots, label_rows = _dots(events, x_of, local, first_y=pic.tick_y + 22)
    pic.height = int(pic.tick_y + 12 + label_rows * LANE + (10 if label_rows else 0))
    pic.start = local(first, day=True)
    pic.end = local(last, day=True)
    return pic


def _ticks(
    origin: dt.datetime,
    span: float,
    x_of: XOf,
    tz: dt.tzinfo,
    several_days: bool,
) -> list[Tick]:
    step = next((s for s in _STEPS if span / s <= MAX_TICKS), _STEPS[-1])
    start_local = origin.astimezone(tz)
    offset = start_local.utcoffset() or dt.timedelta()
    epoch_local = origin.timestamp() + offset.total_seconds()
    first = (int(epoch_local // step) + 1) * step - offset.total_seconds()
    ticks: list[Tick] = []
    moment = first
    end = origin.timestamp() + span
    previous_day: dt.date | None = None
    while moment < end:
        when = dt.datetime.fromtimestamp(moment, tz=dt.UTC).astimezone(tz)
        day_changed = several_days and when.date() != previous_day
        label = when.strftime("%m-%d %H:%M" if day_changed or step >= 86_400 else "%H:%M")
        previous_day = when.date()
        ticks.append(Tick(x_of(when.astimezone(dt.UTC)), label))
        moment += step
    return ticks


def _dots(
    events: Sequence[TimelineEvent],
    x_of: XOf,
    local: Local,
    *,
    first_y: float,
) -> tuple[list[Dot], int]:
    """Events as dots, one per pixel and phase (a log of thousands stays a small picture);
    key events each keep their own dot and get a label."""
    merged: dict[tuple[int, Phase | None], list[TimelineEvent]] = {}
    keys: list[TimelineEvent] = []
    for event in events:
        if event.key:
            keys.append(event)
        else:
            merged.setdefault((round(x_of(event.time)), event.phase), []).append(event)
    dots: list[Dot] = []
    for group in merged.values():
        head = group[0]
        title = f"{local(head.time)} {shorten(head.text, LABEL_MAX)}"
        if len(group) > 1:
            title += f" (and {len(group) - 1} more)"
        dots.append(Dot(x_of(head.time), head.phase, False, title, len(group)))
    keys.sort(key=lambda event: event.time)
    lanes = _lanes(
        [(x_of(e.time), f"{local(e.time)} {shorten(e.text, LABEL_MAX)}") for e in keys],
        first_y=first_y,
        step=LANE,
    )  # fmt: skip
    for event, (y, anchor) in zip(keys, lanes, strict=True):
        text = f"{local(event.time)} {shorten(event.text, LABEL_MAX)}"
        dots.append(Dot(x_of(event.time), event.phase, True, text, 1, text, y, anchor))
    rows = len({y for y, _ in lanes})
    return dots, rows
