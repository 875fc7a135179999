"""Review comments and the mentions still to be delivered, on one session; never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from blamefree.domain.comments import Comment
from blamefree.errors import PostmortemNotFound
from blamefree.store.tables import MentionDeliveryRow, PostmortemRow, ReviewCommentRow


@dataclass(frozen=True)
class PendingMention:
    """A person a comment mentions whom some reminder channel has not told yet."""

    id: int
    name: str
    comment: Comment


class CommentRepository:
    """Comments of post-mortems and their mentions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def postmortem_id(self, incident_id: str) -> int:
        """The row id of a post-mortem; PostmortemNotFound if none has that incident id."""
        found = self.session.execute(
            select(PostmortemRow.id).where(PostmortemRow.incident_id == incident_id)
        ).scalar_one_or_none()
        if found is None:
            raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
        return found

    def add(
        self,
        *,
        incident_id: str,
        section: str,
        line: int | None,
        quoted: str | None,
        parent_id: int | None,
        author: str | None,
        body: str,
        at: dt.datetime,
        mentions: Sequence[str],
    ) -> Comment:
        """Store a comment and the people it mentions."""
        row = ReviewCommentRow(
            postmortem_id=self.postmortem_id(incident_id),
            section=section,
            line=line,
            quoted=quoted,
            parent_id=parent_id,
            author=author,
            body=body,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        for name in mentions:
            self.session.add(MentionDeliveryRow(comment_id=row.id, name=name, created_at=at))
        self.session.flush()
        return self._comment(row, incident_id, tuple(mentions))

    def get(self, comment_id: int) -> Comment | None:
        """One comment, or None."""
        found = self.session.execute(
            select(ReviewCommentRow, PostmortemRow.incident_id)
            .join(PostmortemRow, PostmortemRow.id == ReviewCommentRow.postmortem_id)
            .where(ReviewCommentRow.id == comment_id)
        ).first()
        if found is None:
            return None
        row, incident_id = found
        return self._comment(row, incident_id, self._mentions([row.id]).get(row.id, ()))

    def of_postmortem(self, incident_id: str) -> list[Comment]:
        """Every comment on a post-mortem, oldest first; PostmortemNotFound if none has that id."""
        rows = list(
            self.session.execute(
                select(ReviewCommentRow)
                .where(ReviewCommentRow.postmortem_id == self.postmortem_id(incident_id))
                .order_by(ReviewCommentRow.created_at, ReviewCommentRow.id)
            ).scalars()
        )
        mentions = self._mentions([row.id for row in rows])
        return [self._comment(row, incident_id, mentions.get(row.id, ())) for row in rows]

    def set_resolved(self, comment_id: int, *, by: str | None, at: dt.datetime | None) -> None:
        """Mark a thread's first comment resolved (``at`` set) or open again (``at`` None)."""
        self.session.execute(
            update(ReviewCommentRow)
            .where(ReviewCommentRow.id == comment_id)
            .values(resolved_by=by if at is not None else None, resolved_at=at)
            .execution_options(synchronize_session=False)
        )
        self.session.expire_all()

    def pending_mentions(self) -> list[PendingMention]:
        """Mentions some channel has not delivered yet, oldest first."""
        rows = self.session.execute(
            select(MentionDeliveryRow, ReviewCommentRow, PostmortemRow.incident_id)
            .join(ReviewCommentRow, ReviewCommentRow.id == MentionDeliveryRow.comment_id)
            .join(PostmortemRow, PostmortemRow.id == ReviewCommentRow.postmortem_id)
            .where(MentionDeliveryRow.delivered_at.is_(None))
            .order_by(MentionDeliveryRow.id)
            .execution_options(populate_existing=True)
        ).all()
        return [
            PendingMention(mention.id, mention.name, self._comment(comment, incident_id, ()))
            for mention, comment, incident_id in rows
        ]

    def mark_delivered(self, mention_id: int, *, at: dt.datetime) -> None:
        """Every channel has told the person: later runs look at this mention no more."""
        self.session.execute(
            update(MentionDeliveryRow)
            .where(MentionDeliveryRow.id == mention_id)
            .values(delivered_at=at)
            .execution_options(synchronize_session=False)
        )

    def _mentions(self, comment_ids: list[int]) -> dict[int, tuple[str, ...]]:
        if not comment_ids:
            return {}
        found: dict[int, list[str]] = {}
        for comment_id, name in self.session.execute(
            select(MentionDeliveryRow.comment_id, MentionDeliveryRow.name)
            .where(MentionDeliveryRow.comment_id.in_(comment_ids))
            .order_by(MentionDeliveryRow.id)
        ):
            found.setdefault(comment_id, []).append(name)
        return {key: tuple(names) for key, names in found.items()}

    @staticmethod
    def _comment(row: ReviewCommentRow, incident_id: str, mentions: tuple[str, ...]) -> Comment:
        return Comment(
            id=row.id,
            incident_id=incident_id,
            section=row.section,
            body=row.body,
            author=row.author,
            created_at=row.created_at,
            line=row.line,
            quoted=row.quoted,
            parent_id=row.parent_id,
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
            mentions=mentions,
        )
