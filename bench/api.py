"""Benchmark of the web app against a minimal FastAPI app on the same database file, same run.

Builds a SQLite store in a scratch folder: the demo (14 post-mortems, full history, 274 events),
on which the size of every page is measured, then copies of its documents up to 1,000
post-mortems for the rest. Serves it twice, each with uvicorn on a
free port of 127.0.0.1 with the same worker count: `blamefree serve`, and the baseline, a
minimal FastAPI app that reads one row of the `postmortems` table per request. A bounded load
generator in this process (asyncio, raw HTTP/1.1 keep-alive, 32 connections, each with one
request in flight) measures requests/s and latency percentiles, the baseline just before each
target so both see the same machine. Then: creating a post-mortem with 10 events through the
API, one at a time.

    python bench/api.py                 # 1 worker, 5 s per measurement
    python bench/api.py --workers 2 --seconds 10
    python bench/api.py --only list     # only the list page of 1,000 (no sizes, no creates)

Targets (issue 10): GET /api/v1/postmortems/{id} and GET /postmortems/{id} each >= 50% of
the baseline's requests/s with p99 <= 2x its p99; GET /postmortems (1,000 stored) >= 25%;
creating a post-mortem with 10 events p50 < 50 ms; every page < 150 KB with its CSS and JS.
A route the app does not have (404/405) prints a FAIL line naming it. Exits 0 unless the bench
itself breaks, as the other benches do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

CONNECTIONS = 32
POSTMORTEMS = 1_000
RICH_ID = "INC-2026-0174"  # the demo's richest post-mortem: five sources, 13 versions
DRAFT_ID = "INC-2026-0199"
PAGE_LIMIT_KB = 150.0
CREATES = 30
START_TIMEOUT = 240.0
DEMO_LOGIN = {"name": "admin", "password": "blamefree-demo"}
"""One of the demo's accounts (``serve --demo`` prints them): every page and API read needs a
login, so the load comes from a logged-in browser, as a reader's would."""
SESSION: dict[str, str] = {}
"""The cookies of that browser once ``log_in`` ran (sent with every request of the bench)."""

BASELINE_APP = '''\
"""The baseline: a minimal FastAPI app reading one row from the same database file."""

import os

from fastapi import FastAPI, HTTPException
from sqlalchemy import text

from blamefree.store import make_engine

QUERY = text(
    "SELECT incident_id, title, severity, date, version FROM postmortems "
    "WHERE incident_id = :incident_id"
)


def create_app() -> FastAPI:
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    app = FastAPI()

    @app.get("/row/{incident_id}")
    def row(incident_id: str) -> dict[str, object]:
        with engine.connect() as connection:
            found = connection.execute(QUERY, {"incident_id": incident_id}).mappings().first()
        if found is None:
            raise HTTPException(404)
        return {**found, "date": str(found["date"])}

    return app
'''

PAGES = [
    "/",
    "/postmortems",
    "/postmortems/{id}",
    "/postmortems/{id}/history",
    "/postmortems/{id}/timeline",
    "/postmortems/{id}/edit",
    "/postmortems/{id}/edit/markdown",
    "/postmortems/{id}/diff?from=1&to=2",
    "/new",
    "/actions",
    "/follow-up",
    "/inbox",
    "/api/docs",
]
"""Every page issue 10 names, with the demo's post-mortems in place of {id}."""


# --- the store -------------------------------------------------------------------------------


def build_demo_store(url: str) -> None:
    """The demo store, as ``blamefree serve --demo`` loads it."""
    from blamefree.store import make_engine
    from blamefree.store.migrate import ensure_schema
    from blamefree.web.demo import load_demo

    engine = make_engine(url)
    try:
        ensure_schema(engine)
        load_demo(engine)
    finally:
        engine.dispose()


def add_copies(url: str, total: int) -> None:
    """Copies of the demo's documents (new ids and titles) until the store holds ``total``."""
    from blamefree.services import postmortems
    from blamefree.store import make_engine
    from blamefree.store.unit_of_work import UnitOfWork
    from blamefree.web.demo import demo_dir

    engine = make_engine(url)
    try:
        paths = sorted((demo_dir() / "postmortems").glob("*.md"))
        sources = [
            (postmortems.read_file(path), path.read_text(encoding="utf-8")) for path in paths
        ]
        with UnitOfWork(engine) as uow:
            for n in range(total - len(sources)):
                doc, text = sources[n % len(sources)]
                assert doc.incident_id is not None and doc.title is not None
                copy_id, copy_title = f"INC-BENCH-{n:04d}", f"{doc.title} ({n})"
                copy = doc.model_copy(update={"incident_id": copy_id, "title": copy_title})
                # The author's text as written (no rendering), with the new id and title.
                copy_text = text.replace(doc.incident_id, copy_id).replace(doc.title, copy_title)
                postmortems.create_postmortem(uow, postmortem_in=copy, text=copy_text, by="bench")
    finally:
        engine.dispose()


# --- the servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server(command: list[str], *, env: dict[str, str], ready: str, cwd: Path) -> Iterator[str]:
    """A server child process; yields its base URL once GET ``ready`` answers 200."""
    port = free_port()
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if httpx.get(base + ready, timeout=10).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{command[:4]} did not start: {process.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the load generator ----------------------------------------------------------------------


@dataclass
class Load:
    """What one measurement saw."""

    requests: int
    seconds: float
    latencies: list[float]
    statuses: Counter[int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; its status and whether the server keeps the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for row in lines[1:]:
        if ":" in row:
            name, value = row.split(":", 1)
            headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers.get("connection") != "close"


async def _connection(
    host: str, port: int, path: str, stop: float, load: Load, measure_from: float
) -> None:
    cookie = "; ".join(f"{name}={value}" for name, value in SESSION.items())
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: identity\r\n"
        f"Cookie: {cookie}\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (now := time.perf_counter()) < stop:
            writer.write(request)
            status, keep = await _response(reader)
            done = time.perf_counter()
            if now >= measure_from:
                load.requests += 1
                load.latencies.append(done - now)
                load.statuses[status] += 1
            if not keep:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


def measure(base: str, path: str, seconds: float, *, warmup: float = 1.0) -> Load:
    """``CONNECTIONS`` keep-alive connections on GET ``path`` for ``seconds`` after a warm-up."""
    host, port = base.removeprefix("http://").split(":")
    load = Load(0, seconds, [], Counter())

    async def run() -> None:
        start = time.perf_counter()
        measure_from = start + warmup
        stop = measure_from + seconds
        await asyncio.gather(
            *(
                _connection(host, int(port), path, stop, load, measure_from)
                for _ in range(CONNECTIONS)
            )
        )

    asyncio.run(run())
    return load


# --- the targets -----------------------------------------------------------------------------


def log_in(ours: str) -> None:
    """Log in through the form as the demo's admin; its cookies go with every request after."""
    with httpx.Client(base_url=ours, timeout=60, headers={"origin": ours}) as client:
        form = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        if token is None:
            raise SystemExit(f"bench: the login page has no CSRF field (status {form.status_code})")
        answer = client.post("/login", data={"csrf_token": token.group(1), **DEMO_LOGIN})
        if answer.status_code != 303 or "blamefree_session" not in client.cookies:
            raise SystemExit(f"bench: logging in as the demo's admin answered {answer.status_code}")
        SESSION.update(dict(client.cookies))


def target(name: str, measured: float | str, op: str, limit: float) -> bool:
    """Print one TARGET line; a str ``measured`` says what is missing (always a FAIL)."""
    if isinstance(measured, str):
        print(f"TARGET {name} {measured} {op} {limit} FAIL")
        return False
    checks: dict[str, Callable[[float, float], bool]] = {
        ">=": lambda a, b: a >= b,
        "<=": lambda a, b: a <= b,
        "<": lambda a, b: a < b,
    }
    ok = checks[op](measured, limit)
    print(f"TARGET {name} {measured:.2f} {op} {limit} {'PASS' if ok else 'FAIL'}")
    return ok


def missing(method: str, path: str) -> str:
    return f"missing:{method}:{path}"


def compare(
    name: str, ours: str, base: str, path: str, seconds: float, *, share: float, p99: bool
) -> bool:
    probe = httpx.get(ours + path, timeout=60, cookies=SESSION)
    if probe.status_code in (404, 405):
        print(f"INFO {name}: GET {path} answers {probe.status_code}: the route is not built yet")
        ok = target(f"{name}_rps_vs_baseline", missing("GET", path), ">=", share)
        if p99:
            target(f"{name}_p99_vs_baseline", missing("GET", path), "<=", 2.0)
        return ok
    baseline = measure(base, f"/row/{RICH_ID}", seconds)
    load = measure(ours, path, seconds)
    print(
        f"INFO {name}: GET {path} {load.rps:.0f} req/s p50 {load.percentile(50) * 1000:.1f} ms "
        f"p99 {load.percentile(99) * 1000:.1f} ms; baseline {baseline.rps:.0f} req/s "
        f"p50 {baseline.percentile(50) * 1000:.1f} ms p99 {baseline.percentile(99) * 1000:.1f} ms"
        f"; statuses {dict(load.statuses)}"
    )
    if set(load.statuses) != {200}:
        return target(f"{name}_rps_vs_baseline", f"errors:{dict(load.statuses)}", ">=", share)
    ok = target(f"{name}_rps_vs_baseline", load.rps / baseline.rps, ">=", share)
    if p99:
        ratio = load.percentile(99) / baseline.percentile(99)
        ok = target(f"{name}_p99_vs_baseline", ratio, "<=", 2.0) and ok
    return ok


def _events(n: int) -> list[dict[str, object]]:
    phases = ["detection", "response", "investigation", "mitigation", "resolution"]
    return [
        {
            "time": f"2026-11-20T09:{10 + i:02d}:00Z",
            "text": f"Step {i + 1} of the bench incident",
            "phase": phases[i % len(phases)] if i % 2 == 0 else None,
            "actor": "Bench",
        }
        for i in range(n)
    ]


def create_one(client: httpx.Client, n: int) -> tuple[float, str | None]:
    """Seconds to create a post-mortem with 10 events, or what is missing."""
    incident_id = f"INC-CREATE-{n:04d}"
    body = {"title": f"Bench incident {n}", "severity": "P2", "incident_id": incident_id}
    start = time.perf_counter()
    answer = client.post("/api/v1/postmortems", json={**body, "events": _events(10)})
    if answer.status_code in (404, 405):
        return 0.0, missing("POST", "/api/v1/postmortems")
    if answer.status_code == 422:  # no events at creation: one POST per event
        answer = client.post("/api/v1/postmortems", json=body)
        if answer.status_code != 201:
            return 0.0, f"status:{answer.status_code}:POST:/api/v1/postmortems"
        for event in _events(10):
            added = client.post(f"/api/v1/postmortems/{incident_id}/events", json=event)
            if added.status_code in (404, 405):
                return 0.0, missing("POST", "/api/v1/postmortems/{id}/events")
            if added.status_code != 201:
                return 0.0, f"status:{added.status_code}:POST:/api/v1/postmortems/{{id}}/events"
    elif answer.status_code != 201:
        return 0.0, f"status:{answer.status_code}:POST:/api/v1/postmortems"
    return time.perf_counter() - start, None


def creates(ours: str) -> bool:
    with httpx.Client(
        base_url=ours, timeout=60, headers={"origin": ours}, cookies=SESSION
    ) as client:
        times = []
        for n in range(CREATES + 3):
            seconds, problem = create_one(client, n)
            if problem is not None:
                print(f"INFO create: {problem}")
                return target("create_with_10_events_p50_ms", problem, "<", 50)
            if n >= 3:  # the first ones warm the worker up
                times.append(seconds)
    p50 = statistics.median(times) * 1000
    print(f"INFO create: p50 {p50:.1f} ms, max {max(times) * 1000:.1f} ms over {len(times)}")
    return target("create_with_10_events_p50_ms", p50, "<", 50)


ASSET = re.compile(r'<(?:link[^>]*\bhref|script[^>]*\bsrc)="(/static/[^"]+)"')


def page_sizes(ours: str) -> bool:
    """Every page with its own CSS and JS, in KB as sent (the largest of the demo's ids)."""
    ok = True
    with httpx.Client(base_url=ours, timeout=60, cookies=SESSION) as client:
        for page in PAGES:
            sizes = []
            status = 0
            for incident_id in (RICH_ID, DRAFT_ID) if "{id}" in page else (None,):
                path = page.replace("{id}", incident_id or "")
                answer = client.get(path)
                status = answer.status_code
                if status != 200:
                    break
                total = answer.num_bytes_downloaded
                for asset in sorted(set(ASSET.findall(answer.text))):
                    total += client.get(asset).num_bytes_downloaded
                sizes.append(total / 1024)
            name = f"page_kb:{page.split('?')[0]}"
            if status in (404, 405):
                ok = target(name, missing("GET", page), "<", PAGE_LIMIT_KB) and ok
            elif status != 200:
                ok = target(name, f"status:{status}", "<", PAGE_LIMIT_KB) and ok
            else:
                ok = target(name, max(sizes), "<", PAGE_LIMIT_KB) and ok
    return ok


def main() -> int:
    """Build, serve, measure, print the TARGET lines."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--postmortems", type=int, default=POSTMORTEMS)
    parser.add_argument(
        "--only", choices=("list",), help="measure one target: list = GET /postmortems only"
    )
    args = parser.parse_args()
    everything = args.only is None
    with tempfile.TemporaryDirectory(prefix="blamefree-bench-api-") as tmp:
        scratch = Path(tmp)
        url = f"sqlite:///{scratch / 'bench.sqlite3'}"
        started = time.perf_counter()
        build_demo_store(url)
        print(f"INFO store: the demo loaded in {time.perf_counter() - started:.1f} s")
        workers = ["--workers", str(args.workers)]
        ours_env = {"BLAMEFREE_DATABASE_URL": url, "BLAMEFREE_SECRET_KEY": "b" * 64}
        ours_cmd = [sys.executable, "-m", "blamefree", "serve", *workers]
        sizes_ok = True
        if everything:
            with server(ours_cmd, env=ours_env, ready="/healthz", cwd=scratch) as ours:
                log_in(ours)
                sizes_ok = page_sizes(ours)  # with the demo data, as a reader first sees it
        started = time.perf_counter()
        add_copies(url, args.postmortems)
        print(
            f"INFO store: {args.postmortems} post-mortems in {time.perf_counter() - started:.1f} s"
        )
        (scratch / "bench_baseline.py").write_text(BASELINE_APP, encoding="utf-8")
        base_cmd = [
            sys.executable, "-m", "uvicorn", "bench_baseline:create_app", "--factory",
            "--app-dir", str(scratch), "--log-level", "warning", "--no-access-log", *workers,
        ]  # fmt: skip
        with (
            server(
                base_cmd, env={"BENCH_DATABASE_URL": url}, ready=f"/row/{RICH_ID}", cwd=scratch
            ) as base,
            server(ours_cmd, env=ours_env, ready="/healthz", cwd=scratch) as ours,
        ):
            if not SESSION:
                log_in(ours)
            print(
                f"INFO {args.workers} worker(s) each, {CONNECTIONS} connections, {args.seconds} s"
            )

            def list_page() -> bool:
                return compare("list_page", ours, base, "/postmortems", args.seconds,
                               share=0.25, p99=False)  # fmt: skip

            results = [list_page()]
            if everything:
                results = [
                    compare("api_get", ours, base, f"/api/v1/postmortems/{RICH_ID}",
                            args.seconds, share=0.5, p99=True),
                    compare("page_get", ours, base, f"/postmortems/{RICH_ID}", args.seconds,
                            share=0.5, p99=True),
                    list_page(),
                    sizes_ok,
                    creates(ours),
                ]  # fmt: skip
    failed = results.count(False)
    print(f"INFO {failed} of {len(results)} target groups failed" if failed else "INFO all passed")
    return 0  # the verdicts are the TARGET lines (make bench goes on to the next script)


if __name__ == "__main__":
    sys.exit(main())
