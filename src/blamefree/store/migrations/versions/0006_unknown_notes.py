"""Action items keep the note an author wrote after an unknown owner or priority.

Revision ID: 0006_unknown_notes
Revises: 0005_recipient_text
Create Date: 2026-12-01

``**Owner:** TBD (waiting on the platform team)`` reads as no owner, and the words are kept in
``owner_text`` so the document renders them back; the same for ``priority_text``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_unknown_notes"
down_revision: str | None = "0005_recipient_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the two nullable note columns."""
    with op.batch_alter_table("action_items") as batch:
        batch.add_column(sa.Column("owner_text", sa.Text))
        batch.add_column(sa.Column("priority_text", sa.Text))


def downgrade() -> None:
    """Drop the note columns."""
    with op.batch_alter_table("action_items") as batch:
        batch.drop_column("priority_text")
        batch.drop_column("owner_text")
