"""Jinja2 pages: one environment, autoescaped, with the filters every template uses."""

from __future__ import annotations

import contextlib
import datetime as dt
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from blamefree.errors import BlamefreeError
from blamefree.schemas.errors import ErrorDetail
from blamefree.web.html import markdown_html
from blamefree.web.security import CSRF_COOKIE, CSRF_FIELD, csrf_token
from blamefree.web.state import state_of

UNKNOWN = "unknown"
"""What a page shows for a value nobody recorded (never 0, never blank)."""


def template_dir() -> str:
    return str(resources.files("blamefree.web").joinpath("templates"))


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(template_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = markdown_html
    env.filters["when"] = format_when
    env.filters["duration"] = format_duration
    env.filters["or_unknown"] = or_unknown
    env.globals["UNKNOWN"] = UNKNOWN
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    return Jinja2Templates(env=env)


def or_unknown(value: object) -> object:
    return UNKNOWN if value is None or value == "" else value


def format_when(value: dt.datetime | dt.date | None, zone: str | None = None) -> str:
    """A time as people read it: ``2026-11-20 14:05 WET`` in the post-mortem's zone."""
    if value is None:
        return UNKNOWN
    if isinstance(value, dt.datetime):
        if zone:
            with contextlib.suppress(KeyError, ValueError):
                value = value.astimezone(ZoneInfo(zone))
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return value.isoformat()


def format_duration(seconds: float | int | None) -> str:
    """``1h 53m`` from seconds; unknown for None (never 0)."""
    if seconds is None:
        return UNKNOWN
    total = round(seconds)
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{days}d" if days else "",
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
    ]
    shown = " ".join(p for p in parts if p) or f"{secs}s"
    return sign + shown


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A page: the template with the request, CSRF token, actor and app facts added."""
    from blamefree.web.auth import principal_of

    state = state_of(request)
    principal = principal_of(request)
    full = {
        "request": request,
        "csrf_token": csrf_token(request),
        "actor": principal.name,
        "principal": principal,
        "demo": state.demo,
        "now": state.now(),
        **(context or {}),
    }
    response = state.templates.TemplateResponse(request, name, full, status_code=status_code)
    return with_csrf_cookie(request, response)


def with_csrf_cookie(request: Request, response: HTMLResponse) -> HTMLResponse:
    """The response with this browser's new CSRF cookie, if ``csrf_token`` made one."""
    new_cookie = getattr(request.state, "csrf_cookie", None)
    if new_cookie:
        response.set_cookie(
            CSRF_COOKIE,
            new_cookie,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


def render_error(request: Request, error: BlamefreeError) -> HTMLResponse:
    from blamefree.schemas.convert import error_read

    return render_error_detail(request, error_read(error).error)


def render_error_detail(request: Request, detail: ErrorDetail) -> HTMLResponse:
    return render(request, "error.html", {"error": detail}, status_code=detail.status)
