"""Exporting a stored post-mortem as a file to send: standalone HTML, PDF, the author's
Markdown, JSON (``PostmortemRead``, as ``GET /api/v1/postmortems/{id}`` answers) or CSV of its
action items or of its timeline events.

One function per format, each giving an ``Export`` (the bytes, their media type and a file
name); ``export`` picks one. The CLI (``blamefree export``), the API
(``GET /api/v1/postmortems/{id}/export``) and the post-mortem page's Export menu call these, so
every shell gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from blamefree.domain.actions import evaluate_success_criteria
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import UsageError
from blamefree.exporters.html import standalone_html
from blamefree.exporters.pdf import pdf_bytes
from blamefree.exporters.tables import csv_text
from blamefree.schemas.convert import postmortem_read, to_data
from blamefree.services.actions import ActionView, list_actions
from blamefree.services.reading import postmortem_page
from blamefree.services.updates import export_markdown as author_markdown
from blamefree.store import UnitOfWork
from blamefree.terminal import json_text


class ExportFormat(StrEnum):
    """What ``export`` can write."""

    HTML = "html"
    PDF = "pdf"
    MD = "md"
    JSON = "json"
    CSV = "csv"


class CsvTable(StrEnum):
    """Which table a CSV export holds."""

    ACTIONS = "actions"
    EVENTS = "events"


MEDIA_TYPES = {
    ExportFormat.HTML: "text/html; charset=utf-8",
    ExportFormat.PDF: "application/pdf",
    ExportFormat.MD: "text/markdown; charset=utf-8",
    ExportFormat.JSON: "application/json",
    ExportFormat.CSV: "text/csv; charset=utf-8; header=present",
}

ACTION_COLUMNS = (
    "id", "horizon", "position", "action", "status", "owner", "due_date", "due_date_source",
    "overdue", "priority", "type", "tracker", "tracker_key", "tracker_url", "closed_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "time_utc", "time_local", "time_as_written", "phase", "kind", "key", "actor", "text",
    "source_tool", "source_id", "link",
)  # fmt: skip


@dataclass(frozen=True)
class Export:
    """One exported file: its bytes, what they are and the name to save them under."""

    content: bytes
    format: ExportFormat
    file_name: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def binary(self) -> bool:
        """Bytes that are not text (a terminal is no place for them)."""
        return self.format is ExportFormat.PDF


def file_stem(incident_id: str) -> str:
    """The id as a safe file name (ids are checked when stored; this guards headers)."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in incident_id) or "postmortem"


def export_html(uow: UnitOfWork, *, incident_id: str, today: dt.date) -> Export:
    """The post-mortem as one standalone HTML file (styles inline, timeline as inline SVG)."""
    page = postmortem_page(uow, incident_id=incident_id, today=today)
    html = standalone_html(page, today=today)
    return Export(html.encode("utf-8"), ExportFormat.HTML, f"{file_stem(incident_id)}.html")


def export_pdf(uow: UnitOfWork, *, incident_id: str, today: dt.date) -> Export:
    """The post-mortem as PDF, drawn from the standalone HTML (fonts embedded)."""
    page = postmortem_page(uow, incident_id=incident_id, today=today)
    data = pdf_bytes(standalone_html(page, today=today))
    return Export(data, ExportFormat.PDF, f"{file_stem(incident_id)}.pdf")


def export_markdown(uow: UnitOfWork, *, incident_id: str, with_base: bool = True) -> Export:
    """The author's Markdown, byte for byte, by default after the line naming its version."""
    text = author_markdown(uow, incident_id=incident_id, with_base=with_base)
    return Export(text.encode("utf-8"), ExportFormat.MD, f"{file_stem(incident_id)}.md")


def export_json(uow: UnitOfWork, *, incident_id: str) -> Export:
    """``PostmortemRead``: what ``GET /api/v1/postmortems/{id}`` answers, indented."""
    stored = uow.postmortems.get(incident_id)
    read = postmortem_read(stored, evaluate_success_criteria(stored.doc))
    text = json_text(json.dumps(to_data(read), indent=2, ensure_ascii=False)) + "\n"
    return Export(text.encode("utf-8"), ExportFormat.JSON, f"{file_stem(incident_id)}.json")


def export_csv(uow: UnitOfWork, *, incident_id: str, table: CsvTable, today: dt.date) -> Export:
    """The action items (as they stand on ``today``) or the timeline events as CSV."""
    stored = uow.postmortems.get(incident_id)
    if table is CsvTable.ACTIONS:
        views = list_actions(uow, today=today, incident_id=incident_id)
        text = csv_text(ACTION_COLUMNS, _action_rows(stored.doc, views))
    else:
        text = csv_text(EVENT_COLUMNS, _event_rows(stored.doc))
    name = f"{file_stem(incident_id)}-{table.value}.csv"
    return Export(text.encode("utf-8"), ExportFormat.CSV, name)


def export(
    uow: UnitOfWork,
    *,
    incident_id: str,
    format: ExportFormat,
    table: CsvTable | None = None,
    with_base: bool = True,
    today: dt.date,
) -> Export:
    """The post-mortem in ``format``; CSV needs ``table`` and only CSV takes one."""
    if format is ExportFormat.CSV and table is None:
        raise UsageError("a CSV export holds one table: actions or events")
    if format is not ExportFormat.CSV and table is not None:
        raise UsageError(f"only a CSV export holds one table, not {format.value}")
    if format is ExportFormat.HTML:
        return export_html(uow, incident_id=incident_id, today=today)
    if format is ExportFormat.PDF:
        return export_pdf(uow, incident_id=incident_id, today=today)
    if format is ExportFormat.MD:
        return export_markdown(uow, incident_id=incident_id, with_base=with_base)
    if format is ExportFormat.JSON:
        return export_json(uow, incident_id=incident_id)
    assert table is not None
    return export_csv(uow, incident_id=incident_id, table=table, today=today)


# --- CSV rows ----------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _action_rows(doc: Postmortem, views: list[ActionView]) -> list[list[object]]:
    tracked = {(view.record.horizon, view.record.position): view for view in views}
    rows: list[list[object]] = []
    for horizon, items in doc.action_items.by_horizon():
        for position, item in enumerate(items):
            view = tracked.get((horizon, position))
            if item.due_date is not None:
                due, due_source = item.due_date.isoformat(), "written"
            elif view is not None and view.due is not None:
                due, due_source = view.due.isoformat(), "end of horizon"
            else:
                due, due_source = item.due_date_text or "", "unknown"
            tracker = item.tracker
            closed_at = view.record.closed_at if view is not None else None
            rows.append(
                [
                    view.uid if view is not None else item.id or "",
                    horizon.value,
                    position + 1,
                    item.text,
                    item.status.value,
                    item.owner or item.owner_text or "",
                    due,
                    due_source,
                    _yes_no(view.overdue) if view is not None else "",
                    item.priority.value if item.priority else item.priority_text or "",
                    item.type.value if item.type else "",
                    tracker.system.value if tracker else "",
                    tracker.key if tracker else "",
                    tracker.url or "" if tracker else "",
                    closed_at.astimezone(dt.UTC).isoformat() if closed_at else "",
                ]
            )
    return rows


def _zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name) if name else dt.UTC
    except (KeyError, ValueError):
        return dt.UTC


def _event_rows(doc: Postmortem) -> list[list[object]]:
    zone = _zone(doc.timezone)
    return [
        [
            event.time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            event.time.astimezone(zone).isoformat(),
            event.time_text or "",
            event.phase.value if event.phase else "",
            event.kind.value,
            _yes_no(event.key),
            event.actor or "",
            event.text,
            event.source.tool,
            event.source.id or "",
            event.link or "",
        ]
        for event in doc.timeline.events
    ]
