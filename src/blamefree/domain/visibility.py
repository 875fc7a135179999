"""Who may see a post-mortem: the one visibility rule (pure, no store; docs/accounts.md).

A post-mortem is unrestricted (everyone who may log in sees it) or restricted (a security
incident, an HR-sensitive one): then only the people named on it and admins see it, and for
everyone else it does not exist. Named on it: its owner (author), its named reviewers and
approvers, and the extra members named on the restriction. Names compare without letter case,
as user names do (``domain.accounts.fold_name``).

``can_see`` is the rule; ``store.visibility`` applies the same rule as SQL to every query of
a unit of work whose ``Viewer`` does not see everything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from blamefree.domain.accounts import Principal, Role, fold_name


@dataclasses.dataclass(frozen=True, slots=True)
class Viewer:
    """Whose eyes a unit of work reads with: everything (an admin, the local operator, the
    app itself answering a webhook) or what one named person (or nobody) may see."""

    sees_all: bool
    name: str | None = None

    @property
    def folded(self) -> str:
        """The name as the store compares it (empty for nobody: no one is named so)."""
        return fold_name(self.name) if self.name else ""


EVERYTHING = Viewer(sees_all=True)
"""The system's view: a local command (admin-equivalent) or a webhook receiver."""


def viewer_of(principal: Principal) -> Viewer:
    """What ``principal`` sees: an admin (also the local operator) everything; anyone else,
    unrestricted post-mortems and the restricted ones naming them.

    An API token of an admin sees everything whatever its scope: a scope limits what a token
    may change, not what its owner may read."""
    if principal.role is Role.ADMIN:
        return EVERYTHING
    return Viewer(sees_all=False, name=principal.name)


@dataclasses.dataclass(frozen=True, slots=True)
class Access:
    """How one post-mortem is restricted, and who is named on it."""

    restricted: bool = False
    owner: str | None = None
    reviewers: tuple[str, ...] = ()
    approvers: tuple[str, ...] = ()
    members: tuple[str, ...] = ()

    def named(self) -> frozenset[str]:
        """Everyone named on it (folded): owner, reviewers, approvers, extra members."""
        names: Iterable[str | None] = (
            self.owner,
            *self.reviewers,
            *self.approvers,
            *self.members,
        )
        return frozenset(fold_name(name) for name in names if name)


UNRESTRICTED = Access()


def can_see(viewer: Viewer, access: Access) -> bool:
    """Whether ``viewer`` sees a post-mortem with ``access``: the visibility rule."""
    if viewer.sees_all or not access.restricted:
        return True
    return bool(viewer.name) and viewer.folded in access.named()


def may_restrict(principal: Principal, access: Access) -> bool:
    """Whether ``principal`` may restrict (or lift the restriction of) a post-mortem: its
    owner or an admin."""
    if principal.role is Role.ADMIN:
        return True
    return bool(principal.name and access.owner) and fold_name(principal.name or "") == fold_name(
        access.owner or ""
    )
