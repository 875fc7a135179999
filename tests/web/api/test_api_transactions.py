"""One request, one transaction: a request that succeeds commits once, one that fails never.

Counted with SQLAlchemy's engine events while the app answers (SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event

from support.web import WebClient
from web.api.conftest import BERLIN, MARKDOWN

API = "/api/v1/postmortems"


@pytest.fixture
def transactions() -> Iterator[Counter[str]]:
    seen: Counter[str] = Counter()

    def counter(name: str) -> Any:
        def count(*_args: Any) -> None:
            seen[name] += 1

        return count

    listeners = [(Engine, name, counter(name)) for name in ("commit", "rollback")]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        yield seen
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)


def test_a_write_that_succeeds_is_one_commit(
    client: WebClient, pay318: str, transactions: Counter[str]
) -> None:
    added = client.post(
        f"{API}/{pay318}/events", json={"time": "2024-03-12T21:40:00Z", "text": "Batch started"}
    )
    assert added.status_code == 201
    assert transactions["commit"] == 1
    transactions.clear()
    assert client.get(f"{API}/{pay318}").json()["version"] == 2
    assert transactions["commit"] == 1  # the unit of work of a read ends with its commit too
    transactions.clear()
    created = client.post(
        API, content=BERLIN.read_bytes().replace(b"PAY-318", b"PAY-319"), headers=MARKDOWN
    )
    assert (created.status_code, transactions["commit"]) == (201, 1)


def test_failing_requests_commit_nothing_and_store_nothing(
    client: WebClient, pay318: str, transactions: Counter[str]
) -> None:
    stored = client.get(f"{API}/{pay318}").json()
    first, second = stored["document"], dict(stored["document"])
    first["title"] = "One title"
    assert client.put(f"{API}/{pay318}", json={"version": 1, "document": first}).status_code == 200
    transactions.clear()

    second["title"] = "Another title"
    clash = client.put(f"{API}/{pay318}", json={"version": 1, "document": second})
    bad_upload = client.post(
        f"{API}/{pay318}/events/import",
        params={"source": "alertmanager"},
        files=[("file", ("broken.json", b"{", "application/json"))],
    )
    bad_event = client.post(f"{API}/{pay318}/events", json={"time": "soon", "text": "x"})
    bad_item = client.patch("/api/v1/actions/A-NOPE00", json={"status": "done"})
    assert [a.status_code for a in (clash, bad_upload, bad_event, bad_item)] == [409, 422, 422, 404]
    assert transactions["commit"] == 0

    after = client.get(f"{API}/{pay318}").json()
    assert (after["version"], after["title"]) == (2, "One title")
    assert client.get(f"{API}/{pay318}/events").json() == []
