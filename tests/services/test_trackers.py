"""services.trackers: push files each open item once and links it; pull brings states back."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from blamefree.domain.enums import ActionStatus, TrackerSystem
from blamefree.domain.tracker_refs import TrackerRef
from blamefree.services import actions, trackers
from blamefree.trackers.base import ExternalIssue, IssueDraft, RemoteState, Tracker
from support.uow import in_uow
from support.updates_doc import NOW


@dataclass
class MemoryTracker:
    """A GitHub stand-in that keeps its issues in a dict."""

    system: str = "github"
    issues: dict[str, IssueDraft] = field(default_factory=dict)
    closed: set[str] = field(default_factory=set)

    def find(self, draft: IssueDraft) -> ExternalIssue | None:
        for key, filed in self.issues.items():
            if filed.uid == draft.uid:
                return ExternalIssue(self.system, key, f"https://example.invalid/{key[1:]}")
        return None

    def create(self, draft: IssueDraft) -> ExternalIssue:
        key = f"#{len(self.issues) + 1}"
        self.issues[key] = draft
        return ExternalIssue(self.system, key, f"https://example.invalid/{key[1:]}")

    def state(self, ref: TrackerRef) -> RemoteState:
        key = f"#{ref.number}"
        done = key in self.closed
        return RemoteState(key, "done" if done else None, "closed" if done else "open")

    def close(self) -> None:
        return None


def test_push_files_each_item_once_and_pull_closes_what_was_closed(
    engine: Engine, ledger: str
) -> None:
    tracker = MemoryTracker()
    pushed = in_uow(
        engine,
        trackers.push_actions,
        to=TrackerSystem.GITHUB,
        tracker=tracker,
        now=NOW,
        by="Noor",
    )
    assert [(r.outcome, r.key) for r in pushed] == [
        ("created", "#1"),
        ("created", "#2"),
        ("created", "#3"),
    ]
    again = in_uow(engine, trackers.push_actions, to=TrackerSystem.GITHUB, tracker=tracker, now=NOW)
    assert [r.outcome for r in again] == ["linked already"] * 3
    tracker.closed.add("#2")
    pulled = in_uow(
        engine,
        trackers.pull_actions,
        trackers=lambda _system: _as_tracker(tracker),
        now=NOW,
        by="tracker sync",
    )
    assert [(r.key, r.outcome, r.after) for r in pulled] == [
        ("#1", "unchanged", "open"),
        ("#2", "updated", "done"),
        ("#3", "unchanged", "open"),
    ]
    views = in_uow(engine, actions.list_actions, today=NOW.date(), incident_id=ledger)
    assert [
        (v.record.status, v.record.tracker.key if v.record.tracker else None) for v in views
    ] == [
        (ActionStatus.OPEN, "#1"),
        (ActionStatus.DONE, "#2"),
        (ActionStatus.OPEN, "#3"),
    ]


def _as_tracker(tracker: MemoryTracker) -> Tracker:
    return tracker
