"""Initial schema: post-mortems, their parts, timeline events, revisions, people.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types as they were at this revision; later changes get new revisions.
_json = sa.JSON().with_variant(JSONB(), "postgresql")
_utc = sa.DateTime(timezone=True)


def _postmortem_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["postmortem_id"],
        ["postmortems.id"],
        name=f"fk_{table}_postmortem_id_postmortems",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Create every table of the first schema."""
    op.create_table(
        "postmortems",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.String(200), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("severity", sa.String(16)),
        sa.Column("date", sa.Date),
        sa.Column("impact_start", _utc),
        sa.Column("duration_seconds", sa.Integer),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", _utc, nullable=False),
        sa.Column("updated_at", _utc, nullable=False),
        sa.Column("body", _json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_postmortems"),
        sa.UniqueConstraint("incident_id", name="uq_postmortems_incident_id"),
    )
    op.create_index("ix_postmortems_severity", "postmortems", ["severity"])
    op.create_index("ix_postmortems_date", "postmortems", ["date"])

    op.create_table(
        "contributing_factors",
        sa.Column("postmortem_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("postmortem_id", "position", name="pk_contributing_factors"),
        _postmortem_fk("contributing_factors"),
    )

    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("postmortem_id", sa.Integer, nullable=False),
        sa.Column("horizon", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("owner", sa.Text),
        sa.Column("due_date", sa.Date),
        sa.Column("due_date_text", sa.Text),
        sa.Column("priority", sa.String(16)),
        sa.Column("extra", _json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_action_items"),
        _postmortem_fk("action_items"),
        sa.UniqueConstraint(
            "postmortem_id",
            "horizon",
            "position",
            name="uq_action_items_postmortem_id_horizon_position",
        ),
        sa.CheckConstraint(
            "horizon IN ('immediate', 'short_term', 'long_term')",
            name="ck_action_items_horizon_known",
        ),
    )
    op.create_index("ix_action_items_owner", "action_items", ["owner"])

    op.create_table(
        "prevention_measures",
        sa.Column("postmortem_id", sa.Integer, nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint(
            "postmortem_id", "category", "position", name="pk_prevention_measures"
        ),
        _postmortem_fk("prevention_measures"),
        sa.CheckConstraint(
            "category IN ('technical', 'process', 'monitoring')",
            name="ck_prevention_measures_category_known",
        ),
    )

    op.create_table(
        "timeline_events",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("postmortem_id", sa.Integer, nullable=False),
        sa.Column("time", _utc, nullable=False),
        sa.Column("time_text", sa.Text),
        sa.Column("phase", sa.String(32)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source_tool", sa.String(64), nullable=False),
        sa.Column("source_id", sa.Text),
        sa.Column("key", sa.Boolean, nullable=False),
        sa.Column("link", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_timeline_events"),
        _postmortem_fk("timeline_events"),
    )
    op.create_index(
        "uq_timeline_events_source",
        "timeline_events",
        ["postmortem_id", "source_tool", "source_id"],
        unique=True,
        sqlite_where=sa.text("source_id IS NOT NULL"),
        postgresql_where=sa.text("source_id IS NOT NULL"),
    )
    op.create_index(
        "ix_timeline_events_postmortem_id_time", "timeline_events", ["postmortem_id", "time"]
    )

    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("postmortem_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("markdown", sa.Text, nullable=False),
        sa.Column("created_at", _utc, nullable=False),
        sa.Column("message", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_revisions"),
        _postmortem_fk("revisions"),
        sa.UniqueConstraint("postmortem_id", "version", name="uq_revisions_postmortem_id_version"),
    )

    op.create_table(
        "people",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("slack", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("name", name="uq_people_name"),
    )


def downgrade() -> None:
    """Drop every table of the first schema."""
    for table in (
        "people",
        "revisions",
        "timeline_events",
        "prevention_measures",
        "action_items",
        "contributing_factors",
        "postmortems",
    ):
        op.drop_table(table)
