"""Review comments: CommentCreate in, CommentRead / CommentThreadRead / CommentAddedRead out."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from blamefree.domain.comments import BODY_MAX, SECTION_HEADINGS, Comment, Thread
from blamefree.schemas.base import InputModel, ReadModel, Timestamp
from blamefree.services.comments import CommentAdded, CommentThreads

Placement = Literal["section", "line", "moved", "changed", "no section"]


class CommentCreate(InputModel):
    """A comment on a section (and a line of it), or a reply to a comment."""

    body: str = Field(
        min_length=1, max_length=BODY_MAX, description="Markdown; `@name` mentions people"
    )
    section: str | None = Field(
        default=None,
        description="Section key or heading (e.g. `root_cause_analysis`); not needed in a reply",
    )
    line: int | None = Field(
        default=None, ge=1, description="Line within the section's text (1 = after the heading)"
    )
    reply_to: int | None = Field(default=None, ge=1, description="The comment this answers")


class CommentRead(ReadModel):
    """One comment."""

    id: int
    incident_id: str
    section: str
    section_heading: str
    line: int | None = Field(description="The line it was made on (within the section)")
    quoted: str | None = Field(description="That line's text when the comment was made")
    parent_id: int | None
    author: str | None = Field(description="Who wrote it; null when unknown")
    body: str = Field(description="Markdown as written")
    created_at: Timestamp
    mentions: list[str] = Field(description="People of the directory it notifies")


class CommentThreadRead(ReadModel):
    """A comment on a section, its replies, and where its anchor is in the text now."""

    id: int = Field(description="The id of its first comment")
    section: str
    section_heading: str
    placement: Placement = Field(
        description="`line`: on its line; `moved`: its line is at `current_line` now; "
        "`changed`: the quoted text is gone (on text since changed); `section`: the section "
        "as a whole; `no section`: the section is not in the text any more"
    )
    line: int | None
    current_line: int | None
    quoted: str | None
    resolved: bool
    resolved_by: str | None
    resolved_at: Timestamp | None
    comments: list[CommentRead]


class CommentThreadsRead(ReadModel):
    """A post-mortem's comment threads, in the template's section order."""

    incident_id: str
    open: int
    resolved_hidden: int = Field(description="Resolved threads left out (ask with all=true)")
    threads: list[CommentThreadRead]


class CommentAddedRead(ReadModel):
    """A stored comment, whom it notifies, and mentions that named no one."""

    comment: CommentRead
    unknown_mentions: list[str] = Field(
        description="`@words` that name no one in the people directory (nobody is told)"
    )


def comment_read(comment: Comment) -> CommentRead:
    """One comment as the API and `--json` show it."""
    return CommentRead(
        id=comment.id,
        incident_id=comment.incident_id,
        section=comment.section,
        section_heading=SECTION_HEADINGS.get(comment.section, comment.section),
        line=comment.line,
        quoted=comment.quoted,
        parent_id=comment.parent_id,
        author=comment.author,
        body=comment.body,
        created_at=comment.created_at,
        mentions=list(comment.mentions),
    )


def thread_read(thread: Thread) -> CommentThreadRead:
    """One thread."""
    root = thread.root
    return CommentThreadRead(
        id=root.id,
        section=root.section,
        section_heading=SECTION_HEADINGS.get(root.section, root.section),
        placement=thread.anchor.placement.value,
        line=root.line,
        current_line=thread.anchor.line,
        quoted=root.quoted,
        resolved=thread.resolved,
        resolved_by=root.resolved_by,
        resolved_at=root.resolved_at,
        comments=[comment_read(comment) for comment in thread.comments],
    )


def threads_read(found: CommentThreads) -> CommentThreadsRead:
    """A post-mortem's threads."""
    return CommentThreadsRead(
        incident_id=found.incident_id,
        open=found.open_count,
        resolved_hidden=found.resolved_hidden,
        threads=[thread_read(thread) for thread in found.threads],
    )


def added_read(added: CommentAdded) -> CommentAddedRead:
    """A comment just stored."""
    return CommentAddedRead(
        comment=comment_read(added.comment), unknown_mentions=list(added.mentions.unknown)
    )
