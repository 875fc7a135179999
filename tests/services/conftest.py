"""A stored post-mortem (support.updates_doc.DOCUMENT) for the use-case tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.services import postmortems
from support.uow import in_uow
from support.updates_doc import DOCUMENT, NOW

ID = "INC-2025-0031"


@pytest.fixture
def ledger(engine: Engine, tmp_path: Path) -> str:
    """The incident id of DOCUMENT, imported by Kim."""
    path = tmp_path / "ledger.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    report = in_uow(engine, postmortems.import_files, paths=[path], today=NOW.date(), by="Kim")
    assert [(o.action, o.error) for o in report.outcomes] == [("created", None)]
    return ID
