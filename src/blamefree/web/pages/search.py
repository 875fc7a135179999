"""``/search``: the results page behind the search box in every page's header.

A GET form, so a search is a link. A query that cannot be read is shown on the page, beside
the form, with status 422 (the same error the API answers with)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import QueryParams

from blamefree.domain.enums import Severity
from blamefree.domain.search import SECTION_LABELS, SECTIONS, SearchPage, make_filters
from blamefree.errors import SearchQueryInvalid, ValidationFailed
from blamefree.services import search as service
from blamefree.web.deps import UoW
from blamefree.web.pages.reading_helpers import HELPERS
from blamefree.web.templating import render

router = APIRouter()

PER_PAGE = 20
FIELDS = ("q", "severity", "owner", "section", "since", "until", "open")
TEXT_MAX = 500


def _text(params: QueryParams, name: str) -> str:
    value = (params.get(name) or "").strip()
    if len(value) > TEXT_MAX:
        raise ValidationFailed(f"{name} is longer than {TEXT_MAX} characters", field=name)
    return value


def _page_number(params: QueryParams) -> int:
    text = _text(params, "page") or "1"
    if not text.isdigit() or int(text) < 1:
        raise ValidationFailed(f"page {text!r} is not a page number", field="page")
    return int(text)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, uow: UoW) -> HTMLResponse:
    params = request.query_params
    query = _text(params, "q")
    number = _page_number(params)
    severity = [v for v in params.getlist("severity") if v.strip()]
    owner, section = _text(params, "owner"), _text(params, "section")
    since, until, wants_open = _text(params, "since"), _text(params, "until"), _text(params, "open")
    shown: dict[str, str | list[str]] = {
        "q": query,
        "severity": severity,
        "owner": owner,
        "section": section,
        "since": since,
        "until": until,
        "open": wants_open,
    }
    page: SearchPage | None = None
    problem: str | None = None
    try:
        filters = make_filters(
            severity=severity,
            owner=[owner] if owner else [],
            section=[section] if section else [],
            since=since or None,
            until=until or None,
            open_actions=True if wants_open == "yes" else None,
        )
        page = service.search_postmortems(
            uow, query=query, filters=filters, limit=PER_PAGE, offset=(number - 1) * PER_PAGE
        )
    except SearchQueryInvalid as error:
        problem = str(error)
    asked = bool(query) or any(shown[name] for name in FIELDS if name != "q")
    return render(
        request,
        "search.html",
        {
            **HELPERS,
            "page": page,
            "problem": problem,
            "params": shown,
            "number": number,
            "per_page": PER_PAGE,
            "asked": asked,
            "severities": list(Severity),
            "sections": [(name, SECTION_LABELS[name]) for name in SECTIONS],
            "section_labels": SECTION_LABELS,
        },
        status_code=422 if problem else 200,
    )
