"""The audit log and the workflow's guard on edits: every edit and transition is recorded in
the unit of work that makes it; an approved or published post-mortem takes no edit, and while
the workflow is on, a save may not change the Sign-Off section (the workflow fills it).

This module imports no other service, so the one save path (``services.saving``) can call it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from blamefree.domain.audit import AuditEntry
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import PostmortemLocked, SignOffManaged
from blamefree.store import UnitOfWork
from blamefree.store.tables import PostmortemRow
from blamefree.store.workflow import AuditLog, WorkflowRepository

SIGN_OFF_FIELDS = (
    "prepared_by",
    "prepared_by_text",
    "reviewed_by",
    "reviewed_by_text",
    "approved_by",
    "approved_by_text",
    "date",
    "date_text",
)


def record(
    uow: UnitOfWork,
    *,
    action: str,
    incident_id: str | None,
    by: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the audit log, stamped with the unit of work's clock and origin."""
    AuditLog(uow.session).append(
        action=action,
        incident_id=incident_id,
        actor=by,
        origin=uow.origin,
        at=uow.now(),
        details=details or {},
    )


def audit_log(
    uow: UnitOfWork, *, incident_id: str | None = None, limit: int | None = None
) -> list[AuditEntry]:
    """The audit log, oldest first: every entry, or a post-mortem's (also after its deletion)."""
    return AuditLog(uow.session).entries(incident_id=incident_id, limit=limit)


def check_editable(uow: UnitOfWork, *, incident_id: str, doc: Postmortem | None = None) -> None:
    """``PostmortemLocked`` when the post-mortem is approved or published; ``SignOffManaged``
    when ``doc`` (the document about to be saved) changes the Sign-Off the workflow fills."""
    state = WorkflowRepository(uow.session).state_of(incident_id)
    if state is None:
        return  # not in the workflow: its Sign-Off is the author's free text
    if state.locked:
        raise PostmortemLocked(
            f"post-mortem {incident_id!r} is {state.label} and takes no edit; nothing was "
            "saved. Reopen it with a reason first (the reopen is recorded)."
        )
    if doc is None:
        return
    body = uow.session.execute(
        select(PostmortemRow.body).where(PostmortemRow.incident_id == incident_id)
    ).scalar_one_or_none()
    stored = dict((body or {}).get("sign_off") or {})
    wanted = doc.sign_off.model_dump(mode="json")
    changed = [name for name in SIGN_OFF_FIELDS if stored.get(name) != wanted.get(name)]
    if changed:
        fields = ", ".join(sorted({name.removesuffix("_text") for name in changed}))
        raise SignOffManaged(
            f"post-mortem {incident_id!r} is in the review workflow, which fills its Sign-Off "
            f"section from who prepared, reviewed and approved it; this save changes it "
            f"({fields}), so nothing was saved. Leave the Sign-Off section as it is."
        )
