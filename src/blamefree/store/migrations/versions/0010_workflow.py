"""The review workflow and the append-only audit log.

Revision ID: 0010_workflow
Revises: 0011_search
Create Date: 2026-12-01

``workflows`` holds where each post-mortem stands in its review (no row: it has not entered
the workflow); ``workflow_members`` its named reviewers and approvers; ``workflow_transitions``
every transition with its comment or reason; ``workflow_approvals`` the approvals of each round.
``audit_log`` records every edit and transition; triggers refuse any UPDATE or DELETE of it
(PostgreSQL: a trigger function raising an exception; SQLite: ``RAISE(ABORT, ...)``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_workflow"
down_revision: str | None = "0011_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_utc = sa.DateTime(timezone=True)
_json = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")

AUDIT_REFUSAL = "audit_log is append-only: entries cannot be changed or removed"


def _postmortem_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["postmortem_id"],
        ["postmortems.id"],
        name=f"fk_{table}_postmortem_id_postmortems",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Create the workflow tables and the audit log with its guarding triggers."""
    op.create_table(
        "workflows",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("approved_at", _utc, nullable=True),
        sa.Column("updated_at", _utc, nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'in_review', 'approved', 'published')",
            name="ck_workflows_state_known",
        ),
        _postmortem_fk("workflows"),
        sa.PrimaryKeyConstraint("postmortem_id", name="pk_workflows"),
    )
    op.create_table(
        "workflow_members",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=True),
        sa.Column("added_at", _utc, nullable=False),
        sa.CheckConstraint(
            "role IN ('reviewer', 'approver')", name="ck_workflow_members_role_known"
        ),
        _postmortem_fk("workflow_members"),
        sa.PrimaryKeyConstraint("postmortem_id", "name", "role", name="pk_workflow_members"),
    )
    op.create_table(
        "workflow_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("transition", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=False),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("by", sa.Text(), nullable=True),
        sa.Column("at", _utc, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _postmortem_fk("workflow_transitions"),
        sa.PrimaryKeyConstraint("id", name="pk_workflow_transitions"),
    )
    op.create_index(
        "ix_workflow_transitions_postmortem_id_id", "workflow_transitions", ["postmortem_id", "id"]
    )
    op.create_table(
        "workflow_approvals",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("as_approver", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("approved_at", _utc, nullable=False),
        _postmortem_fk("workflow_approvals"),
        sa.PrimaryKeyConstraint("postmortem_id", "round", "name", name="pk_workflow_approvals"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _utc, nullable=False),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("incident_id", sa.String(200), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("details", _json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_incident_id_id", "audit_log", ["incident_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{AUDIT_REFUSAL}' USING ERRCODE = 'insufficient_privilege'; "
            "END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{AUDIT_REFUSAL}'); END"
            )


def downgrade() -> None:
    """Drop the audit log (its triggers go with it) and the workflow tables."""
    op.drop_index("ix_audit_log_incident_id_id", table_name="audit_log")
    op.drop_table("audit_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
    op.drop_table("workflow_approvals")
    op.drop_index("ix_workflow_transitions_postmortem_id_id", table_name="workflow_transitions")
    op.drop_table("workflow_transitions")
    op.drop_table("workflow_members")
    op.drop_table("workflows")
