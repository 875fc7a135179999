"""timeline_import: events from files or uploads into a stored post-mortem, in one transaction."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import Engine

from blamefree.importers import Upload
from blamefree.services import postmortems, timeline, timeline_import
from support.uow import in_uow
from support.updates_doc import DOCUMENT, NOW

CSV = Path(__file__).parent.parent / "data" / "importers" / "manual.csv"
ID = "INC-2025-0031"


def _stored(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "ledger.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    in_uow(engine, postmortems.import_files, paths=[path], today=NOW.date())


def test_an_uploaded_stream_is_imported_once_and_recorded(engine: Engine, tmp_path: Path) -> None:
    _stored(engine, tmp_path)
    upload = Upload("manual.csv", io.BytesIO(CSV.read_bytes()))
    result = in_uow(
        engine, timeline_import.import_files, incident_id=ID, source="csv", paths=[upload], by="Ana"
    )
    assert (result.read, result.added, result.skipped, result.version) == (3, 3, 0, 2)
    texts = [e.text for e in in_uow(engine, timeline.list_events, incident_id=ID)]
    assert texts == [
        "Deploy 2024.03.12-3 to checkout",  # 13:55 UTC
        "Rollback of 2024.03.12-3 finished",  # 14:12:30.25 UTC
        "Customer support told, refunds started",  # 14:50 UTC
    ]
    history = in_uow(engine, postmortems.history, incident_id=ID)
    assert (history[-1].author, history[-1].message) == ("Ana", "timeline: imported from csv")
    # The same records again, now from the file on disk: nothing new, no new version.
    again = in_uow(engine, timeline_import.import_files, incident_id=ID, source="csv", paths=[CSV])
    assert (again.added, again.skipped, again.version) == (0, 3, 2)
