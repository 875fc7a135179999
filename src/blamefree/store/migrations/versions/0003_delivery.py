"""Reminder delivery state: what was sent to whom, on which day, by which channel.

Revision ID: 0003_delivery
Revises: 0002_follow_through
Create Date: 2026-11-26

One row per (day, channel, recipient): ``blamefree remind`` skips a row that is ``sent`` and
retries one that is ``failed``, counting attempts and keeping the last error.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0003_delivery"
down_revision: str | None = "0002_follow_through"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types as they were at this revision.
_json = sa.JSON().with_variant(JSONB(), "postgresql")
_utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the reminder_deliveries table."""
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("items", _json, nullable=False),
        sa.Column("first_attempt_at", _utc, nullable=False),
        sa.Column("last_attempt_at", _utc, nullable=False),
        sa.Column("sent_at", _utc),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_deliveries"),
        sa.UniqueConstraint(
            "day",
            "channel",
            "recipient",
            name="uq_reminder_deliveries_day_channel_recipient",
        ),
        sa.CheckConstraint(
            "channel IN ('email', 'slack', 'webhook')",
            name=op.f("ck_reminder_deliveries_channel_known"),
        ),
        sa.CheckConstraint(
            "status IN ('sent', 'failed')", name=op.f("ck_reminder_deliveries_status_known")
        ),
    )
    op.create_index("ix_reminder_deliveries_status", "reminder_deliveries", ["status"])


def downgrade() -> None:
    """Drop the reminder_deliveries table."""
    op.drop_index("ix_reminder_deliveries_status", table_name="reminder_deliveries")
    op.drop_table("reminder_deliveries")
