"""Versions, stale edits, concurrent editors, revisions."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine

from blamefree.domain.postmortem import Postmortem
from blamefree.errors import PostmortemNotFound, RevisionNotFound, StaleEdit
from blamefree.store import StoredPostmortem, UnitOfWork


def titled(doc: Postmortem, title: str) -> Postmortem:
    return doc.model_copy(update={"title": title})


@pytest.fixture
def stored(engine: Engine, doc: Postmortem) -> StoredPostmortem:
    with UnitOfWork(engine) as uow:
        return uow.postmortems.create(doc, markdown="# v1\n", message="created")


def test_save_with_the_current_version_bumps_it(engine: Engine, stored: StoredPostmortem) -> None:
    with UnitOfWork(engine) as uow:
        v2 = uow.postmortems.save(titled(stored.doc, "Two"), expected_version=1, markdown="# v2")
        v3 = uow.postmortems.save(titled(stored.doc, "Three"), expected_version=2, markdown="# 3")
    assert (v2.version, v3.version) == (2, 3)
    with UnitOfWork(engine) as uow:
        current = uow.postmortems.get(stored.incident_id)
    assert (current.version, current.doc.title) == (3, "Three")


def test_stale_save_raises_and_changes_nothing(engine: Engine, stored: StoredPostmortem) -> None:
    with UnitOfWork(engine) as uow:
        uow.postmortems.save(titled(stored.doc, "Fresh"), expected_version=1, markdown="# v2")

    with pytest.raises(StaleEdit) as caught, UnitOfWork(engine) as uow:
        uow.postmortems.save(titled(stored.doc, "Stale"), expected_version=1, markdown="# bad")

    assert "version 2" in str(caught.value)
    assert "version 1" in str(caught.value)
    with UnitOfWork(engine) as uow:
        current = uow.postmortems.get(stored.incident_id)
        history = uow.postmortems.history(stored.incident_id)
    assert (current.version, current.doc.title) == (2, "Fresh")
    assert [r.version for r in history] == [1, 2]


def test_two_open_sessions_editing_the_same_version(
    engine: Engine, stored: StoredPostmortem
) -> None:
    with UnitOfWork(engine) as alice, UnitOfWork(engine) as bob:
        seen_by_alice = alice.postmortems.get(stored.incident_id)
        seen_by_bob = bob.postmortems.get(stored.incident_id)
        assert (seen_by_alice.version, seen_by_bob.version) == (1, 1)
        alice.postmortems.save(
            titled(seen_by_alice.doc, "Alice"), expected_version=1, markdown="# alice"
        )
        alice.commit()
        with pytest.raises(StaleEdit, match="version 2"):
            bob.postmortems.save(titled(seen_by_bob.doc, "Bob"), expected_version=1, markdown="")
        bob.rollback()

    with UnitOfWork(engine) as uow:
        current = uow.postmortems.get(stored.incident_id)
        assert (current.version, current.doc.title) == (2, "Alice")
        assert uow.postmortems.revision(stored.incident_id, 2).markdown == "# alice"


def test_concurrent_savers_in_threads_one_wins(engine: Engine, stored: StoredPostmortem) -> None:
    barrier = threading.Barrier(2, timeout=30)
    outcomes: dict[str, str] = {}

    def editor(name: str) -> None:
        try:
            with UnitOfWork(engine) as uow:
                seen = uow.postmortems.get(stored.incident_id)
                barrier.wait()
                uow.postmortems.save(
                    titled(seen.doc, name), expected_version=seen.version, markdown=name
                )
            outcomes[name] = "saved"
        except StaleEdit:
            outcomes[name] = "stale"

    threads = [threading.Thread(target=editor, args=(n,)) for n in ("ann", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["saved", "stale"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    with UnitOfWork(engine) as uow:
        current = uow.postmortems.get(stored.incident_id)
        history = uow.postmortems.history(stored.incident_id)
    assert (current.version, current.doc.title) == (2, winner)
    assert [r.version for r in history] == [1, 2]


def test_history_and_revision_texts(engine: Engine, stored: StoredPostmortem) -> None:
    with UnitOfWork(engine) as uow:
        uow.postmortems.save(stored.doc, expected_version=1, markdown="# v2\n", message="typo")
        uow.postmortems.save(stored.doc, expected_version=2, markdown="# v3\n")

    with UnitOfWork(engine) as uow:
        history = uow.postmortems.history(stored.incident_id)
        texts = [uow.postmortems.revision(stored.incident_id, v).markdown for v in (1, 2, 3)]
        second = uow.postmortems.revision(stored.incident_id, 2)

    assert [(r.version, r.message) for r in history] == [(1, "created"), (2, "typo"), (3, None)]
    assert history[0].created_at <= history[1].created_at <= history[2].created_at
    assert texts == ["# v1\n", "# v2\n", "# v3\n"]
    assert (second.incident_id, second.version, second.message) == (stored.incident_id, 2, "typo")


def test_missing_revision_and_history_of_unknown(engine: Engine, stored: StoredPostmortem) -> None:
    with pytest.raises(RevisionNotFound, match="no version 7"), UnitOfWork(engine) as uow:
        uow.postmortems.revision(stored.incident_id, 7)
    with pytest.raises(PostmortemNotFound), UnitOfWork(engine) as uow:
        uow.postmortems.history("INC-NOPE")
