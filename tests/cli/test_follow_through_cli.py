"""Follow-through through the CLI on a fixed clock: actions, reviews, people, calendar."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from blamefree.domain.enums import Priority, Severity
from blamefree.domain.postmortem import ActionItem, ActionItems, Postmortem
from blamefree.markdown.render import render
from support.cli import Invoke

NOW = "2024-03-25T09:00:00Z"  # a Monday; INC-1 happened on 2024-03-12, INC-2 on 2024-03-20


@pytest.fixture
def run(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """The CLI on a fixed clock, with two post-mortems imported."""
    monkeypatch.setenv("BLAMEFREE_NOW", NOW)
    first = Postmortem(
        incident_id="INC-1",
        title="Checkout outage",
        date=dt.date(2024, 3, 12),
        severity=Severity.P1,
        action_items=ActionItems(
            immediate=[ActionItem(text="Raise pool size", owner="Dana")],  # no due date
            short_term=[
                ActionItem(
                    text="Load test checkout",
                    owner="Lee",
                    due_date=dt.date(2024, 3, 28),
                    priority=Priority.MEDIUM,
                )
            ],
        ),
    )
    second = Postmortem(
        incident_id="INC-2",
        title="Search slow",
        date=dt.date(2024, 3, 20),
        severity=Severity.P3,
        action_items=ActionItems(
            immediate=[ActionItem(text="Fix runbook", owner="Dana", due_date=dt.date(2024, 3, 22))]
        ),
    )
    for doc in (first, second):
        path = tmp_path / f"{doc.incident_id}.md"
        path.write_text(render(doc), encoding="utf-8")
        assert cli("import", str(path)).exit_code == 0
    return cli


def _json(run: Invoke, *args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _ids(run: Invoke) -> dict[str, str]:
    return {item["text"]: item["id"] for item in _json(run, "actions", "list")}


def test_listing_with_and_without_due_dates_on_a_fixed_clock(run: Invoke) -> None:
    items = _json(run, "actions", "list")
    assert [
        (i["incident_id"], i["text"], i["due_date"], i["due_date_is_default"], i["overdue"])
        for i in items
    ] == [
        ("INC-2", "Fix runbook", "2024-03-22", False, True),
        ("INC-1", "Raise pool size", "2024-03-19", True, True),
        ("INC-1", "Load test checkout", "2024-03-28", False, False),
    ]
    assert all(i["id"].startswith("A-") and len(i["id"]) == 8 for i in items)
    overdue = _json(run, "actions", "list", "--overdue")
    assert [i["text"] for i in overdue] == ["Fix runbook", "Raise pool size"]
    p1 = _json(run, "actions", "list", "--overdue", "--severity", "P1")
    assert [i["text"] for i in p1] == ["Raise pool size"]
    soon = _json(run, "actions", "list", "--due-within", "7d", "--owner", "Lee")
    assert [i["text"] for i in soon] == ["Load test checkout"]
    assert _json(run, "actions", "list", "--due-within", "2d", "--owner", "Lee") == []
    assert _json(run, "actions", "list", "--status", "done") == []
    table = run("actions", "list", "--overdue")
    assert "2024-03-19* (6d late)" in table.stdout
    assert "no due date given" in table.stdout
    bad = run("actions", "list", "--due-within", "soon")
    assert (bad.exit_code, "like 7d" in bad.stderr) == (2, True)


def test_add_defaults_the_due_date_and_flags_one_outside_its_horizon(run: Invoke) -> None:
    added = run(
        "actions", "add", "INC-1", "Alert on pool saturation", "--horizon", "immediate",
        "--owner", "Dana", "--type", "detect", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    data = json.loads(added.stdout)
    assert (data["due_date"], data["type"], data["status"], data["overdue"]) == (
        "2024-03-19",
        "detect",
        "open",
        True,
    )
    late = run(
        "actions", "add", "INC-1", "Chaos test", "--horizon", "immediate", "--due", "2024-05-01"
    )
    assert late.exit_code == 0
    assert "after the end of the immediate horizon (2024-03-19" in late.stderr.replace("\n", " ")
    markdown = run("export", "INC-1", "--format", "md").stdout
    assert (
        "- [ ] Alert on pool saturation\n  - **Owner:** Dana\n  - **Due Date:** 2024-03-19\n"
        in (markdown)
    )
    assert "  - **Type:** detect\n" in markdown
    assert "**ID:**" not in markdown  # every item's text tells it apart: no id lines needed
    assert run("actions", "add", "INC-404", "x").exit_code == 4


def test_status_changes_update_the_checkbox_and_keep_history(run: Invoke) -> None:
    ids = _ids(run)
    raise_pool = ids["Raise pool size"]
    done = run("actions", "set", raise_pool, "--status", "done", "--by", "dana")
    assert done.exit_code == 0, done.stderr
    markdown = run("export", "INC-1", "--format", "md").stdout
    assert "- [x] Raise pool size\n  - **Owner:** Dana\n" in markdown
    assert "**ID:**" not in markdown  # the box is ticked; no other line changed
    wont = run("actions", "set", ids["Load test checkout"], "--status", "won't do", "--by", "lee")
    assert wont.exit_code == 0
    markdown = run("export", "INC-1", "--format", "md").stdout
    assert "- [ ] Load test checkout\n" in markdown
    assert "  - **Status:** won't do\n" in markdown
    # Both committed items are closed: the data says the criterion is met, but the box is the
    # author's and stays as written until they tick it (or run `actions criteria --apply`).
    assert "- [ ] All action items completed\n" in markdown
    criteria = _json(run, "actions", "criteria", "INC-1")
    assert (criteria[0]["written"], criteria[0]["derived"], criteria[0]["disagrees"]) == (
        False,
        True,
        True,
    )

    shown = _json(run, "actions", "show", raise_pool)
    assert shown["closed_at"] == "2024-03-25T09:00:00+00:00"
    assert [(h["field"], h["old"], h["new"], h["by"]) for h in shown["history"]] == [
        ("created", None, "open", getpass.getuser()),  # who imported it (no --as given)
        ("status", "open", "done", "dana"),
    ]
    assert shown["history"][1]["at"] == "2024-03-25T09:00:00+00:00"
    history = _json(run, "history", "INC-1")
    assert [h["message"] for h in history][1:] == [
        f"{raise_pool}: status done",
        f"{ids['Load test checkout']}: status won't do",
    ]
    assert _json(run, "actions", "list", "--overdue", "--incident", "INC-1") == []

    refused = run("actions", "set", raise_pool, "--status", "proposed")
    assert refused.exit_code == 3  # ValidationFailed: a rule of the model, naming the field
    assert "field 'status': " in refused.stderr
    assert "reopen it as open or in progress" in refused.stderr.replace("\n", " ")
    assert run("actions", "set", "A-NOPE00", "--status", "done").exit_code == 4
    assert run("actions", "set", raise_pool).exit_code == 2


def test_assign_and_move(run: Invoke) -> None:
    runbook = _ids(run)["Fix runbook"]
    assigned = _json(run, "actions", "assign", runbook, "Sam")
    assert assigned["owner"] == "Sam"
    moved = run("actions", "move", runbook, "--horizon", "long_term", "--json")
    data = json.loads(moved.stdout)
    assert (data["horizon"], data["due_date"], data["id"]) == ("long_term", "2024-03-22", runbook)
    assert data["flags"] == ["within_shorter_horizon"]
    markdown = run("export", "INC-2", "--format", "md").stdout
    long_term = markdown[markdown.index("### Long-term") :]
    # The template's placeholder item stays where it was written; the moved item follows it.
    assert long_term.startswith(
        "### Long-term (Next 90 Days)\n- [ ] [Action item 4]\n  - **Owner:** [Name]\n"
        "  - **Due Date:** [Date]\n  - **Priority:** High/Medium/Low\n\n"
        "- [ ] Fix runbook\n  - **Owner:** Sam\n"
    )
    fields = [h["field"] for h in _json(run, "actions", "show", runbook)["history"]]
    assert fields == ["created", "owner", "horizon"]


def test_prevention_measures_and_custom_criteria(run: Invoke, tmp_path: Path) -> None:
    doc = Postmortem.model_validate(
        {
            "incident_id": "INC-3",
            "date": "2024-03-01",
            "prevention_measures": {"monitoring": [{"text": "Saturation alert"}]},
        }
    )
    path = tmp_path / "inc3.md"
    path.write_text(render(doc), encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    measures = _json(run, "actions", "prevention", "INC-3", "monitoring", "1", "--status", "done")
    assert measures == [
        {
            "incident_id": "INC-3",
            "category": "monitoring",
            "number": 1,
            "text": "Saturation alert",
            "status": "done",
            "closed_at": "2024-03-25T09:00:00+00:00",
        }
    ]
    criteria = _json(run, "actions", "criteria", "INC-3", "--add", "No alerts for 30 days")
    assert [(c["text"], c["written"], c["derived"]) for c in criteria] == [
        ("All action items completed", False, False),
        ("Prevention measures implemented", False, True),
        ("Monitoring improved", False, True),
        ("Team trained on new procedures", False, None),
        ("No alerts for 30 days", False, None),
    ]
    ticked = _json(run, "actions", "criteria", "INC-3", "--check", "5")
    assert (ticked[4]["written"], ticked[4]["met"]) == (True, True)
    assert run("actions", "criteria", "INC-3", "--check", "2").exit_code == 3
    markdown = run("export", "INC-3", "--format", "md").stdout
    assert "- [ ] Monitoring improved\n" in markdown  # the data does not tick it by itself
    assert "- [x] No alerts for 30 days\n" in markdown
    applied = _json(run, "actions", "criteria", "INC-3", "--apply")
    assert [c["disagrees"] for c in applied] == [False] * 5
    markdown = run("export", "INC-3", "--format", "md").stdout
    assert "- [x] Prevention measures implemented\n- [x] Monitoring improved\n" in markdown
    assert _json(run, "history", "INC-3")[-1]["message"] == (
        "success criteria set from the data: Prevention measures implemented, Monitoring improved"
    )


def test_reviews_list_record_and_schedule(run: Invoke) -> None:
    reviews = _json(run, "reviews", "list")
    assert [(r["incident_id"], r["kind"], r["due_date"], r["overdue"]) for r in reviews] == [
        ("INC-1", "1w", "2024-03-19", True),
        ("INC-2", "1w", "2024-03-27", False),
        ("INC-1", "1m", "2024-04-11", False),
        ("INC-2", "1m", "2024-04-19", False),
        ("INC-1", "3m", "2024-06-10", False),
        ("INC-2", "3m", "2024-06-18", False),
    ]
    overdue = _json(run, "reviews", "list", "--overdue")
    assert [(r["incident_id"], r["kind"]) for r in overdue] == [("INC-1", "1w")]
    upcoming = _json(run, "reviews", "list", "--upcoming", "14d")
    assert [(r["incident_id"], r["kind"]) for r in upcoming] == [("INC-2", "1w")]

    recorded = _json(
        run, "reviews", "record", "INC-1", "1w", "--notes", "Pool fixed", "--by", "lee"
    )
    assert (recorded["done_at"], recorded["notes"], recorded["by"]) == (
        "2024-03-25T09:00:00+00:00",
        "Pool fixed",
        "lee",
    )
    assert _json(run, "reviews", "list", "--overdue") == []
    held = _json(run, "reviews", "list", "--all", "--incident", "INC-1")
    assert [r["done_at"] is not None for r in held] == [True, False, False]

    moved = _json(run, "reviews", "schedule", "INC-1", "1m", "--date", "2024-04-15")
    assert (moved["due_date"], moved["due_date_is_default"]) == ("2024-04-15", False)
    assert (
        "- **1 Month Follow-Up:** 2024-04-15\n" in run("export", "INC-1", "--format", "md").stdout
    )
    assert run("reviews", "record", "INC-404", "1w").exit_code == 4
    early = run("reviews", "schedule", "INC-1", "3m", "--date", "2024-01-01")
    assert (early.exit_code, "field 'date': 2024-01-01 is before the incident" in early.stderr) == (
        3,
        True,
    )


def test_people_directory(run: Invoke) -> None:
    added = run("people", "add", "Dana", "--email", "dana@example.com", "--slack", "dana")
    assert added.exit_code == 0
    assert run("people", "add", "Lee", "--email", "not-an-address").exit_code == 3
    run("people", "add", "Dana", "--slack", "@dana.k")
    assert _json(run, "people", "list") == [
        {"name": "Dana", "email": "dana@example.com", "slack": "@dana.k"}
    ]


def _events(ics: str) -> dict[str, Any]:
    calendar = Calendar.from_ical(ics)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_calendar_feed_parses_and_keeps_its_uids(run: Invoke) -> None:
    ids = _ids(run)
    first = run("calendar")
    assert first.exit_code == 0, first.stderr
    events = _events(first.stdout)
    assert set(events) == {
        f"{ids['Raise pool size']}@blamefree",
        f"{ids['Load test checkout']}@blamefree",
        f"{ids['Fix runbook']}@blamefree",
        *(f"review-INC-{n}-{k}@blamefree" for n in (1, 2) for k in ("1w", "1m", "3m")),
    }
    pool = events[f"{ids['Raise pool size']}@blamefree"]
    assert pool.decoded("DTSTART") == dt.date(2024, 3, 19)  # all day, the horizon's end
    assert pool.decoded("DTEND") == dt.date(2024, 3, 20)
    assert str(pool["SUMMARY"]) == f"Due: Raise pool size ({ids['Raise pool size']})"
    review = events["review-INC-1-1m@blamefree"]
    assert review.decoded("DTSTART") == dt.date(2024, 4, 11)
    assert str(review["SUMMARY"]) == "1-month review of INC-1: Checkout outage"

    # A change and a second export: same UIDs, the changed event moves, closed items leave.
    run("actions", "set", ids["Load test checkout"], "--due", "2024-04-02")
    run("actions", "set", ids["Fix runbook"], "--status", "done")
    second = _events(run("calendar").stdout)
    assert set(second) == set(events) - {f"{ids['Fix runbook']}@blamefree"}
    assert second[f"{ids['Load test checkout']}@blamefree"].decoded("DTSTART") == dt.date(
        2024, 4, 2
    )

    lee = _events(run("calendar", "--owner", "Lee").stdout)
    assert set(lee) == {
        f"{ids['Load test checkout']}@blamefree",
        *(f"review-INC-1-{k}@blamefree" for k in ("1w", "1m", "3m")),
    }
