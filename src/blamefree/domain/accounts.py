"""Who acts: roles and the principal a request or a command runs as (pure, no store).

Roles are ordered: each one can do what the roles before it can (a reviewer is also an author, an
approver also a reviewer). What a role may do to one post-mortem also depends on how the person
is named on it (its owner, its reviewers and approvers); those rules live with the workflow.

The web app builds a `Principal` from a session or an API token; the command line on a local
store runs as the local operator: whoever can open the store's file can change anything in it,
so a local command is an admin's, named by ``BLAMEFREE_USER`` (or the account of that name,
when one exists, whose role then applies).
"""

from __future__ import annotations

import dataclasses
import enum


class Role(enum.StrEnum):
    """A person's role in the team, lowest first."""

    VIEWER = "viewer"
    AUTHOR = "author"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, other: Role) -> bool:
        """True when this role can do what ``other`` can."""
        return self.rank >= other.rank


_RANKS = {role: index for index, role in enumerate(Role)}


class TokenScope(enum.StrEnum):
    """What an API token may do, whatever its owner's role allows beyond it."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


@dataclasses.dataclass(frozen=True, slots=True)
class Principal:
    """The person a request or command acts for.

    ``name`` is the account's user name (what history, the audit log and a post-mortem's
    members record); ``display_name`` is how pages show them. ``via`` says how they were
    recognised: ``"session"``, ``"token"``, ``"local"`` (a command on a local store) or
    ``"anonymous"`` (nobody logged in).
    """

    name: str | None
    role: Role
    display_name: str | None = None
    user_id: int | None = None
    via: str = "session"
    scope: TokenScope | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.name is None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN and self.scope in (None, TokenScope.ADMIN)

    def can_write(self) -> bool:
        """A role that writes (author or above), through a token that may write."""
        return self.role.at_least(Role.AUTHOR) and self.scope is not TokenScope.READ

    @property
    def shown_as(self) -> str:
        return self.display_name or self.name or "anonymous"


ANONYMOUS = Principal(name=None, role=Role.VIEWER, via="anonymous")


def local_operator(name: str | None) -> Principal:
    """The principal of a command run directly on a local store (see the module's text)."""
    return Principal(name=name, role=Role.ADMIN, display_name=name, via="local")
