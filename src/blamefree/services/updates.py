"""Saving a post-mortem from a file without losing what the store gained since it was written.

A file made from the store (``export``, ``render ID``, ``edit``, ``new --save``) names the version
it was made from on its first line (``markdown.base_marker``). Saving such a file:

- based on the current version: the file becomes the next version as it is;
- based on an older version: the file's changes are merged onto the current version
  (``domain.merge``); where both changed one field it raises ``MergeConflict`` and stores nothing;
- without a base: it replaces the stored document, but is refused with ``WouldLoseWork`` when
  that would remove timeline events or action-item state the store has (``domain.losses``).

``force`` saves anyway: conflicting fields take the file's values, and a file without a base
replaces the stored document. ``restore_revision`` brings an earlier version back as a new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from blamefree.domain.identity import carry_action_ids
from blamefree.domain.losses import Loss, losses
from blamefree.domain.merge import FieldConflict, Side, merge_documents
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import (
    InputError,
    MergeConflict,
    RevisionNotFound,
    StaleEdit,
    TemplateParseError,
    WouldLoseWork,
)
from blamefree.markdown.base_marker import BaseMarker, read_marker, with_marker, without_marker
from blamefree.markdown.parse import parse
from blamefree.markdown.patch import patch
from blamefree.markdown.render import render
from blamefree.services.saving import current_text, save_revision
from blamefree.store import StoredPostmortem, UnitOfWork

T = TypeVar("T")
ATTEMPTS = 3
"""How often a save that lost a race with another writer is planned again before giving up."""


# --- files with a base ------------------------------------------------------------------------


def based_markdown(stored: StoredPostmortem, text: str | None = None) -> str:
    """The Markdown of a stored post-mortem with the line naming its version on top."""
    body = render(stored.doc) if text is None else text
    return with_marker(body, stored.incident_id, stored.version)


def export_markdown(uow: UnitOfWork, *, incident_id: str, with_base: bool = True) -> str:
    """A stored post-mortem's text as its author wrote it, by default after the line naming
    its version (the only line ``export`` adds; ``with_base=False`` gives the bytes alone)."""
    stored, text = current_text(uow, incident_id=incident_id)
    return based_markdown(stored, text) if with_base else text


@dataclass(frozen=True)
class FileDocument:
    """A post-mortem read from a file, with the stored version it says it was made from."""

    doc: Postmortem
    text: str
    base: BaseMarker | None
    source: str


def read_document(text: str, *, source: str, timezone: str | None = None) -> FileDocument:
    """Parse a file's text and its base line; a base naming another incident is an error."""
    doc = parse(text, source=source, timezone=timezone)
    base = read_marker(text)
    if base is not None:
        if doc.incident_id is None:
            doc = doc.model_copy(update={"incident_id": base.incident_id})
        elif doc.incident_id != base.incident_id:
            raise TemplateParseError(
                f"the first line says this file was made from {base.incident_id!r} "
                f"version {base.version}, but its Incident ID is {doc.incident_id!r}; "
                "correct one of the two (to store it as a new post-mortem, delete the first line)",
                file=source,
                line=1,
                field="base",
            )
    return FileDocument(doc=doc, text=without_marker(text), base=base, source=source)


def read_document_file(path: Path, *, timezone: str | None = None) -> FileDocument:
    """``read_document`` of a UTF-8 file; errors name the file."""
    try:
        # Bytes decoded as they are (no newline translation): the store keeps them exactly.
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise InputError("no such file", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from exc
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), file=str(path)) from exc
    return read_document(text, source=str(path), timezone=timezone)


# --- planning and saving an update ------------------------------------------------------------


@dataclass(frozen=True)
class UpdatePlan:
    """What saving a file would do to the stored post-mortem; nothing is written yet.

    ``doc`` is what would be stored; where there are conflicts it holds the file's values.
    """

    incident_id: str
    current: StoredPostmortem
    doc: Postmortem
    markdown: str
    base_version: int | None
    current_markdown: str = ""
    conflicts: tuple[FieldConflict, ...] = ()
    losses: tuple[Loss, ...] = ()

    @property
    def merged(self) -> bool:
        """The file was based on an older version and its changes were merged."""
        return self.base_version is not None and self.base_version != self.current.version

    @property
    def unchanged(self) -> bool:
        """Saving would store the same document and the same text again."""
        return self.doc == self.current.doc and self.markdown == self.current_markdown


@dataclass(frozen=True)
class UpdateOutcome:
    """A saved update: ``updated``, ``merged`` (onto ``merged_onto``) or ``unchanged``."""

    action: str
    stored: StoredPostmortem
    merged_onto: int | None = None
    conflicts_forced: tuple[FieldConflict, ...] = field(default=())
    losses_forced: tuple[Loss, ...] = field(default=())


def _merged_text(merged: Postmortem, *, file: FileDocument) -> str:
    """The Markdown stored for a merged document: the file's text as its author wrote it,
    with what the store gained since patched in (only the lines that change)."""
    return patch(file.text, file.doc, merged, timezone=merged.timezone)


def plan_update(
    uow: UnitOfWork,
    *,
    incident_id: str,
    file: FileDocument,
    base_version: int | None,
    timezone: str | None = None,
    choose: Mapping[str, Side] | None = None,
) -> UpdatePlan:
    """Work out what saving ``file`` over the stored post-mortem would store; a conflicting
    field takes the file's value unless ``choose`` names the stored side for its path."""
    current, current_markdown = current_text(uow, incident_id=incident_id)
    doc = file.doc
    found: tuple[Loss, ...] = ()
    conflicts: tuple[FieldConflict, ...] = ()
    if base_version is None or base_version == current.version:
        if base_version is None:
            found = tuple(losses(current.doc, doc))
        doc = doc.model_copy(
            update={"action_items": carry_action_ids(current.doc.action_items, doc.action_items)}
        )
        markdown = file.text
    else:
        if not 1 <= base_version < current.version:
            raise RevisionNotFound(
                f"{file.source}: made from version {base_version} of {incident_id!r}, "
                f"which has versions 1 to {current.version}; nothing was saved"
            )
        base = uow.postmortems.revision(incident_id, base_version)
        base_doc = parse(
            base.markdown, source=f"{incident_id} version {base_version}", timezone=timezone
        )
        result = merge_documents(base_doc, current.doc, doc, prefer="file", choose=choose)
        conflicts = result.conflicts
        doc = result.doc
        markdown = _merged_text(doc, file=file)
    return UpdatePlan(
        incident_id=incident_id,
        current=current,
        doc=doc,
        markdown=markdown,
        base_version=base_version,
        current_markdown=current_markdown,
        conflicts=conflicts,
        losses=found,
    )


def save_plan(
    uow: UnitOfWork,
    plan: UpdatePlan,
    *,
    message: str,
    force: bool = False,
    source: str | None = None,
    by: str | None = None,
) -> UpdateOutcome:
    """Store a plan; ``MergeConflict`` or ``WouldLoseWork`` (nothing stored) unless ``force``."""
    where = source or plan.incident_id
    if plan.conflicts and not force:
        raise MergeConflict(
            conflict_message(where, plan), conflicts=plan.conflicts, incident_id=plan.incident_id
        )
    if plan.losses and not force:
        raise WouldLoseWork(
            loss_message(where, plan), losses=plan.losses, incident_id=plan.incident_id
        )
    if plan.unchanged:
        return UpdateOutcome(action="unchanged", stored=plan.current)
    if plan.merged:
        message = f"{message} (merged onto version {plan.current.version})"
    saved = save_revision(
        uow,
        incident_id=plan.incident_id,
        doc=plan.doc,
        expected_version=plan.current.version,
        text=plan.markdown,
        message=message,
        by=by,
    )
    return UpdateOutcome(
        action="merged" if plan.merged else "updated",
        stored=saved,
        merged_onto=plan.current.version if plan.merged else None,
        conflicts_forced=plan.conflicts,
        losses_forced=plan.losses,
    )


def retrying(uow: UnitOfWork, work: Callable[[UnitOfWork], T]) -> T:
    """Run ``work`` in the unit of work; when another writer saved in between (``StaleEdit``),
    roll back and plan it again on what they stored, a few times (only then does a command
    take more than one transaction)."""
    for attempt in range(ATTEMPTS):
        try:
            return work(uow)
        except StaleEdit:
            if attempt == ATTEMPTS - 1:
                raise
            uow.rollback()
    raise AssertionError("unreachable")


# --- messages ---------------------------------------------------------------------------------


def shown(value: Any) -> str:
    """A conflicting or lost value as the user reads it."""
    if value is None:
        return "(nothing)"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def conflict_lines(plan_conflicts: Sequence[FieldConflict], *, base: int, stored: int) -> list[str]:
    """One line per conflict: the field, the stored and the file's values, and the base's."""
    lines = []
    for conflict in plan_conflicts:
        removed_in = {"removed_in_stored": "stored", "removed_in_file": "file"}.get(conflict.kind)
        stored_value = "(removed)" if removed_in == "stored" else shown(conflict.stored)
        file_value = "(removed)" if removed_in == "file" else shown(conflict.file)
        lines.append(
            f"{conflict.path}: stored (version {stored}) {stored_value}, file {file_value}"
            f" (version {base} had {shown(conflict.base)})"
        )
    return lines


def conflict_message(where: str, plan: UpdatePlan) -> str:
    """What ``MergeConflict`` says: every conflicting field with both values."""
    assert plan.base_version is not None
    count = len(plan.conflicts)
    lines = conflict_lines(plan.conflicts, base=plan.base_version, stored=plan.current.version)
    return (
        f"{where}: {plan.incident_id} changed since version {plan.base_version}, which this "
        f"file was made from, in {count} place{'s' if count != 1 else ''} the file changed too; "
        "nothing was saved.\n" + "".join(f"  {line}\n" for line in lines).rstrip("\n")
    )


def loss_message(where: str, plan: UpdatePlan) -> str:
    """What ``WouldLoseWork`` says: everything the save would remove."""
    lines = []
    for loss in plan.losses:
        removed = "removed" in loss.what
        change = shown(loss.stored) if removed else f"{shown(loss.stored)} -> {shown(loss.file)}"
        lines.append(f"  {loss.path}: {loss.what}: {change}\n")
    return (
        f"{where}: this file does not say which version of {plan.incident_id} it was made from, "
        f"and saving it would lose {len(plan.losses)} thing{'s' if len(plan.losses) != 1 else ''} "
        f"the store has (version {plan.current.version}); nothing was saved.\n"
        + "".join(lines).rstrip("\n")
    )


# --- restore ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreOutcome:
    """A restored version: the post-mortem as saved, or ``unchanged`` if it was already so."""

    action: str
    stored: StoredPostmortem
    restored_version: int


def restore_revision(
    uow: UnitOfWork,
    *,
    incident_id: str,
    version: int,
    timezone: str | None = None,
    by: str | None = None,
) -> RestoreOutcome:
    """Bring back an earlier version as a new one ("restored version N").

    It keeps the post-mortem's current incident id, and each action item that is the same item
    keeps its id and history. Later versions stay in the history.
    """

    def work(uow: UnitOfWork) -> RestoreOutcome:
        current = uow.postmortems.get(incident_id)
        revision = uow.postmortems.revision(incident_id, version)
        doc = parse(revision.markdown, source=f"{incident_id} version {version}", timezone=timezone)
        doc = doc.model_copy(
            update={
                "incident_id": incident_id,
                "action_items": carry_action_ids(current.doc.action_items, doc.action_items),
            }
        )
        current_markdown = current_text(uow, incident_id=incident_id)[1]
        if doc == current.doc and revision.markdown == current_markdown:
            return RestoreOutcome(action="unchanged", stored=current, restored_version=version)
        saved = save_revision(
            uow,
            incident_id=incident_id,
            doc=doc,
            expected_version=current.version,
            text=revision.markdown,  # the text of that version, as it was written
            message=f"restored version {version}",
            by=by,
        )
        return RestoreOutcome(action="restored", stored=saved, restored_version=version)

    return retrying(uow, work)


__all__ = [
    "ATTEMPTS",
    "FileDocument",
    "RestoreOutcome",
    "UpdateOutcome",
    "UpdatePlan",
    "based_markdown",
    "conflict_lines",
    "export_markdown",
    "plan_update",
    "read_document",
    "read_document_file",
    "restore_revision",
    "retrying",
    "save_plan",
]
