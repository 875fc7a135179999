"""Sign-off as data: who signed a post-mortem off in which role, on which day, recorded by whom.

The document's Sign-Off section (Prepared By, Reviewed By, Approved By, Date) stays the text
people read and write; every save makes the rows match it: a role whose name changed is
recorded anew (by whoever saved), one whose name stayed keeps its record, a role left empty
loses its row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from blamefree.domain.enums import SignOffRole
from blamefree.domain.postmortem import Postmortem
from blamefree.store.tables import PostmortemRow, SignOffRow


@dataclass(frozen=True)
class SignOffRecord:
    """One role's sign-off of one post-mortem."""

    incident_id: str
    role: SignOffRole
    name: str
    signed_on: dt.date | None
    recorded_by: str | None
    recorded_at: dt.datetime


def write_sign_offs(
    session: Session, row_id: int, doc: Postmortem, *, now: dt.datetime, by: str | None
) -> None:
    """Make the sign-off rows of a post-mortem match its Sign-Off section."""
    stored = {
        SignOffRole(role): (name, signed_on)
        for role, name, signed_on in session.execute(
            select(SignOffRow.role, SignOffRow.name, SignOffRow.signed_on).where(
                SignOffRow.postmortem_id == row_id
            )
        )
    }
    for role in SignOffRole:
        name = (getattr(doc.sign_off, role.field) or "").strip() or None
        before = stored.get(role)
        if name is None:
            if before is not None:
                session.execute(
                    delete(SignOffRow).where(
                        SignOffRow.postmortem_id == row_id, SignOffRow.role == role.value
                    )
                )
            continue
        if before is None:
            session.execute(
                insert(SignOffRow).values(
                    postmortem_id=row_id,
                    role=role.value,
                    name=name,
                    signed_on=doc.sign_off.date,
                    recorded_by=by,
                    recorded_at=now,
                )
            )
        elif before != (name, doc.sign_off.date):
            session.execute(
                update(SignOffRow)
                .where(SignOffRow.postmortem_id == row_id, SignOffRow.role == role.value)
                .values(name=name, signed_on=doc.sign_off.date, recorded_by=by, recorded_at=now)
            )


def sign_offs_of(session: Session, incident_id: str) -> list[SignOffRecord]:
    """The recorded sign-offs of a post-mortem, in the template's order of roles."""
    rows = session.execute(
        select(
            SignOffRow.role,
            SignOffRow.name,
            SignOffRow.signed_on,
            SignOffRow.recorded_by,
            SignOffRow.recorded_at,
        )
        .join(PostmortemRow, PostmortemRow.id == SignOffRow.postmortem_id)
        .where(PostmortemRow.incident_id == incident_id)
    )
    order = list(SignOffRole)
    records = [
        SignOffRecord(incident_id, SignOffRole(role), name, signed_on, recorded_by, recorded_at)
        for role, name, signed_on, recorded_by, recorded_at in rows
    ]
    return sorted(records, key=lambda r: order.index(r.role))
