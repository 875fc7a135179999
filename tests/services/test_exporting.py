"""Exports from the store (SQLite and PostgreSQL): each format holds the post-mortem's values;
HTML is one file that loads nothing and holds no markup from user text; CSV cells that a
spreadsheet would run are neutralised."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.errors import PostmortemNotFound, UsageError
from blamefree.exporters.tables import BOM
from blamefree.services import exporting
from blamefree.services.exporting import CsvTable, ExportFormat
from support.export_doc import (
    BERLIN,
    EVENTS,
    FORMULA_ACTION,
    RUNBOOK,
    SECTION_XSS,
    TODAY,
    XSS,
    export_text,
    store_export_doc,
)
from support.html_scan import scan
from support.uow import in_uow

HEADINGS = ["Executive Summary", "Timeline", "Impact Assessment", "Root Cause Analysis",
            "What Went Well", "What Went Wrong", "Action Items", "Prevention Measures", "Metrics",
            "Follow-Up", "Appendix", "Sign-Off"]  # fmt: skip
RUNNING = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "img",
           "image", "form", "math", "link", "template", "video", "audio", "source", "picture",
           "input", "button", "details"}  # fmt: skip


@pytest.fixture
def pay318(engine: Engine, tmp_path: Path) -> str:
    return store_export_doc(engine, tmp_path)


def _html(engine: Engine, incident_id: str) -> str:
    exported = in_uow(engine, exporting.export_html, incident_id=incident_id, today=TODAY)
    assert (exported.media_type, exported.file_name) == ("text/html; charset=utf-8", "PAY-318.html")
    return exported.content.decode("utf-8")


def loads_anything(html: str) -> list[str]:
    """Whatever in the file could load or run something: tags, attributes, CSS."""
    found = scan(html)
    problems = [f"<{tag}>" for tag, _ in found.tags if tag in RUNNING]
    for tag, attrs in found.tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}>")
            if name in {"src", "srcset", "poster", "data", "action", "xlink:href", "background"}:
                problems.append(f"<{tag} {name}={value}>")
            if name == "href" and tag != "a":
                problems.append(f"<{tag} href={value}>")
            if name == "href" and not re.match(r"^(https?:|mailto:)", value or ""):
                problems.append(f"<a href={value}>")
            if name == "style" and re.search(r"url\(|@import|expression\(", value or "", re.I):
                problems.append(f"<{tag} style={value}>")
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(styles) == 1
    if re.search(r"url\(|@import|@font-face", styles[0], re.I):
        problems.append("CSS that loads")
    return problems


def test_html_holds_the_headings_values_events_and_action_items(
    engine: Engine, pay318: str
) -> None:
    html = _html(engine, pay318)
    text = scan(html).plain
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in html
    assert "<h1>Post-incident review: payments queue backlog</h1>" in html
    assert "Incident ID PAY-318 Date 2024-03-12 Severity P2 Duration 2h48m" in text
    assert "Impact start 2024-03-12 22:40 CET" in text
    # Metrics: the value, where it came from, and what the Metrics section says.
    assert "Detection Time 12m derived from the timeline 12 min Response Time 9m" in text
    assert "Mitigation Time 1h 25m derived from the timeline not in the template" in text
    assert "Resolution Time 2h 48m derived from the timeline 2h48m" in text
    for _, event_text, _, _ in EVENTS:
        if event_text != XSS:
            assert event_text.replace("'", "&#39;") in html
    assert (
        "2024-03-12 22:41 CET Detection Key: +cmd|' /C calc'!A0 queue depth alert Lena manual · custom"
        in text
    )
    assert f"Priority {FORMULA_ACTION} A-" in text
    assert "Block migrations during the settlement window" in text
    assert re.search(
        r"Block migrations during the settlement window A-\w{6} open overdue Platform "
        r"2024-04-05 Medium",
        text,
    )  # overdue on TODAY
    assert re.search(
        r"Staging data at production scale for the largest tables A-\w{6} open "
        r"Data platform 2024-04-15 Low",
        text,
    )
    assert "1-week review 2024-03-19 overdue not yet" in text
    assert "Exported from Blamefree on 2024-04-10" in text


def test_html_is_one_file_that_loads_nothing(engine: Engine, pay318: str) -> None:
    html = _html(engine, pay318)
    assert html.startswith("<!DOCTYPE html>")
    assert "<link" not in html
    assert 'src="http' not in html
    assert "<script" not in html
    assert loads_anything(html) == []
    assert '<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;' in html
    assert "@media print" in html and "@page" in html
    # The timeline picture is inline SVG, with the events' key moments labelled in it.
    svg = re.search(r"<svg .*?</svg>", html, re.S)
    assert svg is not None
    assert svg.group(0).count("<circle") == len(EVENTS)
    drawn = scan(svg.group(0)).plain
    assert "Impact start 2024-03-12 22:40 Detection 2024-03-12 22:52" in drawn
    assert "01:28 Queue drained, consumers scaled back" in drawn


def test_user_text_never_becomes_markup_in_html(engine: Engine, pay318: str) -> None:
    html = _html(engine, pay318)
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    # In a section (What Went Wrong): the script and the raw link are text, the Markdown
    # javascript: link is not a link, the image is dropped, the author's https link stays one.
    assert SECTION_XSS not in html
    assert '&lt;script&gt;alert("section")&lt;/script&gt;' in html
    assert '&lt;a href="javascript:alert(2)"&gt;click&lt;/a&gt;' in html
    assert "[md link](javascript:alert(3))" in scan(html).plain
    assert "tracker.example" not in html
    assert f'<a href="{RUNBOOK}" rel="noopener noreferrer nofollow">runbook</a>' in html
    assert [h for h in scan(html).hrefs if "runbooks" in h] == [RUNBOOK]
    assert loads_anything(html) == []


def test_a_hostile_document_exports_to_html_with_no_markup_of_its_own(engine: Engine) -> None:
    from blamefree.markdown.render import render
    from blamefree.services import postmortems
    from web.test_xss_corpus import PAYLOADS, hostile_document

    doc = hostile_document()
    in_uow(engine, postmortems.create_postmortem, postmortem_in=doc, text=render(doc), by="Kim")
    html = in_uow(
        engine, exporting.export_html, incident_id=doc.incident_id, today=TODAY
    ).content.decode()
    assert loads_anything(html) == []
    for payload in PAYLOADS[:2]:
        assert payload not in html
    assert "javascript:" not in "".join(scan(html).hrefs)


def test_markdown_is_the_authors_text_after_the_version_line(engine: Engine, pay318: str) -> None:
    exported = in_uow(engine, exporting.export_markdown, incident_id=pay318, with_base=False)
    assert exported.media_type == "text/markdown; charset=utf-8"
    text = exported.content.decode("utf-8")
    assert text.startswith(export_text().split("## Timeline")[0])  # events were added since
    based = in_uow(engine, exporting.export_markdown, incident_id=pay318).content.decode()
    assert based.startswith("<!-- blamefree: PAY-318 version 6 ")
    assert based.split("\n", 1)[1] == text


def test_json_is_postmortem_read(engine: Engine, pay318: str) -> None:
    import json

    exported = in_uow(engine, exporting.export_json, incident_id=pay318)
    data = json.loads(exported.content)
    assert (data["incident_id"], data["version"], data["title"], data["severity"]) == (
        "PAY-318", 6, "Post-incident review: payments queue backlog", "P2",
    )  # fmt: skip
    events = data["document"]["timeline"]["events"]
    assert [e["text"] for e in events] == [text for _, text, _, _ in EVENTS]
    assert data["document"]["action_items"]["immediate"][0]["text"] == FORMULA_ACTION
    assert data["success_criteria"][0]["text"] == "All action items completed"


def _rows(engine: Engine, incident_id: str, table: CsvTable) -> list[dict[str, str]]:
    exported = in_uow(
        engine, exporting.export_csv, incident_id=incident_id, table=table, today=TODAY
    )
    assert exported.file_name == f"PAY-318-{table.value}.csv"
    assert exported.media_type.startswith("text/csv")
    text = exported.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline="")))


def test_csv_of_action_items_neutralises_formulas(engine: Engine, pay318: str) -> None:
    rows = _rows(engine, pay318, CsvTable.ACTIONS)
    assert [(r["horizon"], r["position"], r["action"]) for r in rows] == [
        ("immediate", "1", "'" + FORMULA_ACTION),
        ("immediate", "2", "Post migration deploys to #payments-deploys"),
        ("short_term", "1", "Block migrations during the settlement window"),
        ("long_term", "1", "Staging data at production scale for the largest tables"),
    ]
    short = rows[2]
    assert (short["status"], short["owner"], short["due_date"], short["due_date_source"],
            short["overdue"], short["priority"]) == ("open", "Platform", "2024-04-05", "written",
                                                     "yes", "Medium")  # fmt: skip
    assert rows[0]["id"].startswith("A-") and rows[0]["status"] == "done"
    assert rows[3]["overdue"] == "no"


def test_csv_of_events_neutralises_formulas(engine: Engine, pay318: str) -> None:
    rows = _rows(engine, pay318, CsvTable.EVENTS)
    assert [r["text"] for r in rows] == [
        "'+cmd|' /C calc'!A0 queue depth alert",
        "'-2+3 consumers restarted",
        "'@SUM(1+1) lock found on payouts",
        XSS,
        "Queue drained, consumers scaled back",
    ]
    first = rows[0]
    assert (first["time_utc"], first["time_local"], first["phase"], first["key"], first["actor"]) == (
        "2024-03-12T21:41:00Z", "2024-03-12T22:41:00+01:00", "detection", "yes", "Lena",
    )  # fmt: skip
    assert first["time_as_written"] == "2024-03-12T22:41:00+01:00"


def test_export_picks_the_format_and_refuses_what_does_not_fit(engine: Engine, pay318: str) -> None:
    exported = in_uow(engine, exporting.export, incident_id=pay318, format=ExportFormat.CSV,
                      table=CsvTable.EVENTS, today=TODAY)  # fmt: skip
    assert exported.file_name == "PAY-318-events.csv"
    with pytest.raises(UsageError, match="actions or events"):
        in_uow(engine, exporting.export, incident_id=pay318, format=ExportFormat.CSV, today=TODAY)
    with pytest.raises(UsageError, match="only a CSV export"):
        in_uow(engine, exporting.export, incident_id=pay318, format=ExportFormat.JSON,
               table=CsvTable.ACTIONS, today=TODAY)  # fmt: skip
    with pytest.raises(PostmortemNotFound):
        in_uow(
            engine, exporting.export, incident_id="NOPE-1", format=ExportFormat.HTML, today=TODAY
        )
    assert BERLIN.exists()


def test_every_sample_post_mortem_exports_to_html_and_csv(engine: Engine, tmp_path: Path) -> None:
    from blamefree.services import postmortems

    files = sorted((BERLIN.parent).glob("*.md"))
    report = in_uow(engine, postmortems.import_files, paths=files, today=TODAY, by="Kim")
    stored = [
        o.incident_id for o in report.outcomes if o.incident_id is not None and o.error is None
    ]
    assert len(stored) == len(files)
    for incident_id in stored:
        html = in_uow(engine, exporting.export_html, incident_id=incident_id, today=TODAY)
        text = html.content.decode("utf-8")
        assert text.count("<h2>") >= len(HEADINGS)
        assert loads_anything(text) == [], incident_id
        for table in CsvTable:
            rows = in_uow(engine, exporting.export_csv, incident_id=incident_id, table=table,
                          today=TODAY).content.decode().removeprefix(BOM)  # fmt: skip
            header = next(csv.reader(io.StringIO(rows)))
            assert header == list(exporting.ACTION_COLUMNS if table is CsvTable.ACTIONS
                                  else exporting.EVENT_COLUMNS)  # fmt: skip


def test_a_new_post_mortem_with_nothing_known_exports_unknowns_not_zeros(engine: Engine) -> None:
    from blamefree.domain.enums import Severity
    from blamefree.services import postmortems

    started = in_uow(engine, postmortems.start_postmortem, title="Blank", severity=Severity.P3,
                     day=TODAY, incident_id="INC-BLANK", save=True, by="Kim")  # fmt: skip
    assert started.stored is not None
    html = in_uow(engine, exporting.export_html, incident_id="INC-BLANK", today=TODAY)
    text = scan(html.content.decode()).plain
    assert "No time is known yet." in text
    assert "No events recorded." in text
    assert "Detection Time unknown unknown not stated" in text
    events = in_uow(engine, exporting.export_csv, incident_id="INC-BLANK", table=CsvTable.EVENTS,
                    today=TODAY).content.decode()  # fmt: skip
    assert events == BOM + ",".join(exporting.EVENT_COLUMNS) + "\r\n"
