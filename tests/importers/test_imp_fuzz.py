"""Every importer survives arbitrary bytes with a typed error (or, rarely, a valid result)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blamefree.errors import SourceFormatError
from blamefree.importers import SOURCES, _common, read_batches, read_events, tabular

from .conftest import DATA

JSONISH = st.one_of(
    st.binary(max_size=200),
    st.from_regex(rb"\A[\[\]{}\",:0-9a-zA-Z .\-]{0,80}\Z"),
    st.sampled_from(
        [
            b"[]",
            b"{}",
            b"[{}]",
            b"null",
            b'{"alerts": [{}]}',
            b'{"log_entries": [1]}',
            b'{"incident": {"incident_updates": [{"id": 1}]}}',
            b'[{"ts": 1}]',
            b'{"action": "Create", "alert": {"alertId": "a", "createdAt": 1e99}}',
            b"time,text\n1,2\n",
            b'{"time": "x", "text": "y"}',
            b"\xef\xbb\xbf\x00",
            # hostile: NUL and surrogate escapes, long numbers, deep nesting, bad UTF-8
            b'[{"ts": "1710000000.1", "text": "a\\u0000b"}]',
            b'{"time": "2024-03-12T14:00:00Z", "text": "\\ud800"}',
            b'{"log_entries": [{"id": "R", "type": "x", "created_at": ' + b"1" * 5000 + b"}]}",
            b"[" * 3000 + b"]" * 3000,
            b'{"alerts": [{"startsAt": "2024-03-12T14:00:00Z", "labels": {"a": "\xc3"}}]}',
            b"time,text\n2024-03-12T14:00:00,naive\n",
            b"time,text\n2024-03-12T14:00:00Z,a\x00b\n",
            b"",
            b"  \n\n",
        ]
    ),
)

SUFFIX = {"csv": ".csv", "jsonl": ".jsonl"}


def _run(source: str, path: Path) -> None:
    with contextlib.suppress(SourceFormatError):
        list(read_events(source, [path]))
    # The way `timeline import` reads, and the streamed reading of files too large to parse
    # whole, must hold to the same rule: events or a SourceFormatError.
    with contextlib.suppress(SourceFormatError):
        list(read_batches(source, [path], streaming=True))
    with pytest.MonkeyPatch.context() as patch, contextlib.suppress(SourceFormatError):
        patch.setattr(_common, "WHOLE_FILE_BYTES", 0)
        patch.setattr(tabular, "WHOLE_FILE_BYTES", 0)
        list(read_batches(source, [path], streaming=True))


@pytest.mark.parametrize("source", [s for s in SOURCES if s != "slack"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=JSONISH)
def test_payload_importers_raise_only_source_format_errors(source: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{SUFFIX.get(source, '.json')}"
        path.write_bytes(data)
        _run(source, path)


@pytest.mark.parametrize("member", ["users.json", "channels.json", "general/2024-03-12.json"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=JSONISH)
def test_slack_export_members(member: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export"
        shutil.copytree(DATA / "slack_export", export)
        (export / member).write_bytes(data)
        _run("slack", export)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300))
def test_slack_zip(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.zip"
        path.write_bytes(b"PK\x03\x04" + data if data[:1] == b"\x00" else data)
        _run("slack", path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=JSONISH)
def test_slack_streamed_day_file(data: bytes) -> None:
    from blamefree.importers.slack import SlackImporter

    before = SlackImporter.stream_threshold
    SlackImporter.stream_threshold = 0
    try:
        test_slack_export_members.hypothesis.inner_test(  # type: ignore[attr-defined]
            member="incident-checkout/2024-03-13.json", data=data
        )
    finally:
        SlackImporter.stream_threshold = before
