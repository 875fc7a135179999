"""Reminder delivery state in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from blamefree.store import UnitOfWork
from blamefree.store.deliveries import DeliveryRepository

DAY = dt.date(2024, 5, 2)
T1 = dt.datetime(2024, 5, 2, 8, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2024, 5, 2, 9, 30, tzinfo=dt.UTC)


def test_a_failed_attempt_then_a_sent_one_is_one_row_with_two_attempts(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        failed = DeliveryRepository(uow.session).record(
            day=DAY, channel="slack", recipient="Dana", address="hooks.slack.com",
            items=["A-1"], error="HTTP 500", at=T1,
        )  # fmt: skip
    assert (failed.status, failed.attempts, failed.last_error, failed.sent_at) == (
        "failed",
        1,
        "HTTP 500",
        None,
    )
    with UnitOfWork(engine) as uow:
        sent = DeliveryRepository(uow.session).record(
            day=DAY, channel="slack", recipient="Dana", address="hooks.slack.com",
            items=["A-1", "A-2"], error=None, at=T2,
        )  # fmt: skip
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, None)
    assert (sent.first_attempt_at, sent.last_attempt_at, sent.sent_at) == (T1, T2, T2)
    assert sent.items == ["A-1", "A-2"]
    with UnitOfWork(engine) as uow:
        repo = DeliveryRepository(uow.session)
        assert list(repo.of_day(DAY)) == [("slack", "Dana")]
        assert repo.of_day(DAY + dt.timedelta(days=1)) == {}
        assert [r.recipient for r in repo.recent(since=DAY)] == ["Dana"]


def test_a_recipient_of_any_length_is_recorded(engine: Engine) -> None:
    # An owner is whatever a document names; a long name once failed the whole run on PostgreSQL.
    name = "Platform reliability rotation (EMEA, weekday daytime hours) " * 6
    with UnitOfWork(engine) as uow:
        DeliveryRepository(uow.session).record(
            day=DAY, channel="email", recipient=name, address="smtp.example.com",
            items=["A-9"], error=None, at=T1,
        )  # fmt: skip
    with UnitOfWork(engine) as uow:
        assert list(DeliveryRepository(uow.session).of_day(DAY)) == [("email", name)]
    assert len(name) == 360
