"""Tracker references, pure: what an action item's Tracker line may point at, in a strict grammar.

A Tracker line is kept as the author wrote it (``TrackerLink``). Before anything is asked of Jira
or GitHub, its key is read here into a typed reference, and only the reference's parts (a project
key, a repository, a number) ever reach a request:

- Jira ``KEY-123``: a project key (an upper-case letter, then 1-9 upper-case letters, digits or
  underscores, as Jira allows by default) and an issue number;
- GitHub ``owner/repo#123`` (GitHub's rules: an owner of 1-39 letters, digits and single inner
  hyphens; a repository of 1-100 letters, digits, ``.``, ``-`` and ``_``, not ``.`` or ``..``)
  or ``#123``, the configured repository.

Issue numbers are 1 to 10 digits without a leading zero. Anything else is refused with a reason
(``InvalidReference``); it never becomes part of a URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blamefree.domain.enums import TrackerSystem

_PROJECT = re.compile(r"[A-Z][A-Z0-9_]{1,9}")
_NUMBER = re.compile(r"[1-9][0-9]{0,9}")
_OWNER = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9])*")
_REPO_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
OWNER_MAX = 39
SHOWN_MAX = 80
"""A refused key is quoted in messages up to this many characters."""


class InvalidReference(ValueError):
    """A tracker key that does not follow the grammar; ``reason`` says what it should be."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class JiraRef:
    """A Jira issue: ``project`` key and issue ``number``."""

    project: str
    number: int

    @property
    def key(self) -> str:
        """``PROJECT-123``."""
        return f"{self.project}-{self.number}"


@dataclass(frozen=True)
class GitHubRef:
    """A GitHub issue: ``number`` in ``repo`` (``owner/name``), or in the configured repo."""

    number: int
    repo: str | None = None

    @property
    def key(self) -> str:
        """``owner/name#123`` or ``#123``."""
        return f"{self.repo or ''}#{self.number}"


TrackerRef = JiraRef | GitHubRef


def shown(text: str) -> str:
    """A refused key for a message: quoted, control characters escaped, bounded in length."""
    cut = text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"
    return repr(cut)


def is_jira_project(text: str) -> bool:
    """Whether ``text`` is a Jira project key (``OPS``, ``PLAT_2``)."""
    return _PROJECT.fullmatch(text) is not None


def is_github_owner(text: str) -> bool:
    """Whether ``text`` follows GitHub's rules for a user or organisation name."""
    return len(text) <= OWNER_MAX and _OWNER.fullmatch(text) is not None


def is_github_repo(text: str) -> bool:
    """Whether ``text`` is ``owner/name`` by GitHub's naming rules."""
    owner, slash, name = text.partition("/")
    return (
        slash == "/"
        and is_github_owner(owner)
        and _REPO_NAME.fullmatch(name) is not None
        and name not in (".", "..")
    )


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def parse_jira_key(text: str) -> JiraRef:
    """``PROJECT-123`` as a JiraRef; InvalidReference otherwise."""
    project, dash, number = text.rpartition("-")
    if not dash or not is_jira_project(project) or not _is_number(number):
        raise InvalidReference(
            f"{shown(text)} is not a Jira issue key: PROJECT-123, where PROJECT is an upper-case "
            "letter and 1-9 upper-case letters, digits or underscores, and 123 an issue number "
            "(1-10 digits, no leading 0)"
        )
    return JiraRef(project, int(number))


def parse_github_key(text: str) -> GitHubRef:
    """``owner/name#123`` or ``#123`` as a GitHubRef; InvalidReference otherwise."""
    repo, hash_mark, number = text.rpartition("#")
    if not hash_mark or (repo and not is_github_repo(repo)) or not _is_number(number):
        raise InvalidReference(
            f"{shown(text)} is not a GitHub issue reference: OWNER/REPO#123 (GitHub's rules "
            "for owner and repository names) or #123 for the configured repository, 123 being "
            "an issue number (1-10 digits, no leading 0)"
        )
    return GitHubRef(int(number), repo or None)


def parse_reference(system: TrackerSystem, key: str) -> TrackerRef:
    """A stored or written tracker key as a typed reference; InvalidReference otherwise."""
    if system is TrackerSystem.JIRA:
        return parse_jira_key(key)
    return parse_github_key(key)


def reference_problem(system: TrackerSystem, key: str) -> str | None:
    """Why ``key`` is not a reference to follow, or None when it is one."""
    try:
        parse_reference(system, key)
    except InvalidReference as error:
        return error.reason
    return None
