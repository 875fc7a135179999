"""Restricted post-mortems: which are restricted, and who is named on them beyond the workflow.

Revision ID: 0014_restricted
Revises: 0009_accounts
Create Date: 2026-12-01

``restrictions`` holds one row per restricted post-mortem (who restricted it, when);
``restriction_members`` the extra people named on one (its owner, reviewers and approvers are
the workflow's). Who sees what is ``domain.visibility``; ``store.visibility`` applies it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_restricted"
down_revision: str | None = "0015_oidc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create restrictions and restriction_members."""
    op.create_table(
        "restrictions",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("restricted_by", sa.Text(), nullable=True),
        sa.Column("restricted_at", _utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name="fk_restrictions_postmortem_id_postmortems",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("postmortem_id", name="pk_restrictions"),
    )
    op.create_table(
        "restriction_members",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=True),
        sa.Column("added_at", _utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name="fk_restriction_members_postmortem_id_postmortems",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("postmortem_id", "name", name="pk_restriction_members"),
    )


def downgrade() -> None:
    """Drop restriction_members and restrictions."""
    op.drop_table("restriction_members")
    op.drop_table("restrictions")
