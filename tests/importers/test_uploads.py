"""An upload (bytes or a binary stream) is imported exactly as the same file on disk."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from blamefree.errors import SourceFormatError
from blamefree.importers import Upload, read_events, sort_events

DATA = Path(__file__).parent.parent / "data" / "importers"
CSV = DATA / "manual.csv"


def _events(*inputs: Path | Upload) -> list[tuple[str, str, str | None]]:
    events = sort_events(read_events("csv", list(inputs)))
    return [(e.time.isoformat(), e.text, e.source.id) for e in events]


def test_bytes_and_streams_read_like_the_file() -> None:
    from_file = _events(CSV)
    assert len(from_file) == 3
    assert _events(Upload("manual.csv", CSV.read_bytes())) == from_file
    assert _events(Upload("manual.csv", io.BytesIO(CSV.read_bytes()))) == from_file


def test_an_error_names_the_upload_not_a_temporary_path() -> None:
    bad = b"time,text\nnot a time,Deploy\n"
    with pytest.raises(SourceFormatError) as caught:
        _events(Upload("../../etc/incident.csv", io.BytesIO(bad)))
    assert caught.value.file == "../../etc/incident.csv"
    assert str(caught.value).startswith("../../etc/incident.csv")
    assert "blamefree-upload-" not in str(caught.value)


def test_an_empty_upload_is_the_empty_file_error() -> None:
    with pytest.raises(SourceFormatError, match="the file is empty") as caught:
        _events(Upload("empty.csv", b""))
    assert caught.value.file == "empty.csv"
