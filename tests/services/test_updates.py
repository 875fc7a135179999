"""Updates from files never silently drop what the store gained: merge, refuse, restore."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import ActionStatus, Horizon, ReviewKind
from blamefree.domain.timeline import TimelineEvent
from blamefree.errors import (
    DuplicatePostmortem,
    MergeConflict,
    RevisionNotFound,
    TemplateParseError,
    WouldLoseWork,
)
from blamefree.schemas.convert import conflict_read, to_data
from blamefree.services import actions, postmortems, reviews, timeline, updates
from blamefree.services.postmortems import ImportOutcome
from blamefree.store.repository import PostmortemRepository
from support.updates_doc import DOCUMENT, NOW, edited

ID = "INC-2025-0031"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_one(
    engine: Engine, path: Path, *, update: bool = True, force: bool = False
) -> ImportOutcome:
    report = postmortems.import_files(
        engine, paths=[path], update=update, force=force, today=NOW.date()
    )
    (outcome,) = report.outcomes
    return outcome


def item_ids(engine: Engine) -> dict[str, str]:
    found = actions.list_actions(engine, today=NOW.date(), incident_id=ID)
    return {view.record.text: view.uid for view in found}


@pytest.fixture
def stored(engine: Engine, tmp_path: Path) -> str:
    """The post-mortem imported (version 1); returns the text `export` gives for it."""
    assert (
        import_one(engine, write(tmp_path, "ledger.md", DOCUMENT), update=False).action == "created"
    )
    return updates.export_markdown(engine, incident_id=ID)


def work_in_the_store(engine: Engine) -> dict[str, str]:
    """What people do after the export: an event, a closed item, a new owner, a move, a review."""
    timeline.add_event(
        engine,
        incident_id=ID,
        event=TimelineEvent(
            time=dt.datetime(2025, 2, 4, 7, 5, tzinfo=dt.UTC), text="Export rerun by hand"
        ),
    )
    ids = item_ids(engine)
    actions.set_action(
        engine,
        action_id=ids["Alert when the export runs longer than two hours"],
        status=ActionStatus.DONE,
        now=NOW,
    )
    actions.assign_action(
        engine, action_id=ids["Clean temporary files after each run"], owner="Noor", now=NOW
    )
    actions.move_action(
        engine,
        action_id=ids["Move temporary files to their own volume"],
        horizon=Horizon.LONG_TERM,
        now=NOW,
    )
    reviews.record_review(
        engine, incident_id=ID, kind=ReviewKind.ONE_WEEK, now=NOW, notes="Alert works", by="Ines"
    )
    return ids


def test_an_export_is_marked_with_its_version(engine: Engine, stored: str) -> None:
    first, rest = stored.split("\n", 1)
    assert first.startswith(f"<!-- blamefree: {ID} version 1 (")
    assert updates.export_markdown(engine, incident_id=ID, with_base=False) == rest
    # The marker is never part of what is stored.
    assert "blamefree: INC" not in postmortems.revision_markdown(engine, incident_id=ID, version=1)


def test_a_file_based_on_the_current_version_is_saved_as_it_is(
    engine: Engine, stored: str, tmp_path: Path
) -> None:
    path = write(
        tmp_path, "next.md", edited(stored, "**Support Tickets:** 4", "**Support Tickets:** 5")
    )
    outcome = import_one(engine, path)
    assert (outcome.action, outcome.version, outcome.error) == ("updated", 2, None)
    doc = postmortems.get_postmortem(engine, incident_id=ID).doc
    assert doc.impact_assessment.business_impact.support_tickets == 5
    assert postmortems.history(engine, incident_id=ID)[-1].message == "imported from next.md"


def test_a_file_based_on_an_older_version_is_merged_and_keeps_the_stores_work(
    engine: Engine, stored: str, tmp_path: Path
) -> None:
    ids = work_in_the_store(engine)
    before = postmortems.get_postmortem(engine, incident_id=ID)
    assert before.version == 5
    history_before = {uid: actions.action_history(engine, action_id=uid) for uid in ids.values()}
    text = edited(stored, "**Support Tickets:** 4", "**Support Tickets:** 7")
    text = edited(
        text,
        "2. Temporary files were never cleaned up",
        "2. Temporary files were never cleaned up\n3. The disk had no usage alert",
    )
    outcome = import_one(engine, write(tmp_path, "old.md", text))
    assert (outcome.action, outcome.version, outcome.error) == ("merged", 6, None)

    after = postmortems.get_postmortem(engine, incident_id=ID).doc
    assert after.impact_assessment.business_impact.support_tickets == 7
    assert after.root_cause_analysis.contributing_factors[-1] == "The disk had no usage alert"
    assert [event.text for event in after.timeline.events] == ["Export rerun by hand"]
    listed = actions.list_actions(engine, today=NOW.date(), incident_id=ID)
    assert [(v.uid, v.record.horizon, v.record.status, v.record.owner) for v in listed] == [
        (
            ids["Alert when the export runs longer than two hours"],
            Horizon.IMMEDIATE,
            ActionStatus.DONE,
            "Noor",
        ),
        (ids["Clean temporary files after each run"], Horizon.IMMEDIATE, ActionStatus.OPEN, "Noor"),
        (
            ids["Move temporary files to their own volume"],
            Horizon.LONG_TERM,
            ActionStatus.OPEN,
            "Platform team",
        ),
    ]
    # The rows are the same rows: their history is all there and nothing was re-created.
    for uid, entries in history_before.items():
        assert actions.action_history(engine, action_id=uid) == entries
    held = reviews.list_reviews(engine, today=NOW.date(), incident_id=ID, include_done=True)
    assert [(r.kind, r.notes, r.by) for r in held if r.done_at] == [
        (ReviewKind.ONE_WEEK, "Alert works", "Ines")
    ]
    assert postmortems.history(engine, incident_id=ID)[-1].message == (
        "imported from old.md (merged onto version 5)"
    )


def test_a_conflict_stores_nothing_and_names_each_field(
    engine: Engine, stored: str, tmp_path: Path
) -> None:
    ids = work_in_the_store(engine)
    text = edited(stored, "  - **Owner:** Ines", "  - **Owner:** Omar")
    text = edited(text, "**Support Tickets:** 4", "**Support Tickets:** 9")
    outcome = import_one(engine, write(tmp_path, "clash.md", text))
    assert isinstance(outcome.error, MergeConflict)
    assert outcome.error.exit_code == 5
    uid = ids["Clean temporary files after each run"]
    assert [to_data(conflict_read(c)) for c in outcome.error.conflicts] == [
        {
            "path": 'action_items.immediate["Clean temporary files after each run"].owner',
            "kind": "changed",
            "base": "Ines",
            "stored": "Noor",
            "file": "Omar",
        }
    ]
    assert (
        'action_items.immediate["Clean temporary files after each run"].owner: stored (version 5) "Noor", file "Omar"'
        in str(outcome.error)
    )
    current = postmortems.get_postmortem(engine, incident_id=ID)
    assert current.version == 5
    assert current.doc.impact_assessment.business_impact.support_tickets == 4
    # --force settles the conflict for the file and still keeps the rest of the store's work.
    forced = import_one(engine, write(tmp_path, "clash.md", text), force=True)
    assert (forced.action, forced.version) == ("merged", 6)
    owners = {
        v.uid: v.record.owner
        for v in actions.list_actions(engine, today=NOW.date(), incident_id=ID)
    }
    assert owners[uid] == "Omar"
    assert len(postmortems.get_postmortem(engine, incident_id=ID).doc.timeline.events) == 1


def test_a_file_without_a_base_that_would_lose_work_is_refused(
    engine: Engine, stored: str, tmp_path: Path
) -> None:
    ids = work_in_the_store(engine)
    original = write(tmp_path, "ledger.md", DOCUMENT)  # the file as first written: no marker
    outcome = import_one(engine, original)
    assert isinstance(outcome.error, WouldLoseWork)
    assert [(loss.path, loss.stored, loss.file) for loss in outcome.error.losses] == [
        (
            f"timeline.events[manual:{postmortems.get_postmortem(engine, incident_id=ID).doc.timeline.events[0].source.id}]",
            "2025-02-04T07:05:00Z Export rerun by hand",
            None,
        ),
        (
            'action_items.immediate["Alert when the export runs longer than two hours"].status',
            "done",
            "open",
        ),
        ('action_items.immediate["Clean temporary files after each run"].owner', "Noor", "Ines"),
        (
            'action_items.long_term["Move temporary files to their own volume"].horizon',
            "long_term",
            "short_term",
        ),
    ]
    assert postmortems.get_postmortem(engine, incident_id=ID).version == 5
    forced = import_one(engine, original, force=True)
    assert (forced.action, forced.version) == ("updated", 6)
    doc = postmortems.get_postmortem(engine, incident_id=ID).doc
    assert (doc.timeline.events, doc.action_items.immediate[0].status) == ([], ActionStatus.OPEN)
    # Forced or not, the items stay the same rows with their ids.
    assert item_ids(engine) == ids


def test_a_file_without_a_base_that_loses_nothing_is_saved(
    engine: Engine, stored: str, tmp_path: Path
) -> None:
    text = edited(DOCUMENT, "**Support Tickets:** 4", "**Support Tickets:** 3")
    outcome = import_one(engine, write(tmp_path, "plain.md", text))
    assert (outcome.action, outcome.version, outcome.error) == ("updated", 2, None)


def test_a_base_naming_another_incident_or_a_missing_version_is_an_error(
    engine: Engine, stored: str, tmp_path: Path
) -> None:
    other = stored.replace(f"blamefree: {ID} version 1", "blamefree: INC-2025-0099 version 1", 1)
    outcome = import_one(engine, write(tmp_path, "other.md", other))
    assert isinstance(outcome.error, TemplateParseError)
    assert (outcome.error.line, outcome.error.field) == (1, "base")
    assert "'INC-2025-0099' version 1, but its Incident ID is 'INC-2025-0031'" in str(outcome.error)
    future = stored.replace(f"blamefree: {ID} version 1", f"blamefree: {ID} version 4", 1)
    outcome = import_one(engine, write(tmp_path, "future.md", future))
    assert isinstance(outcome.error, RevisionNotFound)
    assert "made from version 4 of 'INC-2025-0031', which has versions 1 to 1" in str(outcome.error)


def test_restore_brings_back_a_version_as_a_new_one(engine: Engine, stored: str) -> None:
    ids = work_in_the_store(engine)
    outcome = updates.restore_revision(engine, incident_id=ID, version=1)
    assert (outcome.action, outcome.stored.version, outcome.restored_version) == ("restored", 6, 1)
    assert postmortems.history(engine, incident_id=ID)[-1].message == "restored version 1"
    doc = outcome.stored.doc
    assert doc.timeline.events == []
    assert [(i.text, i.status, i.owner) for i in doc.action_items.all()] == [
        ("Alert when the export runs longer than two hours", ActionStatus.OPEN, "Noor"),
        ("Clean temporary files after each run", ActionStatus.OPEN, "Ines"),
        ("Move temporary files to their own volume", ActionStatus.OPEN, "Platform team"),
    ]
    assert item_ids(engine) == ids  # the same items, the same rows
    uid = ids["Alert when the export runs longer than two hours"]
    assert [(e.field, e.old, e.new) for e in actions.action_history(engine, action_id=uid)][-1] == (
        "status",
        "done",
        "open",
    )
    again = updates.restore_revision(engine, incident_id=ID, version=6)
    assert (again.action, again.stored.version) == ("unchanged", 6)
    with pytest.raises(RevisionNotFound):
        updates.restore_revision(engine, incident_id=ID, version=9)


def test_two_imports_that_both_found_the_id_free_end_like_a_late_one(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both imports look before either inserts: the loser gets the same error as a late import."""
    path = write(tmp_path, "ledger.md", DOCUMENT)
    postmortems.list_postmortems(engine)  # the schema exists before the race
    both_looked = threading.Barrier(2, timeout=30)
    first_look = threading.local()
    real_exists = PostmortemRepository.exists

    def exists(self: PostmortemRepository, incident_id: str) -> bool:
        found = real_exists(self, incident_id)
        if not getattr(first_look, "done", False):
            first_look.done = True
            both_looked.wait()
        return found

    monkeypatch.setattr(PostmortemRepository, "exists", exists)
    outcomes: list[ImportOutcome] = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(import_one(engine, path, update=False)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.setattr(PostmortemRepository, "exists", real_exists)
    assert sorted(o.action for o in outcomes) == ["created", "failed"]
    (lost,) = [o.error for o in outcomes if o.error is not None]
    assert isinstance(lost, DuplicatePostmortem)
    late = import_one(engine, path, update=False).error
    assert (type(lost), str(lost), lost.exit_code) == (type(late), str(late), 5)
