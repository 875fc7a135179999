"""Use cases for whole post-mortems: create, import, read, edit, delete, history and metrics."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from blamefree.domain import derive
from blamefree.domain.actions import CriterionState, evaluate_success_criteria
from blamefree.domain.enums import Severity
from blamefree.domain.metrics import Metric, MetricName
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import TimelineEvent
from blamefree.errors import (
    BlamefreeError,
    DuplicatePostmortem,
    InputError,
    MergeConflict,
    PostmortemNotFound,
    TemplateParseError,
    UsageError,
)
from blamefree.importers.phases import sort_events
from blamefree.markdown.base_marker import BaseMarker, read_marker, without_marker
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render
from blamefree.services import audit, updates
from blamefree.services.saving import create_revision, current_text, save_revision
from blamefree.store import (
    PostmortemSummary,
    RevisionInfo,
    StoredPostmortem,
    UnitOfWork,
    VersionStamp,
)


def new_postmortem(
    *,
    title: str | None,
    severity: Severity | None,
    incident_id: str | None = None,
    date: dt.date | None = None,
    today: dt.date,
    timezone: str | None = None,
) -> Postmortem:
    """A post-mortem with its header filled and everything else left as the template has it."""
    day = date or today
    return Postmortem(
        title=title,
        severity=severity,
        incident_id=incident_id or default_incident_id(day),
        date=day,
        timezone=timezone,
    )


@dataclass
class Started:
    """A new post-mortem from the template: its document, the Markdown to hand the author
    (with the base-version line when stored) and, when it was saved, what the store holds."""

    doc: Postmortem
    text: str
    stored: StoredPostmortem | None = None


def start_postmortem(
    uow: UnitOfWork | None,
    *,
    title: str | None,
    severity: Severity | None,
    day: dt.date,
    incident_id: str | None = None,
    save: bool = False,
    by: str | None = None,
    timezone: str | None = None,
    events: Sequence[TimelineEvent] = (),
) -> Started:
    """Start a post-mortem from the template (``new``): header filled, every other field a
    prompt. With a store (``uow``) a default id skips the ones taken (a second incident on the
    same day is ``INC-YYYYMMDD-2``); with ``save`` it is stored as version 1 and the text gets
    the line naming that version, so later updates from the file merge safely. ``events``
    start its event log (in time order), in the same first version.

    A default id that another writer stores between the pick and the save moves on to the
    next free one (the save is rolled back and tried again); an id the caller gave is theirs
    and stays ``DuplicatePostmortem`` when it is taken.
    """
    picked = incident_id is None and uow is not None
    for attempt in range(updates.ATTEMPTS):
        chosen = _unused_id(uow, day) if picked and uow is not None else incident_id
        doc = new_postmortem(
            title=title,
            severity=severity,
            incident_id=chosen,
            date=day,
            today=day,
            timezone=timezone,
        )
        if events:
            timeline = doc.timeline.model_copy(update={"events": sort_events(events)})
            doc = doc.model_copy(update={"timeline": timeline})
        text = render(doc, prompts=True)
        if not save:
            return Started(doc=doc, text=text)
        if uow is None:
            raise ValueError("saving a new post-mortem needs a unit of work")
        try:
            stored = create_revision(uow, doc=doc, text=text, message="created", by=by)
        except DuplicatePostmortem:
            if not picked or attempt == updates.ATTEMPTS - 1:
                raise
            uow.rollback()  # the insert failed: pick again on what the other writer stored
            continue
        return Started(doc=doc, text=updates.based_markdown(stored, text), stored=stored)
    raise AssertionError("unreachable")


def default_incident_id(day: dt.date) -> str:
    """An id for a post-mortem that has none, from its date: ``INC-YYYYMMDD``."""
    return f"INC-{day:%Y%m%d}"


def read_text(path: Path) -> str:
    """A file's text exactly as written (BOM and line endings kept); errors name the file."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise InputError("no such file", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from exc
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), file=str(path)) from exc


def read_file(path: Path, *, timezone: str | None = None) -> Postmortem:
    """Parse one Markdown file; errors name the file."""
    return parse(read_text(path), source=str(path), timezone=timezone)


def create_postmortem(
    uow: UnitOfWork,
    *,
    postmortem_in: Postmortem,
    text: str | None = None,
    message: str | None = None,
    by: str | None = None,
) -> StoredPostmortem:
    """Store a new post-mortem (version 1): ``text`` as written, else its rendering."""
    return create_revision(uow, doc=postmortem_in, text=text, message=message, by=by)


def get_postmortem(uow: UnitOfWork, *, incident_id: str) -> StoredPostmortem:
    """The stored post-mortem with that id."""
    return uow.postmortems.get(incident_id)


def version_stamp(uow: UnitOfWork, *, incident_id: str) -> VersionStamp:
    """Which version of that post-mortem is stored, without reading its document."""
    return uow.postmortems.stamp(incident_id)


@dataclass(frozen=True)
class PostmortemView:
    """A stored post-mortem as people are shown it: what was written (``stored``) and what
    Blamefree derives from it on this read (nothing derived is ever stored as if written)."""

    stored: StoredPostmortem
    criteria: list[CriterionState]
    metrics: dict[MetricName, Metric]

    @property
    def document(self) -> Postmortem:
        """The document with empty phase blocks and impact start filled from its event log."""
        return derive.effective(self.stored.doc)


def show_postmortem(uow: UnitOfWork, *, incident_id: str) -> PostmortemView:
    """One stored post-mortem with its success criteria and metrics as its data now says."""
    stored = uow.postmortems.get(incident_id)
    return PostmortemView(
        stored=stored,
        criteria=evaluate_success_criteria(stored.doc),
        metrics=derive.metrics_of(stored.doc),
    )


def list_postmortems(
    uow: UnitOfWork, *, severity: Sequence[Severity] | None = None
) -> list[PostmortemSummary]:
    """Every stored post-mortem, newest first."""
    return uow.postmortems.list(severity=severity or None)


def update_postmortem(
    uow: UnitOfWork,
    *,
    incident_id: str,
    postmortem_in: Postmortem,
    expected_version: int,
    text: str | None = None,
    message: str | None = None,
    by: str | None = None,
) -> StoredPostmortem:
    """Save a new version; ``StaleEdit`` if someone saved since ``expected_version``.

    ``text`` is the author's text of the new version; without it the change is patched into
    the stored text.
    """
    return save_revision(
        uow,
        incident_id=incident_id,
        doc=postmortem_in,
        expected_version=expected_version,
        text=text,
        message=message,
        by=by,
    )


@dataclass(frozen=True)
class Deletion:
    """The post-mortem a delete removes (or would): its id, title and latest version."""

    incident_id: str
    title: str | None
    version: int


def delete_postmortem(
    uow: UnitOfWork,
    *,
    incident_id: str,
    confirm: Callable[[Deletion], bool] | None = None,
    by: str | None = None,
) -> Deletion | None:
    """Remove a post-mortem and everything that hangs off it; what was removed comes back.

    ``PostmortemNotFound`` for an unknown id, before anyone is asked. ``confirm`` (a shell's
    question to a person) is shown what would go and may decline: then nothing is removed and
    None comes back. No transaction stays open while the person answers: the read is let go
    before ``confirm`` is called, and the removal starts a fresh transaction of ``uow``.
    """
    stored = uow.postmortems.get(incident_id, events=False)  # the log is not needed here
    deletion = Deletion(incident_id=incident_id, title=stored.doc.title, version=stored.version)
    if confirm is not None:
        uow.rollback()  # nothing written yet: end the read before the question is asked
        if not confirm(deletion):
            return None
    audit.check_editable(uow, incident_id=incident_id)  # an approved one is kept until reopened
    uow.postmortems.delete(incident_id)
    audit.record(
        uow, action="delete", incident_id=incident_id, by=by, details={"version": stored.version}
    )
    return deletion


def history(uow: UnitOfWork, *, incident_id: str) -> list[RevisionInfo]:
    """Every saved version, oldest first."""
    return uow.postmortems.history(incident_id)


@dataclass(frozen=True)
class RevisionDiff:
    """The unified diff of the Markdown of two saved versions."""

    incident_id: str
    from_version: int
    to_version: int
    text: str


def revision_diff(
    uow: UnitOfWork, *, incident_id: str, rev_a: int | None = None, rev_b: int | None = None
) -> RevisionDiff:
    """Unified diff of the Markdown of two revisions (default: the previous and the latest)."""
    revisions = uow.postmortems.history(incident_id)
    latest = revisions[-1].version
    b = rev_b if rev_b is not None else latest
    a = rev_a if rev_a is not None else max(1, b - 1)
    old = uow.postmortems.revision(incident_id, a)
    new = uow.postmortems.revision(incident_id, b)
    text = "".join(
        difflib.unified_diff(
            old.markdown.splitlines(keepends=True),
            new.markdown.splitlines(keepends=True),
            fromfile=f"{incident_id}@{a}",
            tofile=f"{incident_id}@{b}",
        )
    )
    return RevisionDiff(incident_id=incident_id, from_version=a, to_version=b, text=text)


def diff(
    uow: UnitOfWork, *, incident_id: str, rev_a: int | None = None, rev_b: int | None = None
) -> str:
    """Unified diff of the Markdown of two revisions (default: the previous and the latest)."""
    return revision_diff(uow, incident_id=incident_id, rev_a=rev_a, rev_b=rev_b).text


def revision_markdown(uow: UnitOfWork, *, incident_id: str, version: int) -> str:
    """The Markdown of one saved version."""
    return uow.postmortems.revision(incident_id, version).markdown


def export_markdown(uow: UnitOfWork, *, incident_id: str) -> str:
    """What ``export --format md`` writes: the current version's text, byte for byte."""
    return current_text(uow, incident_id=incident_id)[1]


def stored_document(uow: UnitOfWork, *, incident_id: str) -> tuple[StoredPostmortem, str]:
    """The stored post-mortem and the author's text of its current version."""
    return current_text(uow, incident_id=incident_id)


def metrics_of(doc: Postmortem) -> dict[MetricName, Metric]:
    """The five incident metrics of a document, its event log included."""
    return derive.metrics_of(doc)


def stored_metrics(uow: UnitOfWork, *, incident_id: str) -> dict[MetricName, Metric]:
    """The five incident metrics of a stored post-mortem, from its event log where it can."""
    return derive.metrics_of(uow.postmortems.get(incident_id).doc)


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    """What happened to one file of an import."""

    path: Path
    incident_id: str | None = None
    action: str = "failed"  # created | updated | merged | unchanged | failed
    version: int | None = None
    error: BlamefreeError | None = None


@dataclass
class ImportReport:
    """The outcome of every file of an import."""

    outcomes: list[ImportOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[ImportOutcome]:
        return [outcome for outcome in self.outcomes if outcome.error is not None]


def import_files(
    uow: UnitOfWork,
    *,
    paths: Sequence[Path],
    timezone: str | None = None,
    update: bool = False,
    force: bool = False,
    today: dt.date,
    on_file: Callable[[ImportOutcome], None] | None = None,
    by: str | None = None,
) -> ImportReport:
    """Import Markdown post-mortems, each file on its own: all of it or nothing of it.

    A file whose incident id is stored already is refused (``DuplicatePostmortem``) unless
    ``update`` is set; then it becomes a new version without losing what the store gained
    since the file was made (see ``services.updates``), or is left alone when nothing changed.
    Errors are collected per file; the other files go on. One file is one transaction of
    ``uow`` (its id picked and its version saved together); with several files, each one that
    is stored is committed before the next is read, so a failure later keeps it.
    """
    report = ImportReport()
    for index, path in enumerate(paths):
        outcome = ImportOutcome(path=path)
        try:
            file = updates.read_document_file(path, timezone=timezone)
            outcome.incident_id = file.doc.incident_id
            outcome.action, outcome.version, outcome.incident_id = _store_imported(
                uow,
                file,
                update=update,
                force=force,
                today=today,
                timezone=timezone,
                path=path,
                by=by,
            )
            if index < len(paths) - 1:
                uow.commit()
        except BlamefreeError as error:
            uow.rollback()
            outcome.error = error
        report.outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return report


def import_text(
    uow: UnitOfWork,
    *,
    text: str,
    source: str,
    update: bool = False,
    force: bool = False,
    today: dt.date,
    timezone: str | None = None,
    by: str | None = None,
) -> ImportOutcome:
    """Import one Markdown document given as text (an upload, a request body) like one file
    of ``import_files``: all or nothing; an error is raised, not collected."""
    file = updates.read_document(text, source=source, timezone=timezone)
    path = Path(source)
    action, version, incident_id = _store_imported(
        uow, file, update=update, force=force, today=today, timezone=timezone, path=path, by=by
    )
    return ImportOutcome(path=path, incident_id=incident_id, action=action, version=version)


class _LostRace(DuplicatePostmortem):
    """Another process created the id between our check and our insert; try again."""


def _store_imported(
    uow: UnitOfWork,
    file: updates.FileDocument,
    *,
    update: bool,
    force: bool,
    today: dt.date,
    timezone: str | None,
    path: Path,
    by: str | None,
) -> tuple[str, int, str]:
    """Create or update from one file in one unit of work; (action, version, incident id)."""
    message = f"imported from {path.name}"

    def work(uow: UnitOfWork) -> tuple[str, int, str]:
        doc = file.doc
        picked = doc.incident_id is None
        if doc.incident_id is None:
            # Picked and created in the same transaction, so a concurrent import of another
            # file on the same day takes the next id instead of this one.
            doc = doc.model_copy(update={"incident_id": _unused_id(uow, doc.date or today)})
        incident_id = doc.incident_id
        assert incident_id is not None
        if not uow.postmortems.exists(incident_id):
            try:
                created = create_revision(uow, doc=doc, text=file.text, message=message, by=by)
            except DuplicatePostmortem as error:
                if picked or update:
                    raise _LostRace(str(error)) from error
                raise _already_stored(path, incident_id) from error
            return "created", created.version, incident_id
        if not update:
            raise _already_stored(path, incident_id)
        plan = updates.plan_update(
            uow,
            incident_id=incident_id,
            file=file,
            base_version=file.base.version if file.base is not None else None,
            timezone=timezone,
        )
        saved = updates.save_plan(uow, plan, message=message, force=force, source=str(path), by=by)
        return saved.action, saved.stored.version, incident_id

    for attempt in range(updates.ATTEMPTS):
        try:
            return updates.retrying(uow, work)
        except _LostRace:
            if attempt == updates.ATTEMPTS - 1:
                raise
            uow.rollback()  # the insert failed: start this file again on what the other stored
    raise AssertionError("unreachable")


def _already_stored(path: Path, incident_id: str) -> DuplicatePostmortem:
    # The same error whether the other import committed before this one looked or while it
    # was inserting: two imports of one new id always end the same way.
    return DuplicatePostmortem(
        f"{path}: post-mortem {incident_id!r} is in the store already", incident_id=incident_id
    )


def unused_incident_id(uow: UnitOfWork, *, day: dt.date) -> str:
    """The default id for an incident on ``day`` not taken in the store: ``INC-YYYYMMDD``,
    else ``INC-YYYYMMDD-2``, ``-3``, ..."""
    return _unused_id(uow, day)


def _unused_id(uow: UnitOfWork, day: dt.date) -> str:
    base = default_incident_id(day)
    candidate, n = base, 1
    while uow.postmortems.taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- edit ----------------------------------------------------------------------------------

EDIT_MARK = "<!-- blamefree:"


def strip_edit_notes(text: str) -> str:
    """Remove the notes ``edit`` puts at the top of the file (the base-version line stays)."""
    lines = text.split("\n")
    while lines and lines[0].startswith(EDIT_MARK) and read_marker(lines[0]) is None:
        lines.pop(0)
    return "\n".join(lines)


def _notes(lines: Sequence[str]) -> str:
    return "".join(f"{EDIT_MARK} {line.replace('-->', '-- >')} -->\n" for line in lines)


def _save_edit(
    uow: UnitOfWork,
    *,
    incident_id: str,
    file: updates.FileDocument,
    base_version: int,
    timezone: str | None,
    by: str | None,
) -> tuple[updates.UpdatePlan, updates.UpdateOutcome | None]:
    """Save an edit merged onto what is stored, unless it conflicts; the plan either way."""
    plan = updates.plan_update(
        uow, incident_id=incident_id, file=file, base_version=base_version, timezone=timezone
    )
    if plan.conflicts:
        return plan, None
    return plan, updates.save_plan(uow, plan, message="edited", by=by)


def edit_postmortem(
    uow: UnitOfWork,
    *,
    incident_id: str,
    run_editor: Callable[[str], str],
    timezone: str | None = None,
    max_rounds: int = 20,
    by: str | None = None,
) -> StoredPostmortem | None:
    """Open the Markdown in an editor, validate, save; re-open with the error on a bad edit.

    ``run_editor`` takes the text to edit and returns the edited text. Returns None when the
    text comes back unchanged (nothing saved). The save is based on the version that was opened:
    what others saved meanwhile is merged with the edit; where both changed the same field, the
    editor opens again with the conflicts noted at the top and the edit's values in the text,
    now based on the latest version (close it unchanged to give up).

    No transaction stays open while a person types: what was read is let go before the editor
    opens, and the save starts a fresh transaction of ``uow``.
    """
    stored, stored_markdown = stored_document(uow, incident_id=incident_id)
    base_version = stored.version
    text = updates.based_markdown(stored, stored_markdown)
    conflicted: updates.UpdatePlan | None = None
    problem: TemplateParseError | None = None
    for _ in range(max_rounds):
        uow.rollback()  # nothing written yet: end the read before the editor opens
        returned = run_editor(text)
        edited = strip_edit_notes(returned)
        if returned == text or (conflicted is None and edited == strip_edit_notes(text)):
            # Closed without fixing what was wrong: the edit is given up, and that is a failure.
            if problem is not None:
                raise TemplateParseError(
                    f"edit given up, nothing saved: {problem.reason}",
                    file=problem.file,
                    line=problem.line,
                    field=problem.field,
                )
            if conflicted is not None:
                raise MergeConflict(
                    updates.conflict_message(f"{incident_id}.md", conflicted),
                    conflicts=conflicted.conflicts,
                )
            return None  # closed without a change: nothing to save
        conflicted = None
        problem = None
        try:
            doc = parse(edited, source=f"{incident_id}.md", timezone=timezone)
        except TemplateParseError as error:
            problem = error
            text = f"{EDIT_MARK} {error} -->\n{edited}"
            continue
        if doc.incident_id is None:
            doc = doc.model_copy(update={"incident_id": incident_id})
        # The base is the version this session opened, whatever the first line says now.
        file = updates.FileDocument(
            doc=doc, text=without_marker(edited), base=None, source=f"{incident_id}.md"
        )
        plan, saved = updates.retrying(
            uow,
            partial(
                _save_edit,
                incident_id=incident_id,
                file=file,
                base_version=base_version,
                timezone=timezone,
                by=by,
            ),
        )
        if saved is not None:
            return None if saved.action == "unchanged" else saved.stored
        notes = [
            f"{plan.incident_id} was saved by someone else while you edited; "
            f"{len(plan.conflicts)} field(s) changed on both sides:",
            *updates.conflict_lines(plan.conflicts, base=base_version, stored=plan.current.version),
            "Your values are in the text below, now based on version "
            f"{plan.current.version}. Delete these notes (or change anything) and save to store "
            "it; close without saving to give up.",
        ]
        base_version = plan.current.version
        text = _notes(notes) + updates.based_markdown(plan.current, plan.markdown)
        conflicted = plan
    raise UsageError(f"gave up after {max_rounds} edits that did not parse")


def resolve_document(
    uow_factory: Callable[[], AbstractContextManager[UnitOfWork]],
    *,
    file_or_id: str,
    text: str | None = None,
    timezone: str | None = None,
) -> Postmortem:
    """A document from ``text`` (what the shell read, e.g. stdin, when ``file_or_id`` is
    ``-``), from a Markdown file if the path exists, else from the store by id."""
    if text is not None:
        return parse(text, source="<stdin>", timezone=timezone)
    path = Path(file_or_id)
    if path.is_file():
        return read_file(path, timezone=timezone)
    return _stored(uow_factory, file_or_id).doc


def _stored(
    uow_factory: Callable[[], AbstractContextManager[UnitOfWork]], incident_id: str
) -> StoredPostmortem:
    try:
        with uow_factory() as uow:
            return get_postmortem(uow, incident_id=incident_id)
    except PostmortemNotFound as exc:
        raise PostmortemNotFound(
            f"{incident_id!r} is neither a file nor the incident id of a stored post-mortem"
        ) from exc


def resolve_document_and_base(
    uow_factory: Callable[[], AbstractContextManager[UnitOfWork]],
    *,
    file_or_id: str,
    text: str | None = None,
    timezone: str | None = None,
) -> tuple[Postmortem, BaseMarker | None]:
    """Like ``resolve_document``, with the stored version the document is (or was made from).

    ``uow_factory`` opens the unit of work only when the document comes from the store, so a
    file is read without touching (or creating) a store."""
    if text is not None:
        file = updates.read_document(text, source="<stdin>", timezone=timezone)
        return file.doc, file.base
    path = Path(file_or_id)
    if path.is_file():
        file = updates.read_document_file(path, timezone=timezone)
        return file.doc, file.base
    stored = _stored(uow_factory, file_or_id)
    return stored.doc, BaseMarker(incident_id=stored.incident_id, version=stored.version)
