"""Follow-through listings against the plain post-mortem listing, on one generated SQLite store.

Run: .venv/bin/python bench/follow_through.py [--postmortems N]
Stores N post-mortems with 6 action items each (seeded), then times, best of 5 runs each:
`actions list --overdue` against the baseline of fetching the same action-item rows with one
plain SELECT through the driver (so the ratio is Blamefree's own overhead per item), `reviews
list --upcoming` against the plain post-mortem listing `list`, and one `actions set --status`
(a new revision of one document, shown, not targeted).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from blamefree.domain.enums import ActionStatus, Priority, Severity
from blamefree.domain.postmortem import ActionItem, ActionItems, Postmortem
from blamefree.services import actions, postmortems, reviews
from blamefree.store import UnitOfWork, make_engine
from blamefree.store.migrate import ensure_schema

SEED = 20240312
TODAY = dt.date(2024, 9, 1)
NOW = dt.datetime(2024, 9, 1, 9, 0, tzinfo=dt.UTC)
TARGETS = {"actions_list": 8.0, "reviews_list": 8.0}  # times their baselines


def _doc(rng: random.Random, n: int) -> Postmortem:
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 240))

    def item(k: int) -> ActionItem:
        due = day + dt.timedelta(days=rng.randint(1, 120)) if rng.random() < 0.7 else None
        status = rng.choice(list(ActionStatus))
        return ActionItem(
            text=f"Action {k} of incident {n}",
            owner=rng.choice(["Priya", "Lee", "Sam", "Dana"]),
            due_date=due,
            priority=rng.choice(list(Priority)),
            status=status,
        )

    return Postmortem(
        incident_id=f"INC-{n:05d}",
        title=f"Incident {n}",
        date=day,
        severity=rng.choice(list(Severity)),
        action_items=ActionItems(
            immediate=[item(1), item(2)],
            short_term=[item(3), item(4)],
            long_term=[item(5), item(6)],
        ),
    )


def in_uow(engine: Engine, run: Callable[[UnitOfWork], object]) -> Callable[[], object]:
    """``run`` in a unit of work of its own, as one command runs its service call."""

    def once() -> object:
        with UnitOfWork(engine) as uow:
            return run(uow)

    return once


def best(run: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Build the store, time the listings, print TARGET lines."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--postmortems", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        ensure_schema(engine)
        with UnitOfWork(engine) as uow:
            for n in range(args.postmortems):
                postmortems.create_postmortem(uow, postmortem_in=_doc(rng, n))
        baseline = best(in_uow(engine, postmortems.list_postmortems))
        raw_sql = text(
            "SELECT a.uid, p.incident_id, p.title, p.severity, p.date, a.horizon, a.position, "
            "a.text, a.status, a.owner, a.due_date, a.due_date_text, a.priority, a.type, "
            "a.created_at, a.closed_at, a.external_system, a.external_key, a.external_url "
            "FROM action_items a JOIN postmortems p ON p.id = a.postmortem_id"
        )

        def fetch_rows() -> object:
            with engine.connect() as connection:
                return connection.execute(raw_sql).all()

        rows = best(fetch_rows)
        listed = best(
            in_uow(engine, lambda uow: actions.list_actions(uow, today=TODAY, overdue=True))
        )
        review_list = best(
            in_uow(engine, lambda uow: reviews.list_reviews(uow, today=TODAY, upcoming=30))
        )
        with UnitOfWork(engine) as uow:
            some = actions.list_actions(uow, today=TODAY, statuses=[ActionStatus.OPEN])[0]
        flips = iter([ActionStatus.IN_PROGRESS, ActionStatus.OPEN] * 5)
        change = best(
            in_uow(
                engine,
                lambda uow: actions.set_action(
                    uow, action_id=some.uid, now=NOW, status=next(flips)
                ),
            )
        )
        engine.dispose()
    items = args.postmortems * 6
    print(f"{args.postmortems} post-mortems, {items} action items (SQLite)")
    print(f"plain SELECT of the rows {rows * 1000:8.1f} ms")
    print(f"list (summaries)         {baseline * 1000:8.1f} ms")
    print(f"actions list --overdue   {listed * 1000:8.1f} ms")
    print(f"reviews list --upcoming  {review_list * 1000:8.1f} ms")
    print(f"actions set --status     {change * 1000:8.1f} ms (one new revision)")
    for name, measured, base in (
        ("actions_list_vs_select", listed, rows),
        ("reviews_list_vs_list", review_list, baseline),
    ):
        ratio = measured / base
        target = TARGETS[name.split("_vs_")[0]]
        verdict = "PASS" if ratio <= target else "FAIL"
        print(f"TARGET {name} {ratio:.2f} <= {target} {verdict}")


if __name__ == "__main__":
    main()
