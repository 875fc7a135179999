"""Reading within bounds: nesting, record size, numbers, text the store cannot keep, empty files.

The hostile files live in tests/data/hostile/importers (see its README). Each must give a
SourceFormatError that says where, and the streamed reader must stop before memory grows.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blamefree.errors import SourceFormatError, ZoneMissing
from blamefree.importers import (
    SOURCES,
    _common,
    bounded,
    read_batches,
    read_events,
    sort_events,
    tabular,
)
from blamefree.importers.bounded import MAX_DEPTH, stream_items
from blamefree.importers.slack import SlackImporter

from .conftest import DATA

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile" / "importers"


def _error(source: str, path: Path, **kwargs: object) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as caught:
        list(read_events(source, [path], **kwargs))  # type: ignore[arg-type]
    return caught.value


# --- nesting and record size in streamed files -----------------------------------------------


def test_deep_nesting_in_a_streamed_day_file_names_the_record() -> None:
    error = _error("slack", HOSTILE / "slack-deep-nesting.zip")
    assert error.file == f"{HOSTILE / 'slack-deep-nesting.zip'}:incident/2024-03-12.json"
    assert error.record == 3  # the three messages before it are fine
    assert error.reason.startswith(f"nested more than {MAX_DEPTH} deep")


def test_deep_nesting_is_refused_without_growing_memory() -> None:
    # The zip bomb took 23 GB; with a 1 GiB address-space cap the import must still
    # end with its typed error (exit 3), not be killed or raise MemoryError.
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from blamefree.cli import main\n"
        "sys.argv = ['blamefree', 'timeline', 'from', 'slack', sys.argv[1]]\n"
        "main()\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(HOSTILE / "slack-deep-nesting.zip")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 3, run.stderr
    assert "nested more than 64 deep" in " ".join(run.stderr.split())


def test_a_record_longer_than_the_bound_is_refused() -> None:
    error = _error("slack", HOSTILE / "slack-huge-record.zip")
    assert error.record == 1
    assert f"{bounded.MAX_RECORD_BYTES:,} bytes a record may have" in error.reason


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_the_depth_bound_is_exact(depth: int) -> None:
    nested: object = 'leaf [not a bracket] \\" still a string'
    for level in range(depth):
        nested = [nested] if level % 2 else {"k[": nested}
    data = json.dumps([{"ok": 1}, nested, {"ok": 2}]).encode()
    items = stream_items(io.BytesIO(data), "item", file="f.json")
    if depth <= MAX_DEPTH:
        assert list(items) == json.loads(data)
    else:
        with pytest.raises(SourceFormatError) as caught:
            list(items)
        assert caught.value.record == 1


@st.composite
def _documents(draw: st.DrawFn) -> object:
    text = st.text(alphabet='ab[]{}"\\\n\u00e9', max_size=6)
    leaves = st.one_of(text, st.integers(-(10**6), 10**6), st.booleans(), st.none())
    return draw(
        st.recursive(
            leaves,
            lambda inner: st.one_of(
                st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)
            ),
            max_leaves=40,
        )
    )


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(_documents(), max_size=4),
    chunk=st.integers(1, 9),
    pad=st.integers(0, MAX_DEPTH),
)
def test_streaming_meter_agrees_with_json_at_any_chunk_boundary(
    items: list[object], chunk: int, pad: int
) -> None:
    # Wrap each item so that some cross the depth bound; read the file a few bytes at a time,
    # so strings, escapes and brackets fall across every chunk boundary.
    wrapped = []
    for item in items:
        for _ in range(pad):
            item = [item]
        wrapped.append(item)
    data = json.dumps(wrapped, ensure_ascii=bool(chunk % 2)).encode()
    too_deep = [i for i, item in enumerate(wrapped) if _depth(item) > MAX_DEPTH]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bounded, "READ_CHUNK", chunk)
        streamed = stream_items(io.BytesIO(data), "item", file="f.json")
        if not too_deep:
            assert list(streamed) == wrapped
        else:
            with pytest.raises(SourceFormatError) as caught:
                list(streamed)
            assert caught.value.record == too_deep[0]


# --- numbers --------------------------------------------------------------------------------


def test_a_number_longer_than_python_reads_is_a_typed_error() -> None:
    error = _error("pagerduty", HOSTILE / "pagerduty-long-number.json")
    raw = (HOSTILE / "pagerduty-long-number.json").read_bytes()
    assert error.reason == f"a number with more than 4,300 digits at byte {raw.index(b'9' * 50)}"


def test_a_long_number_in_a_streamed_file_does_not_crash_the_parser() -> None:
    # Without use_float, ijson's C backend crashes the process on such a number.
    error = _error("slack", HOSTILE / "slack-long-number-streamed.zip")
    assert error.record == 50_000
    assert "a number too large to read" in error.reason


def test_an_epoch_time_of_too_many_digits_is_a_typed_error() -> None:
    error = _error("opsgenie", HOSTILE / "opsgenie-long-digit-time.json")
    assert (error.record, error.field) == ("0 (a1)", "alert.updatedAt")


# --- text the store cannot keep -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "name", "record", "field"),
    [
        ("csv", "csv-nul.csv", 3, "text"),
        ("jsonl", "jsonl-nul-escape.jsonl", 2, "actor"),
        ("slack", "slack-nul-escape.zip", "C1:1710252000.000100", "text"),
    ],
)
def test_nul_characters_are_refused_naming_record_and_field(
    source: str, name: str, record: object, field: str
) -> None:
    error = _error(source, HOSTILE / name)
    assert (error.record, error.field) == (record, field)
    assert "NUL character" in error.reason


def test_a_lone_surrogate_is_refused() -> None:
    error = _error("jsonl", HOSTILE / "jsonl-lone-surrogate.jsonl")
    assert (error.record, error.field) == (1, "text")
    assert "surrogate" in error.reason


@pytest.mark.parametrize(
    ("source", "name", "offset", "line"),
    [
        ("csv", "csv-invalid-utf8.csv", 60, 3),
        ("jsonl", "jsonl-invalid-utf8.jsonl", 140, 3),
        ("alertmanager", "alertmanager-invalid-utf8.json", 97, None),
    ],
)
def test_invalid_utf8_gives_the_byte_offset(
    source: str, name: str, offset: int, line: int | None
) -> None:
    error = _error(source, HOSTILE / name)
    data = (HOSTILE / name).read_bytes()
    with pytest.raises(UnicodeDecodeError) as decoding:
        data.decode("utf-8")
    assert decoding.value.start == offset
    assert error.reason.startswith(f"not UTF-8 text at byte {offset}:")
    assert error.line == line


def test_invalid_utf8_in_a_slack_member_gives_the_offset(tmp_path: Path) -> None:
    export = tmp_path / "export.zip"
    day = b'[{"ts": "1.0", "text": "\xfe"}]'
    with zipfile.ZipFile(export, "w") as z:
        z.writestr("channels.json", '[{"id": "C1", "name": "inc"}]')
        z.writestr("inc/2024-03-12.json", day)
    offset = day.index(b"\xfe")
    assert _error("slack", export).reason.startswith(f"not UTF-8 text at byte {offset}:")


# --- empty files, and times without an offset -----------------------------------------------


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("csv", "empty.csv"),
        ("csv", "blank.csv"),
        ("jsonl", "empty.jsonl"),
        ("jsonl", "bom-only.jsonl"),
        *((s, "empty.json") for s in SOURCES if s not in ("slack", "csv", "jsonl")),
    ],
)
def test_every_importer_treats_an_empty_file_alike(source: str, name: str) -> None:
    error = _error(source, HOSTILE / name)
    assert error.reason == "the file is empty: nothing to import"
    assert error.file == str(HOSTILE / name)


def test_an_empty_slack_day_file_is_an_empty_file(tmp_path: Path) -> None:
    export = tmp_path / "export"
    (export / "inc").mkdir(parents=True)
    (export / "channels.json").write_text('[{"id": "C1", "name": "inc"}]')
    (export / "inc" / "2024-03-12.json").write_text("")
    assert _error("slack", export).reason == "the file is empty: nothing to import"


def test_structure_without_records_is_zero_events_not_an_error(tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("time,actor,text\n")
    array = tmp_path / "none.jsonl"
    array.write_text("[]\n")
    page = tmp_path / "page.json"
    page.write_text('{"log_entries": []}')
    assert list(read_events("csv", [header])) == []
    assert list(read_events("jsonl", [array])) == []
    assert list(read_events("pagerduty", [page])) == []


@pytest.mark.parametrize(
    ("source", "name"), [("csv", "csv-naive-times.csv"), ("jsonl", "jsonl-naive-times.jsonl")]
)
def test_times_without_an_offset_need_a_zone(source: str, name: str) -> None:
    error = _error(source, HOSTILE / name)
    assert error.field == "time"
    assert "has no time zone" in error.reason
    # The words fit any caller; the CLI adds its option (tests/cli/test_timeline_import_bounds.py).
    assert isinstance(error, ZoneMissing)
    assert "--tz" not in error.reason
    events = list(read_events(source, [HOSTILE / name], default_tz=ZoneInfo("America/New_York")))
    assert [e.time.isoformat() for e in events] == ["2024-03-12T18:00:00+00:00"]


# --- large files are streamed and give the same events -----------------------------------------


def _same_events_streamed(source: str, paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    whole = [
        e.model_dump()
        for e in sort_events(e for b in read_batches(source, paths) for e in b.events)
    ]
    monkeypatch.setattr(_common, "WHOLE_FILE_BYTES", 0)
    monkeypatch.setattr(tabular, "WHOLE_FILE_BYTES", 0)
    monkeypatch.setattr(SlackImporter, "stream_threshold", 0)
    for streaming in (False, True):
        batches = list(read_batches(source, paths, streaming=streaming))
        # Streaming leaves repeats (overlapping pages) to the store's unique index.
        unique = {
            (e.source.tool, e.source.id): e
            for e in reversed([e for b in batches for e in b.events])
        }
        assert [e.model_dump() for e in sort_events(unique.values())] == whole
    assert whole


def test_a_large_log_entry_page_is_streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    _same_events_streamed("pagerduty", sorted((DATA / "pagerduty").glob("*.json")), monkeypatch)


def test_large_json_lines_and_arrays_are_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = [json.loads(p.read_text()) for p in sorted((DATA / "alertmanager").glob("*.json"))]
    lines = tmp_path / "captured.jsonl"
    lines.write_text("\n".join(json.dumps(b) for b in bodies) + "\n")
    array = tmp_path / "all.json"
    array.write_text(json.dumps(bodies, indent=2))
    _same_events_streamed("alertmanager", [lines], monkeypatch)
    _same_events_streamed("alertmanager", [array], monkeypatch)
    rows = [json.loads(x) for x in (DATA / "manual.jsonl").read_text().splitlines() if x.strip()]
    table = tmp_path / "rows.json"
    table.write_text(json.dumps(rows))
    _same_events_streamed("jsonl", [table], monkeypatch)
    _same_events_streamed("csv", [DATA / "manual.csv"], monkeypatch)


def test_a_single_payload_too_large_for_one_record_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.loads(sorted((DATA / "alertmanager").glob("*.json"))[0].read_text())
    path = tmp_path / "one.json"
    path.write_text(json.dumps(body, indent=2))
    monkeypatch.setattr(_common, "WHOLE_FILE_BYTES", 0)
    error = _error("alertmanager", path)
    assert "one JSON document larger than" in error.reason


def test_streaming_batches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "CHUNK_EVENTS", 2)
    monkeypatch.setattr(tabular, "WHOLE_FILE_BYTES", 0)
    batches = list(read_batches("csv", [DATA / "manual.csv"], streaming=True))
    total = len(list(read_events("csv", [DATA / "manual.csv"])))
    assert [len(b.events) for b in batches[:-1]] == [2] * (total // 2)
    assert sum(len(b.events) for b in batches) == total
    assert [b.last_of_file for b in batches] == [False] * (len(batches) - 1) + [True]


def test_streamed_reading_keeps_memory_flat() -> None:
    # Peak memory of reading a streamed file does not depend on its size: a day file of 60 MiB
    # is read (and refused at its end) within a small address space.
    day = io.BytesIO()
    day.write(b"[")
    message = json.dumps({"ts": "1710000000.000100", "text": "m" * 1000}).encode()
    for _ in range(60_000):
        day.write(message + b",")
    day.write(b"{}]")
    data = day.getvalue()
    script = (
        "import io, resource, sys\n"
        "from blamefree.importers.bounded import stream_items\n"
        "data = sys.stdin.buffer.read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "count = sum(1 for _ in stream_items(io.BytesIO(data), 'item', file='day.json'))\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(count, (after - before) // 1024)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], input=data, capture_output=True, check=True
    )
    count, grown_mb = map(int, run.stdout.split())
    assert count == 60_001
    assert grown_mb < 32  # parsed whole, the same file would take well over 100 MB more
