"""The unit of work: one transaction per command or request, and the only place that commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Engine, exc
from sqlalchemy.orm import Session

from blamefree.domain.audit import Origin
from blamefree.domain.visibility import EVERYTHING, Viewer
from blamefree.store import visibility
from blamefree.store.engine import store_error
from blamefree.store.inbox import InboxRepository
from blamefree.store.repository import Clock, PostmortemRepository, utc_now

CLOCK_OPTION = "blamefree_clock"


def with_clock(engine: Engine, clock: Clock) -> Engine:
    """The engine carrying a clock: every unit of work on it stamps times with that clock
    (``--now`` / ``BLAMEFREE_NOW``); the connection pool is shared with ``engine``."""
    return engine.execution_options(**{CLOCK_OPTION: clock})


def engine_clock(engine: Engine) -> Clock:
    """The clock an engine carries, else the real one."""
    clock = engine.get_execution_options().get(CLOCK_OPTION)
    return clock if callable(clock) else utc_now


class UnitOfWork:
    """``with UnitOfWork(engine) as uow:`` commits on success and rolls back on any error.

    A shell opens one per command or request and passes it to the services, which never open
    their own. It never migrates the schema: that happens at start-up or through
    ``blamefree db upgrade`` (``store.migrate``). Driver errors inside the block become
    ``StoreError`` naming the database URL without its password.

    ``viewer``: whose eyes it reads with (``domain.visibility``); every read of a post-mortem
    or of what is under one leaves out what that viewer may not see (``store.visibility``).
    The default sees everything: the local operator, a webhook receiver.
    """

    session: Session
    postmortems: PostmortemRepository
    inbox: InboxRepository

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock | None = None,
        origin: Origin | None = None,
        viewer: Viewer = EVERYTHING,
    ) -> None:
        self.engine = engine
        self.viewer = viewer
        self._clock = clock or engine_clock(engine)
        # Where its changes come from, for the audit log (the shell says: cli or web).
        self.origin = origin or Origin()

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False, autoflush=True)
        visibility.install(self.session, self.viewer)
        self.postmortems = PostmortemRepository(self.session, clock=self._clock)
        self.inbox = InboxRepository(self.session, clock=lambda: self.postmortems.clock())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_value is None:
                self.commit()
            else:
                self.session.rollback()
        except (exc.DBAPIError, exc.TimeoutError) as error:
            raise store_error(self.engine.url, error) from error
        finally:
            self.session.close()
        if isinstance(exc_value, exc.DBAPIError | exc.TimeoutError):
            raise store_error(self.engine.url, exc_value) from exc_value

    def commit(self) -> None:
        """Commit what was done so far; the block may go on with a new transaction."""
        try:
            self.session.commit()
        except exc.DBAPIError as error:
            self.session.rollback()
            raise store_error(self.engine.url, error) from error

    def rollback(self) -> None:
        """Throw away what was done since the last commit."""
        self.session.rollback()

    def now(self) -> dt.datetime:
        """The current time by the clock this unit of work stamps with."""
        return self.postmortems.clock()

    def read_as(self, viewer: Viewer) -> None:
        """Read as ``viewer`` from now on (a request that learns who asks inside its own unit
        of work: ``web.auth.confirm_login``)."""
        visibility.set_viewer(self.session, viewer)
        self.viewer = viewer

    @contextmanager
    def viewing_as(self, viewer: Viewer) -> Iterator[None]:
        """Read as ``viewer`` inside the block (a digest for one person: only what they see)."""
        before = visibility.set_viewer(self.session, viewer)
        self.viewer = viewer
        try:
            yield
        finally:
            visibility.set_viewer(self.session, before)
            self.viewer = before

    @contextmanager
    def stamped(self, now: dt.datetime) -> Iterator[None]:
        """Stamp what is written inside the block with ``now`` (the time the caller passed in)."""
        before = self.postmortems.clock
        self.postmortems.clock = lambda: now
        try:
            yield
        finally:
            self.postmortems.clock = before
