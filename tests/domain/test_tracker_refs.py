"""The strict grammar of tracker references: what may ever become part of a tracker request."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blamefree.domain.enums import TrackerSystem
from blamefree.domain.tracker_refs import (
    GitHubRef,
    InvalidReference,
    JiraRef,
    is_github_repo,
    is_jira_project,
    parse_github_key,
    parse_jira_key,
    parse_reference,
    reference_problem,
)

SAFE_KEY = re.compile(r"[A-Za-z0-9._/#-]+")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("OPS-5", JiraRef("OPS", 5)),
        ("PLAT_2-31", JiraRef("PLAT_2", 31)),
        ("AB-9999999999", JiraRef("AB", 9_999_999_999)),
        ("ABCDEFGHIJ-1", JiraRef("ABCDEFGHIJ", 1)),
    ],
)
def test_jira_keys_that_follow_the_grammar(key: str, expected: JiraRef) -> None:
    assert parse_jira_key(key) == expected
    assert parse_jira_key(key).key == key


@pytest.mark.parametrize(
    "key",
    [
        "../../../../rest/auth/1/session",
        "OPS-6?expand=names",
        "OPS-7%2F..%2Fmyself",
        "OPS-7/../../myself",
        "ops-8",
        "O-1",  # a project key has at least two characters
        "ABCDEFGHIJK-1",  # and at most ten
        "9OPS-1",
        "OPS-0",
        "OPS-012",
        "OPS-12345678901",
        "OPS-١٢",
        "OPS-12\n",
        "OPS-12 ",
        " OPS-12",
        "OPS",
        "OPS-",
        "-12",
        "OPS--12",
        "",
    ],
)
def test_jira_keys_outside_the_grammar_are_refused(key: str) -> None:
    with pytest.raises(InvalidReference):
        parse_jira_key(key)
    assert reference_problem(TrackerSystem.JIRA, key) is not None


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("#9", GitHubRef(9)),
        ("acme/ops#12", GitHubRef(12, "acme/ops")),
        ("Acme-Corp/ops.tools_v2#3", GitHubRef(3, "Acme-Corp/ops.tools_v2")),
        ("a/.github#1", GitHubRef(1, "a/.github")),
    ],
)
def test_github_references_that_follow_the_grammar(key: str, expected: GitHubRef) -> None:
    assert parse_github_key(key) == expected
    assert parse_reference(TrackerSystem.GITHUB, key).key == key


@pytest.mark.parametrize(
    "key",
    [
        "../../user/repos#1",
        "acme/..#5",
        "acme/.#5",
        "https://evil.example/acme/ops#2",
        "acme/ops#3#comments",
        "acme/ops#007",
        "acme/ops#0",
        "acme/ops#",
        "acme/ops",
        "acme#4",
        "acme/ops/issues#4",
        "-acme/ops#4",
        "acme-/ops#4",
        "ac--me/ops#4",
        "a" * 40 + "/ops#4",
        "acme/" + "r" * 101 + "#4",
        "acme/ops%2F..#4",
        "acme/ops #4",
        "acme/ops#4\n",
        "ácme/ops#4",
        "OPS-12",
        "#",
    ],
)
def test_github_references_outside_the_grammar_are_refused(key: str) -> None:
    with pytest.raises(InvalidReference):
        parse_github_key(key)
    assert reference_problem(TrackerSystem.GITHUB, key) is not None


def test_a_refusal_quotes_the_key_visibly_and_briefly() -> None:
    with pytest.raises(InvalidReference) as caught:
        parse_jira_key("\x1b]0;title\x07" + "x" * 200)
    assert "\x1b" not in caught.value.reason
    assert "\\x1b" in caught.value.reason
    assert "x" * 80 not in caught.value.reason
    assert "xxx…' is not a Jira issue key" in caught.value.reason


def test_configured_project_and_repository_follow_the_same_rules() -> None:
    assert (is_jira_project("OPS"), is_jira_project("ops"), is_jira_project("OPS/x")) == (
        True,
        False,
        False,
    )
    assert (is_github_repo("acme/ops"), is_github_repo("acme"), is_github_repo("a/b/c")) == (
        True,
        False,
        False,
    )
    assert is_github_repo("../ops") is False


@given(st.text(max_size=60))
def test_whatever_parses_is_made_of_safe_characters_only(text: str) -> None:
    for system in TrackerSystem:
        try:
            ref = parse_reference(system, text)
        except InvalidReference:
            continue
        assert SAFE_KEY.fullmatch(ref.key)
        assert ".." not in ref.key.split("/")
        assert ref.key == text
