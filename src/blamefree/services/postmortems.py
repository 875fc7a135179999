"""Use cases for whole post-mortems: create, import, read, edit, delete, history and metrics."""

from __future__ import annotations

import datetime as dt
import difflib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from blamefree.domain import derive
from blamefree.domain.enums import Severity
from blamefree.domain.metrics import Metric, MetricName
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import (
    BlamefreeError,
    InputError,
    PostmortemNotFound,
    TemplateParseError,
    UsageError,
)
from blamefree.markdown.parse import parse
from blamefree.services.saving import create_revision, current_text, save_revision
from blamefree.store import PostmortemSummary, RevisionInfo, StoredPostmortem, UnitOfWork


def new_postmortem(
    *,
    title: str | None,
    severity: Severity | None,
    incident_id: str | None = None,
    date: dt.date | None = None,
    today: dt.date,
) -> Postmortem:
    """A post-mortem with its header filled and everything else left as the template has it."""
    day = date or today
    return Postmortem(
        title=title,
        severity=severity,
        incident_id=incident_id or default_incident_id(day),
        date=day,
    )


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
    engine: Engine,
    *,
    postmortem_in: Postmortem,
    text: str | None = None,
    message: str | None = None,
) -> StoredPostmortem:
    """Store a new post-mortem (version 1): ``text`` as written, else its rendering."""
    with UnitOfWork(engine) as uow:
        return create_revision(uow, doc=postmortem_in, text=text, message=message)


def get_postmortem(engine: Engine, *, incident_id: str) -> StoredPostmortem:
    """The stored post-mortem with that id."""
    with UnitOfWork(engine) as uow:
        return uow.postmortems.get(incident_id)


def list_postmortems(
    engine: Engine, *, severity: Sequence[Severity] | None = None
) -> list[PostmortemSummary]:
    """Every stored post-mortem, newest first."""
    with UnitOfWork(engine) as uow:
        return uow.postmortems.list(severity=severity or None)


def update_postmortem(
    engine: Engine,
    *,
    incident_id: str,
    postmortem_in: Postmortem,
    expected_version: int,
    text: str | None = None,
    message: str | None = None,
) -> StoredPostmortem:
    """Save a new version; ``StaleEdit`` if someone saved since ``expected_version``.

    ``text`` is the author's text of the new version; without it the change is patched into
    the stored text.
    """
    with UnitOfWork(engine) as uow:
        return save_revision(
            uow,
            incident_id=incident_id,
            doc=postmortem_in,
            expected_version=expected_version,
            text=text,
            message=message,
        )


def delete_postmortem(engine: Engine, *, incident_id: str) -> None:
    """Remove a post-mortem and everything that hangs off it."""
    with UnitOfWork(engine) as uow:
        uow.postmortems.delete(incident_id)


def history(engine: Engine, *, incident_id: str) -> list[RevisionInfo]:
    """Every saved version, oldest first."""
    with UnitOfWork(engine) as uow:
        return uow.postmortems.history(incident_id)


def diff(
    engine: Engine, *, incident_id: str, rev_a: int | None = None, rev_b: int | None = None
) -> str:
    """Unified diff of the Markdown of two revisions (default: the previous and the latest)."""
    with UnitOfWork(engine) as uow:
        revisions = uow.postmortems.history(incident_id)
        latest = revisions[-1].version
        b = rev_b if rev_b is not None else latest
        a = rev_a if rev_a is not None else max(1, b - 1)
        old = uow.postmortems.revision(incident_id, a)
        new = uow.postmortems.revision(incident_id, b)
    return "".join(
        difflib.unified_diff(
            old.markdown.splitlines(keepends=True),
            new.markdown.splitlines(keepends=True),
            fromfile=f"{incident_id}@{a}",
            tofile=f"{incident_id}@{b}",
        )
    )


def revision_markdown(engine: Engine, *, incident_id: str, version: int) -> str:
    """The Markdown of one saved version."""
    with UnitOfWork(engine) as uow:
        return uow.postmortems.revision(incident_id, version).markdown


def export_markdown(engine: Engine, *, incident_id: str) -> str:
    """What ``export --format md`` writes: the current version's text, byte for byte."""
    with UnitOfWork(engine) as uow:
        return current_text(uow, incident_id=incident_id)[1]


def stored_document(engine: Engine, *, incident_id: str) -> tuple[StoredPostmortem, str]:
    """The stored post-mortem and the author's text of its current version."""
    with UnitOfWork(engine) as uow:
        return current_text(uow, incident_id=incident_id)


def metrics_of(doc: Postmortem) -> dict[MetricName, Metric]:
    """The five incident metrics of a document, its event log included."""
    return derive.metrics_of(doc)


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    """What happened to one file of an import."""

    path: Path
    incident_id: str | None = None
    action: str = "failed"  # created | updated | unchanged | failed
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
    engine: Engine,
    *,
    paths: Sequence[Path],
    timezone: str | None = None,
    update: bool = False,
    today: dt.date,
    on_file: Callable[[ImportOutcome], None] | None = None,
) -> ImportReport:
    """Import Markdown post-mortems, each file on its own: all of it or nothing of it.

    A file whose incident id is stored already is refused unless ``update`` is set, in which
    case it becomes a new version (or is left alone when nothing changed). Errors are collected
    per file; the other files go on.
    """
    report = ImportReport()
    for path in paths:
        outcome = ImportOutcome(path=path)
        try:
            text = read_text(path)
            doc = parse(text, source=str(path), timezone=timezone)
            if doc.incident_id is None:
                doc = doc.model_copy(update={"incident_id": _unused_id(engine, doc.date or today)})
            outcome.incident_id = doc.incident_id
            outcome.action, outcome.version = _store_imported(
                engine, doc, text, update=update, path=path
            )
        except BlamefreeError as error:
            outcome.error = error
        report.outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return report


def _store_imported(
    engine: Engine, doc: Postmortem, text: str, *, update: bool, path: Path
) -> tuple[str, int]:
    assert doc.incident_id is not None
    message = f"imported from {path.name}"
    with UnitOfWork(engine) as uow:
        if not uow.postmortems.exists(doc.incident_id):
            return "created", create_revision(uow, doc=doc, text=text, message=message).version
        if not update:
            raise UsageError(
                f"{path}: post-mortem {doc.incident_id!r} is in the store already; "
                "use --update to save this file as its next version"
            )
        current, current_markdown = current_text(uow, incident_id=doc.incident_id)
        if current.doc == doc and current_markdown == text:
            return "unchanged", current.version
        saved = save_revision(
            uow,
            incident_id=doc.incident_id,
            doc=doc,
            expected_version=current.version,
            text=text,
            message=message,
        )
        return "updated", saved.version


def _unused_id(engine: Engine, day: dt.date) -> str:
    base = default_incident_id(day)
    with UnitOfWork(engine) as uow:
        candidate, n = base, 1
        while uow.postmortems.exists(candidate):
            n += 1
            candidate = f"{base}-{n}"
    return candidate


# --- edit ----------------------------------------------------------------------------------

EDIT_MARK = "<!-- blamefree:"


def strip_edit_notes(text: str) -> str:
    """Remove the error notes ``edit`` puts at the top of the file."""
    lines = text.split("\n")
    while lines and lines[0].startswith(EDIT_MARK):
        lines.pop(0)
    return "\n".join(lines)


def edit_postmortem(
    engine: Engine,
    *,
    incident_id: str,
    run_editor: Callable[[str], str],
    timezone: str | None = None,
    max_rounds: int = 20,
) -> StoredPostmortem | None:
    """Open the Markdown in an editor, validate, save; re-open with the error on a bad edit.

    ``run_editor`` takes the text to edit and returns the edited text. Returns None when the
    text comes back unchanged (nothing saved). The save is based on the version that was opened,
    so a concurrent edit makes it fail with ``StaleEdit`` instead of overwriting.
    """
    stored, text = stored_document(engine, incident_id=incident_id)
    for _ in range(max_rounds):
        edited = strip_edit_notes(run_editor(text))
        if edited == strip_edit_notes(text):
            return None  # closed without a change: nothing to save
        try:
            doc = parse(edited, source=f"{incident_id}.md", timezone=timezone)
        except TemplateParseError as error:
            text = f"{EDIT_MARK} {error} -->\n{edited}"
            continue
        if doc.incident_id is None:
            doc = doc.model_copy(update={"incident_id": incident_id})
        return update_postmortem(
            engine,
            incident_id=incident_id,
            postmortem_in=doc,
            expected_version=stored.version,
            text=edited,
            message="edited",
        )
    raise UsageError(f"gave up after {max_rounds} edits that did not parse")


def resolve_document(
    engine_factory: Callable[[], Engine], *, file_or_id: str, timezone: str | None = None
) -> Postmortem:
    """A document from a Markdown file if the path exists, else from the store by id."""
    if file_or_id == "-":
        return parse(sys.stdin.read(), source="<stdin>", timezone=timezone)
    path = Path(file_or_id)
    if path.is_file():
        return read_file(path, timezone=timezone)
    try:
        return get_postmortem(engine_factory(), incident_id=file_or_id).doc
    except PostmortemNotFound as exc:
        raise PostmortemNotFound(
            f"{file_or_id!r} is neither a file nor the incident id of a stored post-mortem"
        ) from exc
