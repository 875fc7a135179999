"""Follow-through: tracked action items, prevention status, item history, follow-up reviews.

Revision ID: 0002_follow_through
Revises: 0001
Create Date: 2026-11-26

Existing action items get a public id (``A-XXXXXX``, not shown in their document until a
tracking command touches it), a status from their checkbox (done or open) and the post-mortem's
creation time as their own. Existing prevention measures get their status from their checkbox.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_follow_through"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types as they were at this revision. New CHECK names go through op.f()
# so that the naming convention does not prefix them a second time.
_utc = sa.DateTime(timezone=True)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
_STATUS_KNOWN = "status IN ('proposed', 'open', 'in_progress', 'done', 'wont_do')"


def _new_uid(taken: set[str]) -> str:
    while True:
        uid = "A-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))
        if uid not in taken:
            taken.add(uid)
            return uid


def upgrade() -> None:
    """Add tracking columns, the history and reviews tables; fill values for existing rows."""
    with op.batch_alter_table("action_items") as batch:
        batch.add_column(sa.Column("uid", sa.String(32)))
        batch.add_column(sa.Column("uid_in_document", sa.Boolean))
        batch.add_column(sa.Column("status", sa.String(16)))
        batch.add_column(sa.Column("type", sa.String(16)))
        batch.add_column(sa.Column("created_at", _utc))
        batch.add_column(sa.Column("closed_at", _utc))
        batch.add_column(sa.Column("external_system", sa.String(16)))
        batch.add_column(sa.Column("external_key", sa.Text))
        batch.add_column(sa.Column("external_url", sa.Text))

    connection = op.get_bind()
    items = sa.table(
        "action_items",
        sa.column("id", sa.Integer),
        sa.column("postmortem_id", sa.Integer),
        sa.column("uid", sa.String),
        sa.column("created_at", _utc),
    )
    postmortems = sa.table(
        "postmortems", sa.column("id", sa.Integer), sa.column("created_at", _utc)
    )
    taken: set[str] = set()
    for (item_id,) in connection.execute(sa.select(items.c.id)).all():
        connection.execute(items.update().where(items.c.id == item_id).values(uid=_new_uid(taken)))
    created = (
        sa.select(postmortems.c.created_at)
        .where(postmortems.c.id == items.c.postmortem_id)
        .scalar_subquery()
    )
    op.execute(
        sa.text(
            "UPDATE action_items SET uid_in_document = false, "
            "status = CASE WHEN done THEN 'done' ELSE 'open' END"
        )
    )
    connection.execute(items.update().values({"created_at": created}))

    with op.batch_alter_table("action_items") as batch:
        batch.alter_column("uid", existing_type=sa.String(32), nullable=False)
        batch.alter_column("uid_in_document", existing_type=sa.Boolean, nullable=False)
        batch.alter_column("status", existing_type=sa.String(16), nullable=False)
        batch.alter_column("created_at", existing_type=_utc, nullable=False)
        batch.create_unique_constraint("uq_action_items_uid", ["uid"])
        batch.create_index("ix_action_items_status", ["status"])
        batch.create_check_constraint(op.f("ck_action_items_status_known"), _STATUS_KNOWN)
        batch.create_check_constraint(
            op.f("ck_action_items_type_known"),
            "type IS NULL OR type IN ('detect', 'mitigate', 'prevent', 'process', 'other')",
        )
        batch.create_check_constraint(
            op.f("ck_action_items_external_system_known"),
            "external_system IS NULL OR external_system IN ('jira', 'github')",
        )

    with op.batch_alter_table("prevention_measures") as batch:
        batch.add_column(sa.Column("status", sa.String(16)))
        batch.add_column(sa.Column("closed_at", _utc))
    op.execute(
        sa.text(
            "UPDATE prevention_measures SET status = CASE WHEN done THEN 'done' ELSE 'open' END"
        )
    )
    with op.batch_alter_table("prevention_measures") as batch:
        batch.alter_column("status", existing_type=sa.String(16), nullable=False)
        batch.create_check_constraint(op.f("ck_prevention_measures_status_known"), _STATUS_KNOWN)

    op.create_table(
        "action_item_history",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("action_item_id", sa.Integer, nullable=False),
        sa.Column("at", _utc, nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("by", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_action_item_history"),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["action_items.id"],
            name="fk_action_item_history_action_item_id_action_items",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_action_item_history_action_item_id", "action_item_history", ["action_item_id"]
    )

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("postmortem_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(4), nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("done_at", _utc),
        sa.Column("notes", sa.Text),
        sa.Column("by", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name="fk_reviews_postmortem_id_postmortems",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("postmortem_id", "kind", name="uq_reviews_postmortem_id_kind"),
        sa.CheckConstraint("kind IN ('1w', '1m', '3m')", name=op.f("ck_reviews_kind_known")),
    )


def downgrade() -> None:
    """Drop what ``upgrade`` added."""
    op.drop_table("reviews")
    op.drop_index("ix_action_item_history_action_item_id", table_name="action_item_history")
    op.drop_table("action_item_history")
    with op.batch_alter_table("prevention_measures") as batch:
        batch.drop_constraint(op.f("ck_prevention_measures_status_known"), type_="check")
        batch.drop_column("closed_at")
        batch.drop_column("status")
    with op.batch_alter_table("action_items") as batch:
        batch.drop_constraint(op.f("ck_action_items_external_system_known"), type_="check")
        batch.drop_constraint(op.f("ck_action_items_type_known"), type_="check")
        batch.drop_constraint(op.f("ck_action_items_status_known"), type_="check")
        batch.drop_index("ix_action_items_status")
        batch.drop_constraint("uq_action_items_uid", type_="unique")
        for column in (
            "external_url",
            "external_key",
            "external_system",
            "closed_at",
            "created_at",
            "type",
            "status",
            "uid_in_document",
            "uid",
        ):
            batch.drop_column(column)
