"""Time zones as writers name them: IANA names, abbreviations, and abbreviations that name several.

Pure data and small functions; :mod:`blamefree.domain.values` reads times with them and
re-exports them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC

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
    # Unambiguous ones people write beside a time.
    "WEST": 60,  # Western European Summer Time (Lisbon, Canaries in summer)
    "WAT": 60,
    "MEZ": 60,
    "MESZ": 120,
    "CAT": 120,
    "SAST": 120,
    "EAT": 180,
    "IDT": 180,
    "GST": 240,  # Gulf Standard Time
    "PKT": 300,
    "NPT": 345,
    "ICT": 420,
    "WIB": 420,
    "PHT": 480,
    "AWST": 480,
    "ACST": 570,
    "ACDT": 630,
    "NZT": 720,
    "NST": -210,
    "NDT": -150,
    "ART": -180,
    "PET": -300,
    "COT": -300,
}


@dataclass(frozen=True)
class ZoneReading:
    """One meaning of an abbreviation that names several zones."""

    minutes: int
    name: str
    zones: tuple[str, ...]  # IANA zones where people use the abbreviation with this meaning


# Abbreviations with more than one meaning: the first reading is the one taken (and kept in
# ZONE_ABBREVIATIONS) unless the document's zone is one of another reading's zones; either way
# the reader notes which (typed.py records a ``zone_ambiguous`` assumption).
AMBIGUOUS_ZONES: dict[str, tuple[ZoneReading, ...]] = {
    "IST": (
        ZoneReading(330, "India Standard Time", ("Asia/Kolkata", "Asia/Calcutta")),
        ZoneReading(60, "Irish Standard Time", ("Europe/Dublin",)),
        ZoneReading(120, "Israel Standard Time", ("Asia/Jerusalem", "Asia/Tel_Aviv")),
    ),
    "BST": (
        ZoneReading(60, "British Summer Time", ("Europe/London", "Europe/Belfast")),
        ZoneReading(360, "Bangladesh Standard Time", ("Asia/Dhaka",)),
    ),
    "CST": (
        ZoneReading(-360, "Central Standard Time (North America)", ("America/Chicago",)),
        ZoneReading(480, "China Standard Time", ("Asia/Shanghai", "Asia/Taipei", "PRC")),
        ZoneReading(-300, "Cuba Standard Time", ("America/Havana",)),
    ),
    "AST": (
        ZoneReading(-240, "Atlantic Standard Time", ("America/Halifax", "America/Puerto_Rico")),
        ZoneReading(180, "Arabia Standard Time", ("Asia/Riyadh", "Asia/Baghdad", "Asia/Kuwait")),
    ),
}
# Capitals after a time that look like a zone we do not know ("14:05 XYZT"): noted, not silent.
ZONE_LIKE = re.compile(r"[A-Z]{2,4}T")

# Generic names (no S/D) follow daylight saving time, as a reader would take them.
GENERIC_ZONES: dict[str, str] = {
    "PT": "America/Los_Angeles",
    "MT": "America/Denver",
    "CT": "America/Chicago",
    "ET": "America/New_York",
}


_ZONE_NAME_MAX = 64  # the longest IANA name is 32 characters


def zone_key(tz: dt.tzinfo | None) -> str | None:
    """The IANA name of a zone, or None for a fixed offset."""
    return tz.key if isinstance(tz, ZoneInfo) else None


def abbreviation_reading(abbr: str, local: dt.tzinfo | None = None) -> ZoneReading | None:
    """The reading of an ambiguous abbreviation in a document whose zone is ``local``: the one
    used in that zone, else the first; None when the abbreviation is not ambiguous."""
    readings = AMBIGUOUS_ZONES.get(abbr.upper())
    if readings is None:
        return None
    key = zone_key(local)
    return next((r for r in readings if key in r.zones), readings[0])


def zone(name: str | None, local: dt.tzinfo | None = None) -> dt.tzinfo:
    """The tzinfo for an IANA name, an abbreviation we know, or UTC when None; an abbreviation
    with several meanings takes the one used in ``local`` (the document's zone), if any."""
    reading = abbreviation_reading(name, local) if name is not None else None
    if name is not None and reading is not None:
        return dt.timezone(dt.timedelta(minutes=reading.minutes), name.upper())
    if name is None or name.upper() in {"UTC", "Z", "GMT"}:
        return UTC
    if name.upper() in GENERIC_ZONES:
        return ZoneInfo(GENERIC_ZONES[name.upper()])
    if name.upper() in ZONE_ABBREVIATIONS:
        return dt.timezone(dt.timedelta(minutes=ZONE_ABBREVIATIONS[name.upper()]), name.upper())
    if len(name) > _ZONE_NAME_MAX:
        raise ValueError(
            f"unknown time zone {name[:_ZONE_NAME_MAX]!r}...; use an IANA name such as "
            "Europe/Berlin"
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        # OSError: a name the file system refuses (too long, odd characters) is no zone either.
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin"
        ) from exc


def offset_zone(sign: str, hours: str, minutes: str | None) -> dt.tzinfo:
    """A fixed zone from a written offset (``+``, ``05``, ``30``); over 14 hours is an error."""
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > dt.timedelta(hours=14):
        raise ValueError(f"UTC offset {sign}{hours}:{minutes or '00'} is out of range")
    return dt.timezone(-delta if sign == "-" else delta)
