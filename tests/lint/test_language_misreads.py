"""Language misreads found on real post-mortems, by class, with examples of our own.

Product and component names are systems; a ticked checkbox's mark is not a word; "just" before
an amount or a time does not minimise; blame aimed at a group or an unnamed role is found; a
minimised action done again without a check is found.
"""

from __future__ import annotations

import pytest

from blamefree.lint import lint_text
from blamefree.lint.language import check_text


def spans(text: str) -> list[tuple[str, str]]:
    """(rule, covered text) for every finding in a one-line text."""
    return [(f.rule, text[f.column - 1 : f.end_column - 1]) for f in check_text(text)]


@pytest.mark.parametrize(
    "text",
    [
        # Capitalised product and component names, alone or in a run of capitalised words.
        "The Billing Service crashed twice during the batch window.",
        "Order Router broke the fan-out for about ten minutes.",
        "After the upgrade, Cloud Functions dropped every second request.",
        "Event Pipeline corrupted the hourly aggregates.",
        "The Fraud Gateway crashed as the rules reloaded.",
        "Search Index Builder broke at 02:00 when the disk filled.",
        "Kafka Streams corrupted the changelog topic.",  # a known system before the word
        "App crash reports tripled after 4.2 shipped.",
        "- **Symptom:** App crash loops on older phones.",
        # A ticked checkbox: the word after the mark starts the item, as in an unticked one.
        "- [x] Default retry budget applied to every consumer",
        "- [X] Translations missing from the bundle restored",
        "1. [x] Cache crash dumps for a week",
        # "just" before an amount or a time.
        "Just over a third of the nodes rebooted.",
        "The queue was just under its limit when the second burst came.",
        "The patch was just over 20 lines.",
        "Replication lag stayed just above the threshold all night.",
        # The same verbs done again by a system.
        "The scheduler simply re-ran the job once the lock was released.",
    ],
)
def test_these_are_not_blame(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A first name in a run of capitalised words is still a person.
        ("Priya Shah broke the deploy on Friday.", [("BF101", "Shah broke")]),
        ("On Tuesday Ivana broke the staging build.", [("BF101", "Ivana broke")]),
        # Blame aimed at a group or an unnamed role.
        (
            "The SREs couldn't be bothered to read the capacity report.",
            [("BF105", "SREs couldn't be bothered")],
        ),
        (
            "The release crew can't be bothered with the checklist.",
            [("BF105", "crew can't be bothered")],
        ),
        (
            "The reviewer could not be bothered to run the tests.",
            [("BF104", "could not be bothered")],
        ),
        (
            "The approver ought to have known about the change freeze.",
            [("BF103", "ought to have")],
        ),
        (
            "The committer should have read the migration notes.",
            [("BF103", "should have")],
        ),
        (
            "Somebody in the platform group should have spotted the expiry.",
            [("BF103", "should have")],
        ),
        (
            "Whoever merged this ought to have waited for CI.",
            [("BF103", "ought to have waited")],
        ),
        # A minimised action done again without a check.
        (
            "Omar simply re-applied the manifest without checking the diff.",
            [("BF101", "Omar simply re-applied"), ("BF107", "simply re-applied")],
        ),
        (
            "She simply re-ran the backfill without reading the runbook.",
            [("BF101", "She simply re-ran"), ("BF107", "simply re-ran")],
        ),
    ],
)
def test_these_are_blame(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


CRITERIA = """\
# Post-Mortem: Flags hid the export button

## Executive Summary

**What Happened:** The export button was hidden for a day.

## Timeline

### Detection
- **Time:** 09:00 UTC

## Root Cause Analysis

### Primary Cause
A flag read by the build had no default, because the flag service returned nothing for it.

## Follow-Up

### Success Criteria
- [{}] Default missing flags to the previous screen
"""


def test_a_ticked_criterion_is_linted_like_an_unticked_one() -> None:
    ticked = [f.rule for f in lint_text(CRITERIA.format("x")) if f.rule.startswith("BF1")]
    unticked = [f.rule for f in lint_text(CRITERIA.format(" ")) if f.rule.startswith("BF1")]
    assert ticked == unticked == []


def test_messages_stay_about_the_work_not_the_people() -> None:
    [hit] = check_text("The DBAs couldn't be bothered to check the replica lag.")
    assert hit.message == "names a team as the cause of a failure: 'DBAs couldn't be bothered'"
    assert hit.suggestion.startswith("Describe the process or hand-off between teams")
