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


# --- accounts: names, passwords, login limits (pure rules; the services apply them) --------

USER_NAME_MAX = 64
PASSWORD_MIN = 10
PASSWORD_MAX = 1024
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


def user_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a user name, or None when it can.

    A user name is what history records and what people type to log in: 1 to 64 letters,
    digits and ``. _ - @``, starting with a letter or digit. Letter case is kept but never
    tells two accounts apart (``Dana`` and ``dana`` are one name).
    """
    if not name:
        return "a user name cannot be empty"
    if len(name) > USER_NAME_MAX:
        return f"a user name is at most {USER_NAME_MAX} characters, this one has {len(name)}"
    if not name[0].isascii() or not name[0].isalnum():
        return "a user name starts with a letter or a digit"
    bad = sorted({ch for ch in name if ch not in _NAME_CHARS})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad[:5])
        return f"a user name holds only letters, digits and . _ - @ (not {shown})"
    return None


def fold_name(name: str) -> str:
    """The form two user names are compared in (letter case ignored)."""
    return name.casefold()


def password_problem(password: str, *, user_name: str | None = None) -> str | None:
    """Why the policy refuses ``password``, or None when it is accepted.

    At least 10 characters (any characters: spaces and passphrases are welcome), at most
    1024, not only spaces, and not the user name itself.
    """
    if not password.strip():
        return "a password cannot be empty or only spaces"
    if len(password) < PASSWORD_MIN:
        return f"a password needs at least {PASSWORD_MIN} characters, this one has {len(password)}"
    if len(password) > PASSWORD_MAX:
        return f"a password is at most {PASSWORD_MAX} characters"
    if user_name is not None and fold_name(password.strip()) == fold_name(user_name):
        return "a password cannot be the user name"
    return None


def max_scope(role: Role) -> TokenScope:
    """The widest token scope an account of ``role`` may hand out."""
    if role is Role.ADMIN:
        return TokenScope.ADMIN
    if role.at_least(Role.AUTHOR):
        return TokenScope.WRITE
    return TokenScope.READ


_SCOPE_RANKS = {TokenScope.READ: 0, TokenScope.WRITE: 1, TokenScope.ADMIN: 2}


def scope_allowed(role: Role, scope: TokenScope) -> bool:
    """Whether an account of ``role`` may create a token of ``scope``."""
    return _SCOPE_RANKS[scope] <= _SCOPE_RANKS[max_scope(role)]


@dataclasses.dataclass(frozen=True, slots=True)
class LoginLimit:
    """At most ``failures`` failed logins within ``window`` seconds (per account, per address)."""

    failures: int
    window: int


def seconds_until_allowed(failure_ages: list[float], limit: LoginLimit) -> int | None:
    """Seconds to wait before the next try, or None when a try is allowed now.

    ``failure_ages``: how many seconds ago each failure within the window happened. A try is
    allowed while fewer than ``limit.failures`` of them are younger than the window; else it is
    allowed once enough of the oldest have aged out of it.
    """
    recent = sorted((age for age in failure_ages if age < limit.window), reverse=True)
    if len(recent) < limit.failures:
        return None
    # The oldest failures leave the window first; one fewer than the limit lets a try through.
    leaving = recent[len(recent) - limit.failures]
    return max(1, int(limit.window - leaving + 0.999))
