"""Sign-off as data: who, in which role, when; written into and read from the Sign-Off section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import SignOffRole
from blamefree.errors import PostmortemNotFound, ValidationFailed
from blamefree.services import postmortems, reviews, updates
from support.uow import in_uow
from support.updates_doc import DOCUMENT, NOW, edited

ID = "INC-2025-0031"


@pytest.fixture
def stored(engine: Engine, tmp_path: Path) -> Path:
    path = tmp_path / "ledger.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    report = in_uow(engine, postmortems.import_files, paths=[path], today=NOW.date(), by="Kim")
    assert [o.action for o in report.outcomes] == ["created"]
    return path


def test_signing_off_fills_the_section_and_records_who_and_when(
    engine: Engine, stored: Path
) -> None:
    records = in_uow(
        engine,
        reviews.sign_off,
        incident_id=ID,
        role=SignOffRole.REVIEWED,
        name="Dana Okafor",
        now=NOW,
        by="Priya",
    )
    assert [(r.role, r.name, r.signed_on, r.recorded_by, r.recorded_at) for r in records] == [
        (SignOffRole.REVIEWED, "Dana Okafor", NOW.date(), "Priya", NOW)
    ]
    text = in_uow(engine, updates.export_markdown, incident_id=ID, with_base=False)
    assert "**Reviewed By:** Dana Okafor" in text
    assert "**Date:** 2025-02-10" in text
    doc = in_uow(engine, postmortems.get_postmortem, incident_id=ID).doc
    assert (doc.sign_off.reviewed_by, doc.sign_off.date) == ("Dana Okafor", NOW.date())
    history = in_uow(engine, postmortems.history, incident_id=ID)
    assert [(h.version, h.author, h.message) for h in history] == [
        (1, "Kim", "imported from ledger.md"),
        (2, "Priya", "signed off: Reviewed By Dana Okafor"),
    ]


def test_the_signer_defaults_to_who_acts_and_again_changes_nothing(
    engine: Engine, stored: Path
) -> None:
    later = NOW + dt.timedelta(hours=2)
    first = in_uow(
        engine, reviews.sign_off, incident_id=ID, role=SignOffRole.PREPARED, now=NOW, by="Noor"
    )
    again = in_uow(
        engine, reviews.sign_off, incident_id=ID, role=SignOffRole.PREPARED, now=later, by="Noor"
    )
    assert first == again
    assert [(r.name, r.recorded_at) for r in again] == [("Noor", NOW)]
    assert len(in_uow(engine, postmortems.history, incident_id=ID)) == 2


def test_a_sign_off_written_in_the_file_is_recorded_when_it_is_saved(
    engine: Engine, stored: Path, tmp_path: Path
) -> None:
    signed = tmp_path / "signed.md"
    signed.write_text(
        DOCUMENT + "\n## Sign-Off\n\n**Prepared By:** Noor  \n**Approved By:** Lee  \n"
        "**Date:** 2025-02-12\n",
        encoding="utf-8",
    )
    report = in_uow(
        engine,
        postmortems.import_files,
        paths=[signed],
        update=True,
        today=NOW.date(),
        by="Jonas",
    )
    assert [o.error for o in report.outcomes] == [None]
    records = in_uow(engine, reviews.list_sign_offs, incident_id=ID)
    assert [(r.role, r.name, r.signed_on, r.recorded_by) for r in records] == [
        (SignOffRole.PREPARED, "Noor", dt.date(2025, 2, 12), "Jonas"),
        (SignOffRole.APPROVED, "Lee", dt.date(2025, 2, 12), "Jonas"),
    ]
    # Taking a name out of the section takes its sign-off away.
    unsigned = tmp_path / "unsigned.md"
    unsigned.write_text(
        edited(signed.read_text(encoding="utf-8"), "**Approved By:** Lee  \n", ""),
        encoding="utf-8",
    )
    in_uow(engine, postmortems.import_files, paths=[unsigned], update=True, today=NOW.date())
    records = in_uow(engine, reviews.list_sign_offs, incident_id=ID)
    assert [(r.role, r.name) for r in records] == [(SignOffRole.PREPARED, "Noor")]


def test_a_sign_off_needs_a_name_and_a_stored_post_mortem(engine: Engine, stored: Path) -> None:
    with pytest.raises(ValidationFailed, match="needs the name") as caught:
        in_uow(
            engine,
            reviews.sign_off,
            incident_id=ID,
            role=SignOffRole.APPROVED,
            name="  ",
            now=NOW,
        )
    assert caught.value.field == "name"
    with pytest.raises(PostmortemNotFound):
        in_uow(engine, reviews.list_sign_offs, incident_id="INC-NOPE")
