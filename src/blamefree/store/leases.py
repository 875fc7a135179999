"""Named leases: a lock across processes (and app servers) that works on SQLite and PostgreSQL.

``with lease(engine, "push:A-7F3K2Q"):`` inserts a row named so in its own transaction; a
second holder waits until the row is deleted or has expired (a crashed holder's lease is taken
over after ``ttl``). The primary key makes taking it atomic on both backends.

A lease is the one thing that deliberately runs outside the command's unit of work, on its
own connection, in short transactions of its own (one to take it, one to let it go, and one
more when it takes over an expired lease): another process must see it while the command
still works, which an uncommitted row in the command's transaction would not be. It holds no
data of the command; what the command writes under it goes through its unit of work.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, delete, exc, insert, update

from blamefree.errors import Conflict
from blamefree.store.tables import LeaseRow


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _try_take(engine: Engine, name: str, holder: str, ttl: dt.timedelta) -> bool:
    now = _now()
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(LeaseRow).values(name=name, holder=holder, expires_at=now + ttl)
            )
        return True
    except exc.IntegrityError:
        pass
    with engine.begin() as connection:  # take over a lease whose holder is gone
        taken = connection.execute(
            update(LeaseRow)
            .where(LeaseRow.name == name, LeaseRow.expires_at < now)
            .values(holder=holder, expires_at=now + ttl)
        )
        return bool(taken.rowcount == 1)


@contextmanager
def lease(
    engine: Engine,
    name: str,
    *,
    ttl: dt.timedelta = dt.timedelta(minutes=5),
    wait: float = 60.0,
    poll: float = 0.1,
) -> Iterator[None]:
    """Hold the lease ``name`` for the duration of the block; Conflict after ``wait`` seconds."""
    holder = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    while not _try_take(engine, name, holder, ttl):
        if time.monotonic() > deadline:
            raise Conflict(f"{name} is busy in another process; try again in a minute")
        time.sleep(poll)
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(
                delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder)
            )
