"""Importers: turn exports and payloads of chat, paging and alerting tools into timeline events.

Two ways in:

- `read_batches(...)` yields one `FileBatch` per input file, each only after the whole file was
  read and checked. Store batch by batch (or all at once): a bad file raises `SourceFormatError`
  before any of its events are handed out, so nothing of it is stored.
- `read_rows(...)` yields bounded batches of phase-tagged `EventRow`s as the files are read,
  for a caller that stores the whole import in one transaction and lets the store drop repeats.
- `read_events(...)` yields the events of all files, with default phases (see `phases`). It
  raises on the first bad file; wrap the whole import in one transaction to store all or nothing.

Sources: see `SOURCES`; docs/importers.md describes each format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind, EventRow, TimelineEvent, first_of_each
from blamefree.errors import InputError, UsageError, ValidationFailed
from blamefree.importers._common import FileBatch, Importer, ImportOptions, ProgressCallback
from blamefree.importers.alerting import AlertmanagerImporter, GrafanaImporter
from blamefree.importers.bounded import check_rows, check_storable
from blamefree.importers.opsgenie import OpsgenieImporter
from blamefree.importers.pagerduty import PagerDutyImporter
from blamefree.importers.pagerduty_fetch import fetch_pagerduty_log_entries
from blamefree.importers.phases import (
    PhaseMap,
    PhaseTagger,
    parse_phase_map,
    sort_events,
    tag_phases,
)
from blamefree.importers.slack import SlackImporter
from blamefree.importers.statuspage import StatuspageImporter
from blamefree.importers.tabular import CsvImporter, JsonlImporter
from blamefree.importers.uploads import (
    ImportInput,
    Upload,
    local_paths,
    renamed,
    renamed_error,
    spooled,
)

__all__ = [
    "SOURCES",
    "FileBatch",
    "ImportInput",
    "ImportOptions",
    "Importer",
    "PhaseTagger",
    "Upload",
    "fetch_pagerduty_log_entries",
    "get_importer",
    "parse_phase_map",
    "read_batches",
    "read_events",
    "read_rows",
    "sort_events",
    "spooled",
    "tag_phases",
]

SOURCES: tuple[str, ...] = (
    "slack",
    "pagerduty",
    "alertmanager",
    "grafana",
    "opsgenie",
    "statuspage",
    "csv",
    "jsonl",
)

_FACTORIES: dict[str, type] = {
    "slack": SlackImporter,
    "pagerduty": PagerDutyImporter,
    "alertmanager": AlertmanagerImporter,
    "grafana": GrafanaImporter,
    "opsgenie": OpsgenieImporter,
    "statuspage": StatuspageImporter,
    "csv": CsvImporter,
    "jsonl": JsonlImporter,
}


def get_importer(name: str) -> Importer:
    """The importer for a source name (one of `SOURCES`)."""
    factory = _FACTORIES.get(name.strip().lower())
    if factory is None:
        raise UsageError(f"unknown source {name!r}; use one of: {', '.join(SOURCES)}")
    importer: Importer = factory()
    return importer


def _aware(value: dt.datetime | None, what: str) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{what} needs a time zone (add Z or an offset)", field=what)
    return value.astimezone(dt.UTC)


def _channels(channel: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if channel is None:
        return None
    items = channel.split(",") if isinstance(channel, str) else list(channel)
    cleaned = tuple(c.strip() for c in items if c.strip())
    return cleaned or None


def read_batches(
    source: str,
    paths: Sequence[ImportInput],
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    channel: str | Sequence[str] | None = None,
    key_reaction: str = "pushpin",
    default_tz: dt.tzinfo | None = None,
    progress: ProgressCallback | None = None,
    streaming: bool = False,
) -> Iterator[FileBatch]:
    """Batches of events, one per checked file; duplicates within the import are dropped.

    With `streaming`, for a caller that stores everything in one transaction and lets the store
    drop repeats: batches are bounded chunks handed out as they are read, and nothing is kept
    across them, so memory stays bounded however large the import (see `ImportOptions`).

    `paths` may hold uploads (`Upload`: bytes or a binary stream with its name), read the same
    way as files; errors and batches name them as uploaded.
    """
    importer = get_importer(source)
    if not paths:
        raise UsageError("give at least one file or folder to import")
    with spooled(paths) as inputs:
        files, names = local_paths(inputs)
        try:
            yield from _read_batches(
                importer,
                files,
                names,
                _options(since, until, channel, key_reaction, default_tz, progress, streaming),
            )
        except InputError as error:
            if not names:
                raise
            raise renamed_error(error, names) from None


def _options(
    since: dt.datetime | None,
    until: dt.datetime | None,
    channel: str | Sequence[str] | None,
    key_reaction: str,
    default_tz: dt.tzinfo | None,
    progress: ProgressCallback | None,
    streaming: bool,
) -> ImportOptions:
    return ImportOptions(
        since=_aware(since, "since"),
        until=_aware(until, "until"),
        channel=_channels(channel),
        key_reaction=key_reaction,
        default_tz=default_tz,
        progress=progress,
        streaming=streaming,
    )


def _read_batches(
    importer: Importer, files: list[Path], names: dict[str, str], options: ImportOptions
) -> Iterator[FileBatch]:
    seen: set[tuple[str, str]] = set()
    for batch in importer.batches(files, options):
        batch.file = renamed(batch.file, names) or batch.file
        if batch.has_rows:
            check_rows(batch.rows, file=batch.file)
        else:
            for event in batch.events:
                check_storable(event, file=batch.file, record=None)
        if importer.dedupe and not options.streaming:
            batch.events = list(first_of_each(batch.events, seen))
        yield batch


def read_events(
    source: str,
    paths: Sequence[ImportInput],
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    channel: str | Sequence[str] | None = None,
    phase_map: str | Mapping[EventKind, Phase | None] | None = None,
    key_reaction: str = "pushpin",
    default_tz: dt.tzinfo | None = None,
    progress: ProgressCallback | None = None,
) -> Iterator[TimelineEvent]:
    """All events of the files, phase-tagged; not sorted (see `sort_events`)."""
    mapping = (
        parse_phase_map(phase_map) if isinstance(phase_map, str) or phase_map is None else phase_map
    )
    batches = read_batches(
        source,
        paths,
        since=since,
        until=until,
        channel=channel,
        key_reaction=key_reaction,
        default_tz=default_tz,
        progress=progress,
    )
    events = (event for batch in batches for event in batch.events)
    return tag_phases(events, mapping)


def read_rows(
    source: str,
    paths: Sequence[ImportInput],
    *,
    held: list[TimelineEvent],
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    channel: str | Sequence[str] | None = None,
    phase_map: PhaseMap | None = None,
    key_reaction: str = "pushpin",
    default_tz: dt.tzinfo | None = None,
    progress: ProgressCallback | None = None,
) -> Iterator[list[EventRow]]:
    """Bounded batches of phase-tagged rows, handed out as they are read
    (`read_batches(streaming=True)`); repeats are left to the store.

    The few events the tagger holds back until the input ends (one per rule) are appended to
    `held` once it has: their record may repeat one handed out earlier.
    """
    tagger = PhaseTagger(phase_map)
    batches = read_batches(
        source,
        paths,
        since=since,
        until=until,
        channel=channel,
        key_reaction=key_reaction,
        default_tz=default_tz,
        progress=progress,
        streaming=True,
    )
    for batch in batches:
        rows = tagger.rows(batch.rows)
        if rows:
            yield rows
    held.extend(tagger.finish())
