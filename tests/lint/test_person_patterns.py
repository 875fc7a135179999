"""BF101/BF105 shapes that name a person as the cause: clefts, passives with a person as agent,
a person's artifact doing damage and a person's faulty artifact; each with its neutral twin."""

from __future__ import annotations

import pytest

from blamefree.lint.language import check_text


def spans(text: str) -> list[tuple[str, str]]:
    """(rule, covered text) for every finding in a one-line text."""
    return [(f.rule, text[f.column - 1 : f.end_column - 1]) for f in check_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A cleft singles a person (or team) out for an action.
        (
            "It was Sarah who disabled the alert last month.",
            [("BF101", "It was Sarah who disabled")],
        ),
        ("It's Sarah who deleted the bucket.", [("BF101", "It's Sarah who deleted")]),
        (
            "It was the on-call who silenced the page.",
            [("BF101", "It was the on-call who silenced")],
        ),
        (
            "It was the DBA team that dropped the index.",
            [("BF105", "It was the DBA team that dropped")],
        ),
        # A destructive passive with a person as its agent.
        (
            "The production database was dropped by Kyle during maintenance.",
            [("BF101", "dropped by Kyle")],
        ),
        ("The bucket was deleted by @jdoe.", [("BF101", "deleted by @jdoe")]),
        ("Per the audit trail, the cluster was wiped by Deepa.", [("BF101", "wiped by Deepa")]),
        # A person's artifact does the damage.
        (
            "@jdoe's migration locked the orders table for 40 minutes.",
            [("BF101", "@jdoe's migration locked")],
        ),
        (
            "Dave's query exhausted the connection pool.",
            [("BF101", "Dave's query exhausted")],
        ),
        # A person's faulty artifact, also after a time or label (a name that is also a word).
        (
            "Timeline note: at 09:12 Grace's bad merge took out the payments API.",
            [("BF101", "Grace's bad merge")],
        ),
        ("Root cause: Mark's faulty config.", [("BF101", "Mark's faulty config")]),
        ("We reverted his broken change.", [("BF101", "his broken change")]),
    ],
)
def test_person_named_as_the_cause(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Clefts about finding, fixing or ordinary work; clefts about systems.
        "It was Sarah who found the root cause.",
        "It was Sarah who pushed the fix.",
        "It was Sarah who paged the secondary.",
        "It was the config change that disabled the alert.",
        "It is the scheduler that deleted the jobs.",
        "It was then that Dave deleted the index.",
        # Passives with a person as agent of a non-destructive action, or a system as agent.
        "The alert was acknowledged by Sarah.",
        "The table was restored by Kyle.",
        "The flag was disabled by Priya to stop the bleeding.",
        "The stale rows were deleted by a cron job.",
        "The connection was dropped by the load balancer.",
        # A person's artifact doing good or ordinary work; a system's artifact doing damage.
        "@jdoe's fix restored service.",
        "Grace's dashboard showed the spike.",
        "Grace's change locked down the admin API.",
        "Dave locked the table for the migration.",
        "The migration locked the orders table.",
        "Yesterday's deploy locked the orders table.",
        "The vendor's faulty firmware crashed the switch.",
        "Ingrid's message in #incidents at 14:12 was the first report.",
        "At 09:12 Grace merged the fix and the payments API recovered by 09:20.",
    ],
)
def test_neutral_twin_is_not_flagged(text: str) -> None:
    assert spans(text) == []
