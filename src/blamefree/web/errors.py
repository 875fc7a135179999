"""The one place a web error becomes a response: JSON for the API and hooks, a page otherwise.

Every ``BlamefreeError`` answers with the HTTP status its class has in ``errors.CODES`` and the
``ErrorRead`` shape (``{"error": {"type", "status", "message", "field"?, ...}}``). A request body
FastAPI cannot parse is a ``ValidationFailed`` (422) naming the field; an unknown route is a
``NotFound`` (404); anything unexpected is a 500 that shows no internals (it is logged).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from blamefree.errors import (
    BlamefreeError,
    LoginRequired,
    NotFound,
    PostmortemLocked,
    SignOffManaged,
    StaleEdit,
    TooManyAttempts,
    Unauthenticated,
    UsageError,
    ValidationFailed,
    code_of,
)
from blamefree.schemas.base import field_path
from blamefree.schemas.convert import error_read
from blamefree.schemas.errors import ErrorDetail, ErrorRead

log = logging.getLogger("blamefree.web")

JSON_PREFIXES = ("/api/", "/hooks/")


def wants_json(request: Request) -> bool:
    """API and webhook paths answer JSON; pages answer HTML."""
    return request.url.path.startswith(JSON_PREFIXES) or request.url.path == "/api"


def error_body(error: BlamefreeError) -> dict[str, Any]:
    """The ``ErrorRead`` of an error as JSON: the detail's parts it does not have left out, and
    every part it has whole (a conflict's or a loss's null value stays, as the schema says)."""
    read = error_read(error)
    absent = {name for name in ErrorDetail.model_fields if getattr(read.error, name) is None}
    data: dict[str, Any] = read.model_dump(mode="json", exclude={"error": absent})
    return data


def error_responses(*classes: type[BlamefreeError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for a route: each status its errors can answer, in one shape.

    A route that saves a version (it can answer ``StaleEdit``) can also meet the review
    workflow's refusals: an approved post-mortem (423) and a Sign-Off it fills (409)."""
    if StaleEdit in classes:
        classes = (*classes, SignOffManaged, PostmortemLocked)
    described: dict[int | str, dict[str, Any]] = {}
    for cls in classes:
        status = code_of(cls).http_status
        names = described.setdefault(status, {"model": ErrorRead, "description": ""})
        names["description"] = ", ".join(filter(None, [names["description"], cls.__name__]))
    return described


def _headers(request: Request, error: BlamefreeError) -> dict[str, str]:
    """What some errors tell a client beyond the body: when to retry, how to log in."""
    if isinstance(error, TooManyAttempts):
        return {"retry-after": str(error.retry_after)}
    if isinstance(error, Unauthenticated) and request.url.path.startswith("/api/"):
        return {"www-authenticate": 'Bearer realm="blamefree"'}
    return {}


def _page_or_json(request: Request, error: BlamefreeError) -> Response:
    headers = _headers(request, error)
    if wants_json(request):
        return JSONResponse(error_body(error), status_code=error.http_status, headers=headers)
    if isinstance(error, LoginRequired) and request.method in ("GET", "HEAD"):
        # A page asked for without a login: the login page, then back here.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    from blamefree.web.templating import render_error  # pages only; keeps the API path lean

    response = render_error(request, error)
    response.headers.update(headers)
    return response


async def on_blamefree_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, BlamefreeError)
    return _page_or_json(request, error)


async def on_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = error.errors()
    first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
    location = tuple(first.get("loc", ()))
    # ("body", "text") names the field "text"; a query or path parameter keeps its name.
    field = field_path(location[1:] if location and location[0] == "body" else location)
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    failed = ValidationFailed(f"{message}{more}", field=field or None)
    return _page_or_json(request, failed)


async def on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 404:
        return _page_or_json(request, NotFound(f"nothing at {request.url.path}"))
    if wants_json(request):
        detail = ErrorDetail(type="HTTPError", status=error.status_code, message=str(error.detail))
        return JSONResponse(
            ErrorRead(error=detail).model_dump(mode="json", exclude_none=True),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )
    return _page_or_json(request, UsageError(str(error.detail)))


async def on_unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    detail = ErrorDetail(
        type="InternalError",
        status=500,
        message="something went wrong on the server; nothing was saved by this request",
    )
    if wants_json(request):
        return JSONResponse(
            ErrorRead(error=detail).model_dump(mode="json", exclude_none=True), status_code=500
        )
    from blamefree.web.templating import render_error_detail

    return render_error_detail(request, detail)


def install(app: FastAPI) -> None:
    app.add_exception_handler(BlamefreeError, on_blamefree_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
