"""Reading untrusted files within fixed bounds, so an import of any size uses bounded memory.

Every importer reads through these helpers. The bounds (documented in docs/importers.md):

- a file (or zip member) of up to `WHOLE_FILE_BYTES` is parsed whole; a larger one is streamed,
  one record at a time;
- one record (a message, log entry, payload, JSON line or CSV row) may be at most
  `MAX_RECORD_BYTES` long, and a streamed record may nest arrays and objects at most
  `MAX_DEPTH` deep (a file parsed whole stops at the JSON parser's own nesting limit, and the
  parts an importer walks are bounded by `MAX_DEPTH` as well);
- numbers of more than Python's 4,300 digits, text that is not UTF-8 (with the byte offset),
  and text the store cannot keep (NUL, lone surrogates) are refused.

Anything outside the bounds is a `SourceFormatError` naming the file and, where known, the
record, field and byte offset.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain
from operator import itemgetter
from typing import IO, Any

import ijson

from blamefree.domain.timeline import EventRow, TimelineEvent
from blamefree.errors import SourceFormatError

WHOLE_FILE_BYTES = 4 * 1024 * 1024
"""Files (or zip members) up to this size are parsed whole; larger ones are streamed."""

MAX_RECORD_BYTES = 4 * 1024 * 1024
"""The longest one record (message, log entry, payload, JSON line, CSV row) may be."""

MAX_DEPTH = 64
"""How deep arrays and objects may nest inside one record."""

READ_CHUNK = 64 * 1024
"""Bytes read at a time from a streamed file."""

_STRUCTURAL = bytes(range(256)).translate(None, b'[]{}"')
_STEP = [0] * 256
for _byte in b"[{":
    _STEP[_byte] = 1
for _byte in b"]}":
    _STEP[_byte] = -1
_DIGIT_RUN_CACHE: dict[int, re.Pattern[bytes]] = {}
_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_FIELDS = ("text", "actor", "link", "time_text", "source_id", "tool")
"""The fields of a row that hold text from the file."""


def int_digit_limit() -> int:
    """The most digits Python converts to an int (4,300 unless the interpreter was told)."""
    return sys.get_int_max_str_digits() or 4300


# --- text -----------------------------------------------------------------------------------


def not_utf8(exc: UnicodeDecodeError, *, file: str, base: int = 0, line: int | None = None) -> Any:
    """A SourceFormatError for undecodable bytes, with the byte offset in the file."""
    return SourceFormatError(
        f"not UTF-8 text at byte {base + exc.start}: {exc.reason}", file=file, line=line
    )


def is_blank(data: bytes) -> bool:
    """True for bytes with nothing in them but white space and a BOM (an empty file).

    Looks at the start only, for a file that holds anything: `lstrip` copies nothing when
    there is no white space to strip, unlike `strip` on a file that ends with a newline."""
    head = data.lstrip()
    return not head or (head.startswith(b"\xef\xbb\xbf") and not head[3:].strip())


def decode_utf8(data: bytes, *, file: str, base: int = 0, line: int | None = None) -> str:
    """UTF-8 text (a leading BOM dropped); undecodable bytes name their offset in the file."""
    start = 3 if base == 0 and data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(exc, file=file, base=base + start, line=line) from None


def check_storable(event: TimelineEvent, *, file: str, record: str | int | None) -> None:
    """Refuse text the store cannot keep the same way on every backend: NUL and lone surrogates.

    PostgreSQL cannot hold a NUL character in text and neither backend can encode a lone
    surrogate (which JSON's ``\\ud800`` escapes produce), so both are refused up front, naming
    the event's field, instead of failing inside the database.
    """
    source = event.source
    _check_text(
        event.text,
        event.actor,
        event.link,
        event.time_text,
        source.id,
        source.tool,
        file=file,
        record=record,
    )


def check_row(row: EventRow, *, file: str, record: str | int | None) -> None:
    """`check_storable` for a row."""
    # One scan of all the fields together (None shows as "None": harmless); the field is
    # looked for only when something is found.
    joined = f"{row.text}{row.actor}{row.link}{row.time_text}{row.source_id}{row.tool}"
    if "\x00" not in joined and (joined.isascii() or not _SURROGATE.search(joined)):
        return
    _check_text(
        row.text,
        row.actor,
        row.link,
        row.time_text,
        row.source_id,
        row.tool,
        file=file,
        record=record,
    )


_STORED_TEXT = itemgetter(*(EventRow._fields.index(name) for name in _TEXT_FIELDS))


def check_rows(rows: Sequence[EventRow], *, file: str) -> None:
    """`check_row` for a batch of rows: one scan of all their text together (in C), and a
    row by row search only when it finds something."""
    joined = "".join(filter(None, chain.from_iterable(map(_STORED_TEXT, rows))))
    if "\x00" not in joined and (joined.isascii() or not _SURROGATE.search(joined)):
        return
    for row in rows:
        check_row(row, file=file, record=None)


def _check_text(
    text: str,
    actor: str | None,
    link: str | None,
    time_text: str | None,
    source_id: str | None,
    tool: str,
    *,
    file: str,
    record: str | int | None,
) -> None:
    # One scan of all the fields together (None shows as "None": harmless); the field is
    # looked for only when something is found.
    joined = f"{text}{actor}{link}{time_text}{source_id}{tool}"
    if "\x00" not in joined and (joined.isascii() or not _SURROGATE.search(joined)):
        return
    for name, value in (
        ("text", text),
        ("actor", actor),
        ("link", link),
        ("time_text", time_text),
        ("source id", source_id),
        ("source", tool),
    ):
        if value is None:
            continue
        if "\x00" in value:
            raise SourceFormatError(
                "contains a NUL character (\\x00), which the store cannot keep; "
                "remove it from the file",
                file=file,
                record=record if record is not None else source_id,
                field=name,
            )
        if not value.isascii() and _SURROGATE.search(value):
            raise SourceFormatError(
                "contains a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape), "
                "which is not text",
                file=file,
                record=record if record is not None else source_id,
                field=name,
            )


# --- whole documents ------------------------------------------------------------------------


def _digit_run(data: bytes) -> int | None:
    limit = int_digit_limit()
    pattern = _DIGIT_RUN_CACHE.get(limit)
    if pattern is None:
        pattern = _DIGIT_RUN_CACHE[limit] = re.compile(rb"[0-9]{%d}" % (limit + 1))
    found = pattern.search(data)
    return found.start() if found else None


def too_many_digits(data: bytes, *, file: str, base: int = 0, line: int | None = None) -> Any:
    """A SourceFormatError for a number longer than Python converts."""
    offset = _digit_run(data)
    where = f" at byte {base + offset}" if offset is not None else ""
    return SourceFormatError(
        f"a number with more than {int_digit_limit():,} digits{where}", file=file, line=line
    )


def too_deep(data: bytes, *, file: str, base: int = 0, line: int | None = None) -> Any:
    """A SourceFormatError for a document nested beyond what the parser accepts."""
    offset = _deep_offset(data, MAX_DEPTH)
    where = f" (deeper than {MAX_DEPTH} at byte {base + offset})" if offset is not None else ""
    return SourceFormatError(f"JSON nested too deeply{where}", file=file, line=line)


def load_json(data: bytes, *, file: str, base: int = 0, line: int | None = None) -> Any:
    """Parse one whole JSON document; anything unreadable becomes a SourceFormatError."""
    if len(data) > MAX_RECORD_BYTES + 2:  # a line may carry its CR LF
        raise SourceFormatError(
            f"one JSON document of {len(data):,} bytes is larger than the "
            f"{MAX_RECORD_BYTES:,} bytes a record may have",
            file=file,
            line=line,
        )
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise not_utf8(exc, file=file, base=base, line=line) from None
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            file=file,
            line=line if line is not None else exc.lineno,
        ) from None
    except ValueError:
        # json raises a bare ValueError for integers longer than the interpreter converts.
        raise too_many_digits(data, file=file, base=base, line=line) from None
    except RecursionError:
        raise too_deep(data, file=file, base=base, line=line) from None


def _deep_offset(
    data: bytes, limit: int, *, depth: int = 0, in_string: bool = False, escaped: bool = False
) -> int | None:
    """Offset of the first bracket nested deeper than `limit`, outside strings (slow; for
    error messages and for the rare chunk that crosses the limit)."""
    for index, byte in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return index
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return None


# --- streamed documents ---------------------------------------------------------------------


class _Meter:
    """A binary file for the streaming parser that enforces the record bounds as bytes arrive.

    It tracks nesting outside strings chunk by chunk (C-speed byte operations; an exact scan
    only for the rare chunk that crosses the limit) and cuts the stream just before the first
    bracket nested too deep, so the parser hands out every record before that one and the
    error then names the record exactly. A record that keeps the parser reading for more than
    `MAX_RECORD_BYTES` (one huge string or object) stops the read as well.
    """

    def __init__(self, handle: IO[bytes], *, file: str, base_depth: int) -> None:
        self.handle = handle
        self.file = file
        self.limit = base_depth + MAX_DEPTH
        self.offset = 0
        self.mark = 0
        self.records = 0
        self.depth = 0
        self.in_string = False
        self.carry = b""
        self.pending: str | None = None

    def record_done(self) -> None:
        """The parser handed out one more record."""
        self.records += 1
        self.mark = self.offset

    def read(self, size: int = -1) -> bytes:
        if self.pending is not None:
            # Raised only now: the parser has handed out every record before the cut, so
            # `records` is the index of the one that holds it.
            raise SourceFormatError(self.pending, file=self.file, record=self.records)
        chunk = self.handle.read(READ_CHUNK if size is None or size < 0 else size)
        if self.offset - self.mark > MAX_RECORD_BYTES + 2 * READ_CHUNK:
            raise SourceFormatError(
                f"record longer than the {MAX_RECORD_BYTES:,} bytes a record may have "
                f"(at byte {self.offset:,})",
                file=self.file,
                record=self.records,
            )
        cut = self._scan(chunk)
        if cut is not None:
            self.pending = f"nested more than {MAX_DEPTH} deep (at byte {self.offset + cut:,})"
            chunk = chunk[:cut]
        self.offset += len(chunk)
        return chunk

    def _scan(self, chunk: bytes) -> int | None:
        string_before, escaped_before = self.in_string, bool(self.carry)
        data = self.carry + chunk
        if b"\\\\" in data:
            data = data.replace(b"\\\\", b"")
        self.carry = b""
        if data.endswith(b"\\"):
            self.carry, data = b"\\", data[:-1]
        if b'\\"' in data:
            data = data.replace(b'\\"', b"")
        marks = data.translate(None, _STRUCTURAL)
        if b'"' in marks:
            parts = marks.split(b'"')
            outside = parts[1::2] if self.in_string else parts[::2]
            if (len(parts) - 1) % 2:
                self.in_string = not self.in_string
            marks = b"".join(outside)
        elif self.in_string:
            marks = b""  # the whole chunk lies inside one string
        if not marks:
            return None
        start = self.depth
        self.depth = start + marks.count(b"[") + marks.count(b"{")
        self.depth -= marks.count(b"]") + marks.count(b"}")
        if start + len(marks) <= self.limit:
            return None
        if max(accumulate(map(_STEP.__getitem__, marks), initial=start)) <= self.limit:
            return None
        # Rare: replay this chunk byte by byte from the state it started in.
        return _deep_offset(
            chunk, self.limit, depth=start, in_string=string_before, escaped=escaped_before
        )


def stream_items(
    handle: IO[bytes], prefix: str, *, file: str, multiple_values: bool = False
) -> Iterator[Any]:
    """The items at `prefix` (e.g. ``item``, ``log_entries.item``) of a streamed JSON file."""
    base_depth = prefix.count(".") + 1 if prefix else 0
    meter = _Meter(handle, file=file, base_depth=base_depth)
    try:
        # use_float: with it the C parser reports over-long integers as an error; without it,
        # ijson 3.6's yajl2_c backend crashes the process on integers of more than 4,300 digits.
        for item in ijson.items(
            meter, prefix, use_float=True, multiple_values=multiple_values, buf_size=READ_CHUNK
        ):
            yield item
            meter.record_done()
    except ijson.JSONError as exc:
        detail = _first_line(exc)
        if "integer overflow" in detail:
            detail = "a number too large to read"
        raise SourceFormatError(
            f"not JSON: {detail} (near byte {meter.offset:,})", file=file, record=meter.records
        ) from None
    except UnicodeDecodeError as exc:
        raise not_utf8(exc, file=file) from None


def _first_line(exc: Exception) -> str:
    detail = exc.args[0] if exc.args else exc
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    text = str(detail).strip()
    return text.splitlines()[0] if text else "unreadable"


def read_lines(handle: IO[bytes], *, file: str) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, bytes) of each line, each at most `MAX_RECORD_BYTES` long."""
    number = 0
    offset = 0
    while True:
        line = handle.readline(MAX_RECORD_BYTES + 3)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD_BYTES + 2 and not line.endswith(b"\n"):
            raise SourceFormatError(
                f"line longer than the {MAX_RECORD_BYTES:,} bytes a record may have",
                file=file,
                line=number,
            )
        yield number, offset, line
        offset += len(line)
