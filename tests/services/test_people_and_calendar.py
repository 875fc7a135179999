"""services.people and services.calendar."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

from blamefree.errors import NotFound
from blamefree.services import calendar, people
from support.uow import in_uow
from support.updates_doc import NOW


def test_people_are_added_updated_listed_and_removed(engine: Engine) -> None:
    person, new = in_uow(engine, people.add_person, name="Noor", email="noor@example.com")
    assert (person.name, person.email, new) == ("Noor", "noor@example.com", True)
    _, again = in_uow(engine, people.add_person, name="Noor", slack="@noor")
    assert again is False
    listed = in_uow(engine, people.list_people)
    assert [(p.name, p.email, p.slack) for p in listed] == [("Noor", "noor@example.com", "@noor")]
    in_uow(engine, people.remove_person, name="Noor")
    assert in_uow(engine, people.list_people) == []
    with pytest.raises(NotFound):
        in_uow(engine, people.remove_person, name="Noor")


def test_the_calendar_holds_open_items_and_reviews(engine: Engine, ledger: str) -> None:
    data = in_uow(engine, calendar.build_calendar, now=NOW, owner="Noor")
    events = [c for c in Calendar.from_ical(data).walk("VEVENT")]
    summaries = sorted(str(e.get("SUMMARY")) for e in events)
    assert any("Alert when the export runs longer than two hours" in s for s in summaries)
    assert not any("Clean temporary files" in s for s in summaries)  # Ines's, not Noor's
    assert sum("review" in s for s in summaries) == 3
