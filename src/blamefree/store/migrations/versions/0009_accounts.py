"""Accounts, web sessions, API tokens, failed logins and first-admin links.

Revision ID: 0009_accounts
Revises: 0010_workflow
Create Date: 2026-12-01

``users`` are the local accounts (argon2id hashes only); ``web_sessions`` and ``api_tokens``
keep SHA-256 hashes of their secrets, never the secrets; ``login_failures`` is the rate limit's
record, shared by every worker; ``setup_tokens`` holds the one-time first-admin links.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_accounts"
down_revision: str | None = "0010_workflow"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_utc = sa.DateTime(timezone=True)


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"
    )


def upgrade() -> None:
    """Create users, web_sessions, api_tokens, login_failures and setup_tokens."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("name_folded", sa.String(64), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc, nullable=False),
        sa.Column("password_changed_at", _utc, nullable=True),
        sa.Column("session_generation", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "role IN ('viewer', 'author', 'reviewer', 'approver', 'admin')",
            name="ck_users_role_known",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.UniqueConstraint("name_folded", name="uq_users_name_folded"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc, nullable=False),
        sa.Column("expires_at", _utc, nullable=False),
        sa.Column("revoked_at", _utc, nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        _user_fk("web_sessions"),
        sa.PrimaryKeyConstraint("id_hash", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _utc, nullable=False),
        sa.Column("last_used_at", _utc, nullable=True),
        sa.Column("revoked_at", _utc, nullable=True),
        sa.CheckConstraint("scope IN ('read', 'write', 'admin')", name="ck_api_tokens_scope_known"),
        _user_fk("api_tokens"),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("secret_hash", name="uq_api_tokens_secret_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("at", _utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_account_at", "login_failures", ["account", "at"])
    op.create_index("ix_login_failures_address_at", "login_failures", ["address", "at"])
    op.create_table(
        "setup_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _utc, nullable=False),
        sa.Column("expires_at", _utc, nullable=False),
        sa.Column("used_at", _utc, nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_setup_tokens"),
    )


def downgrade() -> None:
    """Drop the five tables."""
    op.drop_table("setup_tokens")
    op.drop_index("ix_login_failures_address_at", table_name="login_failures")
    op.drop_index("ix_login_failures_account_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("users")
