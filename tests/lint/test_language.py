"""Blaming-language rules: exact spans, neutral text left alone, configuration."""

from __future__ import annotations

import pytest

from blamefree.errors import ConfigError
from blamefree.lint.finding import Finding, Level, Rule, index_rules
from blamefree.lint.language import RULES, LanguageConfig, check_text


def spans(text: str, **kwargs: object) -> list[tuple[str, int, int, int, int]]:
    return [
        (f.rule, f.line, f.column, f.end_line, f.end_column)
        for f in check_text(text, **kwargs)  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dave broke the deploy.", [("BF101", 1, 1, 1, 11)]),
        ("@sam's change took down prod.", [("BF101", 1, 1, 1, 24)]),
        ("The outage was caused by Priya.", [("BF101", 1, 16, 1, 31)]),
        ("Root cause: human error.", [("BF102", 1, 13, 1, 24)]),
        ("The engineer should have checked the dashboard.", [("BF103", 1, 14, 1, 25)]),
        ("This was a careless mistake.", [("BF104", 1, 12, 1, 20)]),
        ("QA let this through.", [("BF105", 1, 1, 1, 7)]),
        ("Why didn't anyone check the logs?", [("BF106", 1, 1, 1, 34)]),
        ("Just restart it.", [("BF107", 1, 1, 1, 13)]),
        ("Intro line.\n\nThen Dave broke\nthe build.", [("BF101", 3, 6, 3, 16)]),
    ],
)
def test_exact_spans(text: str, expected: list[tuple[str, int, int, int, int]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The health check failed to respond.",
        "The error rate climbed to 12% at 14:07 UTC.",
        "Logs are now human-readable.",
        "We set `should_retry` to false.",
        "Running git blame on the file showed the change.",
        "Alice paged the secondary at 14:05.",
        "- 14:22 Dave rolled back the deploy and latency recovered.",
        "The alert should have fired but the rule was misconfigured.",
        'The ticket said "Dave broke it, he should have checked".',
        "> Dave broke it. Someone should have checked.",
        "Inline `Dave broke prod` code is ignored.",
        "Text.\n\n```\nDave broke the build; careless!\n```\n",
        "Text.\n\n    Dave broke the build, obviously.\n",
        "The failover was not obvious from the dashboards.",
        "We enabled lazy loading for the widgets.",
        "Traffic dropped just after 03:00 UTC.",
        "Why did the health check keep passing?",
        "We added a prompt to reduce the risk of human error.",
        "Jenkins broke the build when the agent ran out of disk.",
    ],
)
def test_neutral_text_has_no_finding(text: str) -> None:
    assert check_text(text) == []


def test_finding_carries_rule_metadata_and_suggestion() -> None:
    (finding,) = check_text("Dave broke the deploy.")
    assert finding.category == "blame.person"
    assert finding.severity is Level.ERROR
    assert finding.message == "names a person as the cause of a failure: 'Dave broke'"
    assert "reasonable at the time" in finding.suggestion
    assert (finding.file, finding.field) == (None, None)


def test_line_offset_shifts_lines() -> None:
    assert spans("Dave broke it.", line_offset=10) == [("BF101", 11, 1, 11, 11)]


def test_allowed_names_are_never_persons() -> None:
    assert spans("Hermes broke the build.") == [("BF101", 1, 1, 1, 13)]
    assert (
        check_text("Hermes broke the build.", config=LanguageConfig(allowed_names=("Hermes",)))
        == []
    )


def test_extra_blame_words_are_judgement() -> None:
    config = LanguageConfig(extra_blame_words=("yolo move",))
    assert spans("The rollout was a yolo move.", config=config) == [("BF104", 1, 19, 1, 28)]


def test_disabled_rules_by_id_or_prefix() -> None:
    text = "Dave broke it. Sloppy work."
    assert [f.rule for f in check_text(text)] == ["BF101", "BF104"]
    only_judgement = LanguageConfig(disabled_rules=frozenset({"BF101"}))
    assert [f.rule for f in check_text(text, config=only_judgement)] == ["BF104"]
    assert check_text(text, config=LanguageConfig(disabled_rules=frozenset({"BF1"}))) == []


def test_rules_table_is_complete() -> None:
    assert [rule.id for rule in RULES] == [f"BF10{n}" for n in range(1, 8)]
    assert all(rule.category.startswith("blame.") for rule in RULES)
    assert {rule.severity for rule in RULES} == {Level.ERROR, Level.WARNING}


def test_index_rules_merges_families_and_rejects_duplicates() -> None:
    other = Rule(
        id="BF201",
        category="completeness.placeholder",
        severity=Level.WARNING,
        title="Placeholder",
        description="A template placeholder left unfilled.",
    )
    registry = index_rules(RULES, [other])
    assert list(registry)[-1] == "BF201"
    assert len(registry) == 8
    with pytest.raises(ConfigError, match="BF101 is registered twice"):
        index_rules(RULES, RULES[:1])


def test_finding_is_frozen_and_serialises() -> None:
    (finding,) = check_text("Dave broke the deploy.")
    assert isinstance(finding, Finding)
    assert finding.model_dump(mode="json")["severity"] == "error"
