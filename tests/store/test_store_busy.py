"""A pool that has no connection to give becomes StoreBusy, not an escaped SQLAlchemy error."""

from pathlib import Path

import pytest

from blamefree.errors import StoreBusy
from blamefree.store import UnitOfWork, make_engine
from blamefree.store.migrate import ensure_schema


def test_pool_timeout_is_store_busy(tmp_path: Path) -> None:
    engine = make_engine(
        f"sqlite:///{tmp_path / 'busy.sqlite3'}", pool_size=1, max_overflow=0, pool_timeout=0.05
    )
    try:
        ensure_schema(engine)
        # The only connection is held: the unit of work waits for one and gives up.
        with engine.connect(), pytest.raises(StoreBusy) as caught, UnitOfWork(engine) as uow:
            uow.postmortems.list()
        assert (caught.value.http_status, caught.value.exit_code) == (503, 7)
        assert "is busy: every connection stayed in use" in str(caught.value)
        assert str(tmp_path) in str(caught.value)
    finally:
        engine.dispose()
