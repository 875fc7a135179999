"""The id grammar and the forgiving reading of enumeration values, as pure functions."""

import pytest

from blamefree.domain import ids
from blamefree.domain.enums import (
    ActionType,
    Horizon,
    Phase,
    Priority,
    ReviewKind,
    Severity,
    TrackerSystem,
    parse_choice,
)


@pytest.mark.parametrize(
    "value",
    ["INC-2024-0142", "FB-SEV1-20211004", "inc.7", "OPS:1203", "x", "A" * 100, "RBX_2021-10-28"],
)
def test_incident_ids_in_use_are_accepted(value: str) -> None:
    assert ids.incident_id(value) == value
    assert ids.is_incident_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "../../notes",
        "/etc/passwd",
        "two..dots",
        "-leading-dash",
        ".hidden",
        "has space",
        "tab\there",
        "new\nline",
        "esc\x1b[2J",
        "[/bold]",
        "",
        "A" * 101,
        "back\\slash",
        "ünïcode",
    ],
)
def test_incident_ids_that_could_be_paths_or_markup_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="is not an incident id: use letters, digits"):
        ids.incident_id(value)
    assert not ids.is_incident_id(value)


def test_action_ids_are_case_blind_and_strict() -> None:
    assert ids.action_id(" a-7f3k2q ") == "A-7F3K2Q"
    for bad in ("A-1", "7F3K2Q", "A-7F3K2Q/../x", "A_7F3K2Q", "A-" + "B" * 25, "[A-7F3K2Q]"):
        with pytest.raises(ValueError, match="is not an action item id"):
            ids.action_id(bad)


def test_event_refs_are_hex_prefixes() -> None:
    assert ids.event_ref("5A65E9") == "5a65e9"
    for bad in ("", "xyz", "5a65e961/..", "0" * 41):
        with pytest.raises(ValueError, match="is not an event reference"):
            ids.event_ref(bad)


def test_a_long_bad_value_is_cut_in_the_message() -> None:
    with pytest.raises(ValueError) as caught:
        ids.incident_id("/" * 500)
    assert len(str(caught.value)) < 250


@pytest.mark.parametrize(
    ("kind", "typed", "expected"),
    [
        (Horizon, "short-term", Horizon.SHORT_TERM),
        (Horizon, "Short-term", Horizon.SHORT_TERM),
        (Horizon, "short term", Horizon.SHORT_TERM),
        (Horizon, "SHORT_TERM", Horizon.SHORT_TERM),
        (Horizon, "long", Horizon.LONG_TERM),
        (Horizon, "Immediate", Horizon.IMMEDIATE),
        (Priority, "medium", Priority.MEDIUM),
        (Priority, "MED", Priority.MEDIUM),
        (Priority, "high", Priority.HIGH),
        (Severity, "p1", Severity.P1),
        (Severity, "P1", Severity.P1),
        (Severity, "sev1", Severity.P1),
        (Severity, "SEV-2", Severity.P2),
        (Severity, "Sev 0", Severity.P0),
        (Severity, "3", Severity.P3),
        (Phase, "post-resolution", Phase.POST_RESOLUTION),
        (Phase, "Impact start", Phase.IMPACT_START),
        (ReviewKind, "1 week", ReviewKind.ONE_WEEK),
        (ReviewKind, "quarter", ReviewKind.THREE_MONTHS),
        (ReviewKind, "1M", ReviewKind.ONE_MONTH),
        (ActionType, "Detect", ActionType.DETECT),
        (TrackerSystem, "GitHub", TrackerSystem.GITHUB),
    ],
)
def test_choices_read_the_way_people_type_them(kind: type, typed: str, expected: object) -> None:
    assert parse_choice(kind, typed) is expected


@pytest.mark.parametrize(
    ("kind", "typed", "allowed"),
    [
        (Severity, "P7", "P0, P1, P2, P3"),
        (Severity, "sev12", "P0, P1, P2, P3"),
        (Horizon, "someday", "immediate, short_term, long_term"),
        (Priority, "p9", "High, Medium, Low"),
        (ReviewKind, "2w", "1w, 1m, 3m"),
    ],
)
def test_a_wrong_choice_names_what_is_allowed(kind: type, typed: str, allowed: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_choice(kind, typed)
    assert str(caught.value) == f"{typed!r} is not one of {allowed}"


def test_a_member_is_returned_as_it_is() -> None:
    assert parse_choice(Horizon, Horizon.LONG_TERM) is Horizon.LONG_TERM
