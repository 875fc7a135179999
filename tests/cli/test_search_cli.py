"""`blamefree search` and `blamefree reindex` on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import Engine, text

from support.cli import Invoke
from support.search_docs import store_three


def test_search_prints_a_table_and_json(cli: Invoke, engine: Engine) -> None:
    store_three(engine)
    shown = cli("search", "pool")
    assert shown.exit_code == 0, shown.stderr
    assert "Search results 1-2 of 2" in shown.stdout
    assert shown.stdout.index("INC-2026-0003") < shown.stdout.index("INC-2026-0002")
    data = json.loads(cli("search", "pool", "--severity", "P2", "--json").stdout)
    assert [h["incident_id"] for h in data["hits"]] == ["INC-2026-0002"]
    assert data["filters"]["severity"] == ["P2"]
    assert data["hits"][0]["snippet"]["highlight"].count("<mark>") >= 1
    limited = json.loads(cli("search", "--limit", "1", "--json").stdout)
    assert (len(limited["hits"]), limited["total"], limited["next_offset"]) == (1, 3, 1)
    owned = json.loads(cli("search", "--owner", "ana", "--open-actions", "--json").stdout)
    assert [h["incident_id"] for h in owned["hits"]] == ["INC-2026-0001"]
    none = cli("search", "zeppelin")
    assert (none.exit_code, none.stdout.strip()) == (0, "No post-mortem matches.")


def test_an_unreadable_query_exits_3_saying_where(cli: Invoke, engine: Engine) -> None:
    store_three(engine)
    run = cli("search", "severity:P7")
    assert run.exit_code == 3
    assert "search query, character 1: severity: is one of P0, P1, P2, P3, not 'P7'" in run.stderr
    assert cli("search", "x", "--limit", "500").exit_code == 3


def test_reindex_repairs(cli: Invoke, engine: Engine) -> None:
    store_three(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM search_documents"))
    assert json.loads(cli("search", "kafka", "--json").stdout)["total"] == 0
    run = cli("reindex", "--json")
    assert run.exit_code == 0
    assert json.loads(run.stdout) == {"reindexed": 3}
    assert json.loads(cli("search", "kafka", "--json").stdout)["total"] == 2
    assert cli("reindex").stderr.strip() == "Reindexed 3 post-mortems."
