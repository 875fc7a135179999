"""Saving a whole document a client read at some version: merged like a file with a base line.

A client (the API, a page's form) reads a post-mortem at version N as it is shown, with phase
blocks and impact start filled from the event log, changes it and sends it back naming N:

- the client's changes are taken relative to what it was shown, so a derived value it sent back
  unchanged is not stored as if someone had written it (nothing invented);
- based on the current version, the change is saved as the next version;
- based on an older one, it is merged onto the current version (``domain.merge``): changes to
  different fields both stay; where both sides changed one field it is ``MergeConflict`` with
  both values and nothing is stored. With ``merge=False`` an older base is ``StaleEdit``.

The stored Markdown is the current text with the change patched in (``saving.save_revision``).
"""

from __future__ import annotations

from dataclasses import replace

from blamefree.domain.derive import effective
from blamefree.domain.identity import carry_action_ids
from blamefree.domain.merge import merge_documents
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import MergeConflict, RevisionNotFound, StaleEdit, ValidationFailed
from blamefree.markdown.parse import parse
from blamefree.services.saving import save_revision
from blamefree.services.updates import (
    UpdateOutcome,
    conflict_lines,
    plan_update,
    read_document,
    retrying,
    save_plan,
)
from blamefree.store import StoredPostmortem, UnitOfWork


def _base_document(uow: UnitOfWork, current: StoredPostmortem, version: int) -> Postmortem:
    if version == current.version:
        return current.doc
    revision = uow.postmortems.revision(current.incident_id, version)
    return parse(
        revision.markdown,
        source=f"{current.incident_id} version {version}",
        timezone=current.doc.timezone,
    )


def _as_written(base: Postmortem, sent: Postmortem) -> Postmortem:
    """What the client changed, applied to the base as written (derived values left out)."""
    return merge_documents(effective(base), base, sent, prefer="file").doc


def update_document(
    uow: UnitOfWork,
    *,
    incident_id: str,
    postmortem_in: Postmortem,
    base_version: int,
    merge: bool = True,
    message: str | None = None,
    by: str | None = None,
) -> UpdateOutcome:
    """Save ``postmortem_in``, read at ``base_version``, as the next version (see the module)."""
    if postmortem_in.incident_id not in (None, incident_id):
        raise ValidationFailed(
            f"the document's incident id {postmortem_in.incident_id!r} is not {incident_id!r}; "
            "a post-mortem keeps its id",
            field="document.incident_id",
        )
    sent = postmortem_in.model_copy(update={"incident_id": incident_id})
    said = message or "updated"

    def work(uow: UnitOfWork) -> UpdateOutcome:
        current = uow.postmortems.get(incident_id)
        if not 1 <= base_version <= current.version:
            raise RevisionNotFound(
                f"{incident_id} has versions 1 to {current.version}, not {base_version}; "
                "nothing was saved"
            )
        if base_version != current.version and not merge:
            raise StaleEdit(
                f"post-mortem {incident_id!r} is at version {current.version}, but this edit "
                f"is based on version {base_version}; nothing was saved"
            )
        base = _base_document(uow, current, base_version)
        changed = _as_written(base, sent)
        merged_onto: int | None = None
        note = said
        if base_version != current.version:
            result = merge_documents(base, current.doc, changed, prefer="file")
            if result.conflicts:
                lines = conflict_lines(result.conflicts, base=base_version, stored=current.version)
                raise MergeConflict(
                    f"{incident_id} changed since version {base_version} in "
                    f"{len(result.conflicts)} place(s) this edit changed too; nothing was "
                    "saved.\n" + "\n".join(f"  {line}" for line in lines),
                    conflicts=result.conflicts,
                    incident_id=incident_id,
                )
            changed, merged_onto = result.doc, current.version
            note = f"{said} (merged onto version {current.version})"
        changed = changed.model_copy(
            update={
                "action_items": carry_action_ids(current.doc.action_items, changed.action_items)
            }
        )
        if changed == current.doc:
            return UpdateOutcome(action="unchanged", stored=current)
        saved = save_revision(
            uow,
            incident_id=incident_id,
            doc=changed,
            expected_version=current.version,
            message=note,
            by=by,
        )
        action = "merged" if merged_onto is not None else "updated"
        return UpdateOutcome(action=action, stored=saved, merged_onto=merged_onto)

    # A save that lost a race is planned again on what the other writer stored (merging), or
    # is the StaleEdit the caller asked for (not merging).
    return retrying(uow, work) if merge else work(uow)


def update_text(
    uow: UnitOfWork,
    *,
    incident_id: str,
    text: str,
    source: str,
    timezone: str | None = None,
    by: str | None = None,
) -> UpdateOutcome:
    """Save a Markdown document over a stored post-mortem as ``import --update`` saves a file.

    Its first line names the version it was made from (as ``export`` writes it): it is merged
    onto what was stored since (``MergeConflict`` where both changed a field); without that
    line it replaces the document unless that would lose work (``WouldLoseWork``).
    """
    file = read_document(text, source=source, timezone=timezone)
    if file.doc.incident_id not in (None, incident_id):
        raise ValidationFailed(
            f"the document's incident id {file.doc.incident_id!r} is not {incident_id!r}; "
            "a post-mortem keeps its id",
            field="incident_id",
        )
    file = replace(file, doc=file.doc.model_copy(update={"incident_id": incident_id}))

    def work(uow: UnitOfWork) -> UpdateOutcome:
        plan = plan_update(
            uow,
            incident_id=incident_id,
            file=file,
            base_version=file.base.version if file.base is not None else None,
            timezone=timezone,
        )
        return save_plan(uow, plan, message=f"updated from {source}", source=source, by=by)

    return retrying(uow, work)
