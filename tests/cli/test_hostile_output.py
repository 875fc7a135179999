"""Stored text prints literally from every command: never markup, never terminal controls.

The corpus (tests/data/hostile/terminal.json) holds Rich markup that is not ours, ANSI and OSC
sequences, BEL, CR, C1 controls, bidirectional overrides and very long lines. Each string is
stored as a title, an action item's text and owner, an event's text and actor, a person's name
and a line of a document, then every command that shows such text is run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import Phase, ReviewKind, Severity
from blamefree.domain.postmortem import (
    ActionItem,
    ActionItems,
    CheckItem,
    ExecutiveSummary,
    FollowUp,
    Postmortem,
    PreventionMeasures,
)
from blamefree.domain.timeline import EventKind
from blamefree.services import people, reviews, timeline
from blamefree.services import postmortems as service
from blamefree.terminal import visible
from support.cli import Invoke, Run
from support.uow import in_uow

CORPUS = json.loads(
    (Path(__file__).parents[1] / "data" / "hostile" / "terminal.json").read_text("utf-8")
)
SHORT = [*CORPUS["markup"], *CORPUS["controls"], *CORPUS["bidi"]]
LONG = CORPUS["long"]
EVERY = [*SHORT, *LONG]
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
WIDE = {"COLUMNS": "3000"}
NOW = "2024-03-25T09:00:00Z"
EXAMPLE = Path(__file__).parents[2] / "src" / "blamefree" / "data" / "example-postmortem.md"


def _clean(run: Run) -> str:
    """The whole output, after checking that no raw control character is in it."""
    out = run.stdout + run.stderr
    found = RAW_CONTROL.search(out)
    assert found is None, f"raw {found.group()!r} at {found.start()}: {out[:200]!r}"
    assert "Traceback" not in out
    return out


def _shown(out: str, texts: list[str]) -> None:
    missing = [text for text in texts if visible(text) not in out]
    assert not missing, f"not shown literally: {missing}"


def _incident(n: int) -> str:
    return f"INC-H-{n}"


@pytest.fixture
def stored(engine: Engine) -> list[str]:
    """One post-mortem per hostile string, with everything in it written in that string."""
    day = dt.date(2024, 3, 12)
    for n, text in enumerate(EVERY):
        doc = Postmortem(
            incident_id=_incident(n),
            title=text,
            date=day,
            severity=Severity.P1,
            executive_summary=ExecutiveSummary(what_happened=text, root_cause=text),
            action_items=ActionItems(
                immediate=[ActionItem(text=text, owner=text, due_date=dt.date(2024, 3, 19))]
            ),
            prevention_measures=PreventionMeasures(technical=[CheckItem(text=text)]),
            follow_up=FollowUp(success_criteria=[CheckItem(text=text)]),
        )
        in_uow(engine, service.create_postmortem, postmortem_in=doc, message="created")
        event = timeline.manual_event(
            at=dt.datetime(2024, 3, 12, 14, 0, tzinfo=dt.UTC),
            text=text,
            phase=Phase.DETECTION,
            actor=text,
            key=True,
            kind=EventKind.CUSTOM,
            link=None,
            at_text="2024-03-12T14:00:00Z",
        )
        in_uow(engine, timeline.append_event, incident_id=_incident(n), event=event)
        if len(text) <= people.NAME_MAX:
            in_uow(engine, people.add_person, name=text, email=f"p{n}@example.invalid")
        in_uow(
            engine,
            reviews.record_review,
            incident_id=_incident(n),
            kind=ReviewKind.ONE_WEEK,
            now=dt.datetime(2024, 3, 20, tzinfo=dt.UTC),
            notes=text,
            by=text,
        )
    return [_incident(n) for n in range(len(EVERY))]


def test_lists_print_titles_owners_and_names_literally(cli: Invoke, stored: list[str]) -> None:
    _shown(_clean(cli("list", env=WIDE)), SHORT)
    _shown(_clean(cli("--now", NOW, "actions", "list", env=WIDE)), SHORT)
    _clean(cli("--now", NOW, "actions", "list", env={"COLUMNS": "80"}))
    _shown(_clean(cli("--now", NOW, "reviews", "list", "--all", env=WIDE)), SHORT)
    _shown(_clean(cli("people", "list", env=WIDE)), SHORT)
    _clean(cli("list", env={"COLUMNS": "80"}))


def test_one_post_mortem_at_a_time(cli: Invoke, stored: list[str]) -> None:
    views = json.loads(cli("--now", NOW, "actions", "list", "--json").stdout)
    uid = {view["incident_id"]: view["id"] for view in views}
    for n, incident_id in enumerate(stored):
        text = EVERY[n]
        expected = [text] if text in SHORT else []
        _shown(_clean(cli("show", incident_id, env=WIDE)), expected)
        _shown(_clean(cli("timeline", "list", incident_id, env=WIDE)), expected)
        _shown(_clean(cli("actions", "show", uid[incident_id], env=WIDE)), expected)
        _shown(_clean(cli("actions", "prevention", incident_id, env=WIDE)), expected)
        _shown(_clean(cli("actions", "criteria", incident_id, env=WIDE)), expected)
        _clean(cli("lint", incident_id, env=WIDE))
    for incident_id in stored[:: len(stored) // 4]:
        _clean(cli("timeline", "list", incident_id, env={"COLUMNS": "80"}))
        _clean(cli("history", incident_id, env=WIDE))
        _clean(cli("metrics", incident_id, env=WIDE))


def test_json_keeps_the_text_exactly_and_escapes_every_control(
    cli: Invoke, stored: list[str]
) -> None:
    listed = cli("list", "--json")
    _clean(listed)
    assert sorted(s["title"] for s in json.loads(listed.stdout)) == sorted(EVERY)
    actions = cli("--now", NOW, "actions", "list", "--json")
    _clean(actions)
    assert sorted(a["owner"] for a in json.loads(actions.stdout)) == sorted(EVERY)
    for n, incident_id in enumerate(stored[: len(SHORT)]):
        events = cli("timeline", "list", incident_id, "--json")
        _clean(events)
        assert [e["actor"] for e in json.loads(events.stdout)] == [EVERY[n]]


def test_reminder_digests_print_literally(cli: Invoke, stored: list[str]) -> None:
    run = cli("--now", NOW, "remind", "--dry-run", env=WIDE)
    assert run.exit_code == 0
    _shown(_clean(run), SHORT)


def test_lint_source_lines_and_file_names_print_literally(cli: Invoke, tmp_path: Path) -> None:
    template = EXAMPLE.read_text(encoding="utf-8")
    files = []
    # Reading a file turns a lone CR into a line break (universal newlines): nothing to escape.
    quoted = [text for text in SHORT if "\r" not in text]
    for n, text in enumerate(quoted):
        # A blaming sentence on the same line, so the line is quoted with its finding.
        path = tmp_path / f"draft-{n}.md"
        path.write_text(
            template.replace(
                "Config rollback to the previous release and a rolling restart.",
                f"Dave broke the deploy. {text}",
            ),
            encoding="utf-8",
        )
        files.append(str(path))
    run = cli("lint", *files, "--select", "BF101", env=WIDE)
    assert run.exit_code == 1
    _shown(_clean(run), [visible(text, one_line=True) for text in quoted])
    github = cli("lint", *files, "--select", "BF101", "--format", "github")
    assert github.stdout.count("::error ") == len(quoted)
    _clean(github)
    for fmt in ("json", "sarif"):
        _clean(cli("lint", *files, "--select", "BF101", "--format", fmt))


def test_import_reports_and_errors_print_file_names_literally(cli: Invoke, tmp_path: Path) -> None:
    # No "/" in a file name, so the markup here opens tags instead of closing them.
    names = ["pm \x1b]0;owned\x07 [bold red].md", "[link=mailto:x@example.invalid]x \u202e.md"]
    good = tmp_path / names[0]
    good.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / names[1]
    bad.write_text("not a post-mortem at all\n", encoding="utf-8")
    run = cli("import", str(good), str(bad), env=WIDE)
    assert run.exit_code == 3
    out = _clean(run)
    _shown(out, names)
    assert "1 imported, 1 failed." in out
    history = cli("history", "INC-2024-0142", env=WIDE)
    _shown(_clean(history), [f"imported from {names[0]}"])


def test_errors_print_what_was_typed_literally(cli: Invoke, stored: list[str]) -> None:
    for text in CORPUS["markup"]:
        run = cli("people", "remove", f"{text} (nobody)", env=WIDE)
        assert run.exit_code == 4
        assert repr(f"{text} (nobody)") in _clean(run)  # the message quotes it with repr()
    typed = "[/bold] \x1b[2J \x07"
    run = cli("--now", NOW, "actions", "list", "--status", typed, env=WIDE)
    assert run.exit_code == 2
    _clean(run)
    run = cli("list", "--severity", typed, env=WIDE)
    assert run.exit_code == 2
    assert "is not one of P0, P1, P2, P3" in _clean(run)


def test_a_name_too_long_for_the_directory_is_refused_alike_on_every_store(cli: Invoke) -> None:
    run = cli("people", "add", "n" * (people.NAME_MAX + 1))
    assert run.exit_code == 3
    assert "field 'name': a name is at most 200 characters, this one has 201" in run.stderr
