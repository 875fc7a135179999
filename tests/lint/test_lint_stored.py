"""`lint ID` reads the stored author text, so it reports what `lint FILE` reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.lint.api import report_stored, report_text
from blamefree.lint.finding import Finding
from blamefree.services import postmortems
from support.uow import in_uow

ROOT = Path(__file__).parents[2]
FILES = sorted(
    [
        *ROOT.joinpath("tests", "data", "lint").glob("*.md"),
        *ROOT.joinpath("tests", "data", "postmortems").glob("*.md"),
        ROOT / "src/blamefree/data/example-postmortem.md",
    ]
)


def _key(findings: list[Finding]) -> list[tuple[str, int, int, str]]:
    return [(f.rule, f.line, f.column, f.message) for f in findings]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_a_stored_post_mortem_lints_like_its_file(engine: Engine, path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    report = in_uow(engine, postmortems.import_files, paths=[path], today=dt.date(2024, 6, 1))
    incident_id = report.outcomes[0].incident_id
    assert incident_id is not None and report.outcomes[0].error is None
    stored, stored_text = in_uow(engine, postmortems.stored_document, incident_id=incident_id)
    from_file = report_text(text, source="x")
    from_store = report_stored(stored_text, stored.doc, source="x")
    assert _key(from_store.findings) == _key(from_file.findings)
    assert from_store.text == from_file.text
