"""Reminder recipients as text of any length.

Revision ID: 0005_recipient_text
Revises: 0004_leases
Create Date: 2026-12-01

``reminder_deliveries.recipient`` was ``VARCHAR(200)``: on PostgreSQL an owner whose name (or
address) is longer made ``remind`` fail for everyone. Recipients are what documents name, so
they have no length limit here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_recipient_text"
down_revision: str | None = "0004_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Widen the recipient column to TEXT."""
    with op.batch_alter_table("reminder_deliveries") as batch:
        batch.alter_column("recipient", type_=sa.Text(), existing_nullable=False)


def downgrade() -> None:
    """Back to VARCHAR(200) (fails if a longer recipient is stored)."""
    with op.batch_alter_table("reminder_deliveries") as batch:
        batch.alter_column("recipient", type_=sa.String(200), existing_nullable=False)
