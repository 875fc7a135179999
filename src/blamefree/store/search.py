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
    snippet_of,
)
from blamefree.domain.visibility import Viewer
from blamefree.store.search_index import PG_CONFIG, PG_WEIGHTS, pg_shown, pg_text
from blamefree.store.visibility import hidden_sql, viewer_of_session, viewer_params

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


def _filters(sql: _Sql, query: SearchQuery, viewer: Viewer) -> None:
    """The conditions on the post-mortem ``p`` itself (not its text), the first of them the
    visibility rule when the viewer does not see everything (``store.visibility``)."""
    wanted = query.filters
    if not viewer.sees_all:
        sql.where.append(hidden_sql("p.id"))
        sql.params.update(viewer_params(viewer))
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
        owned = f"({' OR '.join(f'({a})' for a in alternatives)})"
        sql.where.append(_has_item(owned, per_match=query.has_text))
    if wanted.open_actions is not None:
        statuses = ", ".join(sql.bind(s) for s in OPEN_STATUSES)
        exists = _has_item(f"a.status IN ({statuses})", per_match=query.has_text)
        sql.where.append(exists if wanted.open_actions else f"NOT ({exists})")


def _has_item(condition: str, *, per_match: bool) -> str:
    """Whether ``p`` has an action item meeting ``condition``. With words to match, asked of
    each match through the index on the items' post-mortem (a ``LIMIT`` keeps PostgreSQL
    from hashing every action item of the store instead); without, as a plain EXISTS."""
    if per_match:
        return (
            "(SELECT 1 FROM action_items a WHERE a.postmortem_id = p.id AND "
            f"{condition} LIMIT 1) IS NOT NULL"
        )
    return f"EXISTS (SELECT 1 FROM action_items a WHERE a.postmortem_id = p.id AND {condition})"


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


def bm25_weights() -> str:
    """The bm25 weights of the FTS5 columns (sections, then the unranked filter columns)."""
    return ", ".join(str(SECTION_WEIGHTS[name]) for name in SECTIONS) + ", 0.0, 0.0"


def bare_sqlite(connection: Connection, match: str, *, limit: int) -> list[int]:
    """The plain ranked FTS5 query (what `bench/search.py` compares against)."""
    rows = connection.exec_driver_sql(
        "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT ?",
        (match, limit),
    )
    return [int(r[0]) for r in rows]


_HIT_COLUMNS = "p.id, p.incident_id, p.title, p.severity, p.date"


def _search_sqlite(
    connection: Connection, query: SearchQuery, *, limit: int, offset: int, viewer: Viewer
) -> tuple[list[tuple[Any, ...]], int, str | None]:
    sql = _Sql()
    match, excluded = fts_match(query)
    _filters(sql, query, viewer)
    if excluded is not None:
        sql.where.append(
            "p.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH "
            f"{sql.bind(excluded)})"
        )
    page = f"LIMIT {sql.bind(limit)} OFFSET {sql.bind(offset)}"
    if match is None:
        where = " AND ".join(sql.where) or "1 = 1"
        order = "p.date IS NULL, p.date DESC, p.incident_id"
        statement = f"SELECT {_HIT_COLUMNS}, NULL FROM postmortems p WHERE {where}"
        rows = [
            tuple(r)
            for r in connection.execute(text(f"{statement} ORDER BY {order} {page}"), sql.params)
        ]
        counted = f"SELECT count(*) FROM postmortems p WHERE {where}"
        return rows, _total(connection, counted, sql.params, rows, offset, limit), None
    bound = sql.bind(match)
    if not sql.where:
        # Only words: ranked and paged inside FTS5 (its fast path, ``rank`` is bm25 with the
        # section weights), then the page's post-mortems by id.
        ranked = connection.exec_driver_sql(
            f"SELECT rowid, rank FROM search_fts WHERE search_fts MATCH {bound} "
            f"ORDER BY rank {page}",
            sql.params,
        ).all()
        rows = _by_id(connection, [(int(r[0]), float(r[1])) for r in ranked])
        counted = f"SELECT count(*) FROM search_fts WHERE search_fts MATCH {bound}"
        return rows, _total(connection, counted, sql.params, rows, offset, limit), match
    where = " AND ".join(sql.where)
    # The matches first (materialised, so the planner never walks the post-mortems and asks
    # FTS5 about each), then the conditions on the post-mortem.
    head = (
        "WITH m AS MATERIALIZED (SELECT rowid AS id, rank AS score FROM search_fts "
        f"WHERE search_fts MATCH {bound}) "
    )
    source = "m JOIN postmortems p ON p.id = m.id"
    # Every match is ranked anyway, so the window's count costs next to nothing more.
    statement = (
        f"{head}SELECT {_HIT_COLUMNS}, m.score, count(*) OVER () FROM {source} WHERE {where} "
        f"ORDER BY m.score, p.id {page}"
    )
    found = [tuple(r) for r in connection.exec_driver_sql(statement, sql.params)]
    rows = [r[:-1] for r in found]
    if found:
        return rows, int(found[0][-1]), match
    counted = f"{head}SELECT count(*) FROM {source} WHERE {where}"
    return rows, _total(connection, counted, sql.params, rows, offset, limit), match


def _by_id(connection: Connection, ranked: list[tuple[int, float]]) -> list[tuple[Any, ...]]:
    if not ranked:
        return []
    marks = ", ".join(str(int(i)) for i, _ in ranked)
    found = {
        int(r[0]): tuple(r)
        for r in connection.exec_driver_sql(
            f"SELECT {_HIT_COLUMNS} FROM postmortems p WHERE p.id IN ({marks})"
        )
    }
    return [(*found[i], score) for i, score in ranked if i in found]


def _total(
    connection: Connection,
    counted: str,
    params: dict[str, Any],
    rows: list[tuple[Any, ...]],
    offset: int,
    limit: int,
) -> int:
    """How many match in all: known from the page when it is the first and not full."""
    if offset == 0 and len(rows) < limit:
        return len(rows)
    if connection.dialect.name == "sqlite":
        return int(connection.exec_driver_sql(counted, params).scalar_one())
    return int(connection.execute(text(counted), params).scalar_one())


def _snippets_sqlite(
    connection: Connection, query: SearchQuery, match: str, ids: list[int]
) -> dict[int, Snippet]:
    """For each post-mortem of the page, FTS5's snippet of the section most likely to hold
    the words (`likely_section`), else of whichever section FTS5 finds best."""
    if not ids:
        return {}
    sections = query.filters.sections or SECTIONS
    likely = _likely_sections(connection, query, ids, sections)
    found: dict[int, Snippet] = {}
    for name in set(likely.values()):
        chosen = [i for i, section in likely.items() if section == name]
        column = SECTIONS.index(name)
        # One rowid at a time for FTS5 (joined from a list of ids): ``rowid IN (...)`` would
        # have it make a snippet of every match and filter afterwards.
        values = ", ".join(f"({int(i)})" for i in chosen)
        rows = connection.exec_driver_sql(
            f"WITH page(id) AS (VALUES {values}) SELECT f.rowid, snippet(search_fts, {column}, "
            f"'{MARK_START}', '{MARK_END}', '…', {SNIPPET_TOKENS}) FROM page "
            "JOIN search_fts f ON f.rowid = page.id WHERE search_fts MATCH ?",
            (match,),
        )
        for row_id, marked in rows:
            snippet = snippet_of(name, marked or "")
            if snippet.hits:
                found[int(row_id)] = snippet
    return found


def _likely_sections(
    connection: Connection,
    query: SearchQuery,
    ids: list[int],
    sections: tuple[str, ...],
) -> dict[int, str]:
    """The section of each post-mortem with the most words of the query (by prefix, a guess
    at the backend's stemming), the title last: the backend then highlights only that one."""
    columns = ", ".join(sections)
    id_list = ", ".join(str(int(i)) for i in ids)
    rows = connection.exec_driver_sql(
        f"SELECT postmortem_id, {columns} FROM search_documents WHERE postmortem_id IN ({id_list})"
    )
    stems = [w[: max(4, len(w) - 2)] for t in query.terms for w in t.words]
    likely: dict[int, str] = {}
    for row in rows:
        counts = [
            (sum((value or "").lower().count(stem) for stem in stems), name)
            for name, value in zip(sections, row[1:], strict=True)
        ]
        best = max((c for c in counts if c[1] != "title"), key=lambda c: c[0], default=(0, "title"))
        likely[int(row[0])] = best[1] if best[0] > 0 else "title"
    return likely


# --- PostgreSQL ----------------------------------------------------------------------------


def _tsquery(sql: _Sql, terms: tuple[Term, ...], joiner: str, weight: str = "") -> str:
    """The terms as a tsquery of bound parameters. With ``weight`` each word only matches
    lexemes of that weight: ``to_tsquery`` over ``'word':W`` lexemes, joined by ``<->`` for
    a phrase (the words are letters and digits only; `quote_literal` quotes them anyway)."""
    if not weight:
        return f" {joiner} ".join(
            f"phraseto_tsquery('{PG_CONFIG}', {sql.bind(' '.join(t.words))})" for t in terms
        )
    parts = []
    suffix = sql.bind(f":{weight}")
    for term in terms:
        lexemes = " || ' <-> ' || ".join(
            f"quote_literal({sql.bind(word)}) || {suffix}" for word in term.words
        )
        parts.append(f"to_tsquery('{PG_CONFIG}', {lexemes})")
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


def _section_condition(sql: _Sql, query: SearchQuery, q: str) -> str:
    """The words only in the chosen sections: through the weights of ``document`` (GIN), and
    where a weight holds more sections than chosen, checked on those sections' text."""
    weights = sorted({PG_WEIGHTS.get(name, "D") for name in query.filters.sections})
    held = {w: [n for n in SECTIONS if PG_WEIGHTS.get(n, "D") == w] for w in weights}
    narrowed = " || ".join(f"({_tsquery(sql, query.terms, '&&', weight)})" for weight in weights)
    condition = f"s.document @@ ({narrowed})"
    if any(set(names) - set(query.filters.sections) for names in held.values()):
        chosen = " || ' ' || ".join(pg_text(f"s.{name}") for name in query.filters.sections)
        condition += f" AND to_tsvector('{PG_CONFIG}', {chosen}) @@ {q}"
    return condition


def _search_postgresql(
    connection: Connection, query: SearchQuery, *, limit: int, offset: int, viewer: Viewer
) -> tuple[list[tuple[Any, ...]], int, str | None, dict[str, Any]]:
    sql = _Sql()
    _filters(sql, query, viewer)
    q: str | None = None
    if query.terms:
        q = f"({_tsquery(sql, query.terms, '&&')})"
        # With sections, the weighted query alone (it implies the plain one): one GIN scan.
        sections = query.filters.sections
        condition = _section_condition(sql, query, q) if sections else f"s.document @@ {q}"
        sql.where.insert(0, condition)
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
    page = f"LIMIT {sql.bind(limit)} OFFSET {sql.bind(offset)}"
    statement = (
        f"SELECT {_HIT_COLUMNS}, {score} AS score, count(*) OVER () FROM {source} "
        f"WHERE {where} ORDER BY {order} {page}"
    )
    found = [tuple(r) for r in connection.execute(text(statement), sql.params)]
    rows = [r[:-1] for r in found]
    if found:
        return rows, int(found[0][-1]), q, sql.params
    counted = f"SELECT count(*) FROM {source} WHERE {where}"
    total = _total(connection, counted, sql.params, rows, offset, limit)
    return rows, total, q, sql.params


def _snippets_postgresql(
    connection: Connection,
    query: SearchQuery,
    q: str,
    params: dict[str, Any],
    ids: list[int],
) -> dict[int, Snippet]:
    """For each post-mortem of the page, ``ts_headline`` of the section most likely to hold
    the words (`_likely_sections`): one headline per result."""
    if not ids:
        return {}
    sections = query.filters.sections or SECTIONS
    likely = _likely_sections(connection, query, ids, sections)
    options = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_TOKENS}, "
        "MinWords=8, MaxFragments=1, FragmentDelimiter=' … '"
    )
    pick = " ".join(f"WHEN '{name}' THEN {pg_text('s.' + name)}" for name in SECTIONS)
    statement = (
        f"SELECT s.postmortem_id, c.section, ts_headline('{PG_CONFIG}', "
        f"CASE c.section {pick} END, {q}, :headline) "
        "FROM unnest(CAST(:ids AS integer[]), CAST(:sections AS text[])) AS c(id, section) "
        "JOIN search_documents s ON s.postmortem_id = c.id"
    )
    bound = {
        **params,
        "headline": options,
        "ids": list(likely),
        "sections": list(likely.values()),
    }
    found: dict[int, Snippet] = {}
    for row_id, section, marked in connection.execute(text(statement), bound):
        snippet = snippet_of(section, pg_shown(marked or ""))
        if snippet.hits:
            found[int(row_id)] = snippet
    return found


# --- both ----------------------------------------------------------------------------------


def search(session: Session, query: SearchQuery, *, limit: int, offset: int) -> SearchPage:
    """One page of the post-mortems that match, best first, with a passage of each."""
    connection = session.connection()
    viewer = viewer_of_session(session)
    if connection.dialect.name == "postgresql":
        rows, total, q, params = _search_postgresql(
            connection, query, limit=limit, offset=offset, viewer=viewer
        )
        ids = [int(r[0]) for r in rows]
        snippets = _snippets_postgresql(connection, query, q, params, ids) if q else {}
    else:
        rows, total, match = _search_sqlite(
            connection, query, limit=limit, offset=offset, viewer=viewer
        )
        ids = [int(r[0]) for r in rows]
        snippets = _snippets_sqlite(connection, query, match, ids) if match and query.terms else {}
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
