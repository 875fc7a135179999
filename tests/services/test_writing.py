"""services.writing: start, save a change made on a base version, settle conflicts by choice."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import (
    DuplicatePostmortem,
    InputError,
    RevisionNotFound,
    TemplateParseError,
)
from blamefree.importers import Upload
from blamefree.services import postmortems, writing
from blamefree.store.unit_of_work import UnitOfWork
from support.uow import in_uow

DAY = dt.date(2026, 11, 20)
WRONG_PAYLOAD = Upload("alerts.json", b'{"alerts": "not a list"}')


def _start(engine: Engine, **kwargs: object) -> str:
    made = in_uow(
        engine,
        writing.start,
        title="Pager storm",
        severity=Severity.P2,
        day=DAY,
        by="Kim",
        **kwargs,
    )
    return made.stored.incident_id


def _say(doc: Postmortem, *, what: str | None = None, approved: str | None = None) -> Postmortem:
    summary = doc.executive_summary.model_copy(update={"what_happened": what})
    sign_off = doc.sign_off.model_copy(update={"approved_by": approved})
    update: dict[str, object] = {}
    if what is not None:
        update["executive_summary"] = summary
    if approved is not None:
        update["sign_off"] = sign_off
    return doc.model_copy(update=update)


def test_start_takes_the_free_id_and_the_zone(engine: Engine) -> None:
    first = _start(engine, timezone="Asia/Tokyo")
    second = _start(engine)
    assert (first, second) == ("INC-20261120", "INC-20261120-2")
    with UnitOfWork(engine) as uow:
        doc = postmortems.get_postmortem(uow, incident_id=first).doc
    assert doc.timezone == "Asia/Tokyo"
    assert doc.title == "Pager storm"


def test_a_start_whose_file_does_not_read_stores_nothing(engine: Engine) -> None:
    with pytest.raises(InputError) as caught, UnitOfWork(engine) as uow:
        writing.start(
            uow, title="x", severity=None, day=DAY, source="alertmanager", uploads=[WRONG_PAYLOAD]
        )
    assert "alerts.json" in str(caught.value)
    with UnitOfWork(engine) as uow:
        assert postmortems.list_postmortems(uow) == []


def test_a_taken_id_is_refused(engine: Engine) -> None:
    incident_id = _start(engine)
    with pytest.raises(DuplicatePostmortem):
        _start(engine, incident_id=incident_id)


def test_an_edit_on_an_old_version_merges_onto_the_new_one(engine: Engine) -> None:
    incident_id = _start(engine)
    in_uow(
        engine,
        writing.save_edit,
        incident_id=incident_id,
        base_version=1,
        edit=partial(_say, what="Pages fired for a healthy service."),
        by="Kim",
    )
    result = in_uow(
        engine,
        writing.save_edit,
        incident_id=incident_id,
        base_version=1,
        edit=partial(_say, approved="Lee Park"),
        by="Lee",
    )
    assert result.outcome is not None
    assert (result.outcome.action, result.outcome.merged_onto) == ("merged", 2)
    doc = result.outcome.stored.doc
    assert doc.executive_summary.what_happened == "Pages fired for a healthy service."
    assert doc.sign_off.approved_by == "Lee Park"


def test_the_same_field_on_both_sides_stores_nothing_until_chosen(engine: Engine) -> None:
    incident_id = _start(engine)
    in_uow(
        engine,
        writing.save_edit,
        incident_id=incident_id,
        base_version=1,
        edit=partial(_say, what="Theirs"),
        by="Kim",
    )
    held = in_uow(
        engine,
        writing.save_edit,
        incident_id=incident_id,
        base_version=1,
        edit=partial(_say, what="Mine", approved="Lee Park"),
        by="Lee",
    )
    assert held.outcome is None and held.conflicted is not None
    assert [(c.path, c.base, c.stored, c.file) for c in held.conflicted.conflicts] == [
        ("executive_summary.what_happened", None, "Theirs", "Mine")
    ]
    assert held.conflicted.by == "Kim"
    settled = in_uow(
        engine,
        writing.resolve_conflict,
        incident_id=incident_id,
        base_version=1,
        seen_version=2,
        yours=held.conflicted.yours,
        choose={"executive_summary.what_happened": "stored"},
        by="Lee",
    )
    assert settled.outcome is not None
    doc = settled.outcome.stored.doc
    assert (doc.executive_summary.what_happened, doc.sign_off.approved_by) == ("Theirs", "Lee Park")
    assert settled.outcome.stored.version == 3


def test_markdown_that_does_not_read_raises_with_its_line(engine: Engine) -> None:
    incident_id = _start(engine)
    text = in_uow(engine, postmortems.export_markdown, incident_id=incident_id)
    broken = text.replace(f"**Date:** {DAY.isoformat()}", "**Date:** 2026-13-45")
    with pytest.raises(TemplateParseError) as caught, UnitOfWork(engine) as uow:
        writing.save_markdown(uow, incident_id=incident_id, base_version=1, text=broken)
    assert caught.value.line == 4


def test_a_base_version_that_does_not_exist_is_refused(engine: Engine) -> None:
    incident_id = _start(engine)
    with pytest.raises(RevisionNotFound), UnitOfWork(engine) as uow:
        writing.save_edit(uow, incident_id=incident_id, base_version=7, edit=_say)


def test_the_version_names_who_saved_it(engine: Engine) -> None:
    incident_id = _start(engine)
    info = in_uow(engine, writing.version_info, incident_id=incident_id)
    assert (info.version, info.by) == (1, "Kim")


@pytest.mark.parametrize(
    ("base", "typed", "kept"),
    [
        ("a\nb\n", "a\r\nb\r\n", "a\nb\n"),
        ("\ufeffa\r\nb\r\n", "a\r\nB\r\nc\r\n", "\ufeffa\r\nB\r\nc\r\n"),
        ("a\r\nb\nc", "a\r\nb\r\nc\r\nd", "a\r\nb\nc\r\nd"),
        ("a\nb", "a\r\nb", "a\nb"),
    ],
)
def test_typed_text_keeps_the_line_endings_a_browser_changed(
    base: str, typed: str, kept: str
) -> None:
    assert writing.typed_text(typed, base) == kept


def test_a_markdown_save_from_a_browser_keeps_the_texts_own_line_endings(engine: Engine) -> None:
    incident_id = _start(engine)
    text = in_uow(engine, postmortems.export_markdown, incident_id=incident_id)
    typed = text.replace("**Duration:** [Duration]", "**Duration:** 40m").replace("\n", "\r\n")
    in_uow(engine, writing.save_markdown, incident_id=incident_id, base_version=1, text=typed)
    after = in_uow(engine, postmortems.export_markdown, incident_id=incident_id)
    assert after == text.replace("**Duration:** [Duration]", "**Duration:** 40m")
