"""Hand-made timelines: CSV files and JSON Lines with `time, phase, actor, text[, kind, source_id]`.

`time` is ISO-8601 with an offset or `Z` (a time without one is an error unless a default zone is
passed); an empty `phase` means none; `kind` defaults to `custom`; optional `key` (true/yes/1)
and `link` are read too. Without a `source_id`, the id is a hash of time, kind, actor and text,
so re-importing the same file adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.errors import SourceFormatError
from blamefree.importers._common import (
    FileBatch,
    ImportOptions,
    expand_paths,
    iso_z,
    parse_iso_time,
    read_file_bytes,
    stable_id,
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
    return TimelineEvent(
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


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"not UTF-8 text: {exc.reason}", file=file) from None


class CsvImporter:
    """CSV with a header row naming the columns."""

    name = "csv"
    dedupe = True

    def batches(self, paths: Sequence[Path], options: ImportOptions) -> Iterator[FileBatch]:
        """One batch per CSV file."""
        for path in expand_paths(paths, (".csv",)):
            file = str(path)
            text = _decode(read_file_bytes(path, options), file)
            try:
                reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
                header = [h.strip().lower() for h in reader.fieldnames or []]
                missing = [k for k in REQUIRED if k not in header]
                if missing:
                    raise SourceFormatError(
                        f"the header row has no {missing[0]!r} column "
                        f"(columns: {', '.join(KNOWN)})",
                        file=file,
                        line=1,
                        field=missing[0],
                    )
                reader.fieldnames = header
                events = []
                for row in reader:
                    if None in row:
                        raise SourceFormatError(
                            "more cells than header columns", file=file, line=reader.line_num
                        )
                    if not any((v or "").strip() for v in row.values()):
                        continue
                    events.append(
                        row_event(
                            row, tool="csv", file=file, record=reader.line_num, options=options
                        )
                    )
            except csv.Error as exc:
                raise SourceFormatError(f"not valid CSV: {exc}", file=file) from None
            yield FileBatch(file, [e for e in events if options.in_range(e.time)])


class JsonlImporter:
    """JSON Lines (one object per line), or a JSON array of such objects."""

    name = "jsonl"
    dedupe = True

    def batches(self, paths: Sequence[Path], options: ImportOptions) -> Iterator[FileBatch]:
        """One batch per file."""
        for path in expand_paths(paths, (".jsonl", ".ndjson", ".json")):
            file = str(path)
            text = _decode(read_file_bytes(path, options), file)
            rows: list[tuple[int, Any]] = []
            stripped = text.lstrip()
            if stripped.startswith("["):
                try:
                    doc = json.loads(text)
                except (json.JSONDecodeError, RecursionError):
                    raise SourceFormatError("not a JSON array", file=file) from None
                rows = list(enumerate(doc, start=1)) if isinstance(doc, list) else []
            else:
                for number, line in enumerate(text.splitlines(), start=1):
                    if line.strip():
                        try:
                            rows.append((number, json.loads(line)))
                        except (json.JSONDecodeError, RecursionError):
                            raise SourceFormatError("not JSON", file=file, line=number) from None
            events = []
            for number, row in rows:
                if not isinstance(row, dict):
                    raise SourceFormatError("expected an object", file=file, record=number)
                events.append(
                    row_event(row, tool="jsonl", file=file, record=number, options=options)
                )
            yield FileBatch(file, [e for e in events if options.in_range(e.time)])
