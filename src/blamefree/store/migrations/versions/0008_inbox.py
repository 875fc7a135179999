"""The webhook inbox and the threads that route later events of one alert or incident.

Revision ID: 0008_inbox
Revises: 0007_authors
Create Date: 2026-12-01

``inbox_items`` holds webhook events that named no stored post-mortem until someone attaches
them to one, starts a draft from them, or discards them; ``(source, source_id)`` is unique, so
a repeated delivery adds nothing. ``webhook_threads`` remembers which post-mortem an alert or
incident of a source belongs to once one of its events named it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_inbox"
down_revision: str | None = "0007_authors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create inbox_items and webhook_threads."""
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_id", sa.String(500), nullable=False),
        sa.Column("thread", sa.String(500), nullable=True),
        sa.Column("time", _utc, nullable=False),
        sa.Column("time_text", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("named", sa.Text(), nullable=True),
        sa.Column("received_at", _utc, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("incident_id", sa.String(200), nullable=True),
        sa.Column("handled_at", _utc, nullable=True),
        sa.Column("handled_by", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('new', 'attached', 'discarded')", name="ck_inbox_items_status_known"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_items"),
        sa.UniqueConstraint("source", "source_id", name="uq_inbox_items_source_source_id"),
    )
    op.create_index("ix_inbox_items_status_time", "inbox_items", ["status", "time"])
    op.create_index("ix_inbox_items_source_thread", "inbox_items", ["source", "thread"])
    op.create_table(
        "webhook_threads",
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("thread", sa.String(500), nullable=False),
        sa.Column("incident_id", sa.String(200), nullable=False),
        sa.Column("updated_at", _utc, nullable=False),
        sa.PrimaryKeyConstraint("source", "thread", name="pk_webhook_threads"),
    )


def downgrade() -> None:
    """Drop webhook_threads and inbox_items."""
    op.drop_table("webhook_threads")
    op.drop_index("ix_inbox_items_source_thread", table_name="inbox_items")
    op.drop_index("ix_inbox_items_status_time", table_name="inbox_items")
    op.drop_table("inbox_items")
