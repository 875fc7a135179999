"""Language rules found missing or over-eager by the acceptance audit, each with its neutral twin."""

from __future__ import annotations

import pytest

from blamefree.lint.language import check_text


def spans(text: str) -> list[tuple[str, str]]:
    """(rule, covered text) for every finding in a one-line text."""
    return [(f.rule, text[f.column - 1 : f.end_column - 1]) for f in check_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Person or team as the cause, in shapes the first corpus did not have.
        (
            "Marco's typo in the DNS zone file is what brought the site down.",
            [("BF101", "Marco's typo in the DNS zone file is what brought")],
        ),
        ("Responsibility for the outage lies with Chen.", [("BF101", "lies with Chen")]),
        (
            "Responsibility lies with the payments team for not load-testing the change.",
            [("BF105", "lies with the payments team")],
        ),
        (
            "This incident is entirely on the release engineering team.",
            [("BF105", "is entirely on the release engineering team")],
        ),
        (
            "The new intern misconfigured the load balancer.",
            [("BF101", "intern misconfigured")],
        ),
        ("Networking ops misrouted the traffic.", [("BF105", "ops misrouted")]),
        (
            "Mr. Wang has not checked the capacity before the change.",
            [("BF101", "Wang has not checked")],
        ),
        (
            "Deployment done by Ivan without any review.",
            [("BF101", "done by Ivan")],
        ),
        # Counterfactuals and human error.
        (
            "The support staff should of escalated the ticket sooner.",
            [("BF103", "should of")],
        ),
        ("Cause: manual error by the DBA.", [("BF102", "manual error")]),
        # Loaded questions.
        (
            "Why were the warnings ignored for a whole week?",
            [("BF106", "Why were the warnings ignored for a whole week?")],
        ),
        (
            "Q: why did nobody read the deprecation email?",
            [("BF106", "why did nobody read the deprecation email?")],
        ),
        (
            "Isn't it the job of QA to catch this?",
            [("BF106", "Isn't it the job of QA to catch this?")],
        ),
        (
            "How did the reviewers miss a hard-coded password?",
            [
                ("BF106", "How did the reviewers miss a hard-coded password?"),
                ("BF101", "reviewers miss"),
            ],
        ),
        # Judgement and belittling.
        (
            "There's no excuse for letting it expire.",
            [("BF104", "no excuse")],
        ),
        (
            "It is simply a matter of reading the docs.",
            [("BF107", "simply a matter of reading")],
        ),
        ("It was a trivial mistake.", [("BF107", "trivial")]),
    ],
)
def test_blaming_shapes_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The incident was not caused by human error; a race in the scheduler started both jobs.",
        "A customer wrote on the forum, 'your team is incompetent, fix it now'.",
        "The customer called it ‘careless’ in the ticket.",
        "Traffic simply shifted to the remaining healthy region, as designed.",
        "Users who simply refreshed the page got a cached error.",
        "The service just restarts when the probe fails.",
        "The issue was trivially reproducible in staging.",
        "The rollback itself was trivial once the bad commit had been identified.",
        "The retry storm could have been avoided with exponential backoff in the client.",
        "It is just a matter of time before the disk fills.",
        "The incident is on the agenda for Tuesday's review.",
        "The payments team's dashboard shows the incident.",
        "Responsibility for the runbook lies with the payments team's wiki.",
        "The mission control dashboard stayed green.",
        "Mistakes in YAML are easy to make.",
        "Nobody on the bridge could see the EU dashboards, as they were behind a VPN.",
        # The reasoning at the time is what a blameless review asks for.
        "Alice drained the node thinking it was the unhealthy one.",
        # Ownership of follow-up work is not blame.
        "Responsibility for the fix lies with the platform team.",
        "The responsibility for the follow-up is on the SRE team.",
        "Recovery was done by the pipeline without review of the plan.",
    ],
)
def test_neutral_twins_are_not_flagged(text: str) -> None:
    assert spans(text) == []


def test_apostrophes_are_not_taken_for_quotes() -> None:
    # Only a real quote is blanked: "Dave's" and "the engineers'" keep the blame visible.
    assert spans("Dave's change broke the login page, as the engineers' notes show.") == [
        ("BF101", "Dave's change broke")
    ]


def test_care_after_with_is_still_hindsight() -> None:
    assert spans("This should have been caught with a bit more care.") == [
        ("BF103", "should have been caught")
    ]
