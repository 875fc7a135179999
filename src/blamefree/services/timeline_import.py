"""Importing events from tools into a stored post-mortem: streamed, bounded, one transaction.

Files are read in bounded chunks of rows (`importers.read_rows`), phase-tagged as they
stream, and written to the store in batches; repeats are dropped by the store's unique index.
The whole import is one transaction: a bad record anywhere stores nothing. The new version's
Markdown lists the event log in full up to `EVENT_LOG_ROWS` events and `EVENT_LOG_CHARS`
characters, and summarises a longer one (see `markdown.event_log_summary`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from blamefree.domain import values
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import EventRow, TimelineEvent
from blamefree.errors import UsageError
from blamefree.importers import ImportInput, read_rows, sort_events, spooled
from blamefree.importers.phases import parse_phase_map
from blamefree.markdown.event_log_summary import (
    EVENT_LOG_CHARS,
    EVENT_LOG_ROWS,
    SUMMARY_CHARS,
    SUMMARY_HEAD,
    SUMMARY_ROWS,
    summarise,
)
from blamefree.markdown.patch import patch
from blamefree.markdown.render import render
from blamefree.services import audit
from blamefree.services.saving import stored_text
from blamefree.store import UnitOfWork
from blamefree.store.event_import import EventImport


@dataclass
class ImportResult:
    """How many events an import read, added, and skipped as already there."""

    read: int
    added: int
    skipped: int
    version: int | None


def import_files(
    uow: UnitOfWork,
    *,
    incident_id: str,
    source: str,
    paths: Sequence[ImportInput],
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    channel: Sequence[str] | None = None,
    phase_map: str | None = None,
    key_reaction: str = "pushpin",
    default_tz: str | None = None,
    progress: Callable[[int], None] | None = None,
    by: str | None = None,
) -> ImportResult:
    """Add the events of a tool's files to a post-mortem in one transaction, in bounded memory.

    Records already in the log (same source and id), or repeated across the files, add nothing.
    ``paths`` may hold uploads (``importers.Upload``: bytes or a binary stream), read the same
    way as files (spooled once, so a stream is read once however often the files are).
    """
    mapping = parse_phase_map(phase_map)
    zone = source_zone(default_tz)
    held: list[TimelineEvent] = []

    def rows() -> Iterator[list[EventRow]]:
        held.clear()  # a second reading (see EventImport.add_stream) starts afresh
        return read_rows(
            source,
            inputs,
            held=held,
            since=since,
            until=until,
            channel=channel or None,
            phase_map=mapping,
            key_reaction=key_reaction,
            default_tz=zone,
            progress=progress,
        )

    with spooled(paths) as inputs:
        writing = uow.postmortems.event_import(incident_id, by=by)
        try:
            writing.add_stream(rows)
            for event in held:
                writing.add_tagged(event)
            return _finish(uow, writing, source, by=by)
        finally:
            writing.close()


def import_events(
    uow: UnitOfWork,
    *,
    incident_id: str,
    events: Iterable[TimelineEvent],
    source: str,
    by: str | None = None,
    alone: bool = True,
) -> ImportResult:
    """Add events (already phase-tagged) to a post-mortem in one transaction; ones already there
    (same source id) add nothing.

    ``alone``: the import is the only write of the unit of work, so an import that adds nothing
    rolls it back (letting go of the post-mortem's lock at once). Pass False when the unit of
    work holds other writes (a webhook delivery filing events into several post-mortems and the
    inbox): an import that adds nothing then leaves them alone."""
    kept = [EventRow.of(event) for event in events]
    writing = uow.postmortems.event_import(incident_id, by=by)
    try:
        writing.add_stream(lambda: [kept])
        return _finish(uow, writing, source, by=by, alone=alone)
    finally:
        writing.close()


def source_zone(name: str | None) -> dt.tzinfo | None:
    """The zone for times a file writes without one, or None to refuse such times."""
    if name is None:
        return None
    try:
        return values.zone(name)
    except ValueError as exc:
        raise UsageError(f"the zone for times written without one: {exc}") from None


def _finish(
    uow: UnitOfWork, writing: EventImport, source: str, *, by: str | None, alone: bool = True
) -> ImportResult:
    result = ImportResult(
        read=writing.read, added=writing.added, skipped=writing.skipped, version=writing.version
    )
    writing.close()  # before the commit or rollback below, on the same connection
    if writing.added == 0:
        if alone:
            uow.rollback()  # nothing new: no new version either
        return result
    audit.check_editable(uow, incident_id=writing.incident_id)
    writing.merge_resolution()
    doc = uow.postmortems.get(writing.incident_id, events=False).doc
    text = stored_text(uow, incident_id=writing.incident_id, version=writing.version)
    result.version = writing.finish(
        markdown=revision_markdown(doc, writing, text=text),
        message=f"timeline: imported from {source}",
        by=by,
    )
    audit.record(
        uow,
        action="edit",
        incident_id=writing.incident_id,
        by=by,
        details={"version": result.version, "message": f"timeline: imported from {source}"},
    )
    return result


def revision_markdown(doc: Postmortem, writing: EventImport, *, text: str | None = None) -> str:
    """The new version's Markdown: when the event log is small, the author's ``text`` with
    only its event log rewritten (as every save patches it); else the canonical rendering with
    the events that fill the phase blocks and the earliest key events, and a note that the store
    holds the rest."""
    count, chars = writing.totals()
    if count <= EVENT_LOG_ROWS and chars <= EVENT_LOG_CHARS:
        full = _with_events(doc, sort_events(writing.all_events()))
        return render(full) if text is None else patch(text, None, full, timezone=doc.timezone)
    listed: dict[tuple[str, str | None, dt.datetime], TimelineEvent] = {}
    for event in [*writing.first_events(limit=SUMMARY_HEAD), *writing.standing_events()]:
        listed.setdefault((event.source.tool, event.source.id, event.time), event)
    budget = SUMMARY_CHARS
    for event in writing.key_events(limit=SUMMARY_ROWS):
        budget -= len(event.text) + len(event.actor or "") + len(event.link or "")
        if budget < 0:
            break
        listed.setdefault((event.source.tool, event.source.id, event.time), event)
    shown = sort_events(listed.values())
    return summarise(render(_with_events(doc, shown)), shown=shown, total=count)


def _with_events(doc: Postmortem, events: list[TimelineEvent]) -> Postmortem:
    return doc.model_copy(update={"timeline": doc.timeline.model_copy(update={"events": events})})
