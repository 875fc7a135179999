"""A reminder that fails for any reason is retried by the next run and never reported as sent.

Real stores (SQLite and PostgreSQL); the webhook is an ``httpx.MockTransport`` that fails the
way a test needs: an unexpected exception, Ctrl-C, or a claim left behind by a run that died.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from blamefree.config import Settings
from blamefree.services.postmortems import import_files
from blamefree.services.reminders import (
    BUSY_STATUS,
    FAILED_STATUS,
    INTERRUPTED,
    SENT_STATUS,
    remind,
)
from blamefree.store import UnitOfWork
from blamefree.store.deliveries import DeliveryRepository, Holder, holder_gone, holding
from support.uow import in_uow

OWNERS = Path(__file__).parent.parent / "data" / "hostile" / "outbound" / "owners.md"
TODAY = dt.date(2024, 4, 5)
NOW = dt.datetime(2024, 4, 5, 9, tzinfo=dt.UTC)
HOOK = "https://hooks.example/blamefree/s3cr3t-path"
FIRST_OWNER = "<!channel> on-call"


def settings() -> Settings:
    return Settings(database_url="sqlite://", webhook_url=HOOK)


@pytest.fixture
def store(engine: Engine) -> Engine:
    report = in_uow(engine, import_files, paths=[OWNERS], today=TODAY)
    assert [o.error for o in report.outcomes] == [None]
    return engine


class Hook:
    """A webhook receiver: answers 200 unless ``fail`` says otherwise; keeps each owner seen."""

    def __init__(self, fail: Callable[[httpx.Request], None] | None = None) -> None:
        self.owners: list[str] = []
        self.fail = fail

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.fail is not None:
            self.fail(request)
        self.owners.append(json.loads(request.content)["owner"])
        return httpx.Response(200, text="ok")


def run(engine: Engine, hook: Hook, **options: object) -> dict[str, tuple[str, str | None]]:
    report = in_uow(
        engine,
        remind,
        settings=settings(),
        today=TODAY,
        now=NOW,
        reviews=lambda *_: [],
        transport=httpx.MockTransport(hook),
        **{"clock": lambda: dt.datetime.now(dt.UTC), **options},  # type: ignore[arg-type]
    )
    return {r.recipient: (r.status, r.error) for r in report.results}


def row(engine: Engine, recipient: str) -> tuple[str, int, str | None]:
    with UnitOfWork(engine) as uow:
        record = DeliveryRepository(uow.session).of_day(TODAY)[("webhook", recipient)]
    return record.status, record.attempts, record.last_error


def claim_for(engine: Engine, recipient: str, holder: Holder, *, at: dt.datetime) -> None:
    with UnitOfWork(engine) as uow:
        repo = DeliveryRepository(uow.session)
        repo.claim(
            day=TODAY,
            channel="webhook",
            recipient=recipient,
            address="hooks.example",
            items=["A-1"],
            at=NOW,
            lease_start=at,
            stale_before=at - dt.timedelta(minutes=10),
            holder=holder,
        )


def test_an_unexpected_error_after_the_claim_is_a_failure_then_sent_next_run(
    store: Engine,
) -> None:
    def boom(request: httpx.Request) -> None:
        if "on-call" in request.content.decode():
            raise RuntimeError("serializer exploded")

    first = run(store, Hook(fail=boom))
    assert first[FIRST_OWNER] == (
        FAILED_STATUS,
        "could not be sent (RuntimeError: serializer exploded)",
    )
    assert [status for status, _ in first.values()].count(SENT_STATUS) == 3
    assert row(store, FIRST_OWNER) == (
        "failed",
        1,
        "could not be sent (RuntimeError: serializer exploded)",
    )
    hook = Hook()
    second = run(store, hook)
    assert second[FIRST_OWNER] == (SENT_STATUS, None)
    assert hook.owners == [FIRST_OWNER]
    assert row(store, FIRST_OWNER) == ("sent", 2, None)


def test_ctrl_c_mid_send_leaves_it_failed_and_the_next_run_sends_it(store: Engine) -> None:
    def interrupt(request: httpx.Request) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(store, Hook(fail=interrupt))
    # The first message (owners are sorted) was being sent; the run stopped there.
    assert row(store, FIRST_OWNER) == ("failed", 1, INTERRUPTED)
    with UnitOfWork(store) as uow:
        assert list(DeliveryRepository(uow.session).of_day(TODAY)) == [("webhook", FIRST_OWNER)]
    hook = Hook()
    second = run(store, hook)
    assert set(second.values()) == {(SENT_STATUS, None)}
    assert len(hook.owners) == 4


def test_a_claim_of_a_killed_process_on_this_host_is_taken_over_at_once(store: Engine) -> None:
    dead = Holder("0badc0de0000", _pid_of_a_finished_process(), socket.gethostname())
    claim_for(store, FIRST_OWNER, dead, at=dt.datetime.now(dt.UTC))
    hook = Hook()
    results = run(store, hook, sleep=_no_sleep)
    assert results[FIRST_OWNER] == (SENT_STATUS, None)
    assert FIRST_OWNER in hook.owners
    assert row(store, FIRST_OWNER) == ("sent", 1, None)


def test_a_claim_of_an_ended_run_of_this_process_is_taken_over(store: Engine) -> None:
    ended = Holder("0e0d0e0d0e0d", os.getpid(), socket.gethostname())
    claim_for(store, FIRST_OWNER, ended, at=dt.datetime.now(dt.UTC))
    results = run(store, Hook(), sleep=_no_sleep)
    assert results[FIRST_OWNER] == (SENT_STATUS, None)


def test_a_live_run_is_waited_for_and_its_sent_message_reported_as_sent_by_it(
    store: Engine,
) -> None:
    other = Holder("a11ve0000001", 1, "another-host.invalid")
    claim_for(store, FIRST_OWNER, other, at=dt.datetime.now(dt.UTC))
    naps: list[float] = []

    def other_run_finishes(seconds: float) -> None:
        naps.append(seconds)
        with UnitOfWork(store) as uow:
            DeliveryRepository(uow.session).record(
                day=TODAY,
                channel="webhook",
                recipient=FIRST_OWNER,
                address="hooks.example",
                items=["A-1"],
                error=None,
                at=NOW,
            )

    hook = Hook()
    results = run(store, hook, sleep=other_run_finishes)
    assert results[FIRST_OWNER] == (BUSY_STATUS, None)
    assert FIRST_OWNER not in hook.owners
    assert len(naps) == 1


def test_a_live_run_that_fails_is_retried_by_the_waiting_run(store: Engine) -> None:
    other = Holder("a11ve0000002", 1, "another-host.invalid")
    claim_for(store, FIRST_OWNER, other, at=dt.datetime.now(dt.UTC))

    def other_run_fails(seconds: float) -> None:
        with UnitOfWork(store) as uow:
            DeliveryRepository(uow.session).record(
                day=TODAY,
                channel="webhook",
                recipient=FIRST_OWNER,
                address="hooks.example",
                items=["A-1"],
                error="HTTP 503",
                at=NOW,
            )

    hook = Hook()
    results = run(store, hook, sleep=other_run_fails)
    assert results[FIRST_OWNER] == (SENT_STATUS, None)
    assert FIRST_OWNER in hook.owners


def test_a_silent_claim_from_another_host_is_taken_over_after_its_lease(store: Engine) -> None:
    start = dt.datetime(2024, 4, 5, 9, tzinfo=dt.UTC)
    claim_for(store, FIRST_OWNER, Holder("5117e0000003", 1, "another-host.invalid"), at=start)
    moments = [start]

    def clock() -> dt.datetime:
        return moments[-1]

    def sleep(seconds: float) -> None:
        moments.append(moments[-1] + dt.timedelta(minutes=1))

    hook = Hook()
    results = run(store, hook, clock=clock, sleep=sleep)
    assert results[FIRST_OWNER] == (SENT_STATUS, None)
    assert FIRST_OWNER in hook.owners
    # It waited for the claim's lease (10 minutes), not for ever and not at all.
    assert moments[-1] - start == dt.timedelta(minutes=11)


def test_a_claim_never_reads_as_sent_in_the_store(store: Engine) -> None:
    claim_for(store, FIRST_OWNER, Holder("c1a1m0000004", 1, "h"), at=dt.datetime.now(dt.UTC))
    status, attempts, error = row(store, FIRST_OWNER)
    assert (status, attempts) == ("failed", 0)
    assert error == "being sent by another run (claim c1a1m0000004; pid 1 on h)"


def test_holding_marks_only_the_running_claims_of_this_process() -> None:
    mine = Holder("aaaa00000001", os.getpid(), socket.gethostname())
    with holding(mine):
        assert holder_gone(mine.note) is False
    assert holder_gone(mine.note) is True
    assert holder_gone(Holder("b", 1, "another-host.invalid").note) is False
    assert holder_gone("HTTP 500") is False


def _no_sleep(seconds: float) -> None:
    raise AssertionError("a claim of a run known to be gone is taken over without waiting")


def _pid_of_a_finished_process() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid
