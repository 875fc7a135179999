"""The demo store of ``blamefree serve --demo``: Basketful's fictional post-mortems.

``load_demo`` applies the whole manifest (``data/demo/manifest.json``, see its README) through
the service layer, each step stamped with the time the manifest gives it, so the store ends as
the manifest's command lines would leave it: the people directory, the 14 post-mortems, their
timelines imported from each tool's files, the action-item and prevention-measure changes, the
reviews held, and the success criteria the data then meets; and one account per role
(``admin``, ``approver``, ``reviewer``, ``author``, ``viewer``), all with the password
``blamefree-demo`` (``services.accounts.DEMO_PASSWORD``).

The demo's data stops on its "today" (2026-11-20). ``demo_clock`` is the clock the served demo
runs on: the real time of day, on the demo's day when the server started, so "overdue" and
"upcoming" show what the data was written to show whenever the demo is started (docs/web.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from blamefree.domain.enums import ActionStatus, ReviewKind
from blamefree.errors import ActionItemNotFound, ValidationFailed
from blamefree.services import accounts, actions, people, postmortems, reviews, timeline_import
from blamefree.store.unit_of_work import UnitOfWork
from blamefree.web.state import Clock, real_clock

DEMO_BY = "Blamefree demo"
"""Who the history names for the steps the manifest names nobody for (imports, criteria)."""

Progress = Callable[[int, int], None]
"""Called after each step with (steps done, steps in all)."""


def demo_dir() -> Path:
    """The folder of the demo data (documents, tool files, manifest)."""
    return Path(str(resources.files("blamefree").joinpath("data", "demo")))


def read_manifest(folder: Path | None = None) -> dict[str, Any]:
    """The demo manifest as data."""
    path = (folder or demo_dir()) / "manifest.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def demo_today(manifest: dict[str, Any] | None = None) -> dt.date:
    """The day the demo data stops on (the manifest's ``today``)."""
    return dt.date.fromisoformat((manifest or read_manifest())["today"])


def demo_shift(today: dt.date, *, now: dt.datetime) -> dt.timedelta:
    """Whole days from the real ``now`` back (or on) to the demo's ``today``."""
    return dt.timedelta(days=(today - now.astimezone(dt.UTC).date()).days)


def demo_clock(shift: dt.timedelta, real: Clock = real_clock) -> Clock:
    """The real clock moved by ``shift``: it ticks as usual, on the demo's calendar."""
    return lambda: real() + shift


@dataclass(frozen=True)
class DemoLoaded:
    """What ``load_demo`` stored."""

    postmortems: int
    events: int
    action_changes: int
    prevention_changes: int
    reviews: int
    people: int
    users: int = 0
    """Demo accounts, one per role."""


def expected_load(manifest: dict[str, Any] | None = None) -> DemoLoaded:
    """What loading the manifest stores, by the manifest's own counts."""
    data = manifest or read_manifest()
    return DemoLoaded(
        postmortems=len(data["postmortems"]),
        events=sum(source["events"] for pm in data["postmortems"] for source in pm["sources"]),
        action_changes=len(data["action_changes"]),
        prevention_changes=len(data["prevention_changes"]),
        reviews=len(data["reviews"]),
        people=len(data["people"]),
        users=len(accounts.DEMO_USERS),
    )


@dataclass(frozen=True)
class _Step:
    at: dt.datetime
    run: Callable[[UnitOfWork], None]


def load_demo(
    engine: Engine, *, folder: Path | None = None, progress: Progress | None = None
) -> DemoLoaded:
    """Fill an empty store with the demo manifest, in the manifest's order, as one transaction.

    Each step runs with the clock at the manifest's time for it (as ``--now`` does on the command
    line); a step that fails raises its own error and nothing of the demo is kept.
    """
    base = folder or demo_dir()
    manifest = read_manifest(base)
    loader = _Loader(base, manifest)
    steps = list(loader.steps())
    with UnitOfWork(engine) as uow:
        for done, step in enumerate(steps, start=1):
            with uow.stamped(step.at):
                step.run(uow)
            if progress is not None:
                progress(done, len(steps))
        users = accounts.add_demo_users(uow, now=loader.first)
    return DemoLoaded(
        postmortems=len(manifest["postmortems"]),
        events=loader.events,
        action_changes=len(manifest["action_changes"]),
        prevention_changes=len(manifest["prevention_changes"]),
        reviews=len(manifest["reviews"]),
        people=len(manifest["people"]),
        users=len(users),
    )


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def last_step_time(manifest: dict[str, Any]) -> dt.datetime:
    """The time of the manifest's last change or review: when the success criteria are ticked."""
    changes = [*manifest["action_changes"], *manifest["prevention_changes"]]
    return max(
        *(_time(change["at"]) for change in changes),
        *(_time(review["held_at"]) for review in manifest["reviews"]),
    )


class _Loader:
    """The manifest as steps, each one service call at its time."""

    def __init__(self, folder: Path, manifest: dict[str, Any]) -> None:
        self.folder = folder
        self.manifest = manifest
        self.events = 0
        self.action_ids: dict[tuple[str, str], str] = {}
        self.first = min(_time(pm["imported_at"]) for pm in manifest["postmortems"])
        self.last = last_step_time(manifest)

    def steps(self) -> Iterator[_Step]:
        for person in self.manifest["people"]:
            yield _Step(self.first, self._person(person))
        for pm in self.manifest["postmortems"]:
            yield _Step(_time(pm["imported_at"]), self._postmortem(pm))
            for source in pm["sources"]:
                yield _Step(_time(source["at"]), self._source(pm["incident_id"], source))
        for change in self.manifest["action_changes"]:
            yield _Step(_time(change["at"]), self._action_change(change))
        for change in self.manifest["prevention_changes"]:
            yield _Step(_time(change["at"]), self._prevention_change(change))
        for review in self.manifest["reviews"]:
            yield _Step(_time(review["held_at"]), self._review(review))
        for pm in self.manifest["postmortems"]:
            # Once the changes are in, each team ticks the success criteria the data now
            # meets (a save never ticks them on its own), after the last thing that happened.
            if pm["state"] != "draft":
                yield _Step(self.last, self._criteria(pm["incident_id"]))

    def _person(self, person: dict[str, Any]) -> Callable[[UnitOfWork], None]:
        def run(uow: UnitOfWork) -> None:
            people.add_person(
                uow, name=person["name"], email=person["email"], slack=person["slack"]
            )

        return run

    def _postmortem(self, pm: dict[str, Any]) -> Callable[[UnitOfWork], None]:
        def run(uow: UnitOfWork) -> None:
            report = postmortems.import_files(
                uow, paths=[self.folder / pm["file"]], today=uow.now().date(), by=DEMO_BY
            )
            for outcome in report.failed:
                assert outcome.error is not None
                raise outcome.error

        return run

    def _source(self, incident_id: str, source: dict[str, Any]) -> Callable[[UnitOfWork], None]:
        def run(uow: UnitOfWork) -> None:
            result = timeline_import.import_files(
                uow,
                incident_id=incident_id,
                source=source["source"],
                paths=[self.folder / path for path in source["paths"]],
                **_source_options(source["options"], where=f"{incident_id} {source['source']}"),
                by=DEMO_BY,
            )
            self.events += result.added

        return run

    def _action_id(self, uow: UnitOfWork, incident_id: str, text: str) -> str:
        if (incident_id, text) not in self.action_ids:
            for item in actions.list_actions(uow, today=uow.now().date(), incident_id=incident_id):
                self.action_ids[(incident_id, item.record.text)] = item.uid
        try:
            return self.action_ids[(incident_id, text)]
        except KeyError:
            raise ActionItemNotFound(
                f"demo manifest: {incident_id} has no action item {text!r}"
            ) from None

    def _action_change(self, change: dict[str, Any]) -> Callable[[UnitOfWork], None]:
        def run(uow: UnitOfWork) -> None:
            action_id = self._action_id(uow, change["incident_id"], change["item"])
            at, by = uow.now(), change["by"]
            if "owner" in change:
                actions.assign_action(
                    uow, action_id=action_id, owner=change["owner"], now=at, by=by
                )
                return
            due = dt.date.fromisoformat(change["due"]) if "due" in change else None
            status = ActionStatus(change["status"]) if "status" in change else None
            if due is None and status is None:
                raise ValidationFailed(
                    f"demo manifest: the change of {change['item']!r} changes nothing",
                    field="action_changes",
                )
            actions.set_action(uow, action_id=action_id, now=at, by=by, status=status, due=due)

        return run

    def _prevention_change(self, change: dict[str, Any]) -> Callable[[UnitOfWork], None]:
        def run(uow: UnitOfWork) -> None:
            actions.set_measure(
                uow,
                incident_id=change["incident_id"],
                category=change["category"],
                number=change["number"],
                status=ActionStatus(change["status"]),
                now=uow.now(),
                by=change["by"],
            )

        return run

    def _review(self, review: dict[str, Any]) -> Callable[[UnitOfWork], None]:
        def run(uow: UnitOfWork) -> None:
            reviews.record_review(
                uow,
                incident_id=review["incident_id"],
                kind=ReviewKind(review["kind"]),
                now=uow.now(),
                notes=review["notes"],
                by=review["by"],
            )

        return run

    def _criteria(self, incident_id: str) -> Callable[[UnitOfWork], None]:
        def run(uow: UnitOfWork) -> None:
            actions.change_criteria(
                uow, incident_id=incident_id, apply=True, now=uow.now(), by=DEMO_BY
            )

        return run


def _source_options(options: Sequence[str], *, where: str) -> dict[str, Any]:
    """The import options a manifest source lists (``--channel``, ``--since``, ``--until``)."""
    channels: list[str] = []
    found: dict[str, Any] = {}
    pairs = iter(options)
    for option in pairs:
        value = next(pairs, None)
        if value is None:
            raise ValidationFailed(f"demo manifest, {where}: {option} has no value", field=option)
        if option == "--channel":
            channels.append(value)
        elif option in ("--since", "--until"):
            found[option.removeprefix("--")] = _time(value)
        else:
            raise ValidationFailed(
                f"demo manifest, {where}: the demo loader does not know {option}", field=option
            )
    if channels:
        found["channel"] = channels
    return found
