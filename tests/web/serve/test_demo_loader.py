"""The served demo's store: the whole manifest applied through the services, as the CLI would.

One store is loaded through the CLI (tests/support/demo_manifest.py, the manifest's own command
lines) and compared with what ``load_demo`` stores, on SQLite and PostgreSQL; then the facts
issue 10 asks of the demo are checked on the demo's day and on the served demo's clock.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import Engine

from blamefree.services import actions, people, postmortems, reviews, timeline
from blamefree.store import make_engine
from blamefree.store.migrate import ensure_schema
from blamefree.store.unit_of_work import UnitOfWork
from blamefree.web.demo import (
    DEMO_BY,
    DemoLoaded,
    demo_clock,
    demo_dir,
    demo_shift,
    demo_today,
    load_demo,
    read_manifest,
)
from support.demo_manifest import DEMO_DIR, DemoCli, load

MANIFEST = read_manifest()
TODAY = demo_today(MANIFEST)
ACTION_ID = re.compile(r"\bA-[0-9A-Z]{6}\b")  # random per store


def snapshot(engine: Engine, *, today: dt.date) -> dict[str, Any]:
    """What a reader of the store sees: post-mortems, events, items, measures, reviews, people."""
    with UnitOfWork(engine) as uow:
        listed = postmortems.list_postmortems(uow)
        return {
            "postmortems": [
                (s.incident_id, s.title, s.severity, s.date, s.version, s.action_items_done)
                for s in listed
            ],
            "history": {
                s.incident_id: [
                    (r.version, r.created_at, ACTION_ID.sub("A-?", r.message or ""))
                    for r in postmortems.history(uow, incident_id=s.incident_id)
                ]
                for s in listed
            },
            "events": {
                s.incident_id: Counter(
                    e.source.tool for e in timeline.list_events(uow, incident_id=s.incident_id)
                )
                for s in listed
            },
            "actions": sorted(
                (
                    v.record.incident_id,
                    v.record.text,
                    v.record.status,
                    v.record.owner,
                    v.due,
                    v.overdue,
                    v.record.closed_at,
                )
                for v in actions.list_actions(uow, today=today)
            ),
            "measures": {
                s.incident_id: [
                    (m.category, m.number, m.item.status, m.closed_at)
                    for m in actions.list_measures(uow, incident_id=s.incident_id)
                ]
                for s in listed
            },
            "reviews": [
                (r.incident_id, r.kind, r.due_date, r.done_at, r.notes, r.by, r.overdue)
                for r in reviews.list_reviews(uow, today=today, include_done=True)
            ],
            "people": [(p.name, p.email, p.slack) for p in people.list_people(uow)],
        }


@pytest.fixture(scope="module")
def cli_snapshot(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The store the manifest's command lines make, seen on the demo's day."""
    database = tmp_path_factory.mktemp("cli-demo") / "demo.sqlite3"
    load(DemoCli(DEMO_DIR, database_url=f"sqlite:///{database}"), MANIFEST)
    engine = make_engine(f"sqlite:///{database}")
    try:
        return snapshot(engine, today=TODAY)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A SQLite store filled by ``load_demo`` (for the checks that need no second backend)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}")
    ensure_schema(engine)
    load_demo(engine)
    yield engine
    engine.dispose()


def test_the_services_store_what_the_manifest_command_lines_store(
    engine: Engine, cli_snapshot: dict[str, Any]
) -> None:
    steps: list[tuple[int, int]] = []
    loaded = load_demo(engine, progress=lambda done, total: steps.append((done, total)))
    assert loaded == DemoLoaded(
        postmortems=14,
        events=274,
        action_changes=41,
        prevention_changes=14,
        reviews=27,
        people=21,
        users=5,
    )
    assert steps[-1] == (len(steps), len(steps))
    assert len(steps) == 21 + 14 + 30 + 41 + 14 + 27 + 11  # people .. criteria of final ones
    ours = snapshot(engine, today=TODAY)
    for part in cli_snapshot:
        assert ours[part] == cli_snapshot[part], part


def test_each_step_is_stamped_with_the_manifest_time(demo_engine: Engine) -> None:
    with UnitOfWork(demo_engine) as uow:
        first = postmortems.history(uow, incident_id="INC-2026-0147")
        items = actions.list_actions(uow, today=TODAY, incident_id="INC-2026-0141")
        held = reviews.list_reviews(
            uow, today=TODAY, include_done=True, incident_id="INC-2026-0141"
        )
    assert (first[0].version, first[0].created_at, first[0].author) == (
        1,
        dt.datetime(2026, 6, 12, 14, 0, tzinfo=dt.UTC),
        DEMO_BY,
    )
    assert first[1].created_at == dt.datetime(2026, 6, 12, 14, 2, tzinfo=dt.UTC)  # PagerDuty
    pipeline = next(i for i in items if i.record.text.startswith("Fail the release pipeline"))
    assert pipeline.record.closed_at == dt.datetime(2026, 6, 17, 15, 20, tzinfo=dt.UTC)
    one_week = next(r for r in held if r.kind.value == "1w")
    assert (one_week.done_at, one_week.by) == (
        dt.datetime(2026, 6, 3, 13, 0, tzinfo=dt.UTC),
        "Fatima Zahra El Idrissi",
    )


def _facts(engine: Engine, today: dt.date) -> dict[str, Any]:
    with UnitOfWork(engine) as uow:
        listed = postmortems.list_postmortems(uow)
        sources = {
            s.incident_id: {
                e.source.tool for e in timeline.list_events(uow, incident_id=s.incident_id)
            }
            for s in listed
        }
        items = actions.list_actions(uow, today=today)
        all_reviews = reviews.list_reviews(uow, today=today, include_done=True)
        upcoming = reviews.list_reviews(uow, today=today, upcoming=30)
    dates = sorted(s.date for s in listed if s.date is not None)
    return {
        "postmortems": len(listed),
        "months": (dates[-1] - dates[0]).days / 30.4,
        "severities": Counter(str(s.severity) for s in listed),
        "sources": sorted(set().union(*sources.values())),
        "with_two_sources": sum(len(tools) >= 2 for tools in sources.values()),
        "statuses": Counter(str(i.record.status) for i in items),
        "overdue": sum(i.overdue for i in items),
        "held": sum(r.done_at is not None for r in all_reviews),
        "reviews_overdue": sum(r.overdue for r in all_reviews),
        "upcoming": len(upcoming),
    }


def test_the_demo_has_what_issue_10_asks_for_on_its_day(demo_engine: Engine) -> None:
    facts = _facts(demo_engine, TODAY)
    assert facts["postmortems"] == 14 >= 12
    assert facts["months"] >= 5.5  # late May to mid November
    assert facts["severities"] == {"P0": 2, "P1": 4, "P2": 5, "P3": 3}
    assert facts["sources"] == [
        "alertmanager", "csv", "grafana", "opsgenie", "pagerduty", "slack", "statuspage"
    ]  # fmt: skip
    assert facts["with_two_sources"] == 10  # the README table: 0147, 0152, 0163, ...
    assert facts["statuses"] == {"done": 39, "open": 15, "in_progress": 11, "wont_do": 3}
    assert facts["overdue"] == 13
    assert (facts["held"], facts["reviews_overdue"], facts["upcoming"]) == (27, 3, 6)


@pytest.mark.parametrize(
    "real_now",
    [
        dt.datetime(2026, 12, 1, 17, 5, tzinfo=dt.UTC),
        dt.datetime(2031, 2, 28, 23, 59, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC),
    ],
)
def test_the_served_demo_clock_keeps_the_demo_day_whenever_it_starts(
    demo_engine: Engine, real_now: dt.datetime
) -> None:
    clock = demo_clock(demo_shift(TODAY, now=real_now), real=lambda: real_now)
    assert clock().date() == TODAY
    assert clock().time() == real_now.time()  # the time of day is the real one
    facts = _facts(demo_engine, clock().date())
    assert (facts["overdue"], facts["reviews_overdue"], facts["upcoming"]) == (13, 3, 6)


def test_both_loaders_read_the_same_package_data() -> None:
    assert demo_dir() == DEMO_DIR
    assert read_manifest() == json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert demo_today() == dt.date(2026, 11, 20)
