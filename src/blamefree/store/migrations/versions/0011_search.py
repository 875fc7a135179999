"""The search index: ``search_documents`` and the backend's full-text index over it.

Revision ID: 0011_search
Revises: 0013_comments
Create Date: 2026-12-01

One row per post-mortem, a text column per section (``domain.search.SECTIONS``) plus the
``services`` and ``tags`` filter columns. SQLite gets the FTS5 table ``search_fts`` (external
content over the rows, kept in step by triggers); PostgreSQL a generated, weighted
``tsvector`` column ``document`` with a GIN index. The rows of post-mortems stored before are
written right after the upgrade, in its transaction, by ``store.migrate`` with the code of
the head revision (``search_index.fill_missing``), so this revision never composes documents
with table classes of a later schema.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_search"
down_revision: str | None = "0013_comments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    "title",
    "summary",
    "root_cause",
    "impact",
    "timeline",
    "lessons",
    "actions",
    "prevention",
    "follow_up",
    "other",
    "services",
    "tags",
)


def upgrade() -> None:
    """Create search_documents and the backend's index over it."""
    from blamefree.store.search_index import create_backend_index

    op.create_table(
        "search_documents",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in _COLUMNS),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name="fk_search_documents_postmortem_id_postmortems",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("postmortem_id", name="pk_search_documents"),
    )
    create_backend_index(op.get_bind())


def downgrade() -> None:
    """Drop the index and search_documents."""
    from blamefree.store.search_index import sqlite_drop_ddl

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in sqlite_drop_ddl():
            bind.exec_driver_sql(statement)
    op.drop_table("search_documents")
