"""Leases: short named locks that work across processes on SQLite and PostgreSQL alike.

Revision ID: 0004_leases
Revises: 0003_delivery
Create Date: 2026-11-26

A row is a lease held until ``expires_at``; another process that wants the same name waits
for the row to go or to expire. Used so that two ``actions push`` runs never file the same
action item twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_leases"
down_revision: str | None = "0003_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the leases table."""
    op.create_table(
        "leases",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", _utc, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_leases"),
    )


def downgrade() -> None:
    """Drop the leases table."""
    op.drop_table("leases")
