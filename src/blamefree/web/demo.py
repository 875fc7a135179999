"""The demo store of ``blamefree serve --demo``: Basketful's fictional post-mortems.

Loaded through the service layer from ``data/demo`` (see its README and manifest.json).
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from blamefree.services import postmortems
from blamefree.store.unit_of_work import UnitOfWork

DEMO_BY = "Blamefree demo"


def demo_dir() -> Path:
    return Path(str(resources.files("blamefree").joinpath("data", "demo")))


def load_demo(engine: Engine, *, today: dt.date) -> int:
    """Fill an empty store with the demo post-mortems; returns how many were stored."""
    paths = sorted((demo_dir() / "postmortems").glob("*.md"))
    with UnitOfWork(engine) as uow:
        report = postmortems.import_files(uow, paths=paths, today=today, by=DEMO_BY)
    failed = [o for o in report.outcomes if o.error is not None]
    if failed:
        first = failed[0]
        raise RuntimeError(f"demo data {first.path.name} did not load: {first.error}")
    return len(report.outcomes)
