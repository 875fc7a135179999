"""Many timeline events into one stored post-mortem, in bounded memory and one transaction.

`timeline import` streams events from files of any size: they are written to
``timeline_events`` in batches while they are read, and repeats (the same source tool and id,
already stored or met earlier in the import) are dropped by the unique index with
``ON CONFLICT DO NOTHING`` rather than by a set of everything held in memory. SQLite gets one
``executemany``; PostgreSQL a ``COPY`` into a temporary table and one ``INSERT ... SELECT``.

The post-mortem's row is locked first (a no-op UPDATE), so a concurrent save waits for the
import instead of interleaving with it; every row this import adds has an id above the largest
id stored before it, which is how the import tells its own rows from older ones.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, case, func, insert, select, update
from sqlalchemy.orm import Session

from blamefree.domain.enums import Phase
from blamefree.domain.timeline import EventKind, EventRow, TimelineEvent
from blamefree.errors import PostmortemNotFound, StaleEdit, StoreError
from blamefree.store.engine import safe_url
from blamefree.store.records import event_of_row
from blamefree.store.search_index import Composer, refresh
from blamefree.store.tables import PostmortemRow, RevisionRow, TimelineEventRow
from blamefree.store.visibility import require_visible

Clock = Callable[[], dt.datetime]

BATCH_ROWS = 5_000
"""Rows written to the database at a time."""

BATCH_CHARS = 8 * 1024 * 1024
"""... or fewer, once their text adds up to this many characters."""

COPY_ROWS = 100_000
"""PostgreSQL: rows per COPY straight into the table (a repeat is noticed at the latest then)."""

SQLITE_CACHE_KIB = 32 * 1024
"""SQLite: the page cache an import uses (KiB), for the indexes it extends."""

_COLUMNS = (
    "postmortem_id",
    "time",
    "time_text",
    "phase",
    "kind",
    "actor",
    "text",
    "source_tool",
    "source_id",
    "key",
    "link",
    "recorded_by",
)
_QUOTED = ", ".join(f'"{c}"' for c in _COLUMNS)
_CONFLICT = "ON CONFLICT (postmortem_id, source_tool, source_id) WHERE source_id IS NOT NULL"
_PHASE_TEXT: dict[Phase | None, str | None] = {None: None, **{p: p.value for p in Phase}}
_KIND_TEXT: dict[EventKind, str] = {k: k.value for k in EventKind}
_PG_STAGE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS blamefree_import_events ("
    'n integer, "time" timestamptz, time_text text, phase varchar(32), kind varchar(32), '
    'actor text, "text" text, source_tool varchar(64), source_id text, "key" boolean, '
    "link text, recorded_by text) ON COMMIT DROP"
)
_PG_COPY = f"COPY blamefree_import_events (n, {', '.join(_QUOTED.split(', ')[1:])}) FROM STDIN"
_PG_COPY_DIRECT = f"COPY timeline_events ({_QUOTED}) FROM STDIN"
_PG_INSERT = (
    f"INSERT INTO timeline_events ({_QUOTED}) "
    f"SELECT %s, {', '.join(_QUOTED.split(', ')[1:])} FROM blamefree_import_events ORDER BY n "
    f"{_CONFLICT} DO NOTHING"
)
_SEEN_TABLE = {
    "sqlite": "CREATE TEMPORARY TABLE IF NOT EXISTS blamefree_import_seen "
    "(source_tool TEXT, source_id TEXT, PRIMARY KEY (source_tool, source_id))",
    "postgresql": "CREATE TEMPORARY TABLE IF NOT EXISTS blamefree_import_seen "
    "(source_tool text, source_id text, PRIMARY KEY (source_tool, source_id)) ON COMMIT DROP",
}
_ALERT_TOOLS = ("alertmanager", "grafana")
_LATEST_WINS = (Phase.RESOLUTION, Phase.POST_RESOLUTION)
_RESOLUTION = Phase.RESOLUTION


def sqlite_time(when: dt.datetime) -> str:
    """A UTC time as SQLAlchemy stores a DateTime in SQLite (``2024-03-12 14:00:05.000000``):
    written here without SQLAlchemy's per-value processor, since imports bind millions."""
    if when.tzinfo is not dt.UTC:
        when = when.astimezone(dt.UTC)
    return when.isoformat(" ", "microseconds")[:26]


def _sqlite_insert(nulls: tuple[str, ...] = ()) -> str:
    values = ", ".join("NULL" if c in nulls else "?" for c in _COLUMNS)
    return f"INSERT INTO timeline_events ({_QUOTED}) VALUES ({values}) {_CONFLICT} DO NOTHING"


_SQLITE_INSERT = _sqlite_insert()
_SQLITE_INSERT_CHAT = _sqlite_insert(("phase", "link"))
"""The insert of a batch whose rows have neither a phase nor a link (chat messages)."""
_PHASE_OF = itemgetter(EventRow._fields.index("phase"))
_LINK_OF = itemgetter(EventRow._fields.index("link"))


def sqlite_rows(
    batch: Sequence[EventRow], row_id: int, by: str | None
) -> tuple[str, list[tuple[Any, ...]]]:
    """The INSERT statement and its parameters for a batch of rows on SQLite.

    Values are bound as exact ``str`` and ``int``, which the sqlite3 module binds directly; an
    enum, a bool or None goes through its adapter lookup first, which cost about a third of a
    large import's insert time. So kind and phase are bound as their text and key as 0/1, and
    when no row of the batch has a phase or a link (chat messages, by far the most rows),
    those columns are a NULL literal in the statement instead of a None bound per row.
    """
    kind_text, utc = _KIND_TEXT, dt.UTC
    if _all_none(batch, _PHASE_OF) and _all_none(batch, _LINK_OF):
        return _SQLITE_INSERT_CHAT, [
            (
                row_id,
                when.isoformat(" ", "microseconds")[:26]
                if when.tzinfo is utc
                else sqlite_time(when),
                time_text,
                kind_text[kind],
                actor,
                text,
                tool,
                source_id,
                1 if key else 0,
                by,
            )
            for when, time_text, _, kind, actor, text, tool, source_id, key, _ in batch
        ]
    phase_text = _PHASE_TEXT
    return _SQLITE_INSERT, [
        (
            row_id,
            when.isoformat(" ", "microseconds")[:26] if when.tzinfo is utc else sqlite_time(when),
            time_text,
            phase_text[phase],
            kind_text[kind],
            actor,
            text,
            tool,
            source_id,
            1 if key else 0,
            link,
            by,
        )
        for when, time_text, phase, kind, actor, text, tool, source_id, key, link in batch
    ]


def _all_none(batch: Sequence[EventRow], column: itemgetter[Any]) -> bool:
    values = list(map(column, batch))
    return values.count(None) == len(values)


@contextmanager
def old_objects_left_alone() -> Iterator[None]:
    """Keep the cyclic garbage collector off the objects that exist now, for a while.

    An import streams millions of short-lived objects (parsed JSON, events, rows) that free
    themselves by reference counting; every such allocation still counts towards the next
    collection, and each full collection walked the whole long-lived heap (modules, SQLAlchemy,
    pydantic): about a third of a large import's time. Frozen (`gc.freeze`), the heap that
    existed before is skipped; new objects are collected as usual, so cyclic garbage stays
    bounded. Nothing is frozen when something else (a server
    that forks, say) froze the heap already.
    """
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _parts(batches: Iterable[Sequence[EventRow]]) -> Iterator[Sequence[EventRow]]:
    """The batches, a batch of more than `BATCH_ROWS` rows cut into parts of that many."""
    for rows in batches:
        if len(rows) <= BATCH_ROWS:
            yield rows
        else:
            for start in range(0, len(rows), BATCH_ROWS):
                yield rows[start : start + BATCH_ROWS]


def _chars(rows: Sequence[EventRow]) -> int:
    """The characters of the rows' text, as `EventImport.totals` counts them."""
    return sum(
        [
            len(r.text)
            + len(r.actor or "")
            + len(r.link or "")
            + len(r.time_text or "")
            + len(r.source_id or "")
            for r in rows
        ]
    )


class EventImport:
    """One import into one post-mortem: lock, add batches, then record the new version."""

    def __init__(
        self,
        session: Session,
        incident_id: str,
        *,
        clock: Clock,
        by: str | None = None,
        compose: Composer | None = None,
    ) -> None:
        self.session = session
        self._compose = compose  # reads the document back for the search index
        self.incident_id = incident_id
        self.by = by  # who recorded the events: written with each row
        self._clock = clock
        require_visible(session, incident_id)  # the rest goes straight to the connection
        self.connection: Connection = session.connection()
        self.dialect = self.connection.dialect.name
        locked = self.connection.execute(
            update(PostmortemRow)
            .where(PostmortemRow.incident_id == incident_id)
            .values(version=PostmortemRow.version)
        )
        if locked.rowcount == 0:
            raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
        self.row_id, self.version = self.connection.execute(
            select(PostmortemRow.id, PostmortemRow.version).where(
                PostmortemRow.incident_id == incident_id
            )
        ).one()
        self.baseline: int = self.connection.execute(
            select(func.coalesce(func.max(TimelineEventRow.id), 0))
        ).scalar_one()
        self.added = 0
        self.skipped = 0
        self.repeated = 0
        # The log's size before the import, plus the characters of every row added, gives
        # `totals` without scanning the whole log again; a batch with repeats (which rows the
        # database dropped is not known) makes `totals` count in the database instead.
        self._totals_before = self._count_totals()
        self._added_chars: int | None = 0
        self._staged = False
        self._seen_table = False
        self._phased = False  # a row of this import has a phase
        self._resolution = False  # ... the resolution phase
        self._cache_size: int | None = None
        if self.dialect == "sqlite":
            # Left over by an import whose transaction failed on this pooled connection.
            self.connection.exec_driver_sql("DROP TABLE IF EXISTS temp.blamefree_import_seen")
            # A larger page cache for the import's indexes (bounded; restored by `close`).
            result = self.connection.exec_driver_sql("PRAGMA cache_size")
            self._cache_size = int(result.scalar_one())
            self.connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")

    # --- adding ----------------------------------------------------------------------------

    @property
    def read(self) -> int:
        """Distinct records read: added plus already stored (repeats within the import once)."""
        return self.added + self.skipped

    def add_stream(self, batches: Callable[[], Iterable[Sequence[EventRow]]]) -> None:
        """Write the events of the bounded batches that `batches()` gives, however many, in
        bounded memory.

        On PostgreSQL the first try is a COPY straight into the table, in parts of
        `COPY_ROWS`, so the server stores while the files are still being read. If that meets
        a record that is already stored or repeated, it is undone and `batches()` is read again
        through a staging table that drops such records (re-imports and overlapping pages)."""
        with old_objects_left_alone():
            if self.dialect == "postgresql" and self.added == 0 and self._copy_direct(batches()):
                return
            self.add(batches())

    def add(self, batches: Iterable[Sequence[EventRow]]) -> None:
        """Write events in bounded batches; a record already stored, or repeated, adds nothing.

        Small batches are written together, up to `BATCH_ROWS` rows or `BATCH_CHARS`
        characters, and longer ones in parts of `BATCH_ROWS`; a batch's characters must be
        bounded (as `read_batches` bounds them)."""
        pending: list[EventRow] = []
        size = 0
        for rows in _parts(batches):
            pending.extend(rows)
            size += _chars(rows)
            if len(pending) >= BATCH_ROWS or size >= BATCH_CHARS:
                self._write(pending, size)
                pending, size = [], 0
        if pending:
            self._write(pending, size)

    def add_tagged(self, event: TimelineEvent) -> None:
        """Add an event the phase tagger held back; when the same record was added earlier in
        this import (a repeat in the files), that row takes the tag instead."""
        before = self.added
        values = EventRow.of(event)
        self._write([values], _chars([values]))
        if self.added > before or event.source.id is None:
            return
        if event.phase is None and not event.key:
            return
        row = TimelineEventRow
        self.connection.execute(
            update(row)
            .where(
                row.postmortem_id == self.row_id,
                row.source_tool == event.source.tool,
                row.source_id == event.source.id,
                row.id > self.baseline,
            )
            .values(
                phase=func.coalesce(row.phase, event.phase.value if event.phase else None),
                key=row.key | event.key,
            )
        )

    def _write(self, batch: Sequence[EventRow], chars: int) -> None:
        self._note_phases(batch)
        added = self._insert_pg(batch) if self.dialect == "postgresql" else self._insert(batch)
        self.added += added
        if added == len(batch):
            if self._added_chars is not None:
                self._added_chars += chars
            return
        self._added_chars = None
        stored = self._stored_before({r.source_id for r in batch if r.source_id is not None})
        hits = [(r.tool, r.source_id) for r in batch if (r.tool, r.source_id) in stored]
        skipped = self._first_seen(hits) if hits else 0
        self.skipped += skipped
        self.repeated += len(batch) - added - skipped

    def _note_phases(self, batch: Sequence[EventRow]) -> None:
        """Note whether the batch brings events with a phase, or in the resolution phase (in
        C: most batches have none at all)."""
        if not self._phased and any(map(_PHASE_OF, batch)):
            self._phased = True
        if self._phased and not self._resolution:
            self._resolution = _RESOLUTION in map(_PHASE_OF, batch)

    def _first_seen(self, keys: list[tuple[str, str | None]]) -> int:
        """How many of these already-stored records this import meets for the first time.

        A record may come twice (overlapping pages) and still counts once as "already there";
        the keys met so far live in a temporary table, not in memory."""
        if not self._seen_table:
            self.connection.exec_driver_sql(_SEEN_TABLE[self.dialect])
            self._seen_table = True
        marker = "%s" if self.dialect == "postgresql" else "?"
        result = self.connection.exec_driver_sql(
            f"INSERT INTO blamefree_import_seen (source_tool, source_id) "
            f"VALUES ({marker}, {marker}) ON CONFLICT DO NOTHING",
            keys,
        )
        return int(result.rowcount)

    def close(self) -> None:
        """Undo what the import set up on its connection (SQLite keeps temporary tables and
        pragmas for the connection's life; PostgreSQL drops its temporary tables at commit)."""
        if self._seen_table and self.dialect == "sqlite":
            self.connection.exec_driver_sql("DROP TABLE IF EXISTS temp.blamefree_import_seen")
        self._seen_table = False
        if self._cache_size is not None:
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {self._cache_size}")
            self._cache_size = None

    def _insert(self, batch: Sequence[EventRow]) -> int:
        statement, rows = sqlite_rows(batch, self.row_id, self.by)
        result = self.connection.exec_driver_sql(statement, rows)
        return int(result.rowcount)

    def _insert_pg(self, batch: Sequence[EventRow]) -> int:
        import psycopg  # only PostgreSQL stores get here

        try:
            return self._copy(batch)
        except psycopg.Error as error:
            # Raw driver errors are not SQLAlchemy's: name the store as UnitOfWork would.
            raise StoreError(
                f"the store at {safe_url(self.connection.engine.url)} failed: "
                f"{' '.join(str(error).split())}"
            ) from error

    def _copy_direct(self, batches: Iterable[Sequence[EventRow]]) -> bool:
        import psycopg

        raw: Any = self.connection.connection.driver_connection
        row_id = self.row_id
        by = self.by
        stream = _parts(batches)  # one iterator: each COPY goes on where the last one stopped
        copied = 0
        chars = 0
        try:
            with raw.cursor() as cursor:
                cursor.execute("SAVEPOINT blamefree_copy")
                more = True
                while more:
                    more = False
                    count = 0
                    with cursor.copy(_PG_COPY_DIRECT) as copy:
                        write = copy.write_row
                        for rows in stream:
                            self._note_phases(rows)
                            # phase and kind are StrEnums: psycopg writes them as their text.
                            for r in rows:
                                write((row_id, *r, by))
                            count += len(rows)
                            chars += _chars(rows)
                            if count >= COPY_ROWS:
                                more = True  # end this COPY: a repeat shows up early
                                break
                    copied += count
                cursor.execute("RELEASE SAVEPOINT blamefree_copy")
        except psycopg.errors.UniqueViolation:
            with raw.cursor() as cursor:
                cursor.execute("ROLLBACK TO SAVEPOINT blamefree_copy")
            return False
        except psycopg.Error as error:
            raise StoreError(
                f"the store at {safe_url(self.connection.engine.url)} failed: "
                f"{' '.join(str(error).split())}"
            ) from error
        self.added += copied
        if self._added_chars is not None:
            self._added_chars += chars
        return True

    def _copy(self, batch: Sequence[EventRow]) -> int:
        raw: Any = self.connection.connection.driver_connection
        with raw.cursor() as cursor:
            if not self._staged:
                cursor.execute(_PG_STAGE)
                self._staged = True
            with cursor.copy(_PG_COPY) as copy:
                by = self.by
                for n, r in enumerate(batch):
                    copy.write_row((n, *r, by))
            cursor.execute(_PG_INSERT, (self.row_id,))
            added = int(cursor.rowcount)
            cursor.execute("TRUNCATE blamefree_import_events")
        return added

    def _stored_before(self, ids: set[str]) -> set[tuple[str, str]]:
        """(tool, id) of the rows among `ids` that were stored before this import."""
        row = TimelineEventRow
        found: set[tuple[str, str]] = set()
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            part = ordered[start : start + 500]
            found.update(
                (tool, sid)
                for tool, sid in self.connection.execute(
                    select(row.source_tool, row.source_id).where(
                        row.postmortem_id == self.row_id,
                        row.id <= self.baseline,
                        row.source_id.in_(part),
                    )
                )
                if sid is not None
            )
        return found

    # --- after the events ------------------------------------------------------------------

    def merge_resolution(self) -> int:
        """Across imports, as within one: once the log holds an incident resolve in the
        resolution phase, alert resolves tagged as the resolution lose that tag and pin.

        Only an import that brings an event in the resolution phase can make that happen (the
        imports before it left the log merged), so an import that brings none skips the two
        queries, each a pass over the whole log (a second per million events)."""
        if not self._resolution:
            return 0
        row = TimelineEventRow
        has_resolve = self.connection.execute(
            select(row.id)
            .where(
                row.postmortem_id == self.row_id,
                row.kind == EventKind.RESOLVED.value,
                row.phase == Phase.RESOLUTION.value,
            )
            .limit(1)
        ).first()
        if has_resolve is None:
            return 0
        result = self.connection.execute(
            update(row)
            .where(
                row.postmortem_id == self.row_id,
                row.kind == EventKind.ALERT_RESOLVED.value,
                row.phase == Phase.RESOLUTION.value,
                row.key.is_(True),
                row.source_tool.in_(_ALERT_TOOLS),
            )
            .values(phase=None, key=False)
        )
        return int(result.rowcount)

    def totals(self) -> tuple[int, int]:
        """How many events the post-mortem now has, and the characters of their text."""
        if self._added_chars is not None:
            count, chars = self._totals_before
            return count + self.added, chars + self._added_chars
        return self._count_totals()

    def _count_totals(self) -> tuple[int, int]:
        row = TimelineEventRow
        size = (
            func.length(row.text)
            + func.coalesce(func.length(row.actor), 0)
            + func.coalesce(func.length(row.link), 0)
            + func.coalesce(func.length(row.time_text), 0)
            + func.coalesce(func.length(row.source_id), 0)
        )
        count, chars = self.connection.execute(
            select(func.count(), func.coalesce(func.sum(size), 0)).where(
                row.postmortem_id == self.row_id
            )
        ).one()
        return int(count), int(chars)

    def all_events(self) -> list[TimelineEvent]:
        """Every event of the post-mortem in time order (call only when `totals` is small)."""
        row = TimelineEventRow
        return self._events(
            select(row).where(row.postmortem_id == self.row_id).order_by(row.time, row.id)
        )

    def standing_events(self) -> list[TimelineEvent]:
        """For each phase the event that stands for it (see `domain.derive.phase_event`): its
        earliest key event, else its earliest (the latest for resolution and post-resolution).

        Empty, without a query, when the log held no events before the import and it brought
        none with a phase (the query would pass over the whole log to find nothing)."""
        if not self._phased and self._totals_before[0] == 0:
            return []
        row = TimelineEventRow
        # One pass over the log (no index leads with phase), ranking within each phase.
        latest = row.phase.in_([phase.value for phase in _LATEST_WINS])
        rank = (
            func.row_number()
            .over(
                partition_by=row.phase,
                order_by=(
                    row.key.desc(),
                    case((latest, row.time)).desc(),
                    case((latest, None), else_=row.time).asc(),
                    row.source_tool,
                    row.source_id,
                    row.id,
                ),
            )
            .label("rank")
        )
        ranked = (
            select(row.id, rank)
            .where(row.postmortem_id == self.row_id, row.phase.is_not(None))
            .subquery()
        )
        found = self._events(
            select(row).join(ranked, ranked.c.id == row.id).where(ranked.c.rank == 1)
        )
        order = {phase: n for n, phase in enumerate(Phase)}
        return sorted(found, key=lambda event: order[event.phase] if event.phase else 0)

    def first_events(self, *, limit: int) -> list[TimelineEvent]:
        """The earliest events, at most `limit`."""
        row = TimelineEventRow
        return self._events(
            select(row)
            .where(row.postmortem_id == self.row_id)
            .order_by(row.time, row.id)
            .limit(limit)
        )

    def key_events(self, *, limit: int) -> list[TimelineEvent]:
        """The earliest key events, at most `limit`."""
        row = TimelineEventRow
        return self._events(
            select(row)
            .where(row.postmortem_id == self.row_id, row.key.is_(True))
            .order_by(row.time, row.id)
            .limit(limit)
        )

    def _events(self, query: Any) -> list[TimelineEvent]:
        return [event_of_row(r) for r in self.session.execute(query).scalars()]

    def finish(self, *, markdown: str, message: str, by: str | None = None) -> int:
        """Record the import as the next version, with the Markdown of that version, made by
        ``by`` (the events carry the ``by`` the import was started with, written with them)."""
        now = self._clock().astimezone(dt.UTC)
        version = self.version + 1
        result = self.connection.execute(
            update(PostmortemRow)
            .where(PostmortemRow.id == self.row_id, PostmortemRow.version == self.version)
            .values(version=version, updated_at=now)
        )
        if result.rowcount != 1:  # cannot happen while the row is locked; never overwrite
            raise StaleEdit(
                f"post-mortem {self.incident_id!r} changed during the import; nothing was saved"
            )
        self.connection.execute(
            insert(RevisionRow).values(
                postmortem_id=self.row_id,
                version=version,
                markdown=markdown,
                created_at=now,
                message=message,
                author=by,
            )
        )
        self.session.expire_all()
        if self._compose is not None:
            # The search row follows the new events in the import's transaction.
            refresh(self.session, self.row_id, self._compose)
        return version
