"""services.reviews: list, record and schedule follow-up reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import ReviewKind
from blamefree.errors import PostmortemNotFound, ValidationFailed
from blamefree.services import postmortems, reviews
from blamefree.store import UnitOfWork
from blamefree.store.follow_through import FollowThroughRepository
from support.uow import in_uow
from support.updates_doc import NOW


def test_reviews_fall_due_after_the_incident(engine: Engine, ledger: str) -> None:
    views = in_uow(engine, reviews.list_reviews, today=NOW.date(), incident_id=ledger)
    assert [(v.kind, v.due_date, v.due_is_default, v.overdue) for v in views] == [
        (ReviewKind.ONE_WEEK, dt.date(2025, 2, 11), True, False),
        (ReviewKind.ONE_MONTH, dt.date(2025, 3, 6), True, False),
        (ReviewKind.THREE_MONTHS, dt.date(2025, 5, 5), True, False),
    ]
    with pytest.raises(PostmortemNotFound):
        in_uow(engine, reviews.list_reviews, today=NOW.date(), incident_id="INC-NOPE")


def test_recording_and_scheduling(engine: Engine, ledger: str) -> None:
    held = in_uow(
        engine,
        reviews.record_review,
        incident_id=ledger,
        kind=ReviewKind.ONE_WEEK,
        now=NOW,
        notes="Alert works",
        by="Ines",
    )
    assert (held.done_at, held.notes, held.by) == (NOW, "Alert works", "Ines")
    moved = in_uow(
        engine,
        reviews.schedule_review,
        incident_id=ledger,
        kind=ReviewKind.ONE_MONTH,
        date=dt.date(2025, 3, 10),
        now=NOW,
        by="Noor",
    )
    assert (moved.due_date, moved.due_is_default) == (dt.date(2025, 3, 10), False)
    history = in_uow(engine, postmortems.history, incident_id=ledger)
    assert [(h.author, h.message) for h in history][-1] == (
        "Noor",
        "1-month review scheduled for 2025-03-10",
    )
    pending = in_uow(engine, reviews.list_reviews, today=NOW.date(), incident_id=ledger)
    assert [v.kind for v in pending] == [ReviewKind.ONE_MONTH, ReviewKind.THREE_MONTHS]
    with pytest.raises(ValidationFailed, match="before the incident"):
        in_uow(
            engine,
            reviews.schedule_review,
            incident_id=ledger,
            kind=ReviewKind.ONE_WEEK,
            date=dt.date(2025, 1, 1),
            now=NOW,
        )


def test_a_scheduled_date_lives_in_the_document_only_so_an_edit_of_it_counts(
    engine: Engine, ledger: str
) -> None:
    in_uow(
        engine,
        reviews.schedule_review,
        incident_id=ledger,
        kind=ReviewKind.ONE_WEEK,
        date=dt.date(2025, 2, 14),
        now=NOW,
    )
    with UnitOfWork(engine) as uow:
        assert FollowThroughRepository(uow.session).reviews() == []  # no copy to go stale
    stored = in_uow(engine, postmortems.get_postmortem, incident_id=ledger)
    schedule = stored.doc.follow_up.review_schedule.model_copy(
        update={"one_week": dt.date(2025, 2, 18)}
    )
    follow_up = stored.doc.follow_up.model_copy(update={"review_schedule": schedule})
    in_uow(
        engine,
        postmortems.update_postmortem,
        incident_id=ledger,
        postmortem_in=stored.doc.model_copy(update={"follow_up": follow_up}),
        expected_version=stored.version,
    )
    views = in_uow(engine, reviews.list_reviews, today=NOW.date(), incident_id=ledger)
    assert [(v.kind, v.due_date, v.due_is_default) for v in views] == [
        (ReviewKind.ONE_WEEK, dt.date(2025, 2, 18), False),
        (ReviewKind.ONE_MONTH, dt.date(2025, 3, 6), True),
        (ReviewKind.THREE_MONTHS, dt.date(2025, 5, 5), True),
    ]
