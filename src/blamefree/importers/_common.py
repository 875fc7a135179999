"""Shared pieces of the importers: options, per-file batches, exact time parsing, JSON reading."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind, EventRow, TimelineEvent
from blamefree.errors import SourceFormatError, ZoneMissing
from blamefree.importers.bounded import (
    MAX_RECORD_BYTES,
    WHOLE_FILE_BYTES,
    is_blank,
    load_json,
    read_lines,
    stream_items,
)

ProgressCallback = Callable[[int], None]
"""Called with a number of bytes (file sources) processed since the last call."""

CHUNK_EVENTS = 10_000
"""At most this many events per batch when a file is handed out in chunks."""

CHUNK_CHARS = 16 * 1024 * 1024
"""... and at most this many characters of event text per batch."""

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
GO_ZERO_TIME = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class ImportOptions:
    """What a caller may ask of every importer; each importer uses the options that apply."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    channel: Sequence[str] | None = None
    key_reaction: str = "pushpin"
    default_tz: dt.tzinfo | None = None
    progress: ProgressCallback | None = None
    streaming: bool = False
    """Hand out events in bounded chunks as they are read, before the rest of their file is
    checked, and leave repeated records to the store: for a caller that stores the whole import
    in one transaction (`timeline import`). Off, a file's events come only once it is checked."""

    def in_range(self, when: dt.datetime) -> bool:
        """True when the time lies within [since, until] (either bound may be open)."""
        if self.since is not None and when < self.since:
            return False
        return not (self.until is not None and when > self.until)

    def report(self, amount: int) -> None:
        """Pass progress on to the caller's callback, if any."""
        if self.progress is not None and amount:
            self.progress(amount)


class FileBatch:
    """Every event of one input file (or one validated part of it), ready to be committed.

    A batch is handed out only after its whole file has been read and checked, so a caller that
    stores batch by batch never stores part of a file that turns out to be bad. An importer on
    a hot path gives `rows` (see `EventRow`); its `events` are then built only when asked for.
    """

    __slots__ = ("_events", "_rows", "file", "last_of_file")

    def __init__(
        self,
        file: str,
        events: list[TimelineEvent] | None = None,
        *,
        rows: list[EventRow] | None = None,
        last_of_file: bool = True,
    ) -> None:
        self.file = file
        self._rows = rows
        self._events = [] if events is None and rows is None else events
        self.last_of_file = last_of_file

    @property
    def events(self) -> list[TimelineEvent]:
        """The batch's events."""
        if self._events is None:
            self._events = [row.event() for row in self._rows or ()]
        return self._events

    @events.setter
    def events(self, events: list[TimelineEvent]) -> None:
        self._events = events
        self._rows = None

    @property
    def rows(self) -> list[EventRow]:
        """The batch's events as rows."""
        if self._rows is None:
            self._rows = [EventRow.of(event) for event in self._events or ()]
        return self._rows

    @property
    def has_rows(self) -> bool:
        """True when the importer gave rows (reading `rows` builds nothing)."""
        return self._rows is not None


class Importer(Protocol):
    """One source: turns files into batches of events."""

    name: str
    dedupe: bool

    def batches(self, paths: Sequence[Path], options: ImportOptions) -> Iterator[FileBatch]:
        """Read the files and yield one batch per file."""
        ...


# --- time -----------------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?"
)


def parse_iso_time(
    value: object,
    *,
    file: str,
    record: str | int | None,
    field_name: str,
    default_tz: dt.tzinfo | None = None,
) -> dt.datetime:
    """Parse ISO-8601/RFC 3339 text exactly: any offset, fractions past microseconds truncated."""
    if not isinstance(value, str):
        raise SourceFormatError(
            f"expected an ISO-8601 time string, got {_describe(value)}",
            file=file,
            record=record,
            field=field_name,
        )
    text = value.strip()
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise SourceFormatError(
            f"not an ISO-8601 time: {value!r}", file=file, record=record, field=field_name
        )
    year, month, day, hour, minute, second, frac, zulu, sign, oh, om = match.groups()
    micro = int((frac or "")[:6].ljust(6, "0"))
    if zulu:
        tz: dt.tzinfo | None = dt.UTC
    elif sign:
        delta = dt.timedelta(hours=int(oh), minutes=int(om))
        tz = dt.timezone(-delta if sign == "-" else delta)
    else:
        tz = default_tz
        if tz is None:
            raise ZoneMissing(
                f"time {value!r} has no time zone: add Z or an offset, or give the zone that "
                "times written without one are in",
                file=file,
                record=record,
                field=field_name,
            )
    try:
        parsed = dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            micro,
        )
        return parsed.replace(tzinfo=tz).astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise SourceFormatError(
            f"impossible time {value!r}: {exc}", file=file, record=record, field=field_name
        ) from None


def from_epoch(seconds: int, micros: int = 0) -> dt.datetime:
    """UTC datetime from integer seconds and microseconds since the epoch (no float)."""
    return EPOCH + dt.timedelta(seconds=seconds, microseconds=micros)


def epoch_int_time(
    value: object, *, unit: str, file: str, record: str | int | None, field_name: str
) -> dt.datetime:
    """An integer epoch time in 'ms' or 'ns' (or 's'), truncated to microseconds, exactly."""
    if isinstance(value, bool) or not isinstance(value, int):
        digits = value.strip() if isinstance(value, str) else ""
        if digits.isascii() and digits.isdecimal() and len(digits) <= 30:
            value = int(digits)
        else:
            raise SourceFormatError(
                f"expected an integer epoch time in {unit}, got {_describe(value)}",
                file=file,
                record=record,
                field=field_name,
            )
    assert isinstance(value, int)
    per_second = {"s": 1, "ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}[unit]
    seconds, rest = divmod(value, per_second)
    micros = rest * 1_000_000 // per_second
    try:
        return from_epoch(seconds, micros)
    except OverflowError:
        raise SourceFormatError(
            f"epoch time {_describe(value)} out of range",
            file=file,
            record=record,
            field=field_name,
        ) from None


def iso_z(when: dt.datetime) -> str:
    """UTC time as ISO-8601 with microseconds and Z, the form used inside derived ids."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- fast construction -----------------------------------------------------------------------


def trusted_event(
    *,
    time: dt.datetime,
    time_text: str | None,
    kind: EventKind,
    actor: str | None,
    text: str,
    tool: str,
    source_id: str | None,
    key: bool = False,
    link: str | None = None,
    phase: Phase | None = None,
) -> TimelineEvent:
    """A TimelineEvent built without re-validation, for hot paths whose values are typed already.

    `time` must be an aware UTC datetime (see `EventRow.event`).
    """
    return EventRow(time, time_text, phase, kind, actor, text, tool, source_id, key, link).event()


# --- records --------------------------------------------------------------------------------


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int) and not -(10**30) < value < 10**30:
        return f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return type(value).__name__


def require(
    obj: dict[str, Any], key: str, kind: type | tuple[type, ...], *, file: str, record: object
) -> Any:
    """obj[key], which must exist and be of `kind`, else a SourceFormatError naming it."""
    rec = record if isinstance(record, str | int) or record is None else str(record)
    if key not in obj or obj[key] is None:
        raise SourceFormatError("missing", file=file, record=rec, field=key)
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise SourceFormatError(
            f"expected {names}, got {_describe(value)}", file=file, record=rec, field=key
        )
    return value


def as_dict(value: Any) -> dict[str, Any]:
    """The value when it is an object, else an empty one (for optional nested parts)."""
    return value if isinstance(value, dict) else {}


def optional_str(obj: dict[str, Any], key: str) -> str | None:
    """obj[key] when it is a non-empty string, else None."""
    value = obj.get(key)
    return value if isinstance(value, str) and value else None


def stable_id(*parts: object) -> str:
    """A short stable hash of the parts, for records that carry no id of their own."""
    # surrogatepass: a lone surrogate in the text is refused later, with its record and field.
    text = "\x1f".join(str(p) for p in parts)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:20]


def load_json_bytes(data: bytes, *, file: str) -> Any:
    """Parse a whole JSON document; anything unreadable becomes a SourceFormatError."""
    return load_json(data, file=file)


def read_file_bytes(path: Path, options: ImportOptions) -> bytes:
    """Read a file, reporting its size as progress; I/O errors become SourceFormatError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
    options.report(len(data))
    return data


def expand_paths(paths: Sequence[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Files given directly, plus the files with one of `suffixes` under given folders, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
            )
        elif path.exists():
            found.append(path)
        else:
            raise SourceFormatError("no such file or folder", file=str(path))
    return found


def chunked(file: str, events: Iterable[TimelineEvent]) -> Iterator[FileBatch]:
    """Batches of at most `CHUNK_EVENTS` events and `CHUNK_CHARS` characters of text."""
    chunk: list[TimelineEvent] = []
    size = 0
    for event in events:
        chunk.append(event)
        size += len(event.text) + len(event.actor or "") + len(event.link or "")
        if len(chunk) >= CHUNK_EVENTS or size >= CHUNK_CHARS:
            yield FileBatch(file, chunk, last_of_file=False)
            chunk, size = [], 0
    yield FileBatch(file, chunk)


def chunked_rows(file: str, rows: Iterable[EventRow]) -> Iterator[FileBatch]:
    """`chunked` for rows."""
    chunk: list[EventRow] = []
    size = 0
    for row in rows:
        chunk.append(row)
        size += len(row.text) + len(row.actor or "") + len(row.link or "")
        if len(chunk) >= CHUNK_EVENTS or size >= CHUNK_CHARS:
            yield FileBatch(file, rows=chunk, last_of_file=False)
            chunk, size = [], 0
    yield FileBatch(file, rows=chunk)


def checked_batches(
    file: str, size: int, events: Callable[[], Iterator[TimelineEvent]], options: ImportOptions
) -> Iterator[FileBatch]:
    """One file's events as batches: in chunks as read when the caller streams; else only once
    the whole file is checked (a small file as one batch; a big one read twice, checked first)."""
    if options.streaming:
        yield from chunked(file, events())
    elif size <= WHOLE_FILE_BYTES:
        yield FileBatch(file, list(events()))
    else:
        for _ in events():
            pass
        yield from chunked(file, events())


def file_size(path: Path) -> int:
    """The size of a file; I/O errors become SourceFormatError."""
    try:
        return path.stat().st_size
    except OSError as exc:
        raise SourceFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None


def empty_file(file: str) -> SourceFormatError:
    """The error for a file with nothing in it (every importer treats empty files alike)."""
    return SourceFormatError("the file is empty: nothing to import", file=file)


def _documents(data: bytes, *, file: str) -> list[tuple[int | None, Any]]:
    """One JSON document, or one per line for JSON Lines captures (e.g. logged webhook bodies)."""
    if is_blank(data):
        raise empty_file(file)
    try:
        return [(None, load_json(data, file=file))]
    except SourceFormatError as exc:
        if "Extra data" not in exc.reason:
            raise
    docs: list[tuple[int | None, Any]] = []
    offset = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            docs.append((number, _line_document(line, file=file, number=number, offset=offset)))
        offset += len(line) + 1
    return docs


def _line_document(line: bytes, *, file: str, number: int, offset: int) -> Any:
    try:
        return load_json(line, file=file, base=offset, line=number)
    except SourceFormatError as exc:
        if exc.reason.startswith("not JSON"):
            raise SourceFormatError(
                "not JSON (nor one JSON document per line)", file=file, line=number
            ) from None
        raise


def _streamed_documents(
    path: Path, *, file: str, prefixes: Sequence[str]
) -> Iterator[tuple[str, int, Any]]:
    """Documents of a file too big to parse whole: the items of a top-level array, or of an
    array under one of `prefixes` (e.g. ``log_entries.item``), or one document per line."""
    with open_binary(path) as handle:
        head = handle.read(1)
        while head in (b" ", b"\t", b"\r", b"\n"):
            head = handle.read(1)
        handle.seek(0)
        if head == b"[":
            for index, doc in enumerate(stream_items(handle, "item", file=file)):
                yield ("item", index, doc)
            return
        first = handle.readline(MAX_RECORD_BYTES + 3)
        handle.seek(0)
        if first.strip():
            try:
                json.loads(first)
                one_per_line = True
            except (ValueError, RecursionError):
                one_per_line = False
            if one_per_line:
                for number, offset, line in read_lines(handle, file=file):
                    if line.strip():
                        doc = _line_document(line, file=file, number=number, offset=offset)
                        yield ("line", number, doc)
                return
        for prefix in prefixes:
            handle.seek(0)
            found = False
            for index, doc in enumerate(stream_items(handle, prefix, file=file)):
                found = True
                yield ("item", index, doc)
            if found:
                return
        raise SourceFormatError(
            f"one JSON document larger than the {MAX_RECORD_BYTES:,} bytes a record may have; "
            "give one document per file or per line",
            file=file,
        )


def open_binary(path: Path) -> IO[bytes]:
    """A file opened for reading bytes; I/O errors become SourceFormatError."""
    try:
        return path.open("rb")
    except OSError as exc:
        raise SourceFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None


class JsonPayloadImporter:
    """Base of the sources whose files hold JSON payloads: one document, or one per line."""

    name = "json"
    dedupe = True
    suffixes: tuple[str, ...] = (".json", ".jsonl", ".ndjson")
    stream_prefixes: tuple[str, ...] = ()
    """Arrays inside a top-level object that a file too big to parse whole is streamed from."""

    def parse(self, doc: Any, *, file: str, options: ImportOptions) -> list[TimelineEvent]:
        """Events of one parsed payload document; raises SourceFormatError on a wrong shape."""
        raise NotImplementedError

    def parse_item(
        self, item: Any, *, index: int, file: str, options: ImportOptions
    ) -> list[TimelineEvent]:
        """Events of one item of a streamed array (by default: the item as a document)."""
        return self.parse(item, file=file, options=options)

    def batches(self, paths: Sequence[Path], options: ImportOptions) -> Iterator[FileBatch]:
        """Read each file (whole, or streamed when large) and yield its events."""
        for path in expand_paths(paths, self.suffixes):
            file = str(path)
            size = file_size(path)
            if size <= WHOLE_FILE_BYTES:
                data = read_file_bytes(path, options)
                events: list[TimelineEvent] = []
                for line, doc in _documents(data, file=file):
                    events.extend(self._parse_at(doc, line, file=file, options=options))
                kept = (e for e in events if options.in_range(e.time))
                if options.streaming:
                    yield from chunked(file, kept)
                else:
                    yield FileBatch(file, list(kept))
                continue
            if not options.streaming:
                for _ in self._streamed(path, file, options):
                    pass  # check the whole file before handing out any of it
            yield from chunked(
                file, (e for e in self._streamed(path, file, options) if options.in_range(e.time))
            )
            options.report(size)

    def _streamed(self, path: Path, file: str, options: ImportOptions) -> Iterator[TimelineEvent]:
        for kind, where, doc in _streamed_documents(path, file=file, prefixes=self.stream_prefixes):
            if kind == "line":
                yield from self._parse_at(doc, where, file=file, options=options)
            else:
                yield from self.parse_item(doc, index=where, file=file, options=options)

    def _parse_at(
        self, doc: Any, line: int | None, *, file: str, options: ImportOptions
    ) -> list[TimelineEvent]:
        try:
            return self.parse(doc, file=file, options=options)
        except SourceFormatError as exc:
            if line is None or exc.line is not None:
                raise
            raise SourceFormatError(
                exc.reason, file=exc.file, record=exc.record, field=exc.field, line=line
            ) from None
