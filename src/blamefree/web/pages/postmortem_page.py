"""``/postmortems/{id}``: one post-mortem laid out as the template spec orders it, with its
timeline picture, metrics and where they came from, and the lint panel; and its export."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from blamefree.domain.enums import Phase
from blamefree.services import postmortems, reading
from blamefree.web.deps import Today, UoW
from blamefree.web.pages.reading_helpers import HELPERS
from blamefree.web.templating import render
from blamefree.web.timeline_svg import picture

router = APIRouter()


@router.get("/postmortems/{incident_id}", response_class=HTMLResponse)
def postmortem_page(request: Request, incident_id: str, uow: UoW, today: Today) -> HTMLResponse:
    page = reading.postmortem_page(uow, incident_id=incident_id, today=today)
    shown = page.shown
    moments = [
        (Phase.IMPACT_START, shown.impact_start, page.impact_start_source == "event log"),
        *((t.phase, t.time, t.source == "event log") for t in page.phase_times),
    ]
    drawing = picture(moments=moments, events=shown.timeline.events, zone=shown.timezone)
    return render(
        request,
        "postmortem.html",
        {**HELPERS, "page": page, "doc": shown, "picture": drawing, "zone": shown.timezone},
    )


@router.get("/postmortems/{incident_id}/export.md")
def export_markdown(incident_id: str, uow: UoW) -> Response:
    text = postmortems.export_markdown(uow, incident_id=incident_id)
    return Response(
        content=text.encode("utf-8"),
        media_type="text/markdown; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{_file_name(incident_id)}.md"'},
    )


def _file_name(incident_id: str) -> str:
    """The id as a safe file name (ids are checked when stored; this guards the header)."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in incident_id) or "postmortem"
