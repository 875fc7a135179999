"""Typed fields of the Markdown reader: dates, times, durations, counts, percentages.

Each reader returns ``(value, text as written when it differs from the canonical form)`` and
records in ``ctx.assumptions`` what it decided that the text did not say (a zone carried over, a
date that reads both ways, thousands grouped with dots, a value too long to read). A value longer
than ``FIELD_CAP`` characters is not read at all: it is kept as text and noted, so no input can
make a value reader slow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from blamefree.domain import values
from blamefree.domain.assumptions import Assumption, shown
from blamefree.domain.derive import FROM_EVENTS, FROM_TIMELINE
from blamefree.markdown.fields import Context, Field

FIELD_CAP = 1000  # characters of one typed value that are read; a longer one is kept as text


def derived(value: str) -> bool:
    """True for a value Blamefree filled in from the event log or the timeline when rendering."""
    return value.endswith((FROM_EVENTS, FROM_TIMELINE))


def free_text(found: dict[str, Field], key: str) -> str | None:
    """A free-text field; placeholders, unknown words and derived values read as None."""
    item = found.get(key)
    if item is None or values.is_unknown(item.value) or derived(item.value):
        return None
    return item.value


def unknown_text(found: dict[str, Field], key: str) -> str | None:
    """What the author wrote in a text field that says it is not known and why (``TBD (ask
    finance)``), kept so the note is not lost; None for a bare ``TBD``, a placeholder, a derived
    value or nothing."""
    item = found.get(key)
    if item is None or derived(item.value):
        return None
    written = item.value.strip()
    return written if values.unknown_with_note(written) else None


def kept(written: str, canonical: str) -> str | None:
    """The text as written when it differs from the canonical form, else None."""
    return None if written == canonical else written


def too_long(ctx: Context, text: str, path: str) -> bool:
    """True (and noted) when a typed value is longer than the reader reads."""
    if len(text) <= FIELD_CAP:
        return False
    ctx.assume(
        Assumption(
            kind="field_too_long",
            field=path,
            text=shown(text),
            length=len(text),
            note=f"{len(text):,} characters are more than the {FIELD_CAP:,} a value is read "
            "from, so it is kept as text with no value; put the value first and move the "
            "rest to a note or section of its own",
        )
    )
    return True


def _unread(found: Field | None, *, skip_derived: bool = False) -> tuple[bool, str | None]:
    """(True, kept text) for a field with no value to read: absent, placeholder or unknown."""
    if found is None or values.is_placeholder(found.value):
        return True, None
    if skip_derived and derived(found.value):
        return True, None
    if values.is_unknown(found.value):
        return True, found.value
    return False, None


# --- dates -----------------------------------------------------------------------------------


def read_date(
    ctx: Context, found: Field | None, path: str, *, required: bool = False
) -> tuple[dt.date | None, str | None]:
    """A date field; ``required`` makes text that holds no date an error (the header Date)."""
    done, text = _unread(found)
    if done or found is None:
        return None, text
    if too_long(ctx, found.value, path):
        return None, found.value
    match = ctx.typed(_date_reader(ctx.reference), found, path)
    if match is None:
        if required:
            raise ctx.fail(
                f"{shown(found.value)!r} is not a date; write it as YYYY-MM-DD "
                "(or 'unknown' if it is not known)",
                found.line,
                path,
            )
        return None, found.value
    if match.other_reading is not None:
        ctx.assume(_ambiguous(found.value, path, match))
    return match.date, kept(found.value, values.format_date(match.date))


def _ambiguous(text: str, path: str, match: values.DateMatch) -> Assumption:
    assert match.other_reading is not None
    return Assumption(
        kind="ambiguous_date",
        field=path,
        text=shown(text),
        read_as=values.format_date(match.date),
        other_reading=values.format_date(match.other_reading),
        note=f"{text[match.start : match.end]!r} reads both ways; it was read day first, as "
        f"{values.format_date(match.date)}, not {values.format_date(match.other_reading)}. "
        "Write it as YYYY-MM-DD to say which",
    )


def _date_reader(reference: dt.date | None) -> Callable[[str], values.DateMatch | None]:
    """Dates after the header take a missing year from the document's date: the first such
    day on or after it (``Mar 3`` in a post-mortem of 28 Feb 2017 is 2017-03-03, ``Jan 5`` in
    one of 28 Dec 2023 is 2024-01-05), since due dates, reviews and sign-off come later."""

    def read(text: str) -> values.DateMatch | None:
        if reference is None:
            return values.find_date(text)
        found = values.find_date(text, default_year=reference.year)
        if found is None or found.has_year or found.date >= reference:
            return found
        return values.find_date(text, default_year=reference.year + 1)

    return read


# --- numbers ---------------------------------------------------------------------------------


def read_count(ctx: Context, found: Field | None, path: str) -> tuple[int | None, str | None]:
    done, text = _unread(found)
    if done or found is None:
        return None, text
    if too_long(ctx, found.value, path):
        return None, found.value
    dots = ctx.dot_thousands
    count = ctx.typed(lambda value: values.parse_count(value, dot_thousands=dots), found, path)
    if count is None:
        return None, found.value
    if dots and count != values.parse_count(found.value):
        ctx.assume(_dotted(found.value, path, values.format_count(count)))
    return count, kept(found.value, values.format_count(count))


def _dotted(text: str, path: str, read_as: str) -> Assumption:
    return Assumption(
        kind="dot_thousands",
        field=path,
        text=shown(text),
        read_as=read_as,
        note=f"{shown(text)!r} was read as {read_as}: this document groups thousands with "
        "dots (1.234.567), so a single dot before three digits does too",
    )


def read_percentage(
    ctx: Context, found: Field | None, path: str
) -> tuple[float | None, str | None]:
    done, text = _unread(found)
    if done or found is None:
        return None, text
    if too_long(ctx, found.value, path):
        return None, found.value
    number = ctx.typed(values.parse_percentage, found, path)
    if number is None:
        return None, found.value
    return number, kept(found.value, values.format_percentage(number))


def read_duration(ctx: Context, found: Field | None, path: str) -> tuple[int | None, str | None]:
    done, text = _unread(found, skip_derived=True)
    if done or found is None:
        return None, text
    if too_long(ctx, found.value, path):
        return None, found.value
    seconds = ctx.typed(values.parse_duration, found, path)
    if seconds is None:
        return None, found.value
    return seconds, kept(found.value, values.format_duration(seconds))


def read_measurement(ctx: Context, text: str, path: str) -> dict[str, Any] | None:
    """One of before / during / after of a performance row."""
    text = text.strip()
    if values.is_placeholder(text):
        return None
    if values.is_unknown(text) or too_long(ctx, text, path):
        return {"value": None, "unit": None, "text": text}
    measured = values.parse_measurement(text, dot_thousands=ctx.dot_thousands)
    if ctx.dot_thousands and measured != values.parse_measurement(text):
        ctx.assume(_dotted(text, path, values.format_measurement(measured.value, measured.unit)))
    canonical = values.format_measurement(measured.value, measured.unit)
    return {"value": measured.value, "unit": measured.unit, "text": kept(text, canonical)}


# --- times -----------------------------------------------------------------------------------


@dataclass
class TimeField:
    """A time field waiting to be read: the times of a document are read together, in order,
    once every one of them is known (a zone written on a later one can carry over)."""

    path: str
    found: Field
    target: dict[str, Any]
    key: str  # the value goes to target[key], the kept text to target[f"{key}_text"]
    implied: bool = False  # a header Date whose time of day is the impact start


@dataclass
class Clock:
    """What bare times are read against: the document's date and zone, and the time before."""

    reference: dt.date | None
    tz: dt.tzinfo
    explicit: bool = False  # the zone is the document's own (Time Zone line, a note) or --tz
    previous: dt.datetime | None = None
    anchor: dt.datetime | None = None  # where the reference date came from, without a Date
    carried: tuple[str, dt.tzinfo, TimeField] | None = None
    pending: list[TimeField] = field(default_factory=list)


def carry_zone(clock: Clock) -> None:
    """Without a zone of its own, a document's bare times are read in the zone written with the
    first of its times that names one (``08:05 EET`` in the header, then ``08:20`` is EET)."""
    if clock.explicit:
        return
    for pending in clock.pending:
        text = pending.found.value
        if values.is_unknown(text) or derived(text) or len(text) > FIELD_CAP:
            continue
        written = values.written_zone(text)
        if written is not None:
            clock.carried = (written[0], written[1], pending)
            return


def _bare_zone(clock: Clock, text: str) -> tuple[dt.tzinfo, tuple[str, TimeField] | None]:
    """The zone a time in ``text`` is read in when it names none, and where it came from
    when it was carried over from another time."""
    carried = clock.carried
    if carried is None or values.names_zone(text):
        return clock.tz, None
    return carried[1], (carried[0], carried[2])


def borrow_reference(ctx: Context, clock: Clock, events: list[dt.datetime]) -> None:
    """Without a header Date, bare times take the date of the first time that carries one
    (else of the earliest event): each lands on the day nearest the time read before it, the
    first on the day nearest that dated time."""
    if clock.reference is not None:
        return
    for pending in clock.pending:
        text = pending.found.value
        if values.is_unknown(text) or derived(text) or len(text) > FIELD_CAP:
            continue
        tz, _carried = _bare_zone(clock, text)
        try:
            moment = values.parse_time(text, reference=None, tz=tz)
        except ValueError:
            continue  # reported with its line when the field is read
        if moment is not None:
            clock.anchor = moment
            break
    else:
        clock.anchor = min(events, default=None)
    if clock.anchor is not None:
        clock.reference = clock.anchor.astimezone(clock.tz).date()


def read_time(
    ctx: Context, clock: Clock, found: Field | None, path: str
) -> tuple[dt.datetime | None, str | None]:
    """A time field, read in the document's zone (or the zone carried over) when bare."""
    done, text = _unread(found, skip_derived=True)
    if done or found is None:
        return None, text
    if too_long(ctx, found.value, path):
        return None, found.value
    tz, carried = _bare_zone(clock, found.value)
    moment = ctx.typed(
        lambda value: values.parse_time(
            value,
            reference=clock.reference,
            tz=tz,
            # Against a date borrowed from another time, a bare time lands on the day nearest
            # the time before it (times before the borrowed one may be on the day before).
            previous=None if clock.anchor is not None else clock.previous,
            near=(clock.previous or clock.anchor) if clock.anchor is not None else None,
        ),
        found,
        path,
    )
    if moment is None:
        return None, found.value
    if carried is not None:
        ctx.assume(_zone_assumed(found.value, path, moment, *carried))
    zone_doubt(ctx, found.value, path, tz, moment)
    clock.previous = moment
    return moment, kept(found.value, values.format_datetime(moment))


def read_implied_start(ctx: Context, clock: Clock, found: Field, path: str) -> dt.datetime | None:
    """The impact start a header Date names when it carries a time of day, else None."""
    if too_long(ctx, found.value, path):
        return None
    tz, carried = _bare_zone(clock, found.value)
    moment = ctx.typed(lambda text: values.date_time_of_day(text, tz=tz), found, path)
    if moment is not None and carried is not None:
        ctx.assume(_zone_assumed(found.value, path, moment, *carried))
    if moment is not None:
        zone_doubt(ctx, found.value, path, tz, moment)
    return moment


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _zone_name(tz: dt.tzinfo) -> str:
    if tz is dt.UTC:
        return "UTC"
    key = getattr(tz, "key", None)
    return key if isinstance(key, str) else (tz.tzname(None) or "UTC")


def zone_doubt(
    ctx: Context, text: str, path: str, tz: dt.tzinfo, moment: dt.datetime | None
) -> None:
    """Note a zone written with a time that is not one zone outright: an abbreviation with
    several meanings (``IST``), or capitals that look like a zone nobody defined (``XYZT``)."""
    doubt = values.zone_doubt(text, tz)
    if doubt is None:
        return
    read_as = values.format_datetime(moment) if moment is not None else None
    if doubt.reading is not None:
        ctx.assume(_zone_ambiguous(doubt, text, path, read_as))
        return
    used = _zone_name(tz)
    ctx.assume(
        Assumption(
            kind="zone_unknown",
            field=path,
            text=shown(text),
            read_as=read_as,
            zone=used,
            note=f"{doubt.abbr!r} is not a time zone Blamefree knows, so the time was read "
            f"in {used}, as a time without a zone; write an offset (UTC+02:00) or an IANA "
            "zone (Europe/Berlin) instead",
        )
    )


def zone_name_doubt(ctx: Context, name: str, path: str) -> None:
    """Note a document zone given as an abbreviation with several meanings (``IST``)."""
    reading = values.abbreviation_reading(name)
    if reading is None:
        return
    others = tuple(r for r in values.AMBIGUOUS_ZONES[name.upper()] if r is not reading)
    doubt = values.ZoneDoubt(name.upper(), reading, others)
    ctx.assume(_zone_ambiguous(doubt, name, path, None))


def _zone_ambiguous(
    doubt: values.ZoneDoubt, text: str, path: str, read_as: str | None
) -> Assumption:
    assert doubt.reading is not None
    offset = _offset(doubt.reading.minutes)
    others = " or ".join(f"{r.name} ({_offset(r.minutes)})" for r in doubt.others)
    return Assumption(
        kind="zone_ambiguous",
        field=path,
        text=shown(text),
        read_as=read_as,
        zone=f"{doubt.abbr} ({offset})",
        note=f"{doubt.abbr!r} names several zones; it was read as {doubt.reading.name} "
        f"({offset}), not {others}. Write the offset ({offset}) or an IANA zone "
        f"({doubt.reading.zones[0]}) to say which",
    )


def _zone_assumed(
    text: str, path: str, moment: dt.datetime, zone: str, source: TimeField
) -> Assumption:
    return Assumption(
        kind="zone_assumed",
        field=path,
        text=shown(text),
        read_as=values.format_datetime(moment),
        zone=zone,
        from_field=source.path,
        note=f"{shown(text)!r} names no zone; it was read in {zone}, the zone written with "
        f"{source.path} ({shown(source.found.value)!r}). Write the zone with the time, or add "
        "a '**Time Zone:**' line to the header",
    )
