"""The search index, kept in step with every save: one ``search_documents`` row per post-mortem.

Every path that writes a post-mortem, its events or its action items ends by calling
`index_document` (the document in hand: `PostmortemRepository.create` and ``save``) or
`refresh` (the document read back: `EventImport.finish`), in the same transaction; a deleted
post-mortem takes its row with it (``ON DELETE CASCADE``). The backend's own index follows the
row: on SQLite the FTS5 table ``search_fts`` through triggers, on PostgreSQL the generated
``tsvector`` column ``document`` (GIN-indexed). `reindex` rebuilds every row, for repair.

A section is indexed up to `SECTION_CHARS` characters, the timeline's events up to
``domain.search.MAX_EVENT_CHARS`` (key events first, then in time order): PostgreSQL caps a
``tsvector`` at 1 MB, and a log of millions of events is searched through its first part.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.orm import Session

from blamefree.domain.postmortem import Postmortem
from blamefree.domain.search import (
    FILTER_COLUMNS,
    MAX_EVENT_CHARS,
    SECTION_WEIGHTS,
    SECTIONS,
    event_line,
    search_sections,
)
from blamefree.domain.timeline import TimelineEvent
from blamefree.store.tables import PostmortemRow, SearchDocumentRow, TimelineEventRow

SECTION_CHARS = 100_000
"""Characters of one section that are indexed (the rest of a very long section is not)."""

COLUMNS: tuple[str, ...] = SECTIONS + FILTER_COLUMNS

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
PG_CONFIG = "english"
PG_WEIGHTS: dict[str, str] = {"title": "A", "summary": "B", "root_cause": "C"}
"""PostgreSQL's four weights: every other section is D (services and tags are not ranked).
One section per weight for the three most asked for, so ``section:title``, ``summary`` and
``root_cause`` are answered by the GIN index alone."""


def pg_text(column: str) -> str:
    """A column as PostgreSQL's parser should read it: ``<`` followed by a space, so that
    ``<script>`` is the word "script" and not a tag it skips (`pg_shown` undoes it)."""
    return f"replace(coalesce({column}, ''), '<', '< ')"


def pg_shown(passage: str) -> str:
    """A passage of `pg_text` as the author wrote it."""
    return passage.replace("< ", "<")


def _pg_document() -> str:
    parts = []
    for name in SECTIONS:
        weight = PG_WEIGHTS.get(name, "D")
        parts.append(f"setweight(to_tsvector('{PG_CONFIG}', {pg_text(name)}), '{weight}')")
    return " || ".join(parts)


def _bm25_weights() -> str:
    weights = {**SECTION_WEIGHTS, "services": 0.0, "tags": 0.0}
    return ", ".join(str(weights[name]) for name in COLUMNS)


def sqlite_ddl() -> list[str]:
    """The FTS5 table over ``search_documents`` and the triggers that keep it in step."""
    columns = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    return [
        f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='search_documents', "
        f"content_rowid='postmortem_id', tokenize='{FTS_TOKENIZER}')",
        # ``rank`` (FTS5's fast ranked path) is bm25 with the sections' weights.
        f"INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25({_bm25_weights()})')",
        "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.postmortem_id, {new}); END",
        "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) "
        f"VALUES ('delete', old.postmortem_id, {old}); END",
        "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) "
        f"VALUES ('delete', old.postmortem_id, {old}); "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.postmortem_id, {new}); END",
    ]


def sqlite_drop_ddl() -> list[str]:
    """Undo `sqlite_ddl`."""
    return [
        "DROP TRIGGER IF EXISTS search_documents_au",
        "DROP TRIGGER IF EXISTS search_documents_ad",
        "DROP TRIGGER IF EXISTS search_documents_ai",
        "DROP TABLE IF EXISTS search_fts",
    ]


def postgresql_ddl() -> list[str]:
    """The weighted ``tsvector`` column, generated from the sections, and its GIN index."""
    return [
        "ALTER TABLE search_documents ADD COLUMN document tsvector "
        f"GENERATED ALWAYS AS ({_pg_document()}) STORED",
        "CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)",
    ]


BACKEND_OBJECTS = frozenset(
    {
        "search_fts",
        "search_fts_data",
        "search_fts_idx",
        "search_fts_docsize",
        "search_fts_config",
        "document",
        "ix_search_documents_document",
    }
)
"""Names of the index objects only one backend has, made by the migration, not `tables.py`."""


# --- writing -------------------------------------------------------------------------------


def event_lines(events: Iterable[TimelineEvent]) -> list[str]:
    """The events' index lines: key events first, then the rest, in time order, capped."""
    ordered = sorted(events, key=lambda e: (not e.key, e.time))
    return _capped(event_line(e.actor, e.text) for e in ordered)


def _capped(lines: Iterable[str]) -> list[str]:
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > MAX_EVENT_CHARS:
            break
        kept.append(line)
    return kept


def _stored_event_lines(session: Session, row_id: int) -> list[str]:
    """Key events first, then the rest, each in time order, read only as far as the cap: two
    queries in the order of the (post-mortem, time) index rather than one sorting them all
    first (a log of a million events is read some 16,000 rows deep, not sorted whole)."""
    row = TimelineEventRow

    def lines(key: bool) -> Iterator[str]:
        query = (
            select(row.actor, row.text)
            .where(row.postmortem_id == row_id, row.key.is_(key))
            .order_by(row.time, row.id)
            .execution_options(yield_per=2_000)
        )
        result = session.execute(query)
        try:
            for actor, text in result:
                yield event_line(actor, text)
        finally:
            result.close()  # the cap may stop reading half way

    return _capped(itertools.chain(lines(True), lines(False)))


def _values(row_id: int, doc: Postmortem, lines: Sequence[str]) -> dict[str, object]:
    sections = search_sections(doc, lines)
    values: dict[str, object] = {name: sections[name][:SECTION_CHARS] for name in COLUMNS}
    values["timeline"] = sections["timeline"][: SECTION_CHARS + MAX_EVENT_CHARS]
    values["postmortem_id"] = row_id
    return values


def index_document(
    session: Session, row_id: int, doc: Postmortem, events: Iterable[TimelineEvent] | None = None
) -> None:
    """Write the search row of post-mortem ``row_id`` from its document (events: the
    document's own unless given)."""
    lines = event_lines(doc.timeline.events if events is None else events)
    _write(session, [_values(row_id, doc, lines)])


def _write(session: Session, rows: list[dict[str, object]]) -> None:
    ids = [r["postmortem_id"] for r in rows]
    session.execute(delete(SearchDocumentRow).where(SearchDocumentRow.postmortem_id.in_(ids)))
    session.execute(insert(SearchDocumentRow), rows)


Composer = Callable[[PostmortemRow], Postmortem]


def refresh(session: Session, row_id: int, compose: Composer) -> None:
    """Write the search row of post-mortem ``row_id`` from what is stored (its document as
    ``compose`` reads it without events, and its events from the table)."""
    row = session.get(PostmortemRow, row_id, populate_existing=True)
    if row is None:
        return
    _write(session, [_values(row_id, compose(row), _stored_event_lines(session, row_id))])


def reindex(
    session: Session, compose: Composer, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild every search row from the stored post-mortems; returns how many.

    ``progress(done, total)`` is called as it goes. On SQLite the FTS5 index is rebuilt from
    the rows at the end too (the repair for an FTS5 table that went out of step)."""
    total = int(session.execute(select(func.count()).select_from(PostmortemRow)).scalar_one())
    done = 0
    ids = list(session.execute(select(PostmortemRow.id).order_by(PostmortemRow.id)).scalars())
    for part in _chunks(ids, 200):
        rows = []
        for row_id in part:
            row = session.get(PostmortemRow, row_id)
            if row is None:
                continue
            rows.append(_values(row_id, compose(row), _stored_event_lines(session, row_id)))
        if rows:
            _write(session, rows)
        session.expunge_all()
        done += len(part)
        if progress is not None:
            progress(done, total)
    gone = select(PostmortemRow.id)
    session.execute(delete(SearchDocumentRow).where(SearchDocumentRow.postmortem_id.not_in(gone)))
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    return done


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def create_backend_index(connection: Connection) -> None:
    """Make the backend's own index objects (the migration calls this)."""
    statements = postgresql_ddl() if connection.dialect.name == "postgresql" else sqlite_ddl()
    for statement in statements:
        connection.exec_driver_sql(statement)


def fill_missing(connection: Connection) -> int:
    """Write the search rows that post-mortems stored before revision 0011 lack; returns how
    many (`store.migrate` calls this right after an upgrade, in its transaction)."""
    # Imported here: the repository writes through this module.
    from blamefree.store.repository import PostmortemRepository

    session = Session(bind=connection)
    try:
        repository = PostmortemRepository(session)
        have = select(SearchDocumentRow.postmortem_id)
        missing = list(
            session.execute(select(PostmortemRow.id).where(PostmortemRow.id.not_in(have)))
            .scalars()
            .all()
        )
        for row_id in missing:
            refresh(session, row_id, repository.compose_bare)
        session.flush()
        return len(missing)
    finally:
        session.close()
