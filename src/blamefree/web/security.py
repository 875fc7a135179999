"""Safety that every response and every write gets: headers, same-origin writes, CSRF tokens.

- Every response carries a Content-Security-Policy without ``unsafe-inline`` (scripts and
  styles come only from ``/static``), ``nosniff``, no framing and a same-origin referrer.
- A write (POST, PUT, PATCH, DELETE) from another site is refused (403) from its ``Origin`` or
  ``Sec-Fetch-Site`` header, for pages and the API alike; webhooks (``/hooks/``) are exempt:
  they come from other sites on purpose and are verified by their own signatures.
- A form carries a CSRF token: a random value in an HttpOnly, SameSite=Strict cookie and its
  signature in the form's ``csrf_token`` field (or an ``X-CSRF-Token`` header for scripts on
  our pages); ``require_csrf`` checks the two match.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from blamefree.errors import Forbidden
from blamefree.web.state import state_of

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EXEMPT_PREFIXES = ("/hooks/",)
CSRF_COOKIE = "blamefree_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SecurityMiddleware:
    """Pure ASGI (no per-request task): adds the headers and refuses cross-site writes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in UNSAFE and not scope["path"].startswith(EXEMPT_PREFIXES):
            refusal = cross_site_refusal(scope)
            if refusal is not None:
                await _refuse(send, refusal)
                return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name for name, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def cross_site_refusal(scope: Scope) -> str | None:
    """Why a write is refused as coming from another site, or None when it is ours."""
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return f"a write from another site ({fetch_site}) is refused"
    origin = headers.get("origin")
    if origin and origin != "null":
        host = headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            return "a write from another origin is refused"
    elif origin == "null":
        return "a write from an opaque origin is refused"
    return None


async def _refuse(send: Send, reason: str) -> None:
    from blamefree.schemas.errors import ErrorDetail, ErrorRead

    body = ErrorRead(error=ErrorDetail(type="Forbidden", status=403, message=reason))
    payload = body.model_dump_json(exclude_none=True).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


# --- CSRF tokens for forms ------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """The token a form on this page carries; makes this browser's cookie value if needed.

    The cookie is set on the response by ``templating.render`` (``request.state.csrf_cookie``).
    """
    existing = getattr(request.state, "csrf_value", None)
    value = existing or request.cookies.get(CSRF_COOKIE) or ""
    if not _plausible(value):
        value = secrets.token_urlsafe(32)
        request.state.csrf_cookie = value
    request.state.csrf_value = value
    return _sign(request, value)


def _plausible(value: str) -> bool:
    return 20 <= len(value) <= 100 and value.replace("-", "").replace("_", "").isalnum()


def _sign(request: Request, value: str) -> str:
    key = state_of(request).secret.encode()
    return hmac.new(key, b"csrf:" + value.encode(), "sha256").hexdigest()


def check_csrf(request: Request, submitted: str | None) -> None:
    """Forbidden unless ``submitted`` is this browser's token (form field or header)."""
    value = request.cookies.get(CSRF_COOKIE) or ""
    token = submitted or request.headers.get(CSRF_HEADER) or ""
    if not value or not token or not hmac.compare_digest(_sign(request, value), token):
        raise Forbidden(
            "this form's security token is missing or out of date; reload the page and "
            "submit again (nothing was saved)"
        )


async def require_csrf(request: Request) -> None:
    """Dependency for form routes: the body's ``csrf_token`` (or header) must match."""
    submitted: Any = None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        submitted = form.get(CSRF_FIELD)
    check_csrf(request, submitted if isinstance(submitted, str) else None)
