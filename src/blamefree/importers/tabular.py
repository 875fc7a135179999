"""Hand-made timelines: CSV files and JSON Lines with `time, phase, actor, text[, kind, source_id]`.

`time` is ISO-8601 with an offset or `Z` (a time without one is an error unless a default zone is
passed); an empty `phase` means none; `kind` defaults to `custom`; optional `key` (true/yes/1)
and `link` are read too. Without a `source_id`, the id is a hash of time, kind, actor and text,
so re-importing the same file adds nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.errors import SourceFormatError
from blamefree.importers._common import (
    FileBatch,
    ImportOptions,
    checked_batches,
    empty_file,
    expand_paths,
    file_size,
    iso_z,
    open_binary,
    parse_iso_time,
    stable_id,
)
from blamefree.importers.bounded import (
    WHOLE_FILE_BYTES,
    check_storable,
    decode_utf8,
    load_json,
    read_lines,
    stream_items,
)

REQUIRED = ("time", "text")
KNOWN = ("time", "phase", "actor", "text", "kind", "source_id", "key", "link")
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


def _cell(row: dict[str, Any], key: str, *, file: str, record: int) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str | int | float):
        raise SourceFormatError("expected text", file=file, record=record, field=key)
    return str(value).strip()


def row_event(
    row: dict[str, Any], *, tool: str, file: str, record: int, options: ImportOptions
) -> TimelineEvent:
    """One row (a CSV line or a JSON object) as an event."""
    for key in REQUIRED:
        if key not in row or row[key] in (None, ""):
            raise SourceFormatError("missing", file=file, record=record, field=key)
    time_text = _cell(row, "time", file=file, record=record)
    when = parse_iso_time(
        time_text, file=file, record=record, field_name="time", default_tz=options.default_tz
    )
    phase_text = _cell(row, "phase", file=file, record=record).lower().replace("-", "_")
    try:
        phase = Phase(phase_text) if phase_text and phase_text != "none" else None
    except ValueError:
        allowed = ", ".join(p.value for p in Phase)
        raise SourceFormatError(
            f"unknown phase {phase_text!r}; use one of {allowed} or leave it empty",
            file=file,
            record=record,
            field="phase",
        ) from None
    kind_text = _cell(row, "kind", file=file, record=record).lower().replace("-", "_") or "custom"
    try:
        kind = EventKind(kind_text)
    except ValueError:
        allowed = ", ".join(k.value for k in EventKind)
        raise SourceFormatError(
            f"unknown kind {kind_text!r}; use one of {allowed}",
            file=file,
            record=record,
            field="kind",
        ) from None
    key_text = _cell(row, "key", file=file, record=record).lower()
    if key_text not in _TRUE | _FALSE:
        raise SourceFormatError(
            f"expected true or false, got {key_text!r}", file=file, record=record, field="key"
        )
    actor = _cell(row, "actor", file=file, record=record) or None
    text = _cell(row, "text", file=file, record=record)
    source_id = _cell(row, "source_id", file=file, record=record) or stable_id(
        iso_z(when), kind.value, actor or "", text
    )
    event = TimelineEvent(
        time=when,
        time_text=time_text,
        phase=phase,
        kind=kind,
        actor=actor,
        text=text,
        source=EventSource(tool=tool, id=source_id),
        key=key_text in _TRUE,
        link=_cell(row, "link", file=file, record=record) or None,
    )
    check_storable(event, file=file, record=record)  # named by its line, not its hash id
    return event


def _csv_lines(handle: IO[bytes], *, file: str, options: ImportOptions) -> Iterator[str]:
    """Decoded lines (endings kept, as the csv module wants them), each bounded in length."""
    for number, offset, raw in read_lines(handle, file=file):
        options.report(len(raw))
        yield decode_utf8(raw, file=file, base=offset, line=number)


def _csv_events(path: Path, *, file: str, options: ImportOptions) -> Iterator[TimelineEvent]:
    with open_binary(path) as handle:
        lines = _csv_lines(handle, file=file, options=options)
        try:
            reader = csv.DictReader(lines, strict=True)
            fields = reader.fieldnames
            if not any(f.strip() for f in fields or []) and not any(x.strip() for x in lines):
                raise empty_file(file)
            header = [h.strip().lower() for h in fields or []]
            missing = [k for k in REQUIRED if k not in header]
            if missing:
                raise SourceFormatError(
                    f"the header row has no {missing[0]!r} column (columns: {', '.join(KNOWN)})",
                    file=file,
                    line=1,
                    field=missing[0],
                )
            reader.fieldnames = header
            for row in reader:
                if None in row:
                    raise SourceFormatError(
                        "more cells than header columns", file=file, line=reader.line_num
                    )
                if not any((v or "").strip() for v in row.values()):
                    continue
                event = row_event(
                    row, tool="csv", file=file, record=reader.line_num, options=options
                )
                if options.in_range(event.time):
                    yield event
        except csv.Error as exc:
            raise SourceFormatError(
                f"not valid CSV: {exc}", file=file, line=reader.line_num or None
            ) from None


class CsvImporter:
    """CSV with a header row naming the columns."""

    name = "csv"
    dedupe = True

    def batches(self, paths: Sequence[Path], options: ImportOptions) -> Iterator[FileBatch]:
        """The events of each CSV file, read line by line."""
        for path in expand_paths(paths, (".csv",)):
            file = str(path)
            yield from checked_batches(
                file,
                file_size(path),
                partial(_csv_events, path, file=file, options=options),
                options,
            )


def _json_rows(path: Path, *, file: str, options: ImportOptions) -> Iterator[tuple[int, Any]]:
    """(record number, value) of a JSON array file or of each line of a JSON Lines file."""
    size = file_size(path)
    with open_binary(path) as handle:
        head = handle.read(WHOLE_FILE_BYTES if size <= WHOLE_FILE_BYTES else 64)
        if size <= WHOLE_FILE_BYTES and not head.removeprefix(b"\xef\xbb\xbf").strip():
            raise empty_file(file)
        if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"["):
            if size <= WHOLE_FILE_BYTES:
                options.report(size)
                doc = load_json(head, file=file)
                if not isinstance(doc, list):
                    raise SourceFormatError("expected a JSON array", file=file)
                yield from enumerate(doc, start=1)
                return
            handle.seek(0)
            if head.startswith(b"\xef\xbb\xbf"):
                handle.read(3)
            yield from enumerate(stream_items(handle, "item", file=file), start=1)
            options.report(size)
            return
        handle.seek(0)
        seen = False
        for number, offset, line in read_lines(handle, file=file):
            options.report(len(line))
            if not line.strip() or (number == 1 and line.strip() == b"\xef\xbb\xbf"):
                continue
            seen = True
            try:
                yield number, load_json(line, file=file, base=offset, line=number)
            except SourceFormatError as exc:
                if exc.reason.startswith("not JSON"):
                    raise SourceFormatError("not JSON", file=file, line=number) from None
                raise
        if not seen:
            raise empty_file(file)


def _jsonl_events(path: Path, *, file: str, options: ImportOptions) -> Iterator[TimelineEvent]:
    for number, row in _json_rows(path, file=file, options=options):
        if not isinstance(row, dict):
            raise SourceFormatError("expected an object", file=file, record=number)
        event = row_event(row, tool="jsonl", file=file, record=number, options=options)
        if options.in_range(event.time):
            yield event


class JsonlImporter:
    """JSON Lines (one object per line), or a JSON array of such objects."""

    name = "jsonl"
    dedupe = True

    def batches(self, paths: Sequence[Path], options: ImportOptions) -> Iterator[FileBatch]:
        """The events of each file."""
        for path in expand_paths(paths, (".jsonl", ".ndjson", ".json")):
            file = str(path)
            yield from checked_batches(
                file,
                file_size(path),
                partial(_jsonl_events, path, file=file, options=options),
                options,
            )
