"""Small post-mortems for the merge tests, and ways to change them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from blamefree.domain.enums import Priority, Severity
from blamefree.domain.postmortem import (
    ActionItem,
    ActionItems,
    Appendix,
    CheckItem,
    DetectionBlock,
    FollowUp,
    Postmortem,
    PreventionMeasures,
    RootCauseAnalysis,
    Timeline,
)
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent

DAY = dt.date(2025, 6, 3)


def moment(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2025, 6, 3, hour, minute, tzinfo=dt.UTC)


def event(
    minute: int, text: str, *, tool: str = "opsgenie", ident: str | None = None
) -> TimelineEvent:
    return TimelineEvent(
        time=moment(8, minute),
        kind=EventKind.MESSAGE,
        text=text,
        source=EventSource(tool=tool, id=ident),
    )


def base_doc() -> Postmortem:
    """A small post-mortem: a few items in every list the merge knows about."""
    return Postmortem(
        incident_id="INC-77",
        title="Search index lagging",
        date=DAY,
        severity=Severity.P2,
        timeline=Timeline(
            detection=DetectionBlock(time=moment(8, 1), detected_by="Lag monitor"),
            events=[event(1, "lag above 5 min", ident="E1"), event(9, "reindex started")],
        ),
        root_cause_analysis=RootCauseAnalysis(
            primary_cause="A stuck consumer",
            contributing_factors=["No lag alert below 10 min", "Single consumer"],
        ),
        action_items=ActionItems(
            immediate=[
                ActionItem(text="Page on lag above 5 min", owner="Rui"),
                ActionItem(text="Document reindex", owner="Ola", due_date=dt.date(2025, 6, 9)),
            ],
            short_term=[ActionItem(text="Run two consumers", priority=Priority.MEDIUM)],
        ),
        prevention_measures=PreventionMeasures(
            technical=[CheckItem(text="Consumer health check")],
            process=[CheckItem(text="Lag review in stand-up")],
        ),
        follow_up=FollowUp(success_criteria=[CheckItem(text="No lag pages for 30 days")]),
        appendix=Appendix(references=["Consumer runbook"]),
    )


def changed(doc: Postmortem, **paths: Any) -> Postmortem:
    """A copy with dotted paths set: ``changed(doc, **{"root_cause_analysis.primary_cause": x})``."""
    data = doc.model_dump()
    for path, value in paths.items():
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return Postmortem.model_validate(data)


def items(doc: Postmortem) -> list[tuple[str, str, str | None, str]]:
    """(horizon, text, owner, status) of every action item."""
    return [
        (horizon.value, item.text, item.owner, item.status.value)
        for horizon, listed in doc.action_items.by_horizon()
        for item in listed
    ]


def with_ids(doc: Postmortem, *ids: str) -> Postmortem:
    """The document with ids given to its action items in order (as `actions set` does)."""
    flat = iter(ids)
    data = doc.model_dump()
    for horizon in ("immediate", "short_term", "long_term"):
        for item in data["action_items"][horizon]:
            item["id"] = next(flat)
    return Postmortem.model_validate(data)
