"""Review comments on a section or a line of a post-mortem, and who they mention.

Revision ID: 0013_comments
Revises: 0008_inbox
Create Date: 2026-12-01

``review_comments`` holds each comment: its section, the line within it and the line's quoted
text (so the anchor survives edits), the comment it replies to, its author and Markdown body,
and who resolved its thread and when. ``mention_deliveries`` holds each person a comment
mentions until every reminder channel has told them (the attempts themselves are rows of
``reminder_deliveries``, as digests' are).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_comments"
down_revision: str | None = "0008_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create review_comments and mention_deliveries."""
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(64), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("quoted", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _utc, nullable=False),
        sa.Column("resolved_by", sa.Text(), nullable=True),
        sa.Column("resolved_at", _utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name="fk_review_comments_postmortem_id_postmortems",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["review_comments.id"],
            name="fk_review_comments_parent_id_review_comments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_comments"),
    )
    op.create_index(
        "ix_review_comments_postmortem_id_id", "review_comments", ["postmortem_id", "id"]
    )
    op.create_table(
        "mention_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", _utc, nullable=False),
        sa.Column("delivered_at", _utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["review_comments.id"],
            name="fk_mention_deliveries_comment_id_review_comments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_mention_deliveries"),
        sa.UniqueConstraint("comment_id", "name", name="uq_mention_deliveries_comment_id_name"),
    )
    op.create_index("ix_mention_deliveries_comment_id", "mention_deliveries", ["comment_id"])
    op.create_index("ix_mention_deliveries_delivered_at", "mention_deliveries", ["delivered_at"])


def downgrade() -> None:
    """Drop mention_deliveries and review_comments."""
    op.drop_index("ix_mention_deliveries_delivered_at", table_name="mention_deliveries")
    op.drop_index("ix_mention_deliveries_comment_id", table_name="mention_deliveries")
    op.drop_table("mention_deliveries")
    op.drop_index("ix_review_comments_postmortem_id_id", table_name="review_comments")
    op.drop_table("review_comments")
