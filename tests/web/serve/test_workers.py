"""Several workers over one PostgreSQL store share nothing in memory: what one worker hands a
browser (session, CSRF token) checks out on the other, and what one stores the other
reads. ``blamefree serve --workers 2`` runs as a child process on a free port."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest
from sqlalchemy import URL, create_engine, text
from sqlalchemy.pool import NullPool

from blamefree.domain.accounts import Role
from blamefree.domain.enums import Severity
from blamefree.services.accounts import add_user
from blamefree.services.postmortems import start_postmortem
from blamefree.store import make_engine
from blamefree.store.migrate import ensure_schema
from blamefree.store.unit_of_work import UnitOfWork
from web.serve.server import Served, csrf_of, free_port, log_in, serving

SECRET = "k" * 48
PASSWORD = "two workers, one store"
TRIES = 200
pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def team_store(postgres_database: URL) -> Iterator[str]:
    """A PostgreSQL store for this module's server, upgraded as `blamefree db upgrade` does.

    (Module-scoped, unlike ``database_url``: starting two workers is the slow part.)"""
    schema = f"w_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_database, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = postgres_database.update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = url.render_as_string(hide_password=False)
        engine = make_engine(rendered)
        ensure_schema(engine)
        with UnitOfWork(engine) as uow:
            add_user(
                uow,
                name="ines",
                password=PASSWORD,
                role=Role.AUTHOR,
                display_name="Inês Carvalho",
                now=dt.datetime.now(dt.UTC),
            )
        engine.dispose()
        yield rendered
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(scope="module")
def two_workers(team_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp_path = tmp_path_factory.mktemp("workers")
    database_url = team_store
    port = free_port()
    env = {
        "BLAMEFREE_DATABASE_URL": database_url,
        "BLAMEFREE_SECRET_KEY": SECRET,
        "HOME": str(tmp_path),
    }
    with serving(["serve", "--workers", "2", "--port", str(port)], env=env, cwd=tmp_path) as served:
        yield served


def _pid(client: httpx.Client) -> int:
    answer = client.get("healthz")
    assert answer.status_code == 200, answer.text
    health = answer.json()
    assert (health["status"], health["store"], health["backend"]) == ("ok", "ok", "postgresql")
    pid: int = health["pid"]
    return pid


def _client_on(served: Served, *, other_than: int | None = None) -> tuple[httpx.Client, int]:
    """A client whose one kept-alive connection is served by a worker (not ``other_than``),
    logged in as the author ``ines``."""
    origin = served.url.rstrip("/")
    for _ in range(TRIES):
        client = httpx.Client(
            base_url=served.url,
            headers={"origin": origin},
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=30,
        )
        pid = _pid(client)
        if pid != other_than:
            log_in(client, "ines", PASSWORD)  # on this client's one connection: that worker
            return client, pid
        client.close()
    raise AssertionError(f"no second worker answered in {TRIES} connections:\n{served.output()}")


def test_requests_reach_both_workers(two_workers: Served) -> None:
    pids = set()
    for _ in range(TRIES):
        pids.add(httpx.get(two_workers.url + "healthz", timeout=30).json()["pid"])  # new connection
        if len(pids) == 2:
            break
    assert len(pids) == 2
    assert two_workers.process.pid not in pids  # the workers, not the supervisor


def test_a_session_and_a_token_from_one_worker_are_accepted_by_the_other(
    two_workers: Served,
) -> None:
    first, first_pid = _client_on(two_workers)
    second, second_pid = _client_on(two_workers, other_than=first_pid)
    with closing(first), closing(second):
        token = csrf_of(first, "")
        assert _pid(first) == first_pid  # all of that on the first worker
        second.cookies = first.cookies  # the same browser, its next request on the other worker
        assert "<strong>Inês Carvalho</strong>" in second.get("").text  # the session checks out
        made = second.post("account/tokens", data={"name": "a script", "csrf_token": token})
        assert made.status_code == 201, made.text  # the first worker's CSRF token too
        forged = second.post("account/tokens", data={"name": "x", "csrf_token": "0" * 64})
        assert forged.status_code == 403
        copied = httpx.Cookies(second.cookies)
        assert second.post("logout", data={"csrf_token": token}).status_code == 303
        first.cookies = copied  # the cookie from before the logout, on the first worker
        assert first.get("").status_code == 303  # logged out on every worker
        assert _pid(second) == second_pid


def test_no_worker_keeps_a_stale_copy_of_the_store(two_workers: Served, team_store: str) -> None:
    first, first_pid = _client_on(two_workers)
    second, _ = _client_on(two_workers, other_than=first_pid)
    with closing(first), closing(second):
        for client in (first, second):
            assert client.get("api/v1/postmortems/INC-W-0").status_code == 404
        engine = make_engine(team_store)
        try:
            with UnitOfWork(engine) as uow:  # another writer: the CLI, another server
                start_postmortem(
                    uow,
                    title="Stale cache check",
                    severity=Severity.P3,
                    incident_id="INC-W-0",
                    day=dt.date(2026, 11, 20),
                    save=True,
                    by="Tester",
                )
        finally:
            engine.dispose()
        for client in (first, second):
            read = client.get("api/v1/postmortems/INC-W-0")
            assert (read.status_code, read.json()["title"]) == (200, "Stale cache check")


def test_what_one_worker_stores_the_other_reads(two_workers: Served) -> None:
    first, first_pid = _client_on(two_workers)
    second, _ = _client_on(two_workers, other_than=first_pid)
    with closing(first), closing(second):
        created = first.post(
            "api/v1/postmortems",
            json={"title": "Queue backlog", "severity": "P2", "incident_id": "INC-W-1"},
        )
        if created.status_code in (404, 405):
            pytest.skip("POST /api/v1/postmortems is not on this branch yet (the api helper's)")
        assert created.status_code == 201, created.text
        read = second.get("api/v1/postmortems/INC-W-1")
        assert read.status_code == 200, read.text
        assert (read.json()["title"], read.json()["version"]) == ("Queue backlog", 1)
        assert _pid(first) == first_pid
