"""The unit of work: one transaction per command or request, and the only place that commits."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine, exc
from sqlalchemy.orm import Session

from blamefree.store.engine import store_error
from blamefree.store.migrate import ensure_schema
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

    The schema is migrated on first use of each engine. Driver errors inside the block become
    ``StoreError`` naming the database URL without its password.
    """

    session: Session
    postmortems: PostmortemRepository

    def __init__(self, engine: Engine, *, clock: Clock | None = None) -> None:
        self.engine = engine
        self._clock = clock or engine_clock(engine)

    def __enter__(self) -> UnitOfWork:
        ensure_schema(self.engine)
        self.session = Session(self.engine, expire_on_commit=False, autoflush=True)
        self.postmortems = PostmortemRepository(self.session, clock=self._clock)
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
