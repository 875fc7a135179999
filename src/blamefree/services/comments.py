"""Use cases for review comments: add one (or a reply), list the threads, resolve and reopen.

A comment is anchored to a section of the post-mortem and optionally to a line of it; the line's
text is quoted when the comment is made, so the anchor is found again after an edit, or shown as
"on text since changed" (``domain.comments``). ``@name`` mentions of people in the directory are
kept as mention deliveries that ``blamefree remind`` sends through the reminder channels (e-mail,
Slack, webhook), once each; mentions that name nobody are reported back to the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from blamefree.domain import comments as domain
from blamefree.domain.accounts import Principal
from blamefree.domain.comments import Comment, Mentions, Thread
from blamefree.errors import CommentNotFound, Forbidden, ValidationFailed
from blamefree.markdown.section_text import section_lines
from blamefree.notify.digest import MentionRef
from blamefree.services.saving import current_text
from blamefree.store import UnitOfWork
from blamefree.store.comments import CommentRepository, PendingMention
from blamefree.store.follow_through import FollowThroughRepository


@dataclass(frozen=True)
class CommentAdded:
    """A stored comment, who it will notify and the ``@words`` that named nobody."""

    comment: Comment
    mentions: Mentions


@dataclass(frozen=True)
class CommentThreads:
    """A post-mortem's comment threads, in template order of their sections, oldest first."""

    incident_id: str
    threads: tuple[Thread, ...]
    resolved_hidden: int = 0
    """Resolved threads left out (``include_resolved=False``)."""

    def of_section(self, section: str) -> list[Thread]:
        """The threads on one section."""
        return [thread for thread in self.threads if thread.root.section == section]

    @property
    def open_count(self) -> int:
        return sum(1 for thread in self.threads if not thread.resolved)


def _check_writer(by: Principal, what: str) -> None:
    if not by.can_write():
        raise Forbidden(f"{by.shown_as} may read this post-mortem but not {what}")


def _section(section: str | None) -> str:
    key = domain.section_key(section or "")
    if key is None:
        known = ", ".join(key for key, _ in domain.SECTIONS)
        raise ValidationFailed(
            f"{section!r} is not a section of the template; one of: {known}", field="section"
        )
    return key


def _lines_of(uow: UnitOfWork, incident_id: str) -> dict[str, list[str]]:
    _, text = current_text(uow, incident_id=incident_id)
    return section_lines(text)


def add_comment(
    uow: UnitOfWork,
    *,
    incident_id: str,
    body: str,
    by: Principal,
    now: dt.datetime,
    section: str | None = None,
    line: int | None = None,
    reply_to: int | None = None,
) -> CommentAdded:
    """Comment on a section (and a line of it), or reply to a comment of the same post-mortem."""
    _check_writer(by, "comment on it")
    text = body.strip()
    if not text:
        raise ValidationFailed("a comment needs some text", field="body")
    if len(text) > domain.BODY_MAX:
        raise ValidationFailed(
            f"a comment is at most {domain.BODY_MAX} characters, this one has {len(text)}",
            field="body",
        )
    repo = CommentRepository(uow.session)
    parent: Comment | None = None
    if reply_to is not None:
        parent = repo.get(reply_to)
        if parent is None or parent.incident_id != incident_id:
            raise CommentNotFound(f"no comment {reply_to} on {incident_id} to reply to")
        if section is not None and _section(section) != parent.section:
            raise ValidationFailed(
                f"comment {reply_to} is on {domain.SECTION_HEADINGS[parent.section]}; "
                "a reply is on the section of the comment it answers",
                field="section",
            )
        if line is not None:
            raise ValidationFailed(
                "a reply is on the line of the comment it answers; give no line", field="line"
            )
    if parent is not None:
        key, number, quoted = parent.section, parent.line, parent.quoted
    else:
        if section is None:
            raise ValidationFailed("a comment needs the section it is about", field="section")
        key, number, quoted = _section(section), line, None
        if line is not None:
            lines = _lines_of(uow, incident_id).get(key)
            heading = domain.SECTION_HEADINGS[key]
            if lines is None:
                raise ValidationFailed(
                    f"{incident_id} has no {heading} section to comment a line of", field="line"
                )
            quoted = domain.quote_line(lines, line)
            if quoted is None:
                shape = (
                    f"line {line} of {heading} is blank"
                    if 1 <= line <= len(lines)
                    else f"{heading} has lines 1 to {len(lines)}, not {line}"
                )
                raise ValidationFailed(f"{shape}: choose a line with text", field="line")
    people = FollowThroughRepository(uow.session).people()
    mentions = domain.find_mentions(text, [(p.name, p.slack) for p in people])
    comment = repo.add(
        incident_id=incident_id,
        section=key,
        line=number,
        quoted=quoted,
        parent_id=parent.id if parent else None,
        author=by.name,
        body=text,
        at=now,
        mentions=[name for name in mentions.known if name != by.name],
    )
    return CommentAdded(comment, mentions)


def list_comments(
    uow: UnitOfWork, *, incident_id: str, include_resolved: bool = True
) -> CommentThreads:
    """The post-mortem's threads with where each anchor is in the text as it stands now."""
    found = CommentRepository(uow.session).of_postmortem(incident_id)
    if not found:
        return CommentThreads(incident_id, ())
    return _threads(incident_id, found, _lines_of(uow, incident_id), include_resolved)


LINE_CHOICE_CHARS = 60
"""How much of a line the page's line chooser shows."""


@dataclass(frozen=True)
class PageComments:
    """What the post-mortem page shows of comments: every thread, and each section's lines
    a new comment can be anchored to (number, shortened text; blank lines left out)."""

    threads: CommentThreads
    lines: dict[str, tuple[tuple[int, str], ...]]


def page_comments(uow: UnitOfWork, *, incident_id: str) -> PageComments:
    """Every thread of the post-mortem and the lines of each section, for its page."""
    found = CommentRepository(uow.session).of_postmortem(incident_id)
    lines = _lines_of(uow, incident_id)
    choices = {
        key: tuple(
            (
                number,
                text if len(text) <= LINE_CHOICE_CHARS else text[: LINE_CHOICE_CHARS - 1] + "…",
            )
            for number, raw in enumerate(section, 1)
            if (text := " ".join(raw.split()))
        )
        for key, section in lines.items()
    }
    return PageComments(_threads(incident_id, found, lines, True), choices)


def _threads(
    incident_id: str,
    found: list[Comment],
    lines: dict[str, list[str]],
    include_resolved: bool,
) -> CommentThreads:
    order = {key: index for index, (key, _) in enumerate(domain.SECTIONS)}
    placed = [
        replace(thread, anchor=domain.place(root.line, root.quoted, lines.get(root.section)))
        for thread in domain.threads(found)
        if (root := thread.root)
    ]
    shown = [thread for thread in placed if include_resolved or not thread.resolved]
    shown.sort(key=lambda t: (order.get(t.root.section, len(order)), t.root.created_at, t.root.id))
    return CommentThreads(incident_id, tuple(shown), resolved_hidden=len(placed) - len(shown))


def _thread_of(uow: UnitOfWork, comment_id: int, incident_id: str | None) -> Thread:
    repo = CommentRepository(uow.session)
    if incident_id is not None:
        repo.postmortem_id(incident_id)  # PostmortemNotFound for an unknown post-mortem
    comment = repo.get(comment_id)
    if comment is None or (incident_id is not None and comment.incident_id != incident_id):
        where = f" on {incident_id}" if incident_id else ""
        raise CommentNotFound(f"no comment {comment_id}{where}")
    for thread in list_comments(uow, incident_id=comment.incident_id).threads:
        if comment_id in {c.id for c in thread.comments}:
            return thread
    raise CommentNotFound(f"no comment {comment_id}")  # pragma: no cover - listed above


def resolve_comment(
    uow: UnitOfWork,
    *,
    comment_id: int,
    by: Principal,
    now: dt.datetime,
    incident_id: str | None = None,
) -> tuple[Thread, bool]:
    """Resolve the thread of a comment; returns it and whether it was open until now."""
    _check_writer(by, "resolve its comments")
    thread = _thread_of(uow, comment_id, incident_id)
    if thread.resolved:
        return thread, False
    CommentRepository(uow.session).set_resolved(thread.root.id, by=by.name, at=now)
    return _thread_of(uow, comment_id, incident_id), True


def reopen_comment(
    uow: UnitOfWork, *, comment_id: int, by: Principal, incident_id: str | None = None
) -> tuple[Thread, bool]:
    """Open the thread of a comment again; returns it and whether it was resolved until now."""
    _check_writer(by, "reopen its comments")
    thread = _thread_of(uow, comment_id, incident_id)
    if not thread.resolved:
        return thread, False
    CommentRepository(uow.session).set_resolved(thread.root.id, by=None, at=None)
    return _thread_of(uow, comment_id, incident_id), True


# --- mentions, for reminders ----------------------------------------------------------------


def mention_recipient(name: str, comment_id: int) -> str:
    """The bookkeeping key of a mention's messages in ``reminder_deliveries``."""
    return f"{name} · mention in comment {comment_id}"


@dataclass(frozen=True)
class MentionToSend:
    """A mention some channel has not delivered: what to say, and under which day and key."""

    mention_id: int
    name: str
    day: dt.date
    ref: MentionRef


def mentions_to_send(uow: UnitOfWork, *, public_url: str | None) -> list[MentionToSend]:
    """Mentions not delivered on every channel yet, oldest first."""
    pending = CommentRepository(uow.session).pending_mentions()
    return [_to_send(mention, public_url) for mention in pending]


def _to_send(pending: PendingMention, public_url: str | None) -> MentionToSend:
    comment = pending.comment
    url = (
        f"{public_url.rstrip('/')}/postmortems/{comment.incident_id}#comment-{comment.id}"
        if public_url
        else None
    )
    ref = MentionRef(
        comment_id=comment.id,
        incident_id=comment.incident_id,
        section=domain.SECTION_HEADINGS.get(comment.section, comment.section),
        author=comment.author,
        body=comment.body,
        quoted=comment.quoted,
        url=url,
    )
    day = comment.created_at.astimezone(dt.UTC).date()
    return MentionToSend(pending.id, pending.name, day, ref)


def mark_mention_delivered(uow: UnitOfWork, *, mention_id: int, now: dt.datetime) -> None:
    """Every channel told the person: later reminder runs leave the mention alone."""
    CommentRepository(uow.session).mark_delivered(mention_id, at=now)
