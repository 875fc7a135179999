"""The store's tables as typed SQLAlchemy 2 declarative classes.

The queryable parts of a post-mortem are real columns and tables; the rest of the document sits in
``postmortems.body`` as JSON. The schema itself is created by the Alembic migrations in
``migrations/versions``; a test checks that these classes and the migrations agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

HORIZONS = ("immediate", "short_term", "long_term")
PREVENTION_CATEGORIES = ("technical", "process", "monitoring")
STATUSES = ("proposed", "open", "in_progress", "done", "wont_do")
ACTION_TYPES = ("detect", "mitigate", "prevent", "process", "other")
REVIEW_KINDS = ("1w", "1m", "3m")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored in UTC with microseconds; always read back as aware UTC.

    PostgreSQL keeps it as ``timestamptz``; SQLite as naive UTC text with six fractional digits,
    which also sorts correctly as text.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; give it a time zone")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


JsonType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PostmortemRow(Base):
    """One post-mortem: its header as columns, the remaining sections in ``body``."""

    __tablename__ = "postmortems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str | None] = mapped_column(String(16), index=True)
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    impact_start: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    body: Mapped[dict[str, Any]] = mapped_column(JsonType)


def _postmortem_fk() -> Any:
    return ForeignKey("postmortems.id", ondelete="CASCADE")


class ContributingFactorRow(Base):
    """A contributing factor of the root-cause analysis, in document order."""

    __tablename__ = "contributing_factors"

    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk(), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class ActionItemRow(Base):
    """An action item; ``(horizon, position)`` is its place in the document."""

    __tablename__ = "action_items"
    __table_args__ = (
        UniqueConstraint("postmortem_id", "horizon", "position"),
        CheckConstraint(
            "horizon IN ('immediate', 'short_term', 'long_term')", name="horizon_known"
        ),
        CheckConstraint(
            "status IN ('proposed', 'open', 'in_progress', 'done', 'wont_do')",
            name="status_known",
        ),
        CheckConstraint(
            "type IS NULL OR type IN ('detect', 'mitigate', 'prevent', 'process', 'other')",
            name="type_known",
        ),
        CheckConstraint(
            "external_system IS NULL OR external_system IN ('jira', 'github')",
            name="external_system_known",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk())
    horizon: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean)
    owner: Mapped[str | None] = mapped_column(Text, index=True)
    owner_text: Mapped[str | None] = mapped_column(Text)  # revision 0006: "TBD (note)" as written
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    due_date_text: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str | None] = mapped_column(String(16))
    priority_text: Mapped[str | None] = mapped_column(Text)  # revision 0006
    extra: Mapped[list[str]] = mapped_column(JsonType)
    # Tracking (revision 0002): ``uid`` is the public id (``A-7F3K2Q``), unique in the store;
    # ``uid_in_document`` says whether the Markdown shows it as an ``**ID:**`` line.
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    uid_in_document: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), index=True)
    type: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    external_system: Mapped[str | None] = mapped_column(String(16))
    external_key: Mapped[str | None] = mapped_column(Text)
    external_url: Mapped[str | None] = mapped_column(Text)


class PreventionMeasureRow(Base):
    """A prevention checklist line under technical, process or monitoring."""

    __tablename__ = "prevention_measures"
    __table_args__ = (
        CheckConstraint(
            "category IN ('technical', 'process', 'monitoring')", name="category_known"
        ),
        CheckConstraint(
            "status IN ('proposed', 'open', 'in_progress', 'done', 'wont_do')",
            name="status_known",
        ),
    )

    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk(), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class ActionItemHistoryRow(Base):
    """One change of one field of an action item: who changed it when, from what to what."""

    __tablename__ = "action_item_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_item_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(Text)


class ReviewRow(Base):
    """A follow-up review (1 week, 1 month, 3 months) of a post-mortem: when it was held.

    ``due_date`` is left over: earlier versions copied `reviews schedule` dates into it; the
    date is the document's (its Follow-Up section), and nothing reads or writes the column now.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("postmortem_id", "kind"),
        CheckConstraint("kind IN ('1w', '1m', '3m')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk())
    kind: Mapped[str] = mapped_column(String(4))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(Text)


class TimelineEventRow(Base):
    """A timeline event; (tool, id) of its source is unique per post-mortem when known."""

    __tablename__ = "timeline_events"
    __table_args__ = (
        Index(
            "uq_timeline_events_source",
            "postmortem_id",
            "source_tool",
            "source_id",
            unique=True,
            sqlite_where=text("source_id IS NOT NULL"),
            postgresql_where=text("source_id IS NOT NULL"),
        ),
        Index("ix_timeline_events_postmortem_id_time", "postmortem_id", "time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk())
    time: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    time_text: Mapped[str | None] = mapped_column(Text)
    phase: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    source_tool: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str | None] = mapped_column(Text)
    key: Mapped[bool] = mapped_column(Boolean)
    link: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(Text)


class SignOffRow(Base):
    """Who signed a post-mortem off in one role, on which day, recorded by whom and when."""

    __tablename__ = "sign_offs"
    __table_args__ = (
        UniqueConstraint("postmortem_id", "role"),
        CheckConstraint("role IN ('prepared', 'reviewed', 'approved')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk())
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class RevisionRow(Base):
    """The Markdown of one saved version of a post-mortem."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("postmortem_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk())
    version: Mapped[int] = mapped_column(Integer)
    markdown: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    message: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)


class PersonRow(Base):
    """Someone who appears in post-mortems, with how to reach them."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(Text)
    slack: Mapped[str | None] = mapped_column(Text)


class ReminderDeliveryRow(Base):
    """One reminder message of one day: to whom, by which channel, sent or failed."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("day", "channel", "recipient"),
        CheckConstraint("channel IN ('email', 'slack', 'webhook')", name="channel_known"),
        CheckConstraint("status IN ('sent', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    items: Mapped[list[str]] = mapped_column(JsonType)
    first_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class ReviewCommentRow(Base):
    """A review comment on a section (and optionally one line) of a post-mortem.

    ``line`` is the line's number within the section's text and ``quoted`` its text when the
    comment was made, so the anchor is found again after an edit (``domain.comments.place``).
    ``parent_id`` is the comment replied to; resolution is kept on a thread's first comment.
    """

    __tablename__ = "review_comments"
    __table_args__ = (Index("ix_review_comments_postmortem_id_id", "postmortem_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk())
    section: Mapped[str] = mapped_column(String(64))
    line: Mapped[int | None] = mapped_column(Integer)
    quoted: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_comments.id", ondelete="CASCADE")
    )
    author: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class MentionDeliveryRow(Base):
    """A person a comment mentions, until every reminder channel has told them.

    Each channel's attempts are rows of ``reminder_deliveries`` (day: the comment's, recipient:
    ``services.comments.mention_recipient``), claimed and recorded as digests are; ``delivered_at``
    is set once every channel planned for it has sent it, so later runs look at it no more.
    """

    __tablename__ = "mention_deliveries"
    __table_args__ = (UniqueConstraint("comment_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("review_comments.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True)


class LeaseRow(Base):
    """A named lock held by one process until it is released or expires."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


INBOX_STATUSES = ("new", "attached", "discarded")


class InboxItemRow(Base):
    """A webhook event that named no stored post-mortem, kept until someone files it.

    ``(source, source_id)`` is unique: a repeated delivery finds its row and adds nothing, also
    after the item was attached or discarded (the row stays, with its status).
    """

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        CheckConstraint("status IN ('new', 'attached', 'discarded')", name="status_known"),
        Index("ix_inbox_items_status_time", "status", "time"),
        Index("ix_inbox_items_source_thread", "source", "thread"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(500))
    thread: Mapped[str | None] = mapped_column(String(500))
    time: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    time_text: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    named: Mapped[str | None] = mapped_column(Text)  # the post-mortem it named, not stored
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))
    incident_id: Mapped[str | None] = mapped_column(String(200))  # attached to
    handled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    handled_by: Mapped[str | None] = mapped_column(Text)


class WebhookThreadRow(Base):
    """Which post-mortem the later events of one alert or incident of a source belong to.

    Learned when an event of the thread names a stored post-mortem or is attached to one from
    the inbox; an event that names none follows its thread.
    """

    __tablename__ = "webhook_threads"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    thread: Mapped[str] = mapped_column(String(500), primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class SearchDocumentRow(Base):
    """The searchable text of one post-mortem, a column per section (``domain.search``).

    Written by the store in the transaction of every save (``store.search_index``). SQLite
    indexes it in the FTS5 table ``search_fts`` (external content, kept in step by triggers);
    PostgreSQL in the generated ``tsvector`` column ``document`` with a GIN index. Those
    backend-only objects are made by revision 0011 and are not declared here
    (``search_index.BACKEND_OBJECTS``).
    """

    __tablename__ = "search_documents"

    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk(), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str] = mapped_column(Text)
    impact: Mapped[str] = mapped_column(Text)
    timeline: Mapped[str] = mapped_column(Text)
    lessons: Mapped[str] = mapped_column(Text)
    actions: Mapped[str] = mapped_column(Text)
    prevention: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str] = mapped_column(Text)
    other: Mapped[str] = mapped_column(Text)
    services: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(Text)


WORKFLOW_STATES = ("draft", "in_review", "approved", "published")


class WorkflowRow(Base):
    """Where one post-mortem stands in its review; a post-mortem without a row has not
    entered the workflow (its Sign-Off section is then free text)."""

    __tablename__ = "workflows"
    __table_args__ = (
        CheckConstraint(
            "state IN ('draft', 'in_review', 'approved', 'published')", name="state_known"
        ),
    )

    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk(), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str | None] = mapped_column(Text)
    round: Mapped[int] = mapped_column(Integer)  # counts submissions: approvals are per round
    approved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class WorkflowMemberRow(Base):
    """A person named on a post-mortem as one of its reviewers or approvers."""

    __tablename__ = "workflow_members"
    __table_args__ = (CheckConstraint("role IN ('reviewer', 'approver')", name="role_known"),)

    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk(), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    added_by: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class WorkflowTransitionRow(Base):
    """One transition of a post-mortem's review, as it happened, with its comment or reason."""

    __tablename__ = "workflow_transitions"
    __table_args__ = (Index("ix_workflow_transitions_postmortem_id_id", "postmortem_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk())
    transition: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(Integer)
    by: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)  # the comment or the reason


class ApprovalRow(Base):
    """One approval of one round of review (a new submission starts a new round)."""

    __tablename__ = "workflow_approvals"

    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk(), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    as_approver: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)  # the version of the document approved
    approved_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """One entry of the append-only audit log: who did what, when, from where.

    The app only inserts; triggers in the database refuse UPDATE and DELETE (migration
    0010_workflow). ``incident_id`` is plain text, no foreign key: the entry outlives a
    deleted post-mortem.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_incident_id_id", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(64))
    incident_id: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JsonType)


ROLES = ("viewer", "author", "reviewer", "approver", "admin")
TOKEN_SCOPES = ("read", "write", "admin")


class UserRow(Base):
    """A local account: who logs in, with which role; only an argon2id hash of the password.

    ``name_folded`` (the name in lower case) is unique, so ``Dana`` and ``dana`` are one name.
    ``session_generation`` goes up on a password change (or "log out everywhere"): a session
    made under an older generation no longer counts.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('viewer', 'author', 'reviewer', 'approver', 'admin')", name="role_known"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    name_folded: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    session_generation: Mapped[int] = mapped_column(Integer)


def _user_fk() -> Any:
    return ForeignKey("users.id", ondelete="CASCADE")


class WebSessionRow(Base):
    """A login of one browser: the SHA-256 of its random session id, never the id itself.

    A session counts while it is not revoked (logout), not expired, and made under the
    account's current ``session_generation``.
    """

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), index=True)
    generation: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    address: Mapped[str | None] = mapped_column(Text)


class ApiTokenRow(Base):
    """An API token: its owner, name, scope and the SHA-256 of its secret (shown only once)."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope IN ('read', 'write', 'admin')", name="scope_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), index=True)
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class LoginFailureRow(Base):
    """One failed login: the account name it tried (folded) and the address it came from.

    Counted within the rate limit's window by every worker process; older rows are pruned.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_at", "account", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class SetupTokenRow(Base):
    """A one-time link to create the first admin: the SHA-256 of its token, until it is used."""

    __tablename__ = "setup_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class UserIdentityRow(Base):
    """An account's link to a single sign-on provider: the provider's issuer and its subject
    (its stable id for the person). A sign-on finds its account by this pair only, never by
    user name or e-mail address."""

    __tablename__ = "user_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_sign_on_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class RestrictionRow(Base):
    """A restricted post-mortem (a security incident, an HR-sensitive one): only the people
    named on it and admins see it (``domain.visibility``; ``store.visibility`` applies it).
    Not in the Markdown: saves and imports never touch it."""

    __tablename__ = "restrictions"

    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk(), primary_key=True)
    restricted_by: Mapped[str | None] = mapped_column(Text)
    restricted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class RestrictionMemberRow(Base):
    """Someone named on a restricted post-mortem beyond its owner, reviewers and approvers."""

    __tablename__ = "restriction_members"

    postmortem_id: Mapped[int] = mapped_column(_postmortem_fk(), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    added_by: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
