"""Durations, counts, percentages and measurements as people write them, read into numbers.

Every pattern here is linear in its text: a number can only start where a number can start
(never inside a run of digits, a name or a code such as ``eu-west-2``), quantifiers are bounded
or possessive, and a number of more than ``MAX_DIGITS`` digits is text, not a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from blamefree.domain.unknown import APPROX as _APPROX
from blamefree.domain.unknown import bare as _bare

# --- durations -----------------------------------------------------------------------------

_UNIT_SECONDS: dict[str, Decimal] = {
    "w": Decimal(604800),
    "d": Decimal(86400),
    "h": Decimal(3600),
    "m": Decimal(60),
    "s": Decimal(1),
    "ms": Decimal("0.001"),
}
# A number starts where a number can start: not inside "k8s", "eu-west-1" or a run of digits
# (where the engine would retry at every digit), except right after a unit ("2h48m"); it has at
# most 12 digits, so a run of thousands of digits is text. "1-2 hours" reads as its start.
_NUMBER_START = r"(?:(?<![\w.,])(?<![A-Za-z_][-/:])|(?<=\d[hdmswHDMSW]))"
_DURATION_NUMBER = r"\d{1,12}(?:[.,]\d{1,9})?(?!\d|[.,]\d)"
_DURATION_TOKEN = re.compile(
    _NUMBER_START
    + r"(?P<n>"
    + _DURATION_NUMBER
    + r")(?:\s{0,3}(?:-|–|—|to)\s{0,3}"
    + _DURATION_NUMBER
    + r")?\s*+(?P<u>weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m"
    r"|seconds?|secs?|s|milliseconds?|ms)(?![A-Za-z])",
    re.IGNORECASE,
)
_DURATION_JOIN = re.compile(r"^[\s,]*(?:and\s*)?$", re.IGNORECASE)
_CLOCK_DURATION = re.compile(r"^(?P<h>\d{1,9}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# "4h25", "1h30": minutes written after the hours without their unit.
_BARE_MINUTES = re.compile(r"(\d\s*h(?:rs?)?)\s*(\d{1,2})(?![\d.,:]|\s*[A-Za-z])", re.I)
_ISO_DURATION = re.compile(
    r"^P(?:(?P<w>\d{1,9})W)?(?:(?P<d>\d{1,9})D)?"
    r"(?:T(?:(?P<h>\d{1,9})H)?(?:(?P<m>\d{1,9})M)?(?:(?P<s>\d{1,9}(?:\.\d{1,9})?)S)?)?$",
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
    "zero": 0,
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


# A stated zero at the start, with or without a note after it.
_ZERO_DURATION = re.compile(
    r"(?:0{1,9}(?:[.,]0{1,9})?(?![\w.,:])|(?:zero|nil|immediate(?:ly)?|instant(?:ly|aneous(?:ly)?)?)\b)",
    re.IGNORECASE,
)
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
    body = mask_codes(body)
    if _ZERO_DURATION.match(body) and not _DURATION_TOKEN.match(body):
        return 0  # "~0 (seen as it happened)", "immediately": a stated zero, not unknown
    total = Decimal(0)
    last_end: int | None = None
    for match in _DURATION_TOKEN.finditer(body):
        if last_end is not None and not _DURATION_JOIN.match(body[last_end : match.start()]):
            break
        number = Decimal(match["n"].replace(",", "."))
        total += number * _UNIT_SECONDS[_unit_key(match["u"])]
        last_end = match.end()
    if last_end is None:
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
MAX_DIGITS = 18  # a longer number is kept as text: no count, rate or user number is that big
# Where a number can start: not inside a name or code ("v3", "k8s", "eu-west-2", "#1234",
# "node-7") nor inside a run of digits, which also keeps every pattern below linear.
_START = r"(?<![\w.#:])(?<![A-Za-z_][-/:])"
# ...and what may not follow it: letters ("503s", "3pm", "2nd"), "-letter" ("3-node"), ":digit".
_END = r"(?![A-Za-z_]|-[A-Za-z]|:\d)"
_MULT = r"(?P<mult>thousand|million|billion|[kKmMbB](?![A-Za-z]))"
_NUMBER = re.compile(
    _START + r"(?P<n>\d++,\d{1,2}(?=\s*+(?:thousand|million|billion|[kKmMbB](?![A-Za-z])))"
    r"|\d{1,3}(?:\.\d{3}){2,}+(?![\d.])"
    r"|\d{1,3}(?:[,\u202f\u00a0 ]\d{3})++(?:\.\d++)?+(?!\d)"
    r"|\d++(?:\.\d++)?+)"
    r"(?:\s*+" + _MULT + r")?" + _END
)
_MULTIPLIERS = {
    "k": 1000,
    "thousand": 1000,
    "m": 10**6,
    "million": 10**6,
    "b": 10**9,
    "billion": 10**9,
}
_DOT_GROUP = re.compile(r"\d{1,3}\.\d{3}")
# "HTTP 503", "status 502", "error code 500": a status code, not a count or a duration.
_STATUS_CODE = re.compile(
    r"\b(?:HTTP(?:/\d(?:\.\d)?)?|status(?:\s{1,3}code)?|error(?:\s{1,3}code)?|code)"
    r"\s{0,3}[1-5]\d\d(?:s\b)?",
    re.IGNORECASE,
)


def mask_codes(text: str) -> str:
    """The text with HTTP status codes blanked (same length), so they are not read as numbers."""
    return _STATUS_CODE.sub(lambda match: " " * len(match[0]), text)


def _first_number(text: str, *, dot_thousands: bool = False) -> Decimal | None:
    match = _NUMBER.search(mask_codes(text))
    if match is None:
        return None
    written = match["n"]
    if re.fullmatch(r"\d+,\d{1,2}", written):  # "2,5k": a decimal comma
        digits = written.replace(",", ".")
    elif written.count(".") > 1 or (dot_thousands and _DOT_GROUP.fullmatch(written)):
        digits = written.replace(".", "")  # "1.234.567", or "3.000" where dots group thousands
    else:
        digits = re.sub(r"[,\u202f\u00a0 ]", "", written)
    if len(digits.replace(".", "")) > MAX_DIGITS:
        return None
    number = Decimal(digits)
    if match["mult"]:
        number *= _MULTIPLIERS[match["mult"].lower()]
    return number


def parse_count(text: str, *, dot_thousands: bool = False) -> int | None:
    """A whole count from ``1,234``, ``~2.5 million``, ``40k``, ``None`` (0); the first number
    in the text counts, numbers in names and codes (``eu-west-2``, ``HTTP 503s``) do not.
    ``dot_thousands`` reads ``3.000`` as 3000 (a document that groups thousands with dots).
    None when the text has no number (it is prose, kept as written)."""
    if _bare(text) in _ZERO_WORDS:
        return 0
    number = _first_number(text, dot_thousands=dot_thousands)
    if number is None:
        return None
    return int(number.to_integral_value())


# How a document writes its numbers: "1.234.567" or "1.234,5" group thousands with dots;
# "1,234", "1,234.5" or a decimal point with other than three decimals ("12.5") do not.
_NUMBER_TOKEN = re.compile(r"\d[\d.,]*+")
_DOT_STYLE = re.compile(r"\d{1,3}(?:\.\d{3}){1,2},\d+|\d{1,3}\.\d{3}\.\d{3}")
_COMMA_STYLE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+\.(?:\d{1,2}|\d{4,})")


def writes_dot_thousands(text: str) -> bool:
    """True when the text groups thousands with dots and never writes a decimal point."""
    dots = False
    for match in _NUMBER_TOKEN.finditer(text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "._"):
            continue  # inside a name, a version or an address
        token = match[0].rstrip(".,")
        if _COMMA_STYLE.fullmatch(token):
            return False
        dots = dots or bool(_DOT_STYLE.fullmatch(token))
    return dots


_PERCENT_NUMBER = r"\d{1,15}(?!\d)(?:[.,]\d{1,15}(?!\d))?"
_SIGNED_PERCENT = re.compile(
    _START + r"(" + _PERCENT_NUMBER + r")\s*+(?:%|percent\b|per\s{1,3}cent\b)", re.IGNORECASE
)
_PLAIN_PERCENT = re.compile(
    _START + r"(\d{1,3}(?:,\d{3}){1,4}+(?:\.\d{1,15})?+(?!\d)|" + _PERCENT_NUMBER + r")" + _END
)


def parse_percentage(text: str) -> float | None:
    """A percentage from ``12%``, ``~0.4 %``, ``12.5``; None when the text has no number."""
    # A number with its sign counts first: "3,400 of 10,000 (34%)" is 34.
    text = mask_codes(text)
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

_MEASURED = re.compile(
    r"(?<![\w.#:])(?<![A-Za-z_][/:])(?P<n>[+-]?\d{1,15}(?!\d)(?:\.\d{1,15}(?!\d))?)"
    r"(?:\s{0,3}(?P<mult>[kKM])(?![A-Za-z]))?"
    r"(?:\s{0,3}(?P<unit>%|[A-Za-zµ]{1,16}(?:/[A-Za-z]{1,16})?)(?![A-Za-z/]))?"
)
_COMPARISON = re.compile(r"^\s*(?:<|>|≤|≥|<=|>=|under|over|below|above|up\s+to)\s*", re.I)
# Units kept even when words follow them ("120 ms at p99", "40% of normal traffic").
_TIME_UNITS = "ms msec s sec secs second seconds m min mins minute minutes h hr hrs hour hours"
_RATE_UNITS = "us µs ns rps qps rpm tps kb mb gb tb kib mib gib"
_KNOWN_UNITS = frozenset(f"% {_TIME_UNITS} {_RATE_UNITS}".split(" "))
# "1h53m", "2h 5m", "1m30s", "1d 4h": two or more units run together are one duration, in seconds.
_COMPACT_DURATION = re.compile(
    r"\d{1,9}\s{0,2}(?:d|h|hrs?|m|min)\s{0,2}\d{1,9}\s{0,2}(?:h|m|min|s)"
    r"(?:\s{0,2}\d{1,9}\s{0,2}s)?(?![A-Za-z])"
    r"|\d{1,9}h\d{1,2}(?![\d.,:%A-Za-z])",  # "4h25": minutes after the hours, without a unit
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MeasuredValue:
    """A number with its unit, as read from text such as ``120 ms`` or ``45%``."""

    value: float | None
    unit: str | None


def parse_measurement(text: str, *, dot_thousands: bool = False) -> MeasuredValue:
    """A number and its unit from ``0.1%``, ``120 ms``, ``2.3 s``, ``99.99%``, ``1.2k req/s``,
    ``<1%`` or ``~40% of normal traffic`` (the words after a known unit are commentary); a
    duration written with its units run together (``1h53m``) is read in seconds."""
    body = _COMPARISON.sub("", _APPROX.sub("", text)).strip()
    compact = _COMPACT_DURATION.match(body)
    if compact is not None:
        seconds = parse_duration(compact[0])
        if seconds is not None:
            return MeasuredValue(float(seconds), "s")
    match = _MEASURED.search(mask_codes(body))
    if match is None:
        return MeasuredValue(None, None)
    written = match["n"]
    if dot_thousands and _DOT_GROUP.fullmatch(written.lstrip("+-")):
        written = written.replace(".", "")
    number = float(written)
    if match["mult"]:
        number *= _MULTIPLIERS[match["mult"].lower()]
    unit = match["unit"]
    rest = body[match.end() :].strip()
    # A word after the number is its unit when nothing but a note follows it, or when it is a
    # unit we know or a rate ("errors/min"); otherwise it is the start of a sentence.
    noted = not rest or (rest.startswith("(") and rest.endswith(")"))
    if unit is not None and not noted and unit.lower() not in _KNOWN_UNITS and "/" not in unit:
        unit = None
    return MeasuredValue(number, unit)


def format_measurement(value: float | None, unit: str | None) -> str:
    """``45%``, ``120 ms``: percent signs stick to the number, other units take a space."""
    if value is None:
        return ""
    number = format_number(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"
