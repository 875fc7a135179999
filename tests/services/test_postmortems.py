"""services.postmortems: create, get, list, update, diff, delete, import, resolve."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import DuplicatePostmortem, PostmortemNotFound, StaleEdit
from blamefree.services import postmortems
from blamefree.store import StoredPostmortem, UnitOfWork, repository
from support.uow import in_uow
from support.updates_doc import DOCUMENT, NOW


def test_create_get_update_and_diff(engine: Engine) -> None:
    doc = postmortems.new_postmortem(
        title="Queue backlog", severity=Severity.P2, today=dt.date(2025, 3, 1)
    )
    created = in_uow(engine, postmortems.create_postmortem, postmortem_in=doc, by="Ana")
    assert (created.incident_id, created.version) == ("INC-20250301", 1)
    changed = doc.model_copy(update={"title": "Queue backlog at night"})
    saved = in_uow(
        engine,
        postmortems.update_postmortem,
        incident_id="INC-20250301",
        postmortem_in=changed,
        expected_version=1,
        by="Ben",
    )
    assert saved.version == 2
    with pytest.raises(StaleEdit):
        in_uow(
            engine,
            postmortems.update_postmortem,
            incident_id="INC-20250301",
            postmortem_in=changed,
            expected_version=1,
        )
    diff = in_uow(engine, postmortems.diff, incident_id="INC-20250301")
    assert "-# Queue backlog\n+# Queue backlog at night\n" in diff
    assert [
        (r.version, r.author)
        for r in in_uow(engine, postmortems.history, incident_id="INC-20250301")
    ] == [
        (1, "Ana"),
        (2, "Ben"),
    ]
    assert in_uow(engine, postmortems.unused_incident_id, day=dt.date(2025, 3, 1)) == (
        "INC-20250301-2"
    )


def test_import_refuses_a_stored_id_unless_updating(
    engine: Engine, ledger: str, tmp_path: Path
) -> None:
    again = tmp_path / "again.md"
    again.write_text(DOCUMENT.replace("stalled overnight", "stalled at night"), encoding="utf-8")
    report = in_uow(engine, postmortems.import_files, paths=[again], today=NOW.date())
    (outcome,) = report.outcomes
    assert isinstance(outcome.error, DuplicatePostmortem)
    assert outcome.action == "failed"
    updated = in_uow(engine, postmortems.import_files, paths=[again], today=NOW.date(), update=True)
    assert [(o.action, o.version) for o in updated.outcomes] == [("updated", 2)]
    listed = in_uow(engine, postmortems.list_postmortems)
    assert [(s.incident_id, s.title, s.version) for s in listed] == [
        (ledger, "Post-Mortem: Ledger export stalled at night", 2)
    ]


def test_each_file_of_an_import_stands_alone(engine: Engine, tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(DOCUMENT, encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("# Post-Mortem: x\n\n**Date:** 31 February\n", encoding="utf-8")
    report = in_uow(engine, postmortems.import_files, paths=[good, bad], today=NOW.date())
    assert [(o.action, o.error is None) for o in report.outcomes] == [
        ("created", True),
        ("failed", False),
    ]
    assert [s.incident_id for s in in_uow(engine, postmortems.list_postmortems)] == [
        "INC-2025-0031"
    ]


def test_resolve_reads_text_a_file_or_the_store_and_opens_the_store_only_then(
    engine: Engine, ledger: str, tmp_path: Path
) -> None:
    opened: list[bool] = []

    @contextlib.contextmanager
    def uow_factory() -> Iterator[UnitOfWork]:
        opened.append(True)
        with UnitOfWork(engine) as uow:
            yield uow

    from_text = postmortems.resolve_document(uow_factory, file_or_id="-", text=DOCUMENT)
    path = tmp_path / "file.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    from_file = postmortems.resolve_document(uow_factory, file_or_id=str(path))
    assert opened == []
    from_store, base = postmortems.resolve_document_and_base(uow_factory, file_or_id=ledger)
    assert opened == [True]
    assert (
        from_text.title
        == from_file.title
        == from_store.title
        == "Post-Mortem: Ledger export stalled overnight"
    )
    assert (base.incident_id, base.version) == (ledger, 1) if base else False
    with pytest.raises(PostmortemNotFound, match="neither a file nor the incident id"):
        postmortems.resolve_document(uow_factory, file_or_id="INC-NOPE")


def test_delete_removes_the_post_mortem(engine: Engine, ledger: str) -> None:
    deleted = in_uow(engine, postmortems.delete_postmortem, incident_id=ledger)
    assert deleted == postmortems.Deletion(
        incident_id=ledger, title="Post-Mortem: Ledger export stalled overnight", version=1
    )
    with pytest.raises(PostmortemNotFound):
        in_uow(engine, postmortems.get_postmortem, incident_id=ledger)


def test_delete_asks_with_no_transaction_open_and_a_no_keeps_everything(
    engine: Engine, ledger: str
) -> None:
    asked: list[tuple[postmortems.Deletion, bool]] = []

    def answer(yes: bool) -> Callable[[postmortems.Deletion], bool]:
        def confirm(deletion: postmortems.Deletion) -> bool:
            asked.append((deletion, uow.session.in_transaction()))
            return yes

        return confirm

    with UnitOfWork(engine) as uow:
        kept = postmortems.delete_postmortem(uow, incident_id=ledger, confirm=answer(False))
    assert kept is None
    assert in_uow(engine, postmortems.get_postmortem, incident_id=ledger).version == 1
    with UnitOfWork(engine) as uow:
        gone = postmortems.delete_postmortem(uow, incident_id=ledger, confirm=answer(True))
    expected = postmortems.Deletion(
        incident_id=ledger, title="Post-Mortem: Ledger export stalled overnight", version=1
    )
    assert (gone, asked) == (expected, [(expected, False), (expected, False)])
    assert in_uow(engine, postmortems.list_postmortems) == []
    # An unknown id fails before anyone is asked.
    with pytest.raises(PostmortemNotFound, match="INC-NOPE"):
        in_uow(engine, postmortems.delete_postmortem, incident_id="INC-NOPE", confirm=answer(True))
    assert len(asked) == 2


def test_starting_a_post_mortem_takes_a_free_id_and_stores_it_with_its_base_line(
    engine: Engine,
) -> None:
    day = dt.date(2025, 6, 2)
    first = in_uow(
        engine, postmortems.start_postmortem, title="A", severity=Severity.P1, day=day, save=True
    )
    second = in_uow(
        engine,
        postmortems.start_postmortem,
        title="B",
        severity=Severity.P3,
        day=day,
        save=True,
        by="Noor",
    )
    assert [s.doc.incident_id for s in (first, second)] == ["INC-20250602", "INC-20250602-2"]
    assert second.stored is not None
    assert (second.stored.version, second.text.split("\n")[0]) == (
        1,
        "<!-- blamefree: INC-20250602-2 version 1 (keep this line: updates from this file "
        "merge safely) -->",
    )
    history = in_uow(engine, postmortems.history, incident_id="INC-20250602-2")
    assert [(h.version, h.author, h.message) for h in history] == [(1, "Noor", "created")]
    # A draft with no store at hand: the date's id, no base line, nothing stored.
    draft = postmortems.start_postmortem(None, title="C", severity=Severity.P2, day=day)
    assert (draft.doc.incident_id, draft.stored, draft.text.startswith("# ")) == (
        "INC-20250602",
        None,
        True,
    )


def _rival_stores_first(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, incident_id: str, times: int = 1
) -> list[str]:
    """Between the id's pick and the save, another writer stores ``incident_id`` (then, for
    each further time, the next numbered one) in a unit of work of its own, committed at once."""
    real = postmortems.create_revision
    tried: list[str] = []

    def racing(uow: UnitOfWork, **kwargs: Any) -> StoredPostmortem:
        tried.append(kwargs["doc"].incident_id)
        if len(tried) <= times:
            taken = incident_id if len(tried) == 1 else f"{incident_id}-{len(tried)}"
            rival = postmortems.new_postmortem(
                title="Rival", severity=Severity.P2, incident_id=taken, today=dt.date(2025, 6, 2)
            )
            with UnitOfWork(engine) as other:
                real(other, doc=rival, message="created", by="Rival")
        return real(uow, **kwargs)

    monkeypatch.setattr(postmortems, "create_revision", racing)
    return tried


def test_a_default_id_taken_between_pick_and_save_moves_to_the_next_free_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = dt.date(2025, 6, 2)
    tried = _rival_stores_first(monkeypatch, engine, "INC-20250602", times=2)
    started = in_uow(
        engine,
        postmortems.start_postmortem,
        title="Queue backlog",
        severity=Severity.P1,
        day=day,
        save=True,
        by="Noor",
    )
    assert tried == ["INC-20250602", "INC-20250602-2", "INC-20250602-3"]
    assert started.stored is not None
    assert (started.doc.incident_id, started.stored.incident_id, started.stored.version) == (
        "INC-20250602-3",
        "INC-20250602-3",
        1,
    )
    assert started.text.split("\n")[0] == (
        "<!-- blamefree: INC-20250602-3 version 1 (keep this line: updates from this file "
        "merge safely) -->"
    )
    assert "**Incident ID:** INC-20250602-3  \n" in started.text
    listed = in_uow(engine, postmortems.list_postmortems)
    assert sorted((s.incident_id, s.title) for s in listed) == [
        ("INC-20250602", "Rival"),
        ("INC-20250602-2", "Rival"),
        ("INC-20250602-3", "Queue backlog"),
    ]
    stored_text = in_uow(engine, postmortems.export_markdown, incident_id="INC-20250602-3")
    assert "**Incident ID:** INC-20250602-3  \n" in stored_text
    history = in_uow(engine, postmortems.history, incident_id="INC-20250602-3")
    assert [(h.version, h.author, h.message) for h in history] == [(1, "Noor", "created")]


def test_an_id_given_explicitly_still_conflicts_when_taken_before_the_save(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    tried = _rival_stores_first(monkeypatch, engine, "INC-2025-0099")
    with pytest.raises(DuplicatePostmortem, match="'INC-2025-0099' exists"):
        in_uow(
            engine,
            postmortems.start_postmortem,
            title="Queue backlog",
            severity=Severity.P1,
            day=dt.date(2025, 6, 2),
            incident_id="INC-2025-0099",
            save=True,
        )
    assert tried == ["INC-2025-0099"]
    listed = in_uow(engine, postmortems.list_postmortems)
    assert [(s.incident_id, s.title) for s in listed] == [("INC-2025-0099", "Rival")]


def test_a_default_id_whose_insert_hits_the_unique_index_moves_on_too(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rival commits after the store's own check and before the insert, so the insert
    # itself fails on the unique incident id (on PostgreSQL that aborts the transaction).
    real = repository._header_values
    rivals: list[str] = []

    def header_values(doc: Postmortem) -> dict[str, Any]:
        if not rivals and doc.incident_id == "INC-20250602":
            rivals.append("stored")
            rival = doc.model_copy(update={"title": "Rival"})
            with UnitOfWork(engine) as other:
                postmortems.create_postmortem(other, postmortem_in=rival, by="Rival")
        return real(doc)

    monkeypatch.setattr(repository, "_header_values", header_values)
    started = in_uow(
        engine,
        postmortems.start_postmortem,
        title="Queue backlog",
        severity=Severity.P1,
        day=dt.date(2025, 6, 2),
        save=True,
    )
    assert (rivals, started.doc.incident_id) == (["stored"], "INC-20250602-2")
    listed = in_uow(engine, postmortems.list_postmortems)
    assert sorted((s.incident_id, s.title, s.version) for s in listed) == [
        ("INC-20250602", "Rival", 1),
        ("INC-20250602-2", "Queue backlog", 1),
    ]
