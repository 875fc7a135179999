"""Who made each write: revision authors, event recorders, and sign-off as data.

Revision ID: 0007_authors
Revises: 0006_unknown_notes
Create Date: 2026-12-01

Revisions and events written before this have no author (NULL): nobody was recorded then.
Action-item changes and reviews have recorded ``by`` since 0002. ``sign_offs`` holds who
signed each post-mortem off in which role (the Sign-Off section, as data); it fills as
post-mortems are saved.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_authors"
down_revision: str | None = "0006_unknown_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add revisions.author and timeline_events.recorded_by; create sign_offs."""
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("author", sa.Text(), nullable=True))
    with op.batch_alter_table("timeline_events") as batch:
        batch.add_column(sa.Column("recorded_by", sa.Text(), nullable=True))
    op.create_table(
        "sign_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=True),
        sa.Column("recorded_at", _utc, nullable=False),
        sa.CheckConstraint(
            "role IN ('prepared', 'reviewed', 'approved')", name="ck_sign_offs_role_known"
        ),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name="fk_sign_offs_postmortem_id_postmortems",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sign_offs"),
        sa.UniqueConstraint("postmortem_id", "role", name="uq_sign_offs_postmortem_id_role"),
    )


def downgrade() -> None:
    """Drop sign_offs and the two columns."""
    op.drop_table("sign_offs")
    with op.batch_alter_table("timeline_events") as batch:
        batch.drop_column("recorded_by")
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("author")
