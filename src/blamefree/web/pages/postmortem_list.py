"""``/postmortems``: the listing with its filters in the URL (a GET form, so a link to it
shows the same post-mortems to whoever opens it).

The page is rendered once per stored state of what it shows, in each worker (``web.memo``):
each request reads the listing's stamp (how many match, the page's row ids and versions) and
answers the HTML kept under it with the query, the day and the reader; only a new stamp
renders again, and the CSRF token is filled in per request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from enum import StrEnum
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from starlette.datastructures import QueryParams

from blamefree.domain.enums import Severity, parse_choice
from blamefree.domain.standing import Standing
from blamefree.errors import ValidationFailed
from blamefree.services import policy
from blamefree.services.postmortem_listing import (
    ItemsFilter,
    ListingPage,
    ListingQuery,
    ListingStamp,
    SortKey,
    listing_stamp,
    stamped_listing,
)
from blamefree.store import UnitOfWork
from blamefree.web.deps import current_actor, request_viewer
from blamefree.web.pages.listing_rows import row_renderer
from blamefree.web.pages.reading_helpers import HELPERS
from blamefree.web.security import csrf_token
from blamefree.web.state import state_of
from blamefree.web.templating import render, with_csrf_cookie

router = APIRouter()

FIELDS = ("severity", "from", "to", "owner", "items", "q", "status", "policy", "sort", "order")
POLICY_FILTERS = ("overdue",)
TEXT_MAX = 200
E = TypeVar("E", bound=StrEnum)


def _one(params: QueryParams, name: str) -> str | None:
    value = params.get(name)
    if value is None or not value.strip():
        return None
    if len(value) > TEXT_MAX:
        raise ValidationFailed(f"{name} is longer than {TEXT_MAX} characters", field=name)
    return value.strip()


def _day(params: QueryParams, name: str) -> dt.date | None:
    value = _one(params, name)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValidationFailed(f"{value!r} is not a date (YYYY-MM-DD)", field=name) from error


def _choice(params: QueryParams, name: str, kind: type[E]) -> E | None:
    value = _one(params, name)
    if value is None:
        return None
    try:
        return parse_choice(kind, value)
    except ValueError as error:
        raise ValidationFailed(str(error), field=name) from error


def listing_query(params: QueryParams) -> ListingQuery:
    """The listing a URL's query asks for; a value that does not read names its field."""
    severities = []
    for value in params.getlist("severity"):
        if value.strip():
            try:
                severities.append(parse_choice(Severity, value))
            except ValueError as error:
                raise ValidationFailed(str(error), field="severity") from error
    page_text = _one(params, "page") or "1"
    if not page_text.isdigit():
        raise ValidationFailed(f"page {page_text!r} is not a number", field="page")
    order = _one(params, "order") or "desc"
    if order not in ("asc", "desc"):
        raise ValidationFailed(f"order is asc or desc, not {order!r}", field="order")
    return ListingQuery(
        severities=tuple(dict.fromkeys(severities)),
        since=_day(params, "from"),
        until=_day(params, "to"),
        owner=_one(params, "owner"),
        items=None if _one(params, "items") == "any" else _choice(params, "items", ItemsFilter),
        text=_one(params, "q"),
        standing=_choice(params, "status", Standing),
        sort=_choice(params, "sort", SortKey) or SortKey.DATE,
        descending=order == "desc",
    ).on_page(int(page_text))


Params = dict[str, str | list[str] | None]


def _shown_params(params: QueryParams) -> Params:
    """The filters as the form shows them again (and the sort links and pager keep)."""
    return {
        name: params.getlist(name) if name == "severity" else _one(params, name) for name in FIELDS
    }


@router.get("/postmortems", response_class=HTMLResponse)
def postmortem_list(request: Request) -> HTMLResponse:
    state = state_of(request)
    now = state.now()
    query = listing_query(request.query_params)
    params = _shown_params(request.query_params)
    # The request's unit of work is opened here, so the whole read takes one worker thread.
    wanted = _one(request.query_params, "policy")
    if wanted is not None and wanted not in POLICY_FILTERS:
        raise ValidationFailed(f"policy is overdue or empty, not {wanted!r}", field="policy")
    with UnitOfWork(state.engine, clock=state.clock, viewer=request_viewer(request)) as uow:
        if wanted == "overdue":
            ids = policy.overdue_ids(
                uow,
                policy=policy.policy_rules(state.settings),
                today=now.date(),
                zone=state.settings.timezone,
            )
            query = replace(query, incident_ids=ids)
        body = _page(request, uow, query, params, now)
    token = csrf_token(request).encode()
    return with_csrf_cookie(request, HTMLResponse(body.replace(state.memo.slot.encode(), token)))


def _page(
    request: Request, uow: UnitOfWork, query: ListingQuery, params: Params, now: dt.datetime
) -> bytes:
    """The page's HTML with the memo's slot for the CSRF token."""
    state = state_of(request)
    today = now.date()
    stamp = listing_stamp(uow, query=query, today=today)
    # Every input of the template: the stored rows (the stamp), the query and the form's
    # values, the day (overdue counts, the demo's banner), the reader, the demo flag.
    shown = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())
    key = ("listing", request.url.path, query, shown, stamp, today, current_actor(request),
           request_viewer(request), state.demo)  # fmt: skip
    read: list[ListingStamp] = []

    def render_page() -> bytes:
        found, found_stamp = stamped_listing(uow, query=query, today=today)
        read.append(found_stamp)
        return _render(request, query, params, found, now, Markup(state.memo.slot))

    # Kept only when the rows rendered are the rows the stamp named (PostgreSQL reads each
    # statement anew: a save committed in between is answered once and not kept).
    return state.memo.read(key, render_page, lambda: read == [stamp])


def _render(
    request: Request,
    query: ListingQuery,
    params: Params,
    found: ListingPage,
    now: dt.datetime,
    token: Markup,
) -> bytes:
    state = state_of(request)
    response = render(
        request,
        "postmortem_list.html",
        {
            **HELPERS,
            "query": query,
            "found": found,
            "params": params,
            "severities": list(Severity),
            "item_filters": list(ItemsFilter),
            "sort_keys": list(SortKey),
            "listing_row": row_renderer(state.templates.env),
            "filtered": any(params[name] for name in FIELDS if name not in ("sort", "order")),
            "now": now,
            "csrf_token": token,
        },
    )
    return bytes(response.body)
