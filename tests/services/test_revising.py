"""Saving a whole document read at some version: next version, merge, conflict, stale, derived."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from blamefree.domain.postmortem import Postmortem
from blamefree.errors import MergeConflict, RevisionNotFound, StaleEdit, ValidationFailed
from blamefree.schemas.convert import document_read
from blamefree.services import postmortems, revising
from blamefree.services.updates import based_markdown
from support.uow import in_uow

ID = "INC-2025-0031"


def _shown(engine: Engine) -> tuple[int, Postmortem]:
    """What a client is shown: the version and the document with derived values filled."""
    stored = in_uow(engine, postmortems.get_postmortem, incident_id=ID)
    return stored.version, document_read(stored.doc)


def test_a_change_on_the_current_version_is_the_next_one(engine: Engine, ledger: str) -> None:
    version, shown = _shown(engine)
    changed = shown.model_copy(update={"title": "Ledger export stalled: disk full"})
    outcome = in_uow(
        engine,
        revising.update_document,
        incident_id=ID,
        postmortem_in=changed,
        base_version=version,
        by="Noor",
    )
    assert (outcome.action, outcome.stored.version, outcome.merged_onto) == ("updated", 2, None)
    history = in_uow(engine, postmortems.history, incident_id=ID)
    assert [(r.version, r.message, r.author) for r in history][-1] == (2, "updated", "Noor")
    text = in_uow(engine, postmortems.export_markdown, incident_id=ID)
    assert text.splitlines()[0] == "# Ledger export stalled: disk full"


def test_sending_back_what_was_shown_changes_nothing(engine: Engine, ledger: str) -> None:
    version, shown = _shown(engine)
    outcome = in_uow(
        engine, revising.update_document, incident_id=ID, postmortem_in=shown, base_version=version
    )
    assert (outcome.action, outcome.stored.version) == ("unchanged", 1)


def test_changes_to_other_fields_merge_and_the_same_field_conflicts(
    engine: Engine, ledger: str
) -> None:
    version, shown = _shown(engine)
    title = shown.model_copy(update={"title": "Disk full stalled the ledger export"})
    in_uow(engine, revising.update_document, incident_id=ID, postmortem_in=title, base_version=1)
    summary = shown.executive_summary.model_copy(update={"impact": "Finance waited 3 hours."})
    impact = shown.model_copy(update={"executive_summary": summary})
    merged = in_uow(
        engine, revising.update_document, incident_id=ID, postmortem_in=impact, base_version=version
    )
    assert (merged.action, merged.stored.version, merged.merged_onto) == ("merged", 3, 2)
    assert merged.stored.doc.title == "Disk full stalled the ledger export"
    assert merged.stored.doc.executive_summary.impact == "Finance waited 3 hours."

    clash = shown.model_copy(update={"title": "Export out of disk"})
    with pytest.raises(MergeConflict) as raised:
        in_uow(
            engine, revising.update_document, incident_id=ID, postmortem_in=clash, base_version=1
        )
    (conflict,) = raised.value.conflicts
    assert (conflict.path, conflict.stored, conflict.file) == (
        "title",
        "Disk full stalled the ledger export",
        "Export out of disk",
    )
    assert in_uow(engine, postmortems.get_postmortem, incident_id=ID).version == 3


def test_without_merging_an_older_version_is_stale(engine: Engine, ledger: str) -> None:
    _, shown = _shown(engine)
    first = shown.model_copy(update={"title": "First"})
    in_uow(engine, revising.update_document, incident_id=ID, postmortem_in=first, base_version=1)
    second = shown.model_copy(update={"severity": None})
    with pytest.raises(StaleEdit):
        in_uow(
            engine,
            revising.update_document,
            incident_id=ID,
            postmortem_in=second,
            base_version=1,
            merge=False,
        )
    with pytest.raises(RevisionNotFound):
        in_uow(
            engine, revising.update_document, incident_id=ID, postmortem_in=first, base_version=5
        )
    other = shown.model_copy(update={"incident_id": "INC-2025-0099"})
    with pytest.raises(ValidationFailed) as raised:
        in_uow(
            engine, revising.update_document, incident_id=ID, postmortem_in=other, base_version=2
        )
    assert raised.value.field == "document.incident_id"


def test_a_markdown_update_is_merged_from_its_base_line(engine: Engine, ledger: str) -> None:
    stored = in_uow(engine, postmortems.get_postmortem, incident_id=ID)
    text = in_uow(engine, postmortems.export_markdown, incident_id=ID)
    exported = based_markdown(stored, text)
    _, shown = _shown(engine)
    in_uow(
        engine,
        revising.update_document,
        incident_id=ID,
        postmortem_in=shown.model_copy(update={"title": "Meanwhile"}),
        base_version=1,
    )
    edited = exported.replace("**Severity:** P2", "**Severity:** P1")
    outcome = in_uow(
        engine, revising.update_text, incident_id=ID, text=edited, source="upload.md", by="Ines"
    )
    assert (outcome.action, outcome.stored.version) == ("merged", 3)
    assert (outcome.stored.doc.title, outcome.stored.doc.severity) == ("Meanwhile", "P1")
