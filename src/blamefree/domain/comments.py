"""Review comments, pure: anchors to a section or a line of it, threads, resolution, mentions.

A comment is anchored to one of the template's sections (its key, as ``SECTIONS`` lists them)
and, optionally, to one line of that section's text: the line's number *within the section*
(1 = the first line after the heading) and the line's text as it was quoted. Text moves when
the document is edited, so ``place`` finds the line again: at its number when the text there is
still the quoted one, else at the nearest line with that text ("moved"), else nowhere: the
comment then shows as "on text since changed" with its quoted text, never dropped.

A thread is a comment on a section (its root) and the replies to it, oldest first; a reply to a
reply joins the same thread. Resolving and reopening act on a thread (its root carries who
resolved it and when).

Mentions are ``@name`` of people in the directory: ``@Dana``, a full name with spaces
(``@Dana Scully``, matched against the directory, longest name first), the name with ``.``,
``_`` or ``-`` for its spaces (``@dana.scully``), or a person's Slack handle. Code spans and an
e-mail address (``dana@example.com``) mention nobody; any other ``@word`` that names no one is
reported back as unknown, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SECTIONS: tuple[tuple[str, str], ...] = (
    ("executive_summary", "Executive Summary"),
    ("timeline", "Timeline"),
    ("impact_assessment", "Impact Assessment"),
    ("root_cause_analysis", "Root Cause Analysis"),
    ("what_went_well", "What Went Well"),
    ("what_went_wrong", "What Went Wrong"),
    ("action_items", "Action Items"),
    ("prevention_measures", "Prevention Measures"),
    ("metrics", "Metrics"),
    ("follow_up", "Follow-Up"),
    ("appendix", "Appendix"),
    ("sign_off", "Sign-Off"),
)
"""The template's sections a comment can be anchored to: (key, heading), in template order."""

SECTION_HEADINGS = dict(SECTIONS)
BODY_MAX = 20_000
"""The longest comment body kept (characters)."""
QUOTE_MAX = 2_000
"""The longest quoted line kept (characters)."""


class Placement(enum.StrEnum):
    """Where a comment's anchor is in the text as it stands now."""

    SECTION = "section"  # on the section as a whole
    LINE = "line"  # on its line, where it was
    MOVED = "moved"  # its line is still there, at another number
    CHANGED = "changed"  # its line's text is gone: "on text since changed"
    NO_SECTION = "no section"  # the section is not in the text any more


@dataclass(frozen=True)
class Anchor:
    """Where a comment's anchor is now: how it was found, and the line number it is at."""

    placement: Placement
    line: int | None = None

    @property
    def stale(self) -> bool:
        """True when the text the comment was about is not there any more."""
        return self.placement in (Placement.CHANGED, Placement.NO_SECTION)


def section_key(text: str) -> str | None:
    """The section key for a key or heading as a person types it (``root_cause_analysis``,
    ``"Root Cause Analysis"``, ``root-cause-analysis``); None when it names no section."""
    words = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    for key, heading in SECTIONS:
        if words in (key, re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_")):
            return key
    return None


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def quote_line(lines: Sequence[str], line: int) -> str | None:
    """The text a comment on ``line`` (1-based, within the section) quotes; None when the
    section has no such line or the line is blank (nothing to anchor to)."""
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1].strip()
    return text[:QUOTE_MAX] if text else None


def place(line: int | None, quoted: str | None, lines: Sequence[str] | None) -> Anchor:
    """Where a comment anchored at ``line`` quoting ``quoted`` is in the section's ``lines``
    now (None: the section is not in the text)."""
    if line is None or quoted is None:
        return Anchor(Placement.SECTION if lines is not None else Placement.NO_SECTION)
    if lines is None:
        return Anchor(Placement.NO_SECTION)
    if 1 <= line <= len(lines) and _same(lines[line - 1], quoted):
        return Anchor(Placement.LINE, line)
    found = [number for number, text in enumerate(lines, 1) if _same(text, quoted)]
    if not found:
        return Anchor(Placement.CHANGED)
    # The nearest copy: an edit above the line shifts it by a few lines.
    return Anchor(Placement.MOVED, min(found, key=lambda number: (abs(number - line), number)))


@dataclass(frozen=True)
class Comment:
    """One stored comment."""

    id: int
    incident_id: str
    section: str
    body: str
    author: str | None
    created_at: dt.datetime
    line: int | None = None
    quoted: str | None = None
    parent_id: int | None = None
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None
    mentions: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


@dataclass(frozen=True)
class Thread:
    """A comment on a section and its replies, oldest first, with where its anchor is now."""

    root: Comment
    replies: tuple[Comment, ...] = ()
    anchor: Anchor = field(default_factory=lambda: Anchor(Placement.SECTION))

    @property
    def resolved(self) -> bool:
        return self.root.resolved

    @property
    def comments(self) -> tuple[Comment, ...]:
        return (self.root, *self.replies)


def threads(comments: Iterable[Comment]) -> list[Thread]:
    """The comments as threads, in order of their roots; a reply to a reply joins its thread."""
    by_id = {comment.id: comment for comment in comments}
    roots: dict[int, list[Comment]] = {}
    for comment in sorted(by_id.values(), key=lambda c: (c.created_at, c.id)):
        root = thread_root(comment, by_id)
        roots.setdefault(root.id, [])
        if root.id != comment.id:
            roots[root.id].append(comment)
    return [Thread(by_id[root], tuple(replies)) for root, replies in roots.items()]


def thread_root(comment: Comment, by_id: dict[int, Comment]) -> Comment:
    """The first comment of ``comment``'s thread (itself when it replies to nothing)."""
    seen = {comment.id}
    while comment.parent_id is not None and comment.parent_id in by_id:
        comment = by_id[comment.parent_id]
        if comment.id in seen:  # a cycle cannot be stored; guard anyway
            break
        seen.add(comment.id)
    return comment


# --- mentions -------------------------------------------------------------------------------

_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1|^(?:```|~~~).*?^(?:```|~~~)", re.DOTALL | re.MULTILINE)
_AT = re.compile(r"(?<![\w@.+-])@")
_TOKEN = re.compile(r"[\w][\w.-]*")


@dataclass(frozen=True)
class Mentions:
    """Who a comment mentions: directory names (each once, in order), and unknown ``@words``."""

    known: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


def _forms(name: str) -> set[str]:
    folded = name.strip().casefold()
    words = folded.split()
    return {folded} | {sep.join(words) for sep in ("", ".", "_", "-")}


def find_mentions(body: str, people: Iterable[tuple[str, str | None]]) -> Mentions:
    """The ``@mentions`` in ``body`` of ``people`` (name, Slack handle) and the unknown ones."""
    directory = list(people)
    by_form: dict[str, str] = {}
    for name, slack in directory:
        for form in _forms(name):
            by_form.setdefault(form, name)
        if slack:
            by_form.setdefault(slack.strip().lstrip("@").casefold(), name)
    # Longest first, so "@Dana Scully" is Dana Scully, not Dana.
    spaced = sorted((name for name, _ in directory if " " in name.strip()), key=len, reverse=True)
    text = _CODE.sub(lambda found: " " * len(found[0]), body)
    known: list[str] = []
    unknown: list[str] = []
    for at in _AT.finditer(text):
        rest = text[at.end() :]
        hit = next(
            (
                name
                for name in spaced
                if rest[: len(name)].casefold() == name.casefold()
                and not rest[len(name) : len(name) + 1].isalnum()
            ),
            None,
        )
        if hit is None:
            token = _TOKEN.match(rest)
            if token is None:
                continue
            word = token[0].rstrip(".-")
            hit = by_form.get(word.casefold())
            if hit is None:
                if word not in unknown:
                    unknown.append(word)
                continue
        if hit not in known:
            known.append(hit)
    return Mentions(tuple(known), tuple(unknown))
