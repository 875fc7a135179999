"""Reading and writing the typed values of a post-mortem: dates, times, durations, numbers.

Every ``parse_*`` function takes the text as a writer put it and raises ``ValueError`` with a
message a person can act on when the text looks like a value of that type but is not one. Text
that is a template placeholder or says "unknown" is reported by :func:`is_unknown` and never
reaches the parsers. The rules for ambiguous input are documented in docs/file-format.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

UTC = dt.UTC

# --- unknown and placeholders --------------------------------------------------------------

_PLACEHOLDER = re.compile(r"^\[[^\[\]]*\](?:\s*(?:→|->|=>)\s*\[[^\[\]]*\])*$")
_TEMPLATE_CHOICES = {"p0/p1/p2/p3", "high/medium/low"}
UNKNOWN_WORDS = frozenset(
    {
        "n/a",
        "na",
        "n.a.",
        "tbd",
        "tba",
        "tbc",
        "unknown",
        "not known",
        "not recorded",
        "not available",
        "not applicable",
        "not measured",
        "not tracked",
        "unclear",
        "pending",
        "none recorded",
        "?",
        "-",
        "–",
        "—",
        "",
    }
)
_EMPHASIS = re.compile(r"^([*_`]+)(.*?)\1$")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")


def _bare(text: str) -> str:
    value = text.strip()
    match = _EMPHASIS.match(value)
    while match:
        value = match.group(2).strip()
        match = _EMPHASIS.match(value)
    return value.rstrip(".").strip().lower()


def is_placeholder(text: str) -> bool:
    """True for the template's placeholders: ``[Time]``, ``P0/P1/P2/P3``, ``High/Medium/Low``."""
    value = text.strip()
    return bool(_PLACEHOLDER.match(value)) or value.lower() in _TEMPLATE_CHOICES


def is_unknown(text: str) -> bool:
    """True when the text is a placeholder or says the value is not known (N/A, TBD, ...)."""
    if is_placeholder(text):
        return True
    value = _bare(text)
    if value in UNKNOWN_WORDS:
        return True
    without_note = _bare(_TRAILING_PAREN.sub("", text))
    return bool(without_note) and without_note in UNKNOWN_WORDS and without_note != "-"


# --- time zones ----------------------------------------------------------------------------

# Abbreviations read at their fixed offset as written (a writer's "PST" in July is still -08:00).
ZONE_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "IST": 330,
    "SGT": 480,
    "HKT": 480,
    "JST": 540,
    "KST": 540,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
    "HST": -600,
    "AKST": -540,
    "AKDT": -480,
    "PST": -480,
    "PDT": -420,
    "MST": -420,
    "MDT": -360,
    "CST": -360,
    "CDT": -300,
    "EST": -300,
    "EDT": -240,
    "AST": -240,
    "ADT": -180,
    "BRT": -180,
}

# Generic names (no S/D) follow daylight saving time, as a reader would take them.
GENERIC_ZONES: dict[str, str] = {
    "PT": "America/Los_Angeles",
    "MT": "America/Denver",
    "CT": "America/Chicago",
    "ET": "America/New_York",
}


def zone(name: str | None) -> dt.tzinfo:
    """The tzinfo for an IANA name, an abbreviation we know, or UTC when None."""
    if name is None or name.upper() in {"UTC", "Z", "GMT"}:
        return UTC
    if name.upper() in GENERIC_ZONES:
        return ZoneInfo(GENERIC_ZONES[name.upper()])
    if name.upper() in ZONE_ABBREVIATIONS:
        return dt.timezone(dt.timedelta(minutes=ZONE_ABBREVIATIONS[name.upper()]), name.upper())
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin"
        ) from exc


def _offset_zone(sign: str, hours: str, minutes: str | None) -> dt.tzinfo:
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > dt.timedelta(hours=14):
        raise ValueError(f"UTC offset {sign}{hours}:{minutes or '00'} is out of range")
    return dt.timezone(-delta if sign == "-" else delta)


# --- dates ---------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MON = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DASH = r"\s*(?:-|–|—|to|until)\s*"
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_MDY = re.compile(
    _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:" + _DASH + r"(?:"
    r"(?P<mon2>[A-Za-z]{3,9})\.?\s+)?(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?(?:,?\s+(?P<y>\d{4}))?(?!\d)",
    re.IGNORECASE,
)
_DMY = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:"
    + _DASH
    + r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?\s+(?:of\s+)?"
    + _MON
    + r"(?:,?\s+(?P<y>\d{4}))?(?!\d)",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.])(?P<a>\d{1,4})[/.](?P<b>\d{1,2})[/.](?P<c>\d{2,4})(?![\d/])"
)


@dataclass(frozen=True)
class DateMatch:
    """A date found in text, and where."""

    date: dt.date
    start: int
    end: int
    has_year: bool


def _make_date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from exc


def find_date(text: str, *, default_year: int | None = None) -> DateMatch | None:
    """The first date written in the text (ISO, month names, or numeric day-first), or None.

    A range such as ``Oct 21–22, 2018`` reads as its first day. Numeric dates are read day-first
    (``03/04/2024`` is 3 April) unless the second number is over 12 (``07/19/2024``); year-first
    numerics (``2024/07/19``) are year-month-day.
    """
    candidates: list[DateMatch] = []
    match = _ISO_DATE.search(text)
    if match:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        candidates.append(DateMatch(_make_date(year, month, day, match[0]), *match.span(), True))
    for pattern in (_MDY, _DMY):
        match = pattern.search(text)
        if match:
            year_text = match["y"]
            if year_text is None and default_year is None:
                continue
            year = int(year_text) if year_text else int(default_year or 0)
            month = _MONTHS[match["mon"][:3].lower()]
            day = int(match["d"])
            date = _make_date(year, month, day, match[0])
            candidates.append(DateMatch(date, *match.span(), year_text is not None))
    match = _NUMERIC_DATE.search(text)
    if match:
        a, b, c = match["a"], match["b"], match["c"]
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            year = int(c) + (2000 if len(c) == 2 else 0)
            first, second = int(a), int(b)
            month, day = (first, second) if second > 12 >= first else (second, first)
        candidates.append(DateMatch(_make_date(year, month, day, match[0]), *match.span(), True))
    if not candidates:
        return None
    return min(candidates, key=lambda found: found.start)


def parse_date(text: str) -> dt.date:
    """A date from ``2019-07-02``, ``July 2, 2019``, ``28 Feb 2017``, ``19/07/2024``, ..."""
    found = find_date(text)
    if found is None:
        raise ValueError(f"{text.strip()!r} is not a date; write it as YYYY-MM-DD")
    return found.date


def format_date(value: dt.date) -> str:
    """The canonical written form of a date: ISO-8601."""
    return value.isoformat()


# --- times ---------------------------------------------------------------------------------

_TIME = re.compile(
    r"(?<![\d:.])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?(?![\d:])"
    r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?"
    r"(?:\s*(?P<zone>Z(?![A-Za-z])|(?:UTC|GMT)(?:\s*(?P<zs>[+-])(?P<zh>\d{1,2})(?::?(?P<zm>\d{2}))?)?"
    r"|(?P<os>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})|(?P<abbr>[A-Z]{2,5})(?![A-Za-z])))?"
)
_APPROX = re.compile(r"^\s*(?:~|≈|approx(?:\.|imately)?|about|around|circa|ca\.)\s*", re.I)
ROLLOVER_THRESHOLD = dt.timedelta(hours=12)
# "1432 UTC" / "1432Z" (military, only with an explicit zone so years stay years) and "14h32".
_MILITARY = re.compile(r"(?<![\d:.])([01]\d|2[0-3])([0-5]\d)\s*(UTC|GMT|Z)(?![A-Za-z])")
_H_STYLE = re.compile(r"(?<![\d:.])(\d{1,2})h([0-5]\d)(?![\d])")
_DAY_MONTH = re.compile(r"(?:on\s+)?(\d{1,2})/(\d{1,2})")
# "6pm UTC", "9 a.m. PT": an hour with am/pm and no minutes.
_HOUR_AMPM = re.compile(r"(?<![\d:.,])(1[0-2]|0?[1-9])\s*([AaPp]\.?[Mm]\.?)(?![A-Za-z])")
_NOON = re.compile(r"\b(noon|midday|midnight)\b", re.IGNORECASE)
_NEXT_DAY = re.compile(r"\b(?:the\s+)?(?:next|following)\s+day\b|\(\+1\)|\+1\s*d(?:ay)?\b", re.I)
# An IANA zone written after the time: "14:00 Europe/Berlin".
_IANA = re.compile(r"\b([A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?)\b")


def _normalise_clock(text: str) -> str:
    if _TIME.search(text):
        return text  # an ordinary HH:MM is there; leave numbers such as years alone
    text = _MILITARY.sub(lambda m: f"{m[1]}:{m[2]} {m[3]}", text)
    text = _H_STYLE.sub(lambda m: f"{m[1]}:{m[2]}", text)
    if _TIME.search(text):
        return text
    text = _HOUR_AMPM.sub(lambda m: f"{m[1]}:00 {m[2]}", text, count=1)
    if _TIME.search(text):
        return text
    return _NOON.sub(lambda m: "12:00 AM" if m[1].lower() == "midnight" else "12:00 PM", text, 1)


def _day_month(text: str, reference: dt.date | None) -> DateMatch | None:
    """A yearless ``16/01`` beside a time, read day-first in the reference year."""
    match = _DAY_MONTH.fullmatch(text.strip(" ,()-–—"))
    if match is None or reference is None:
        return None
    first, second = int(match[1]), int(match[2])
    month, day = (first, second) if second > 12 >= first else (second, first)
    return DateMatch(_make_date(reference.year, month, day, match[0]), *match.span(), False)


@dataclass(frozen=True)
class _TimeMatch:
    hour: int
    minute: int
    second: int
    micro: int
    tz: dt.tzinfo | None
    is_utc: bool
    start: int
    end: int


def _read_time_match(match: re.Match[str]) -> _TimeMatch | None:
    hour, minute = int(match["h"]), int(match["mi"])
    ampm = match["ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(f"{match[0].strip()!r}: hour {hour} does not go with {ampm}")
        hour = hour % 12 + (12 if ampm[0].lower() == "p" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{match[0].strip()!r} is not a valid time of day")
    second = int(match["s"] or 0)
    if second > 59:
        raise ValueError(f"{match[0].strip()!r} is not a valid time of day")
    micro = int((match["f"] or "0")[:6].ljust(6, "0"))
    tz: dt.tzinfo | None = None
    is_utc = False
    if match["zone"]:
        if match["abbr"]:
            if match["abbr"] not in ZONE_ABBREVIATIONS and match["abbr"] not in GENERIC_ZONES:
                return _TimeMatch(hour, minute, second, micro, None, False, *match.span())
            tz = zone(match["abbr"])
            is_utc = ZONE_ABBREVIATIONS.get(match["abbr"]) == 0
        elif match["os"]:
            tz = _offset_zone(match["os"], match["oh"], match["om"])
        elif match["zs"]:
            tz = _offset_zone(match["zs"], match["zh"], match["zm"])
        else:
            tz, is_utc = UTC, True
    return _TimeMatch(hour, minute, second, micro, tz, is_utc, *match.span())


def parse_time(
    text: str,
    *,
    reference: dt.date | None,
    tz: dt.tzinfo = UTC,
    previous: dt.datetime | None = None,
) -> dt.datetime | None:
    """A UTC timestamp from text such as ``14:32 UTC``, ``2019-07-02T13:45:00Z``,
    ``2018-10-22 16:24 UTC`` or ``9:37 AM PST (17:37 UTC)``.

    When the text has several times, one marked UTC wins. A time with no zone is read in ``tz``.
    A time with no date takes the date of ``reference``; if that puts it more than 12 hours
    before ``previous`` (the time before it in the timeline), it is the next day, so a bare
    ``00:36`` after a 23:50 start lands after midnight. Returns None when the text has no time
    of day at all, or has no date and there is no reference date.
    """
    body = _APPROX.sub("", text)
    iso = _iso_datetime(body.strip())
    if iso is not None:
        return iso
    body = _normalise_clock(body)
    matches = [found for found in map(_read_time_match, _TIME.finditer(body)) if found]
    if not matches:
        return None
    chosen = next((found for found in matches if found.is_utc), matches[0])
    rest = body[: chosen.start] + " " + body[chosen.end :]
    date_found = find_date(rest, default_year=reference.year if reference else None)
    if date_found is None:
        date_found = _dateutil_date(rest, reference) or _day_month(rest, reference)
    day = date_found.date if date_found else reference
    if day is None:
        return None
    if date_found is None and _NEXT_DAY.search(body):
        day += dt.timedelta(days=1)
    zone_info = chosen.tz or tz
    if chosen.tz is None:
        named = _IANA.search(body)
        if named is not None:
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                zone_info = ZoneInfo(named[1])
    local = dt.datetime(day.year, day.month, day.day, chosen.hour, chosen.minute, chosen.second)
    value = _localise(local.replace(microsecond=chosen.micro), zone_info)
    local_twin = next((m for m in matches if m is not chosen and m.tz is not None), None)
    if chosen.is_utc and local_twin is not None and local_twin.tz is not None:
        # "9:37 PM PST (05:37 UTC)": the date belongs to the local time; the UTC time explains
        # it, so it lands on whichever UTC day is nearest that local moment.
        twin_local = dt.datetime(day.year, day.month, day.day, local_twin.hour, local_twin.minute)
        twin = _localise(twin_local, local_twin.tz)
        while value - twin > ROLLOVER_THRESHOLD:
            value -= dt.timedelta(days=1)
        while twin - value > ROLLOVER_THRESHOLD:
            value += dt.timedelta(days=1)
        return value
    if date_found is None and previous is not None:
        while value < previous - ROLLOVER_THRESHOLD:
            local += dt.timedelta(days=1)
            value = _localise(local.replace(microsecond=chosen.micro), zone_info)
    return value


def _localise(local: dt.datetime, zone_info: dt.tzinfo) -> dt.datetime:
    return local.replace(tzinfo=zone_info).astimezone(UTC)


_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$"
)


def _iso_datetime(text: str) -> dt.datetime | None:
    if not _ISO_DATETIME.match(text):
        return None
    value = text.replace("Z", "+00:00")
    head, dot, tail = value.partition(".")
    if dot:  # fromisoformat takes at most 6 fractional digits on 3.11: truncate, never round
        digits = re.match(r"\d+", tail)
        assert digits is not None
        value = f"{head}.{digits[0][:6]}{tail[len(digits[0]) :]}"
    try:
        return dt.datetime.fromisoformat(value).astimezone(UTC)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid timestamp ({exc})") from exc


def _dateutil_date(text: str, reference: dt.date | None) -> DateMatch | None:
    """A last try for dates our patterns do not know; None if dateutil finds none either."""
    cleaned = re.sub(r"[()\[\],]|\bon\b|\bat\b", " ", text).strip(" -–—")
    if not re.search(r"\d", cleaned) or not re.search(r"[A-Za-z]{3}", cleaned):
        return None
    first, second = dt.datetime(2001, 1, 1), dt.datetime(2002, 2, 2)
    try:
        one = dateutil_parser.parse(cleaned, default=first, fuzzy=True, ignoretz=True)
        two = dateutil_parser.parse(cleaned, default=second, fuzzy=True, ignoretz=True)
    except (ValueError, OverflowError):
        return None
    if one.day != two.day or one.month != two.month:
        return None
    year = one.year if one.year == two.year else (reference.year if reference else None)
    if year is None:
        return None
    return DateMatch(dt.date(year, one.month, one.day), 0, 0, one.year == two.year)


def date_time_of_day(text: str, *, tz: dt.tzinfo = UTC) -> dt.datetime | None:
    """The moment a header ``Date`` names when it carries a time of day, else None."""
    found = find_date(text)
    if found is None or not _TIME.search(_normalise_clock(text)):
        return None
    return parse_time(text, reference=found.date, tz=tz)


def names_zone(text: str) -> bool:
    """True when a time in the text carries its own zone (``14:32 UTC``, ISO with offset)."""
    body = _normalise_clock(_APPROX.sub("", text))
    try:
        if _iso_datetime(body.strip()) is not None:
            return True
        found = [_read_time_match(match) for match in _TIME.finditer(body)]
    except ValueError:
        return False
    return any(match is not None and match.tz is not None for match in found) or bool(
        _IANA.search(body)
    )


_ZONE_NOTE = re.compile(
    r"(?<![A-Za-z])all\s+(?:the\s+)?(?:times|timestamps)\b(?:\s+(?:below|above|here|shown|listed|given"
    r"|in\s+this\s+(?:document|timeline|post-?mortem)))?(?:\s+(?:are|is))?"
    r"(?:\s+(?:given|shown|listed|written|displayed))?(?:\s+in)?[\s:]+(?P<zone>[A-Za-z][\w/+-]*)",
    re.IGNORECASE,
)
_ZONE_WORDS = {
    "pacific": "America/Los_Angeles",
    "mountain": "America/Denver",
    "central": "America/Chicago",
    "eastern": "America/New_York",
}


def zone_note(text: str) -> str | None:
    """The zone a sentence such as *All times are in PST* or *(all times UTC)* names, if any."""
    for match in _ZONE_NOTE.finditer(text):
        name = match["zone"]
        name = _ZONE_WORDS.get(name.lower(), name)
        try:
            zone(name)
        except ValueError:
            continue
        return name.upper() if "/" not in name else name
    return None


def format_datetime(value: dt.datetime) -> str:
    """The canonical written form: ``2019-07-02 13:45 UTC`` (seconds and microseconds if set)."""
    value = value.astimezone(UTC)
    if value.microsecond:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    if value.second:
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    return value.strftime("%Y-%m-%d %H:%M UTC")


# --- durations -----------------------------------------------------------------------------

_UNIT_SECONDS: dict[str, Decimal] = {
    "w": Decimal(604800),
    "d": Decimal(86400),
    "h": Decimal(3600),
    "m": Decimal(60),
    "s": Decimal(1),
    "ms": Decimal("0.001"),
}
_DURATION_TOKEN = re.compile(
    r"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<u>weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m"
    r"|seconds?|secs?|s|milliseconds?|ms)(?![A-Za-z])",
    re.IGNORECASE,
)
_DURATION_JOIN = re.compile(r"^[\s,]*(?:and\s*)?$", re.IGNORECASE)
_CLOCK_DURATION = re.compile(r"^(?P<h>\d+):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# "4h25", "1h30": minutes written after the hours without their unit.
_BARE_MINUTES = re.compile(r"(\d\s*h(?:rs?)?)\s*(\d{1,2})(?![\d.,:]|\s*[A-Za-z])", re.I)
_ISO_DURATION = re.compile(
    r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.I,
)
_WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_WORD_UNIT = re.compile(
    r"\b(" + "|".join(_WORD_NUMBERS) + r")\s+(?=(?:weeks?|days?|hours?|minutes?|seconds?)\b)",
    re.I,
)
_HALF = re.compile(r"\bhalf\s+an?\s+hour\b", re.I)
_AND_A_HALF = re.compile(r"\b(\d+)\s+(hours?|days?|minutes?)\s+and\s+a\s+half\b", re.I)


def _duration_words(body: str) -> str:
    """``an hour``, ``two days``, ``half an hour``, ``1 hour and a half`` as digits."""
    body = _HALF.sub("30 minutes", body)
    body = _WORD_UNIT.sub(lambda m: f"{_WORD_NUMBERS[m[1].lower()]} ", body)
    return _AND_A_HALF.sub(lambda m: f"{m[1]}.5 {m[2]}", body)


def _unit_key(unit: str) -> str:
    unit = unit.lower()
    if unit.startswith(("ms", "milli")):
        return "ms"
    if unit.startswith("mi") or unit == "m":
        return "m"
    if unit.startswith("mo"):
        raise ValueError("months are not a duration we can count in seconds")
    return unit[0]


_CLOCK_RANGE = re.compile(
    r"(?<![\d:])(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*(?:-|–|—|to|until)\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})(?![\d:])"
)


def parse_duration(text: str) -> int | None:
    """Seconds from ``27 minutes``, ``2h48m``, ``1127 min``, ``00:02:00``, ``1d 0h 11m``,
    ``~18.8 hours`` or a clock range ``14:00–16:48``; the first run of units in the text counts,
    the rest is commentary. None when the text holds no duration."""
    body = _APPROX.sub("", text).strip()
    iso = _ISO_DURATION.match(body)
    if iso and any(iso.groupdict().values()):
        parts = {key: Decimal(value or 0) for key, value in iso.groupdict().items()}
        iso_seconds = parts["w"] * 604800 + parts["d"] * 86400 + parts["h"] * 3600
        return int((iso_seconds + parts["m"] * 60 + parts["s"]).to_integral_value())
    clock = _CLOCK_DURATION.match(body)
    if clock:
        if int(clock["m"]) > 59 or int(clock["s"] or 0) > 59:
            raise ValueError(f"{text.strip()!r} is not a valid duration (minutes or seconds > 59)")
        seconds = int(clock["h"]) * 3600 + int(clock["m"]) * 60 + int(clock["s"] or 0)
        return seconds
    body = _BARE_MINUTES.sub(r"\1 \2m", _duration_words(_THOUSANDS.sub("", body)))
    total = Decimal(0)
    last_end: int | None = None
    for match in _DURATION_TOKEN.finditer(body):
        if last_end is not None and not _DURATION_JOIN.match(body[last_end : match.start()]):
            break
        number = Decimal(match["n"].replace(",", "."))
        total += number * _UNIT_SECONDS[_unit_key(match["u"])]
        last_end = match.end()
    if last_end is None:
        if re.fullmatch(r"0+", body):
            return 0
        span = _CLOCK_RANGE.search(body)
        if span is None:
            return None
        start = int(span["h1"]) * 60 + int(span["m1"])
        end = int(span["h2"]) * 60 + int(span["m2"])
        return ((end - start) % 1440) * 60
    return int(total.to_integral_value())


def format_duration(seconds: int) -> str:
    """Human-readable duration: ``45s``, ``3m 5s``, ``2h 48m``, ``1d 0h 11m``."""
    if seconds < 0:
        return "-" + format_duration(-seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        parts = [f"{days}d", f"{hours}h", f"{minutes}m"]
    elif hours:
        parts = [f"{hours}h", f"{minutes}m"]
    elif minutes:
        parts = [f"{minutes}m"]
    else:
        return f"{secs}s"
    if secs:
        parts.append(f"{secs}s")
    return " ".join(parts)


# --- numbers -------------------------------------------------------------------------------

_ZERO_WORDS = {"none", "zero", "no", "nil", "0", "no tickets", "no complaints"}
_NUMBER = re.compile(
    r"(?<![\w.])(?P<n>\d+,\d{1,2}(?=\s*(?:thousand|million|billion|[kKmMbB](?![A-Za-z])))"
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.])"
    r"|\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s*(?P<mult>thousand|million|billion|[kKmMbB](?![A-Za-z]))?"
)
_MULTIPLIERS = {
    "k": 1000,
    "thousand": 1000,
    "m": 10**6,
    "million": 10**6,
    "b": 10**9,
    "billion": 10**9,
}


def _first_number(text: str) -> Decimal | None:
    match = _NUMBER.search(text)
    if match is None:
        return None
    written = match["n"]
    if re.fullmatch(r"\d+,\d{1,2}", written):  # "2,5k": a decimal comma
        digits = written.replace(",", ".")
    elif written.count(".") > 1:  # "1.234.567": dots between thousands
        digits = written.replace(".", "")
    else:
        digits = re.sub(r"[,\u202f\u00a0 ]", "", written)
    try:
        number = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None
    if match["mult"]:
        number *= _MULTIPLIERS[match["mult"].lower()]
    return number


def parse_count(text: str) -> int | None:
    """A whole count from ``1,234``, ``~2.5 million``, ``40k``, ``None`` (0); the first number
    in the text counts. None when the text has no number (it is prose, kept as written)."""
    if _bare(text) in _ZERO_WORDS:
        return 0
    number = _first_number(text)
    if number is None:
        return None
    return int(number.to_integral_value())


_SIGNED_PERCENT = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(?:%|percent\b|per\s+cent\b)", re.IGNORECASE
)
_PLAIN_PERCENT = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)")


def parse_percentage(text: str) -> float | None:
    """A percentage from ``12%``, ``~0.4 %``, ``12.5``; None when the text has no number."""
    # A number with its sign counts first: "3,400 of 10,000 (34%)" is 34.
    match = _SIGNED_PERCENT.search(text) or _PLAIN_PERCENT.search(text)
    if match is None:
        return None
    number = match.group(1)
    if _THOUSANDS.search(number):
        number = _THOUSANDS.sub("", number)
    return float(number.replace(",", "."))


def format_number(value: float) -> str:
    """A number without a needless ``.0``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def format_count(value: int) -> str:
    """A count with thousands separators: ``1,234,567``."""
    return f"{value:,}"


def format_percentage(value: float) -> str:
    """A percentage: ``12.5%``."""
    return f"{format_number(value)}%"


# --- measurements (performance impact) -------------------------------------------------------

_MEASUREMENT = re.compile(
    r"^(?P<n>[+-]?\d+(?:\.\d+)?)\s*(?P<unit>%|[A-Za-zµ/]+(?:/[A-Za-z]+)?)?\s*(?:\(.*\))?$"
)


@dataclass(frozen=True)
class MeasuredValue:
    """A number with its unit, as read from text such as ``120 ms`` or ``45%``."""

    value: float | None
    unit: str | None


def parse_measurement(text: str) -> MeasuredValue:
    """A number and its unit from ``0.1%``, ``120 ms``, ``2.3 s``, ``99.99%``, ``1.2k req/s``."""
    body = _APPROX.sub("", text).strip()
    match = _MEASUREMENT.match(body)
    if match is None:
        if re.search(r"\d", body):
            number = _first_number(body)
            return MeasuredValue(float(number) if number is not None else None, None)
        return MeasuredValue(None, None)
    return MeasuredValue(float(match["n"]), match["unit"])


def format_measurement(value: float | None, unit: str | None) -> str:
    """``45%``, ``120 ms``: percent signs stick to the number, other units take a space."""
    if value is None:
        return ""
    number = format_number(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"
