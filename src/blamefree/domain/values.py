"""Reading and writing the typed values of a post-mortem: dates, times, durations, numbers.

Every ``parse_*`` function takes the text as a writer put it and raises ``ValueError`` with a
message a person can act on when the text looks like a value of that type but is not one. Text
that is a template placeholder or says "unknown" is reported by :func:`is_unknown` and never
reaches the parsers. The rules for ambiguous input are documented in docs/file-format.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from dateutil import parser as dateutil_parser

from blamefree.domain.unknown import APPROX as _APPROX
from blamefree.domain.unknown import UNKNOWN_WORDS as UNKNOWN_WORDS
from blamefree.domain.unknown import is_placeholder as is_placeholder
from blamefree.domain.unknown import is_unknown as is_unknown
from blamefree.domain.unknown import says_none as says_none
from blamefree.domain.unknown import unknown_with_note as unknown_with_note
from blamefree.domain.zones import AMBIGUOUS_ZONES as AMBIGUOUS_ZONES
from blamefree.domain.zones import GENERIC_ZONES as GENERIC_ZONES
from blamefree.domain.zones import ZONE_ABBREVIATIONS as ZONE_ABBREVIATIONS
from blamefree.domain.zones import ZONE_LIKE, offset_zone, zone_key
from blamefree.domain.zones import ZoneReading as ZoneReading
from blamefree.domain.zones import abbreviation_reading as abbreviation_reading
from blamefree.domain.zones import zone as zone

UTC = dt.UTC

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
    other_reading: dt.date | None = None  # a numeric date that reads both ways: the other way


def _make_date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from exc


def find_date(text: str, *, default_year: int | None = None) -> DateMatch | None:
    """The first date written in the text (ISO, month names, or numeric day-first), or None.

    A range such as ``Oct 21–22, 2018`` reads as its first day. Numeric dates are read day-first
    (``03/04/2024`` is 3 April) unless the second number is over 12 (``07/19/2024``); year-first
    numerics (``2024/07/19``) are year-month-day. A slashed date that reads both ways carries
    the other reading in ``other_reading``.
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
        other: dt.date | None = None
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            year = int(c) + (2000 if len(c) == 2 else 0)
            first, second = int(a), int(b)
            # Dotted dates (12.03.2024) are day first by convention; slashed ones read both ways.
            slashed = "/" in match[0]
            if second > 12 >= first:
                month, day = first, second
            else:
                month, day = second, first
            if slashed and first != second and first <= 12 and second <= 12:
                with contextlib.suppress(ValueError):
                    other = dt.date(year, day, month)
        date = _make_date(year, month, day, match[0])
        candidates.append(DateMatch(date, *match.span(), True, other))
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
    abbr: str | None = None  # the zone abbreviation written after the time, known or not


def _read_time_match(match: re.Match[str], local: dt.tzinfo | None = None) -> _TimeMatch | None:
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
            abbr = match["abbr"]
            if abbr not in ZONE_ABBREVIATIONS and abbr not in GENERIC_ZONES:
                return _TimeMatch(hour, minute, second, micro, None, False, *match.span(), abbr)
            tz = zone(abbr, local)
            is_utc = ZONE_ABBREVIATIONS.get(abbr) == 0
            return _TimeMatch(hour, minute, second, micro, tz, is_utc, *match.span(), abbr)
        elif match["os"]:
            tz = offset_zone(match["os"], match["oh"], match["om"])
        elif match["zs"]:
            tz = offset_zone(match["zs"], match["zh"], match["zm"])
        else:
            tz, is_utc = UTC, True
    return _TimeMatch(hour, minute, second, micro, tz, is_utc, *match.span())


_RANGE_JOIN = re.compile(r"\s{0,3}(?:-|–|—|to|and|until|till|through)\s{0,3}", re.IGNORECASE)


def _ranges_start(body: str, matches: list[_TimeMatch]) -> list[_TimeMatch]:
    """Times with each range (``13:42–13:45 UTC``, ``between 13:42 and 13:45 UTC``) reduced to
    its start, which takes the zone written after the end."""
    out: list[_TimeMatch] = []
    skip = False
    followers: list[_TimeMatch | None] = [*matches[1:], None] if matches else []
    for first, second in zip(matches, followers, strict=True):
        if skip:
            skip = False
            continue
        if second is not None and _RANGE_JOIN.fullmatch(body, first.end, second.start):
            if first.tz is None:
                first = dataclasses.replace(first, tz=second.tz, is_utc=second.is_utc)
            skip = True
        out.append(first)
    return out


def parse_time(
    text: str,
    *,
    reference: dt.date | None,
    tz: dt.tzinfo = UTC,
    previous: dt.datetime | None = None,
    near: dt.datetime | None = None,
) -> dt.datetime | None:
    """A UTC timestamp from text such as ``14:32 UTC``, ``2019-07-02T13:45:00Z``,
    ``2018-10-22 16:24 UTC`` or ``9:37 AM PST (17:37 UTC)``.

    When the text has several times, one marked UTC wins; a range reads as its start. A time
    with no zone is read in ``tz``. A time with no date takes the date of ``reference``; if that
    puts it more than 12 hours before ``previous`` (the time before it in the timeline), it is
    the next day, so a bare ``00:36`` after a 23:50 start lands after midnight; with ``near``
    instead (a moment of the document the reference date was taken from) it lands on the day
    nearest that moment. Returns None when the text has no time of day at all, or has no date
    and there is no reference date.
    """
    try:
        return _parse_time(text, reference=reference, tz=tz, previous=previous, near=near)
    except OverflowError as exc:
        raise ValueError(f"{text.strip()[:60]!r} is out of the range of dates") from exc


def _parse_time(
    text: str,
    *,
    reference: dt.date | None,
    tz: dt.tzinfo,
    previous: dt.datetime | None,
    near: dt.datetime | None,
) -> dt.datetime | None:
    body = _APPROX.sub("", text)
    iso = _iso_datetime(body.strip())
    if iso is not None:
        return iso
    body = _normalise_clock(body)
    chosen_match = _chosen(body, tz)
    if chosen_match is None:
        return None
    chosen, matches = chosen_match
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
            with contextlib.suppress(ValueError):
                zone_info = zone(named[1])
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
    day_length = dt.timedelta(days=1)
    if date_found is None and previous is not None and value < previous - ROLLOVER_THRESHOLD:
        # Whole days at once (a far-off previous time must not mean a day-by-day walk).
        local += day_length * max((previous - ROLLOVER_THRESHOLD - value) // day_length, 0)
        value = _localise(local.replace(microsecond=chosen.micro), zone_info)
        while value < previous - ROLLOVER_THRESHOLD:
            local += day_length
            value = _localise(local.replace(microsecond=chosen.micro), zone_info)
    elif date_found is None and near is not None:
        shift = round((near - value) / day_length)
        if shift:
            local += day_length * shift
            value = _localise(local.replace(microsecond=chosen.micro), zone_info)
    return value


def _chosen(body: str, local: dt.tzinfo | None) -> tuple[_TimeMatch, list[_TimeMatch]] | None:
    """The time a text is read as (one marked UTC wins, a range reads as its start), and all of
    them; None when it has no time of day."""
    found_times = [m for m in (_read_time_match(t, local) for t in _TIME.finditer(body)) if m]
    matches = _ranges_start(body, found_times)
    if not matches:
        return None
    return next((found for found in matches if found.is_utc), matches[0]), matches


@dataclass(frozen=True)
class ZoneDoubt:
    """A zone written with a time that does not say one zone outright."""

    abbr: str
    reading: ZoneReading | None  # the meaning taken, for an ambiguous abbreviation
    others: tuple[ZoneReading, ...]  # its other meanings


def zone_doubt(text: str, local: dt.tzinfo | None = None) -> ZoneDoubt | None:
    """What is unsure about the zone of the time ``text`` is read as: an abbreviation with
    several meanings (``IST``), or capitals that look like a zone we do not know (``XYZT``,
    ``reading`` None); None when the zone is plain or the text names none."""
    body = _normalise_clock(_APPROX.sub("", text))
    try:
        if _iso_datetime(body.strip()) is not None:
            return None
        chosen = _chosen(body, local)
    except ValueError:
        return None
    if chosen is None or chosen[0].abbr is None:
        return None
    abbr = chosen[0].abbr
    reading = abbreviation_reading(abbr, local)
    if reading is not None and isinstance(local, dt.timezone) and local.tzname(None) == abbr:
        return None  # the document's own zone is this abbreviation: noted once, with it
    if reading is not None and zone_key(local) in reading.zones:
        return None  # the document's zone says which: IST in a Europe/Dublin document
    if reading is not None:
        others = tuple(r for r in AMBIGUOUS_ZONES[abbr] if r is not reading)
        return ZoneDoubt(abbr, reading, others)
    known = abbr in ZONE_ABBREVIATIONS or abbr in GENERIC_ZONES
    if known or not ZONE_LIKE.fullmatch(abbr) or chosen[0].tz is not None:
        return None
    if any(m.tz is not None for m in chosen[1]):
        return None  # another time in the text names a zone we know ("14:05 XYZT (13:05 UTC)")
    return ZoneDoubt(abbr, None, ())


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


def written_zone(text: str) -> tuple[str, dt.tzinfo] | None:
    """The zone of the time the text is read as, as written (``EET``, ``UTC``, ``+02:00``,
    ``Europe/Berlin``), with its tzinfo; None when no time in it names a zone. As in
    :func:`parse_time`, a time marked UTC wins over the others."""
    body = _normalise_clock(_APPROX.sub("", text))
    try:
        iso = _iso_datetime(body.strip())
        if iso is not None:
            ending = re.search(r"(?:Z|[+-]\d{2}:?\d{2})$", body.strip())
            offset = ending[0] if ending else "Z"
            name = "UTC" if offset in ("Z", "+00:00", "+0000") else offset
            return name, zone(name) if name == "UTC" else _iso_offset(offset)
        zoned: list[tuple[str, dt.tzinfo, bool]] = []
        for match in _TIME.finditer(body):
            found = _read_time_match(match)
            if found is not None and found.tz is not None:
                zoned.append((match["zone"].strip(), found.tz, found.is_utc))
        # As in parse_time, a time marked UTC wins: "9:37 PM PST (05:37 UTC)" is read in UTC.
        for written, tz, _utc in sorted(zoned, key=lambda row: not row[2]):
            return ("UTC" if written == "Z" else written), tz
    except ValueError:
        return None
    named = _IANA.search(body)
    if named is not None:
        with contextlib.suppress(ValueError):
            return named[1], zone(named[1])
    return None


def _iso_offset(offset: str) -> dt.tzinfo:
    sign, digits = offset[0], offset[1:].replace(":", "")
    return offset_zone(sign, digits[:2], digits[2:4] or None)


_ZONE_NOTE = re.compile(
    # The literal first (with the letter check after it) lets the engine skip to each "all".
    r"all(?<![A-Za-z]all)\s+(?:the\s+)?(?:times|timestamps)\b"
    r"(?:\s+(?:below|above|here|shown|listed|given"
    r"|in\s+this\s+(?:document|timeline|post-?mortem)))?(?:\s+(?:are|is))?"
    r"(?:\s+(?:given|shown|listed|written|displayed))?(?:\s+in)?[\s:]+(?P<zone>[A-Za-z][\w/+-]{0,63})",
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


# The number readers live in numbers.py and the unknown words in unknown.py; they are part of
# this module's interface too.
from blamefree.domain.numbers import MAX_DIGITS as MAX_DIGITS  # noqa: E402
from blamefree.domain.numbers import MeasuredValue as MeasuredValue  # noqa: E402
from blamefree.domain.numbers import format_count as format_count  # noqa: E402
from blamefree.domain.numbers import format_duration as format_duration  # noqa: E402
from blamefree.domain.numbers import format_measurement as format_measurement  # noqa: E402
from blamefree.domain.numbers import format_number as format_number  # noqa: E402
from blamefree.domain.numbers import format_percentage as format_percentage  # noqa: E402
from blamefree.domain.numbers import mask_codes as mask_codes  # noqa: E402
from blamefree.domain.numbers import parse_count as parse_count  # noqa: E402
from blamefree.domain.numbers import parse_duration as parse_duration  # noqa: E402
from blamefree.domain.numbers import parse_measurement as parse_measurement  # noqa: E402
from blamefree.domain.numbers import parse_percentage as parse_percentage  # noqa: E402
from blamefree.domain.numbers import writes_dot_thousands as writes_dot_thousands  # noqa: E402
