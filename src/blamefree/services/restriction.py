"""Use cases of restricted post-mortems: restrict one (or lift it), name extra members, read
who is named on it (docs/accounts.md, "Restricted post-mortems").

The rule of who sees what is ``domain.visibility``; the store applies it to every read of a
unit of work (``store.visibility``), so a post-mortem the principal may not see is not found
here either (``PostmortemNotFound``, as for a missing one). Only its owner or an admin may
change its restriction; every change is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from blamefree.domain.accounts import Principal
from blamefree.domain.visibility import Access, may_restrict
from blamefree.domain.workflow import MemberRole
from blamefree.errors import Forbidden, ValidationFailed
from blamefree.services import audit
from blamefree.store import UnitOfWork
from blamefree.store.visibility import RestrictionRepository
from blamefree.store.workflow import WorkflowRepository

NAME_LIMIT = 200


@dataclass(frozen=True)
class RestrictionView:
    """Whether a post-mortem is restricted and who is named on it (who sees it)."""

    incident_id: str
    restricted: bool
    restricted_by: str | None
    restricted_at: dt.datetime | None
    owner: str | None
    reviewers: tuple[str, ...]
    approvers: tuple[str, ...]
    members: tuple[str, ...]
    may_change: bool  # whether the one asking may restrict it or lift it (owner, admin)

    @property
    def access(self) -> Access:
        return Access(
            restricted=self.restricted,
            owner=self.owner,
            reviewers=self.reviewers,
            approvers=self.approvers,
            members=self.members,
        )


def restriction_status(
    uow: UnitOfWork, *, incident_id: str, principal: Principal
) -> RestrictionView:
    """Whether the post-mortem is restricted, and who is named on it."""
    return _view(uow, incident_id, principal)


def set_restriction(
    uow: UnitOfWork,
    *,
    incident_id: str,
    principal: Principal,
    now: dt.datetime,
    restricted: bool | None = None,
    add_members: Sequence[str] = (),
    remove_members: Sequence[str] = (),
) -> RestrictionView:
    """Restrict the post-mortem (``restricted=True``), lift it (``False``) or leave it as it
    is (``None``), and name or un-name extra members; its owner or an admin may."""
    view = _view(uow, incident_id, principal)
    if not view.may_change:
        raise Forbidden(
            f"only the owner of {incident_id} ({view.owner or 'nobody yet'}) or an admin may "
            "change who sees it; nothing was changed"
        )
    row_id = uow.postmortems.stamp(incident_id).row_id
    repo = RestrictionRepository(uow.session)
    by = principal.name
    added = [
        n for n in (_name(n) for n in add_members) if repo.add_member(row_id, n, by=by, now=now)
    ]
    removed = [n for n in (_name(n) for n in remove_members) if repo.remove_member(row_id, n)]
    changed = restricted is not None and repo.set(row_id, restricted, by=by, now=now)
    if changed:
        audit.record(
            uow,
            action="restrict" if restricted else "unrestrict",
            incident_id=incident_id,
            by=by,
            details={"members": list(repo.get(row_id).members)},
        )
    if added or removed:
        audit.record(
            uow,
            action="restriction.members",
            incident_id=incident_id,
            by=by,
            details={"added": added, "removed": removed},
        )
    return _view(uow, incident_id, principal)


def _name(name: str) -> str:
    cleaned = name.strip().removeprefix("@")
    if not cleaned:
        raise ValidationFailed("a member's name cannot be empty", field="member")
    if len(cleaned) > NAME_LIMIT:
        raise ValidationFailed(f"a name has at most {NAME_LIMIT} characters", field="member")
    return cleaned


def _view(uow: UnitOfWork, incident_id: str, principal: Principal) -> RestrictionView:
    row_id = uow.postmortems.stamp(incident_id).row_id  # PostmortemNotFound when not seen
    workflow = WorkflowRepository(uow.session)
    record = workflow.get(row_id)
    members = workflow.members(row_id)
    owner = record.owner if record and record.owner else None
    if owner is None:
        history = uow.postmortems.history(incident_id)
        owner = history[0].author if history and history[0].author else None
    restriction = RestrictionRepository(uow.session).get(row_id)
    access = Access(
        restricted=restriction.restricted,
        owner=owner,
        reviewers=tuple(m.name for m in members if m.role is MemberRole.REVIEWER),
        approvers=tuple(m.name for m in members if m.role is MemberRole.APPROVER),
        members=restriction.members,
    )
    return RestrictionView(
        incident_id=incident_id,
        restricted=access.restricted,
        restricted_by=restriction.restricted_by,
        restricted_at=restriction.restricted_at,
        owner=access.owner,
        reviewers=access.reviewers,
        approvers=access.approvers,
        members=access.members,
        may_change=may_restrict(principal, access),
    )
