"""services.search on SQLite (FTS5) and PostgreSQL (tsvector): which post-mortems, in which
order, with which passage; every save reflected at once; reindex repairs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, text

from blamefree.domain.enums import ActionStatus, Horizon
from blamefree.domain.search import SearchPage, make_filters, parse_query
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.errors import SearchQueryInvalid, ValidationFailed
from blamefree.services import actions, postmortems, timeline, timeline_import
from blamefree.services.search import reindex, search_postmortems
from blamefree.store import UnitOfWork
from blamefree.store.search_index import fill_missing
from support.search_docs import store_three
from support.uow import in_uow

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


def _search(engine: Engine, query: str = "", **filters: Any) -> SearchPage:
    limit = filters.pop("limit", 20)
    offset = filters.pop("offset", 0)
    with UnitOfWork(engine) as uow:
        return search_postmortems(
            uow, query=query, filters=make_filters(**filters), limit=limit, offset=offset
        )


def _ids(engine: Engine, query: str = "", **filters: Any) -> list[str]:
    return [hit.incident_id for hit in _search(engine, query, **filters).hits]


def test_a_title_and_summary_hit_outranks_a_passing_mention(engine: Engine) -> None:
    store_three(engine)
    page = _search(engine, "kafka")
    assert [h.incident_id for h in page.hits] == ["INC-2026-0001", "INC-2026-0002"]
    assert page.total == 2
    first, second = page.hits
    assert first.score is not None and second.score is not None
    assert first.score > second.score
    assert first.snippet is not None and first.snippet.section == "summary"
    assert first.snippet.html.startswith("<mark>Kafka</mark> disks filled and consumers stalled")
    assert second.snippet is not None and second.snippet.section == "timeline"
    assert "<mark>kafka</mark>" in second.snippet.html


def test_words_stem_and_must_all_match(engine: Engine) -> None:
    store_three(engine)
    assert _ids(engine, "exhaust") == ["INC-2026-0003"]  # "exhausted"
    assert _ids(engine, "pool config") == ["INC-2026-0002"]
    assert _ids(engine, "pool nothing-like-this") == []


def test_phrase_and_exclude(engine: Engine) -> None:
    store_three(engine)
    assert _ids(engine, "pool") == ["INC-2026-0003", "INC-2026-0002"]  # a title hit first
    assert _ids(engine, '"connection pool"') == ["INC-2026-0002"]
    assert _ids(engine, '"pool connection"') == []
    assert _ids(engine, "pool -staging") == ["INC-2026-0002"]
    assert _ids(engine, 'pool -"load test"') == ["INC-2026-0002"]
    assert _ids(engine, "-kafka") == ["INC-2026-0003"]  # only an exclusion: the rest


def test_each_filter(engine: Engine) -> None:
    store_three(engine)
    assert _ids(engine, "pool severity:P3") == ["INC-2026-0003"]
    assert _ids(engine, "pool", severity=["P2"]) == ["INC-2026-0002"]
    # No words: every post-mortem the filters let through, newest first.
    assert _ids(engine) == ["INC-2026-0003", "INC-2026-0001", "INC-2026-0002"]
    assert _ids(engine, since="2026-02-01") == ["INC-2026-0003", "INC-2026-0001"]
    assert _ids(engine, "since:2026-01-01 until:2026-03-02") == ["INC-2026-0001", "INC-2026-0002"]
    assert _ids(engine, "owner:ana") == ["INC-2026-0001"]  # first name of "Ana Lima"
    assert _ids(engine, owner=["ANA LIMA"]) == ["INC-2026-0001"]
    assert _ids(engine, "owner:lima") == []
    assert _ids(engine, "has:open_actions") == ["INC-2026-0001"]  # Bo's item is done
    assert _ids(engine, open_actions=False) == ["INC-2026-0003", "INC-2026-0002"]
    assert _ids(engine, "pool section:title") == ["INC-2026-0003"]
    assert _ids(engine, "pool section:root_cause") == ["INC-2026-0003"]
    assert _ids(engine, "pool section:summary") == ["INC-2026-0002"]  # its summary's cause
    assert _ids(engine, "kafka section:timeline") == ["INC-2026-0002"]
    assert _ids(engine, 'service:"checkout api"') == ["INC-2026-0002"]
    assert _ids(engine, "service:payments pool") == ["INC-2026-0002"]
    assert _ids(engine, "service:kafka") == []
    assert _ids(engine, "tag:database") == []  # post-mortems carry no tags yet


def test_a_section_filter_picks_the_snippet_from_that_section(engine: Engine) -> None:
    store_three(engine)
    (hit,) = _search(engine, "pool section:title").hits
    assert hit.snippet is not None
    assert hit.snippet.section == "title"
    assert hit.snippet.html.startswith("Staging <mark>pool</mark> exhausted")


def test_snippets_escape_what_the_author_wrote(engine: Engine) -> None:
    store_three(engine)
    (hit,) = _search(engine, "script").hits
    assert hit.incident_id == "INC-2026-0003"
    assert hit.snippet is not None
    assert hit.snippet.section == "lessons"
    html = hit.snippet.html
    assert "<script" not in html and "<img" not in html
    assert "onerror=&quot;alert(1)&quot;&gt;&lt;<mark>script</mark>&gt;" in html
    assert 'onerror="alert(1)"><script>' in hit.snippet.text


def test_paging(engine: Engine) -> None:
    store_three(engine)
    first = _search(engine, "", limit=2)
    assert [h.incident_id for h in first.hits] == ["INC-2026-0003", "INC-2026-0001"]
    assert (first.total, first.has_more) == (3, True)
    last = _search(engine, "", limit=2, offset=2)
    assert [h.incident_id for h in last.hits] == ["INC-2026-0002"]
    assert (last.total, last.has_more) == (3, False)
    past = _search(engine, "pool", limit=2, offset=5)
    assert (past.hits, past.total) == ((), 2)
    with UnitOfWork(engine) as uow, pytest.raises(ValidationFailed, match="limit"):
        search_postmortems(uow, query="", limit=0)
    with UnitOfWork(engine) as uow, pytest.raises(SearchQueryInvalid, match="never closed"):
        search_postmortems(uow, query='"open')


def test_every_save_is_searchable_at_once(engine: Engine) -> None:
    store_three(engine)
    incident = "INC-2026-0003"
    # An edit of the document: the old words go, the new ones come.
    with UnitOfWork(engine) as uow:
        stored = uow.postmortems.get(incident)
        changed = stored.doc.model_copy(update={"title": "Staging database saturated"})
        postmortems.update_postmortem(
            uow, incident_id=incident, postmortem_in=changed, expected_version=stored.version
        )
    assert _ids(engine, "saturated") == [incident]
    assert _ids(engine, "exhausted") == []
    # A timeline event added.
    in_uow(
        engine,
        timeline.add_event,
        incident_id=incident,
        at="2026-04-20T09:00:00Z",
        text="Grafana showed zookeeper latency",
    )
    assert _ids(engine, "zookeeper") == [incident]
    # An action item added, then its text changed.
    added = in_uow(
        engine,
        actions.add_action,
        incident_id=incident,
        text="Resize the hikari pool",
        horizon=Horizon.IMMEDIATE,
        now=NOW,
        owner="Cy",
    )
    assert _ids(engine, "hikari") == [incident]
    assert _ids(engine, "owner:cy has:open_actions") == [incident]
    action_id = added.action.record.uid
    in_uow(engine, actions.set_action, action_id=action_id, now=NOW, text="Resize the c3p0 pool")
    assert _ids(engine, "hikari") == []
    assert _ids(engine, "c3p0") == [incident]
    in_uow(engine, actions.set_action, action_id=action_id, now=NOW, status=ActionStatus.DONE)
    assert _ids(engine, "owner:cy has:open_actions") == []
    # A bulk event import (the path that never loads the whole document).
    event = TimelineEvent(
        time=dt.datetime(2026, 4, 20, 9, 30, tzinfo=dt.UTC),
        kind=EventKind.ALERT_FIRED,
        text="PagerDuty: etcd quorum lost",
        source=EventSource(tool="pagerduty", id="Q1"),
    )
    in_uow(engine, timeline_import.import_events, incident_id=incident, events=[event], source="pd")
    assert _ids(engine, "etcd quorum") == [incident]
    assert _ids(engine, "saturated") == [incident]  # the rest of the row stays
    # A delete takes its row with it.
    in_uow(engine, postmortems.delete_postmortem, incident_id=incident)
    assert _ids(engine, "etcd") == []
    assert _ids(engine, "pool") == ["INC-2026-0002"]


def test_reindex_repairs_a_lost_index(engine: Engine) -> None:
    store_three(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM search_documents"))
    assert _ids(engine, "kafka") == []
    seen: list[tuple[int, int]] = []
    with UnitOfWork(engine) as uow:
        assert reindex(uow, progress=lambda done, total: seen.append((done, total))) == 3
    assert seen[-1] == (3, 3)
    assert _ids(engine, "kafka") == ["INC-2026-0001", "INC-2026-0002"]


def test_an_upgrade_fills_the_rows_of_post_mortems_stored_before(engine: Engine) -> None:
    store_three(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "DELETE FROM search_documents WHERE postmortem_id IN "
                "(SELECT id FROM postmortems WHERE incident_id <> 'INC-2026-0002')"
            )
        )
        assert fill_missing(connection) == 2
    assert _ids(engine, "pool") == ["INC-2026-0003", "INC-2026-0002"]
    with engine.begin() as connection:
        assert fill_missing(connection) == 0


@pytest.mark.parametrize(
    "query",
    ['"', "NEAR(a b)", 'a" OR "b', "a AND OR NOT", "*", "col:x", "{title}: x", "'; DROP TABLE x"],
)
def test_hostile_queries_are_text_or_a_typed_error(engine: Engine, query: str) -> None:
    store_three(engine)
    try:
        page = _search(engine, query)
    except SearchQueryInvalid as error:
        assert error.position >= 1
        return
    # Quoted words, never FTS5 or tsquery syntax: no word of these is in any post-mortem, and
    # punctuation alone is no word (so every post-mortem is listed, as for an empty query).
    assert page.total == (3 if not parse_query(query).terms else 0)
