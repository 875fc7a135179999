"""Search queries: a `SearchQuery` translated for SQLite FTS5 or PostgreSQL ``tsvector``.

User text never becomes query syntax: on SQLite every word and phrase is a quoted FTS5 string
(its words only, quotes doubled) in a MATCH expression this module builds, bound as one
parameter; on PostgreSQL each is a bound parameter of ``phraseto_tsquery``. Column and
section names come from `domain.search.SECTIONS`, never from the query.

Every condition on the post-mortem is one more WHERE clause on ``postmortems`` (``p``), so a
visibility rule (restricted post-mortems) is added the same way, in `_filters`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from blamefree.domain.enums import Severity
from blamefree.domain.search import (
    MARK_END,
    MARK_START,
    SECTION_WEIGHTS,
    SECTIONS,
    SearchHit,
    SearchPage,
    SearchQuery,
    Snippet,
    Term,
    best_snippet,
    snippet_of,
)
from blamefree.store.search_index import PG_CONFIG, pg_shown, pg_text

SNIPPET_TOKENS = 24
OPEN_STATUSES = ("proposed", "open", "in_progress")


@dataclass
class _Sql:
    """A WHERE clause growing with its bound parameters."""

    where: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"


def _filters(sql: _Sql, query: SearchQuery) -> None:
    """The conditions on the post-mortem ``p`` itself (not its text)."""
    wanted = query.filters
    if wanted.severities:
        names = ", ".join(sql.bind(s.value) for s in sorted(wanted.severities))
        sql.where.append(f"p.severity IN ({names})")
    if wanted.since is not None:
        sql.where.append(f"p.date >= {sql.bind(wanted.since)}")
    if wanted.until is not None:
        sql.where.append(f"p.date <= {sql.bind(wanted.until)}")
    if wanted.owners:
        # The owner as written ("Ana"), or its first word ("ana" finds "Ana Lima").
        alternatives = []
        for owner in wanted.owners:
            name = sql.bind(owner.lower())
            alternatives.append(
                f"lower(a.owner) = {name} OR "
                f"lower(substr(a.owner, 1, length({name}) + 1)) = {name} || ' '"
            )
        sql.where.append(
            "EXISTS (SELECT 1 FROM action_items a WHERE a.postmortem_id = p.id AND "
            f"({' OR '.join(f'({a})' for a in alternatives)}))"
        )
    if wanted.open_actions is not None:
        statuses = ", ".join(sql.bind(s) for s in OPEN_STATUSES)
        exists = (
            "EXISTS (SELECT 1 FROM action_items a WHERE a.postmortem_id = p.id "
            f"AND a.status IN ({statuses}))"
        )
        sql.where.append(exists if wanted.open_actions else f"NOT {exists}")


# --- SQLite --------------------------------------------------------------------------------


def fts_string(term: Term) -> str:
    """A term as one FTS5 string: its words, space separated, in double quotes."""
    return '"' + " ".join(term.words).replace('"', '""') + '"'


def fts_match(query: SearchQuery) -> tuple[str | None, str | None]:
    """The FTS5 MATCH expression the post-mortem must meet, and the one it must not."""
    parts: list[str] = []
    if query.terms:
        words = " AND ".join(fts_string(t) for t in query.terms)
        sections = query.filters.sections
        parts.append(f"{{{' '.join(sections)}}} : ({words})" if sections else f"({words})")
    for column, values in (("services", query.filters.services), ("tags", query.filters.tags)):
        named = [Term(v, phrase=True) for v in values if Term(v).words]
        if named:
            parts.append(f"{{{column}}} : ({' OR '.join(fts_string(t) for t in named)})")
    excluded = " OR ".join(fts_string(t) for t in query.excluded) or None
    return (" AND ".join(parts) or None), excluded


def _bm25() -> str:
    weights = ", ".join(str(SECTION_WEIGHTS[name]) for name in SECTIONS)
    return f"bm25(search_fts, {weights}, 0.0, 0.0)"


def bare_sqlite(connection: Connection, match: str, *, limit: int) -> list[int]:
    """The plain ranked FTS5 query (what `bench/search.py` compares against)."""
    rows = connection.exec_driver_sql(
        f"SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY {_bm25()} LIMIT ?",
        (match, limit),
    )
    return [int(r[0]) for r in rows]


def _search_sqlite(
    connection: Connection, query: SearchQuery, *, limit: int, offset: int
) -> tuple[list[tuple[Any, ...]], int, str | None]:
    sql = _Sql()
    match, excluded = fts_match(query)
    _filters(sql, query)
    if excluded is not None:
        sql.where.append(
            "p.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH "
            f"{sql.bind(excluded)})"
        )
    columns = "p.id, p.incident_id, p.title, p.severity, p.date"
    head = ""
    if match is not None:
        # Ranked inside FTS5 (bm25 works only there), then joined to the post-mortem.
        head = (
            f"WITH m AS MATERIALIZED (SELECT rowid AS id, {_bm25()} AS score FROM search_fts "
            f"WHERE search_fts MATCH {sql.bind(match)}) "
        )
        source = "m JOIN postmortems p ON p.id = m.id"
        score = "m.score"
        order = "m.score, p.id"
    else:
        source = "postmortems p"
        score = "NULL"
        order = "p.date IS NULL, p.date DESC, p.incident_id"
    where = " AND ".join(sql.where) or "1 = 1"
    statement = (
        f"{head}SELECT {columns}, {score} AS score, count(*) OVER () AS total FROM {source} "
        f"WHERE {where} ORDER BY {order} LIMIT {sql.bind(limit)} OFFSET {sql.bind(offset)}"
    )
    rows = [tuple(r) for r in connection.execute(text(statement), sql.params)]
    total = int(rows[0][6]) if rows else _count(connection, head + source, where, sql, offset)
    return rows, total, match


def _count(connection: Connection, source: str, where: str, sql: _Sql, offset: int) -> int:
    """The number of matches when the page came back empty (asked past the end)."""
    if offset == 0:
        return 0
    head, _, tail = source.rpartition(") ")
    cte = f"{head}) " if head else ""
    statement = f"{cte}SELECT count(*) FROM {tail or source} WHERE {where}"
    found = connection.execute(text(statement), sql.params)
    return int(found.scalar_one())


def _snippets_sqlite(connection: Connection, match: str, ids: list[int]) -> dict[int, Snippet]:
    if not ids:
        return {}
    calls = ", ".join(
        f"snippet(search_fts, {i}, '{MARK_START}', '{MARK_END}', '…', {SNIPPET_TOKENS})"
        for i in range(len(SECTIONS))
    )
    marks = ", ".join("?" for _ in ids)
    rows = connection.exec_driver_sql(
        f"SELECT rowid, {calls} FROM search_fts WHERE search_fts MATCH ? AND rowid IN ({marks})",
        (match, *ids),
    )
    found: dict[int, Snippet] = {}
    for row in rows:
        candidates = (snippet_of(name, row[i + 1] or "") for i, name in enumerate(SECTIONS))
        best = best_snippet(candidates)
        if best is not None:
            found[int(row[0])] = best
    return found


# --- PostgreSQL ----------------------------------------------------------------------------


def _tsquery(sql: _Sql, terms: tuple[Term, ...], joiner: str) -> str:
    parts = [f"phraseto_tsquery('{PG_CONFIG}', {sql.bind(' '.join(t.words))})" for t in terms]
    return f" {joiner} ".join(parts)


def bare_postgresql(connection: Connection, words: list[str], *, limit: int) -> list[int]:
    """The plain ranked ``tsvector`` query (what `bench/search.py` compares against)."""
    sql = _Sql()
    q = _tsquery(sql, tuple(Term(w) for w in words), "&&")
    statement = (
        f"SELECT postmortem_id FROM search_documents WHERE document @@ ({q}) "
        f"ORDER BY ts_rank(document, ({q})) DESC LIMIT {sql.bind(limit)}"
    )
    return [int(r[0]) for r in connection.execute(text(statement), sql.params)]


def _search_postgresql(
    connection: Connection, query: SearchQuery, *, limit: int, offset: int
) -> tuple[list[tuple[Any, ...]], int, str | None, dict[str, Any]]:
    sql = _Sql()
    _filters(sql, query)
    q: str | None = None
    if query.terms:
        q = f"({_tsquery(sql, query.terms, '&&')})"
        sql.where.insert(0, f"s.document @@ {q}")
        if query.filters.sections:
            chosen = " || ' ' || ".join(pg_text(f"s.{name}") for name in query.filters.sections)
            sql.where.append(f"to_tsvector('{PG_CONFIG}', {chosen}) @@ {q}")
    if query.excluded:
        sql.where.append(f"NOT (s.document @@ ({_tsquery(sql, query.excluded, '||')}))")
    for column, values in (("services", query.filters.services), ("tags", query.filters.tags)):
        if values:
            phrases = " || ".join(
                f"phraseto_tsquery('simple', {sql.bind(' '.join(Term(v).words))})" for v in values
            )
            sql.where.append(f"to_tsvector('simple', {pg_text('s.' + column)}) @@ ({phrases})")
    uses_text = q is not None or query.excluded or query.filters.services or query.filters.tags
    source = (
        "search_documents s JOIN postmortems p ON p.id = s.postmortem_id"
        if uses_text
        else "postmortems p"
    )
    if q is not None:
        score = f"ts_rank(s.document, {q})"
        order = "score DESC, p.id"
    else:
        score = "NULL"
        order = "p.date IS NULL, p.date DESC, p.incident_id"
    where = " AND ".join(sql.where) or "TRUE"
    statement = (
        f"SELECT p.id, p.incident_id, p.title, p.severity, p.date, {score} AS score, "
        f"count(*) OVER () AS total FROM {source} WHERE {where} ORDER BY {order} "
        f"LIMIT {sql.bind(limit)} OFFSET {sql.bind(offset)}"
    )
    rows = [tuple(r) for r in connection.execute(text(statement), sql.params)]
    total = int(rows[0][6]) if rows else _count(connection, source, where, sql, offset)
    return rows, total, q, sql.params


def _snippets_postgresql(
    connection: Connection,
    q: str,
    params: dict[str, Any],
    ids: list[int],
    sections: tuple[str, ...],
) -> dict[int, Snippet]:
    if not ids:
        return {}
    options = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_TOKENS}, "
        "MinWords=8, MaxFragments=1, FragmentDelimiter=' … '"
    )
    calls = ", ".join(
        f"CASE WHEN to_tsvector('{PG_CONFIG}', {pg_text('s.' + name)}) @@ {q} "
        f"THEN ts_headline('{PG_CONFIG}', {pg_text('s.' + name)}, {q}, :headline) END"
        for name in sections
    )
    statement = (
        f"SELECT s.postmortem_id, {calls} FROM search_documents s WHERE s.postmortem_id = ANY(:ids)"
    )
    rows = connection.execute(text(statement), {**params, "headline": options, "ids": ids})
    found: dict[int, Snippet] = {}
    for row in rows:
        candidates = (
            snippet_of(name, pg_shown(row[i + 1] or "")) for i, name in enumerate(sections)
        )
        best = best_snippet(candidates)
        if best is not None:
            found[int(row[0])] = best
    return found


# --- both ----------------------------------------------------------------------------------


def search(session: Session, query: SearchQuery, *, limit: int, offset: int) -> SearchPage:
    """One page of the post-mortems that match, best first, with a passage of each."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        rows, total, q, params = _search_postgresql(connection, query, limit=limit, offset=offset)
        ids = [int(r[0]) for r in rows]
        sections = query.filters.sections or SECTIONS
        snippets = _snippets_postgresql(connection, q, params, ids, sections) if q else {}
    else:
        rows, total, match = _search_sqlite(connection, query, limit=limit, offset=offset)
        ids = [int(r[0]) for r in rows]
        snippets = _snippets_sqlite(connection, match, ids) if match and query.terms else {}
    hits = tuple(
        SearchHit(
            incident_id=r[1],
            title=r[2],
            severity=Severity(r[3]) if r[3] is not None else None,
            date=_date(r[4]),
            score=_score(r[5], connection.dialect.name),
            snippet=snippets.get(int(r[0])),
        )
        for r in rows
    )
    return SearchPage(query=query, hits=hits, total=total, offset=offset, limit=limit)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _score(value: Any, dialect: str) -> float | None:
    """Higher is better on both backends (FTS5's bm25 is negative, lower better)."""
    if value is None:
        return None
    return -float(value) if dialect == "sqlite" else float(value)
