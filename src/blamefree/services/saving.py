"""The one way a post-mortem reaches the store: its document and the author's text, together.

A revision's Markdown is the text its author wrote: an imported file or an ``edit`` is stored
exactly as given (byte-order mark and line endings included), and a change made through a
command (``actions set``, ``timeline add``, ``reviews schedule``, ...) is applied to the stored
text by ``markdown.patch``, which rewrites only the lines that change and checks that the new
text reads back as the saved document. Only a post-mortem that has no text yet (``new``) is
stored as the canonical rendering.

Every write of a document goes through ``create_revision`` or ``save_revision`` (with who made
it, ``by``), so the version check, the patching of the text and the revision's author are the
same for a command, an import and (later) a web request. The one exception is a bulk event
import (``services.timeline_import``), which never loads the whole document: it records its
revision through ``store.event_import`` with the same version check and author.

No rule rewrites what the author wrote on the way in: what Blamefree derives (metrics and
phase times from the event log, success criteria from the items) is computed when the document
is read and shown beside what was written.

Every save is checked against the review workflow (``services.audit.check_editable``: an
approved or published post-mortem takes no edit; the Sign-Off it fills is not typed over) and
recorded in the audit log, in the same unit of work.
"""

from __future__ import annotations

from blamefree.domain.postmortem import Postmortem
from blamefree.errors import RevisionNotFound, StaleEdit
from blamefree.markdown.patch import patch
from blamefree.markdown.render import render
from blamefree.services import audit
from blamefree.store import StoredPostmortem, UnitOfWork


def stored_text(uow: UnitOfWork, *, incident_id: str, version: int) -> str | None:
    """The Markdown of one version, or None when the store has no such revision."""
    try:
        return uow.postmortems.revision(incident_id, version).markdown
    except RevisionNotFound:
        return None


def check_version(stored: StoredPostmortem, based_on: int | None) -> None:
    """``StaleEdit`` when a change made on version ``based_on`` (None: whatever is stored)
    meets a post-mortem that someone saved since."""
    if based_on is not None and based_on != stored.version:
        raise StaleEdit(
            f"post-mortem {stored.incident_id!r} is at version {stored.version}, but this "
            f"change is based on version {based_on}; nothing was saved. Reload it and apply "
            "the change again."
        )


def create_revision(
    uow: UnitOfWork,
    *,
    doc: Postmortem,
    text: str | None = None,
    message: str | None = None,
    by: str | None = None,
) -> StoredPostmortem:
    """Store a new post-mortem: ``text`` as its author wrote it (import), else its rendering."""
    markdown = text if text is not None else render(doc)
    stored = uow.postmortems.create(doc, markdown=markdown, message=message, by=by)
    audit.record(
        uow, action="create", incident_id=stored.incident_id, by=by, details={"message": message}
    )
    return stored


def save_revision(
    uow: UnitOfWork,
    *,
    incident_id: str,
    doc: Postmortem,
    expected_version: int,
    message: str | None = None,
    by: str | None = None,
    text: str | None = None,
) -> StoredPostmortem:
    """Save ``doc`` as the next version of a stored post-mortem (``StaleEdit`` if it moved on).

    ``text`` is the author's new text when they wrote one (``edit``, ``import --update``); it is
    stored as given. Without it, the change is patched into the text of ``expected_version``.
    ``PostmortemLocked`` / ``SignOffManaged`` when the review workflow refuses the edit.
    """
    audit.check_editable(uow, incident_id=incident_id, doc=doc)
    return save_unchecked(
        uow,
        incident_id=incident_id,
        doc=doc,
        expected_version=expected_version,
        message=message,
        by=by,
        text=text,
    )


def save_unchecked(
    uow: UnitOfWork,
    *,
    incident_id: str,
    doc: Postmortem,
    expected_version: int,
    message: str | None = None,
    by: str | None = None,
    text: str | None = None,
    action: str = "edit",
) -> StoredPostmortem:
    """``save_revision`` without the workflow's guard: only the workflow calls it, to write the
    Sign-Off it fills (recorded as ``action``)."""
    if text is None:
        base = stored_text(uow, incident_id=incident_id, version=expected_version)
        # No text at that version: the save is stale (the repository says so) or the store
        # predates revisions; the rendering stands in for it either way.
        text = render(doc) if base is None else patch(base, None, doc, timezone=doc.timezone)
    saved = uow.postmortems.save(
        doc,
        expected_version=expected_version,
        markdown=text,
        message=message,
        incident_id=incident_id,
        by=by,
    )
    details = {"version": saved.version, "message": message}
    if saved.incident_id != incident_id:
        details["renamed_from"] = incident_id
    audit.record(uow, action=action, incident_id=saved.incident_id, by=by, details=details)
    return saved


def current_text(uow: UnitOfWork, *, incident_id: str) -> tuple[StoredPostmortem, str]:
    """The stored post-mortem and the text of its current version."""
    stored = uow.postmortems.get(incident_id)
    text = stored_text(uow, incident_id=incident_id, version=stored.version)
    return stored, text if text is not None else render(stored.doc)
