"""Benchmark of `blamefree search` against the bare FTS5 / tsvector query, same store, same run.

Generates its own store: ``--count`` post-mortems (100,000 by default) written straight to the
store's tables in bulk (``postmortems``, ``action_items`` and ``search_documents``, whose rows
feed SQLite's FTS5 table through its triggers and PostgreSQL's generated ``tsvector``), with
text drawn from incident "families" (a few characteristic words each) over a Zipf-distributed
filler vocabulary, so that a typical query word is in a few per cent of the post-mortems.

Then, for each typical query, the full search as the CLI, the API and the page run it
(``services.search.search_postmortems``: parse, rank, filters, total, snippets of the first
20) and the bare ranked query of the same words (``SELECT rowid ... MATCH ... ORDER BY bm25
LIMIT 20``, or ``WHERE document @@ q ORDER BY ts_rank LIMIT 20``) are run alternately, after
a warm-up, and their p95 compared.

    python bench/search.py                      # 100,000 on SQLite and PostgreSQL
    python bench/search.py --count 5000         # a quick run
    python bench/search.py --backend sqlite     # one backend
    BLAMEFREE_BENCH_POSTGRES_URL=postgresql://... python bench/search.py

Targets (issue 12): p95 of every typical query < 20 ms on each backend, and at most 2x the
p95 of the bare query of the same words. Ends with one ``TARGET`` line per target. Exits 0
unless the bench itself breaks, as the other benches do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from blamefree.domain.search import SECTIONS, SearchQuery, parse_query
from blamefree.services.search import search_postmortems
from blamefree.store import UnitOfWork, ensure_schema, make_engine
from blamefree.store.search import bare_postgresql, bare_sqlite, fts_match

P95_TARGET_MS = 20.0
RATIO_TARGET = 2.0
RUNS = 40
WARMUP = 5
BATCH = 5_000
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"

FAMILIES = {
    "config": "config push rollout flag global region edge route",
    "certificate": "certificate expired tls renewal vault client handshake",
    "capacity": "capacity exhausted saturation autoscaling quota memory cpu",
    "network": "network partition latency packet loss switch datacenter",
    "database": "database replica failover lock deadlock migration postgres",
    "queue": "kafka broker consumer lag partition disk zookeeper",
    "dependency": "dependency vendor outage provider timeout retry upstream",
    "deploy": "deploy release canary rollback build pipeline artifact",
    "cache": "cache eviction redis stampede invalidation cold",
    "dns": "dns resolver ttl record propagation nameserver",
    "operator": "operator command wrong target production console script",
    "storage": "storage volume iops snapshot bucket object quota",
}
EXTRA_FAMILIES = 28
OWNERS = ["ana", "bo", "cy", "dana", "eli", "fay", "gus", "hana", "ivo", "jo", "kim", "lu"]

QUERIES: list[tuple[str, str]] = [
    ("one word", "kafka"),
    ("two words", "certificate renewal"),
    ("phrase", '"certificate expired"'),
    ("word and filter", "failover severity:P1"),
    ("exclude", "timeout -vendor"),
    ("section", "rollback section:root_cause"),
    ("owner and open", "dns owner:ana has:open_actions"),
]


def _filler(rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qu", "xi", "pa", "do"]
    words = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(6_000)}
    common = [
        "the",
        "service",
        "was",
        "and",
        "after",
        "for",
        "with",
        "team",
        "alert",
        "error",
        "request",
        "users",
        "impact",
    ]
    common += [
        "connection",
        "pool",
        "change",
        "failed",
        "page",
        "on",
        "call",
        "engineer",
        "incident",
        "customers",
    ]
    return common + sorted(words)


@dataclass
class Generator:
    rng: random.Random

    def __post_init__(self) -> None:
        self.vocabulary = _filler(self.rng)
        ranks = range(1, len(self.vocabulary) + 1)
        cumulative = list(itertools.accumulate(1 / r for r in ranks))
        self.runs = [
            " ".join(self.rng.choices(self.vocabulary, cum_weights=cumulative, k=5))
            for _ in range(20_000)
        ]
        self.families = {k: v.split() for k, v in FAMILIES.items()}
        # More kinds of incident than the named ones, so a typical query word is in a few
        # per cent of the post-mortems, as in a real store.
        for n in range(EXTRA_FAMILIES):
            self.families[f"family{n}"] = self.rng.sample(self.vocabulary[400:], 7)

    def words(self, family: list[str], n: int, share: float) -> str:
        # Pre-drawn runs of five filler words keep 100,000 documents quick to make.
        filler = " ".join(self.rng.choices(self.runs, k=max(1, n // 5))).split(" ")
        for _ in range(round(n * share)):
            filler.insert(self.rng.randrange(len(filler) + 1), self.rng.choice(family))
        return " ".join(filler)

    def document(self) -> tuple[dict[str, str], str]:
        name = self.rng.choice(list(self.families))
        family = self.families[name]
        sizes = {
            "title": (7, 0.4),
            "summary": (30, 0.15),
            "root_cause": (35, 0.15),
            "impact": (15, 0.05),
            "timeline": (45, 0.05),
            "lessons": (15, 0.05),
            "actions": (12, 0.1),
            "prevention": (6, 0.05),
            "follow_up": (4, 0.0),
            "other": (4, 0.0),
        }
        sections = {key: self.words(family, n, share) for key, (n, share) in sizes.items()}
        sections["services"] = name
        sections["tags"] = ""
        return sections, name


def _store(url: str, count: int, seed: int) -> Engine:
    engine = make_engine(url)
    ensure_schema(engine)
    gen = Generator(random.Random(seed))
    started = time.perf_counter()
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    day0 = dt.date(2021, 1, 1)
    written = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        postgres = engine.dialect.name == "postgresql"
        for start in range(1, count + 1, BATCH):
            ids = range(start, min(start + BATCH, count + 1))
            pms, items, docs = [], [], []
            for i in ids:
                sections, _ = gen.document()
                severity = gen.rng.choice(["P0", "P1", "P1", "P2", "P2", "P2", "P3", "P3"])
                day = day0 + dt.timedelta(days=gen.rng.randrange(2_000))
                stamp = now.replace(tzinfo=None).isoformat(" ") if not postgres else now
                pms.append(
                    (i, f"INC-{i:07d}", sections["title"], severity, day, 1, stamp, stamp, "{}")
                )
                for position in range(2):
                    status = gen.rng.choice(["open", "done", "done", "in_progress"])
                    items.append(
                        (
                            i,
                            "short_term",
                            position,
                            "follow up",
                            status == "done",
                            gen.rng.choice(OWNERS),
                            "[]",
                            f"A-B{i:07d}{position}",
                            True,
                            status,
                            stamp,
                        )
                    )
                docs.append((i, *(sections[c] for c in (*SECTIONS, "services", "tags"))))
            _write(cursor, postgres, pms, items, docs)
            raw.commit()
            written += len(ids)
            rate = written / (time.perf_counter() - started)
            print(f"  wrote {written:,} of {count:,} ({rate:,.0f}/s)", file=sys.stderr)
        if postgres:
            cursor.execute("ANALYZE")
            raw.commit()
        else:
            cursor.execute("ANALYZE")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            raw.commit()
    finally:
        raw.close()
    print(f"  store ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return engine


_PM = "id, incident_id, title, severity, date, version, created_at, updated_at, body"
_ITEM = (
    "postmortem_id, horizon, position, text, done, owner, extra, uid, uid_in_document, status, "
    "created_at"
)
_DOC = ", ".join(("postmortem_id", *SECTIONS, "services", "tags"))


def _write(cursor: object, postgres: bool, pms: list, items: list, docs: list) -> None:  # type: ignore[type-arg]
    c = cursor  # a DB-API cursor (sqlite3 or psycopg)
    if postgres:
        for table, columns, rows in (
            ("postmortems", _PM, pms),
            ("action_items", _ITEM, items),
            ("search_documents", _DOC, docs),
        ):
            with c.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        return
    for table, columns, rows in (
        ("postmortems", _PM, pms),
        ("action_items", _ITEM, items),
        ("search_documents", _DOC, docs),
    ):
        marks = ", ".join("?" for _ in columns.split(", "))
        fixed = [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in r) for r in rows]
        c.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", fixed)  # type: ignore[attr-defined]


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


@dataclass
class Measured:
    name: str
    query: str
    total: int
    search_p95: float
    bare_p95: float

    @property
    def ratio(self) -> float:
        return self.search_p95 / self.bare_p95 if self.bare_p95 > 0 else float("inf")


def _measure(engine: Engine, name: str, query: str) -> Measured:
    parsed = parse_query(query)
    words = [w for t in parsed.terms for w in t.words]
    match, _ = fts_match(SearchQuery(terms=parsed.terms))
    searched: list[float] = []
    bare: list[float] = []
    total = 0
    with UnitOfWork(engine) as uow:
        connection = uow.session.connection()
        postgres = engine.dialect.name == "postgresql"

        def run_bare() -> None:
            if postgres:
                bare_postgresql(connection, words, limit=20)
            else:
                assert match is not None
                bare_sqlite(connection, match, limit=20)

        for i in range(WARMUP + RUNS):
            t0 = time.perf_counter()
            page = search_postmortems(uow, query=query, limit=20)
            t1 = time.perf_counter()
            run_bare()
            t2 = time.perf_counter()
            if i >= WARMUP:
                searched.append((t1 - t0) * 1000)
                bare.append((t2 - t1) * 1000)
            total = page.total
    return Measured(name, query, total, _p95(searched), _p95(bare))


@contextmanager
def _postgres_database(base: str) -> Iterator[str]:
    url = make_url(base)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"blamefree_bench_search_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _bench(backend: str, url: str, count: int, seed: int) -> list[Measured]:
    print(f"{backend}: generating {count:,} post-mortems", file=sys.stderr)
    engine = _store(url, count, seed)
    try:
        results = [_measure(engine, name, query) for name, query in QUERIES]
    finally:
        engine.dispose()
    print(f"\n{backend} ({count:,} post-mortems), {RUNS} runs each, milliseconds")
    print(f"  {'query':<44} {'matches':>8} {'p95':>7} {'bare p95':>9} {'ratio':>6}")
    for r in results:
        shown = f"{r.name}: {r.query}"
        print(
            f"  {shown:<44} {r.total:>8,} {r.search_p95:>7.2f} {r.bare_p95:>9.2f} {r.ratio:>6.2f}"
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="post-mortems to generate")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    targets: list[tuple[str, float, str, float]] = []
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
                url = f"sqlite:///{Path(folder) / 'search.sqlite3'}"
                results = _bench(backend, url, args.count, args.seed)
        else:
            base = os.environ.get("BLAMEFREE_BENCH_POSTGRES_URL", DEFAULT_PG)
            with _postgres_database(base) as url:
                results = _bench(backend, url, args.count, args.seed)
        worst = max(results, key=lambda r: r.search_p95)
        widest = max(results, key=lambda r: r.ratio)
        targets.append((f"search_p95_ms_{backend}", worst.search_p95, "<", P95_TARGET_MS))
        targets.append((f"search_vs_bare_{backend}", widest.ratio, "<=", RATIO_TARGET))
    print(f"\n(run time {time.perf_counter() - started:.0f} s)")
    for name, measured, op, target in targets:
        ok = measured < target if op == "<" else measured <= target
        print(f"TARGET {name} {measured:.2f} {op} {target:g} {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
