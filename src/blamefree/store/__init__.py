"""The store: post-mortems in SQLite or PostgreSQL, through SQLAlchemy 2 and Alembic.

Build an engine with ``make_engine(settings.database_url)``, bring its schema up to date at
start-up (``ensure_schema``; ``blamefree db upgrade``), and work inside
``with UnitOfWork(engine) as uow:``, one per command or request.
"""

from __future__ import annotations

from blamefree.store.engine import make_engine, safe_url
from blamefree.store.migrate import ensure_schema
from blamefree.store.records import (
    PostmortemSummary,
    Revision,
    RevisionInfo,
    StoredPostmortem,
    VersionStamp,
)
from blamefree.store.repository import PostmortemRepository
from blamefree.store.unit_of_work import UnitOfWork

__all__ = [
    "PostmortemRepository",
    "PostmortemSummary",
    "Revision",
    "RevisionInfo",
    "StoredPostmortem",
    "UnitOfWork",
    "VersionStamp",
    "ensure_schema",
    "make_engine",
    "safe_url",
]
