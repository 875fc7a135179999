"""Writing a post-mortem in the browser: start one (from scratch or from tools' files), save a
change made on the version a page was loaded at, and settle the fields both sides changed.

Every save is a text: the form's changes patched into the author's text of the version the page
was loaded at (``markdown.patch`` rewrites only the lines that change), or the Markdown the
author typed. It goes through ``services.updates``: based on the current version it is stored as
it is; based on an older one its changes are merged onto what others stored since (three-way,
``domain.merge``), and where both sides changed one field nothing is stored until the author
chose, field by field (``choose``). Nothing is overwritten that the author did not see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from blamefree.domain.enums import Severity
from blamefree.domain.merge import FieldConflict, Side
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import RevisionNotFound, TemplateParseError
from blamefree.importers import ImportInput
from blamefree.lint.api import report_stored, report_text
from blamefree.lint.finding import Finding
from blamefree.markdown.base_marker import without_marker
from blamefree.markdown.parse import parse
from blamefree.markdown.patch import patch
from blamefree.markdown.prompts import drop_filled_prompts
from blamefree.markdown.source import BOM, join_source, split_source
from blamefree.services import postmortems, timeline_import, updates
from blamefree.services.saving import current_text
from blamefree.store import StoredPostmortem, UnitOfWork

Edit = Callable[[Postmortem], Postmortem]
"""A change made on a page: the document the page was loaded from -> the document it shows."""


# --- starting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPostmortem:
    """A stored new post-mortem and, when it was made from tools' files, how many events came."""

    stored: StoredPostmortem
    imported: timeline_import.ImportResult | None = None


def start(
    uow: UnitOfWork,
    *,
    title: str | None,
    severity: Severity | None,
    day: dt.date,
    incident_id: str | None = None,
    timezone: str | None = None,
    source: str | None = None,
    uploads: Sequence[ImportInput] = (),
    by: str | None = None,
) -> NewPostmortem:
    """Store a new post-mortem as ``blamefree new --save`` does (the free default id when none
    is given) and, with ``uploads`` of a ``source``, import their events into its timeline, all
    in the one unit of work: a file that does not read stores nothing at all."""
    started = postmortems.start_postmortem(
        uow,
        title=title,
        severity=severity,
        day=day,
        incident_id=incident_id,
        save=True,
        by=by,
        timezone=timezone,
    )
    assert started.stored is not None
    if not uploads or source is None:
        return NewPostmortem(stored=started.stored)
    result = timeline_import.import_files(
        uow,
        incident_id=started.stored.incident_id,
        source=source,
        paths=list(uploads),
        default_tz=timezone,
        by=by,
    )
    return NewPostmortem(stored=uow.postmortems.get(started.stored.incident_id), imported=result)


# --- reading what a page shows ----------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A stored post-mortem as an edit page opens it: the document, the author's text of its
    current version and what the linter finds in that text."""

    stored: StoredPostmortem
    text: str
    findings: list[Finding]
    by: str | None


def open_draft(uow: UnitOfWork, *, incident_id: str) -> Draft:
    """What the edit pages show: the current version, its text and its lint findings."""
    stored, text = current_text(uow, incident_id=incident_id)
    findings = report_stored(text, stored.doc, source=incident_id).findings
    author = uow.postmortems.revision(incident_id, stored.version).author
    return Draft(stored=stored, text=text, findings=findings, by=author)


@dataclass(frozen=True)
class VersionInfo:
    """Which version is current, when it was saved and by whom (None: not recorded)."""

    incident_id: str
    version: int
    updated_at: dt.datetime
    by: str | None


def version_info(uow: UnitOfWork, *, incident_id: str) -> VersionInfo:
    """The current version of a post-mortem, for a page to tell whether it changed under it."""
    stored = uow.postmortems.get(incident_id, events=False)
    author = uow.postmortems.revision(incident_id, stored.version).author
    return VersionInfo(incident_id, stored.version, stored.updated_at, author)


def _at_version(uow: UnitOfWork, incident_id: str, version: int) -> tuple[Postmortem, str]:
    """The document and text of ``version``, the one a page was loaded at."""
    current, text = current_text(uow, incident_id=incident_id)
    if version == current.version:
        return current.doc, text
    if not 1 <= version < current.version:
        raise RevisionNotFound(
            f"this page was loaded at version {version} of {incident_id!r}, which has versions "
            f"1 to {current.version}; reload the page (nothing was saved)"
        )
    markdown = uow.postmortems.revision(incident_id, version).markdown
    return parse(markdown, source=f"{incident_id} version {version}"), markdown


def edited_text(uow: UnitOfWork, *, incident_id: str, base_version: int, edit: Edit) -> str:
    """The author's text of ``base_version`` with a page's change patched in."""
    doc, text = _at_version(uow, incident_id, base_version)
    patched = patch(text, doc, edit(doc), timezone=doc.timezone)
    return drop_filled_prompts(patched, text, timezone=doc.timezone)


def lint_preview(
    uow: UnitOfWork,
    *,
    incident_id: str,
    base_version: int,
    edit: Edit | None = None,
    text: str | None = None,
) -> list[Finding]:
    """What the linter says about a change not saved yet: a form's ``edit`` or a whole ``text``;
    a text that does not read raises ``TemplateParseError`` with its line."""
    if text is None:
        if edit is None:
            raise ValueError("lint_preview needs an edit or a text")
        text = edited_text(uow, incident_id=incident_id, base_version=base_version, edit=edit)
    return report_text(without_marker(text), source=incident_id).findings


# --- saving -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflicted:
    """A save that changed fields someone else changed since the page was loaded: nothing was
    stored. ``yours`` is the author's whole text, to save again once each field is chosen."""

    incident_id: str
    conflicts: tuple[FieldConflict, ...]
    base_version: int
    current: StoredPostmortem
    yours: str
    by: str | None


@dataclass(frozen=True)
class SaveResult:
    """A save: stored (``outcome``) or held back by conflicts (``conflicted``)."""

    outcome: updates.UpdateOutcome | None = None
    conflicted: Conflicted | None = None


def save_edit(
    uow: UnitOfWork,
    *,
    incident_id: str,
    base_version: int,
    edit: Edit,
    by: str | None = None,
) -> SaveResult:
    """Save a form's change made on ``base_version``, merged onto what is stored now."""

    def work(uow: UnitOfWork) -> SaveResult:
        text = edited_text(uow, incident_id=incident_id, base_version=base_version, edit=edit)
        return _save_text(
            uow, incident_id, base_version, text, by=by, message="edited in the browser"
        )

    return updates.retrying(uow, work)


def typed_text(typed: str, base: str) -> str:
    """What was typed in a browser's text box, with the line endings and byte-order mark of
    the text it was loaded with: browsers send every line ending as CRLF, so a line the author
    did not touch keeps its own ending and a new line gets the text's usual one."""
    source = split_source(base)
    typed_lines = split_source(typed.lstrip(BOM)).lines
    pairs: list[tuple[str, str | None]] = []
    matcher = SequenceMatcher(None, source.lines, typed_lines, autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        for offset, line in enumerate(typed_lines[j1:j2]):
            pairs.append((line, source.endings[i1 + offset] if tag == "equal" else None))
    return join_source(source, pairs)


def save_markdown(
    uow: UnitOfWork,
    *,
    incident_id: str,
    base_version: int,
    text: str,
    by: str | None = None,
) -> SaveResult:
    """Save the whole document as Markdown typed on ``base_version`` (line endings as
    ``typed_text`` keeps them); a text that does not read raises ``TemplateParseError`` naming
    its line, and nothing is stored."""

    def work(uow: UnitOfWork) -> SaveResult:
        base = _at_version(uow, incident_id, base_version)[1]
        return _save_text(
            uow,
            incident_id,
            base_version,
            typed_text(text, base),
            by=by,
            message="edited as Markdown in the browser",
        )

    return updates.retrying(uow, work)


def resolve_conflict(
    uow: UnitOfWork,
    *,
    incident_id: str,
    base_version: int,
    seen_version: int,
    yours: str,
    choose: Mapping[str, Side],
    by: str | None = None,
) -> SaveResult:
    """Save ``yours`` with each conflicting field taken from the side chosen for it.

    When the post-mortem moved on past ``seen_version`` (the version the choices were made
    against), or a field conflicts that was not chosen, nothing is stored and the conflicts are
    given again, now against the newest version.
    """

    def work(uow: UnitOfWork) -> SaveResult:
        return _save_text(
            uow,
            incident_id,
            base_version,
            yours,
            by=by,
            message="edited in the browser, conflicts settled",
            choose=choose,
            seen_version=seen_version,
        )

    return updates.retrying(uow, work)


def _save_text(
    uow: UnitOfWork,
    incident_id: str,
    base_version: int,
    text: str,
    *,
    by: str | None,
    message: str,
    choose: Mapping[str, Side] | None = None,
    seen_version: int | None = None,
) -> SaveResult:
    source = f"{incident_id}.md"
    file = updates.read_document(without_marker(text), source=source)
    if file.doc.incident_id is None:
        file = updates.FileDocument(
            doc=file.doc.model_copy(update={"incident_id": incident_id}),
            text=file.text,
            base=None,
            source=source,
        )
    elif file.doc.incident_id != incident_id:
        raise TemplateParseError(
            f"the Incident ID says {file.doc.incident_id!r}, but this page edits {incident_id!r}; "
            "an incident id is not changed by editing (nothing was saved)",
            file=source,
            field="incident_id",
        )
    plan = updates.plan_update(
        uow, incident_id=incident_id, file=file, base_version=base_version, choose=choose
    )
    chosen = choose or {}
    open_conflicts = [c for c in plan.conflicts if c.path not in chosen]
    moved_on = seen_version is not None and plan.current.version != seen_version
    if open_conflicts or (moved_on and plan.conflicts):
        author = uow.postmortems.revision(incident_id, plan.current.version).author
        return SaveResult(
            conflicted=Conflicted(
                incident_id=incident_id,
                conflicts=plan.conflicts,
                base_version=base_version,
                current=plan.current,
                yours=file.text,
                by=author,
            )
        )
    outcome = updates.save_plan(uow, plan, message=message, force=bool(plan.conflicts), by=by)
    return SaveResult(outcome=outcome)


__all__ = [
    "Conflicted",
    "Draft",
    "Edit",
    "NewPostmortem",
    "SaveResult",
    "VersionInfo",
    "edited_text",
    "lint_preview",
    "open_draft",
    "resolve_conflict",
    "save_edit",
    "save_markdown",
    "start",
    "typed_text",
    "version_info",
]
