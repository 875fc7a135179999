"""What every tracker client shares: the item to file, the issue it became, and HTTP handling.

``HttpApi`` wraps an ``httpx.Client`` with a configurable base URL and transport (tests pass
``httpx.MockTransport`` or point the base URL at a local fake). It turns every failure into an
``ExternalServiceError`` a user can act on: bad credentials (401/403), rate limits (429 with
Retry-After, GitHub's 403 with ``x-ratelimit-remaining: 0``), server errors and network failures.
A short rate-limit wait is honoured and the request retried; a long one is reported instead.

Every URL is built by ``HttpApi.url`` from path segments, each percent-encoded, under the
configured base URL; a URL that would leave it (a dot segment, another host, a pagination link
pointing elsewhere) is refused before anything is sent, so a request never carries the
credentials anywhere else. Error text from the service is passed through ``redact`` first.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from blamefree.domain.tracker_refs import TrackerRef
from blamefree.errors import ConfigError, ExternalServiceError
from blamefree.redact import redact, shorten

MARKER_PREFIX = "blamefree-action"
"""Labels and body markers carry ``blamefree-action-<uid>`` so a re-run finds what it created."""


@dataclass(frozen=True)
class IssueDraft:
    """An action item as a tracker issue is made from it."""

    uid: str
    text: str
    incident_id: str
    horizon: str
    owner: str | None = None
    due_date: dt.date | None = None
    priority: str | None = None
    item_type: str | None = None
    incident_title: str | None = None

    @property
    def marker(self) -> str:
        """The label / marker that identifies this item's issue."""
        return marker(self.uid)


@dataclass(frozen=True)
class ExternalIssue:
    """The tracker issue an action item is linked to."""

    system: str
    key: str
    url: str


@dataclass(frozen=True)
class RemoteState:
    """An issue's state in the tracker, mapped onto action-item statuses."""

    key: str
    status: str | None
    """``done``, ``wont_do`` or None (still open)."""
    detail: str
    """The tracker's own words, e.g. ``Done`` or ``closed (completed)``."""


class Tracker(Protocol):
    """What the sync service needs from a tracker."""

    system: str

    def find(self, draft: IssueDraft) -> ExternalIssue | None:
        """The issue filed earlier for this item, if any."""
        ...

    def create(self, draft: IssueDraft) -> ExternalIssue:
        """File a new issue for the item."""
        ...

    def state(self, ref: TrackerRef) -> RemoteState:
        """The issue's current state; ValidationFailed, before any request, for a reference
        outside the configured project or repository."""
        ...

    def close(self) -> None:
        """Release the connection pool."""
        ...


def marker(uid: str) -> str:
    """``blamefree-action-<uid>``, with characters labels cannot hold replaced by ``-``."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in uid)
    return f"{MARKER_PREFIX}-{safe}"


Sleep = Callable[[float], None]


class HttpApi:
    """A JSON REST API at a base URL, with error mapping and short rate-limit retries."""

    def __init__(
        self,
        *,
        name: str,
        base_url: str,
        headers: Mapping[str, str],
        auth: httpx.Auth | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        max_wait: float = 60.0,
        retries: int = 2,
        sleep: Sleep | None = None,
        token_hint: str = "the token",
        secrets: Sequence[str] = (),
        setting: str = "the base URL",
    ) -> None:
        self.name = name
        self.base = _base(base_url, name=name, setting=setting)
        self.base_url = str(self.base).rstrip("/")
        self.max_wait = max_wait
        self.retries = retries
        self._sleep = sleep or time.sleep
        self._token_hint = token_hint
        self._secrets = tuple(secrets)
        self.client = httpx.Client(
            headers=dict(headers),
            auth=auth,
            transport=transport,
            timeout=timeout,
            follow_redirects=False,  # a redirect would carry the credentials elsewhere
        )

    def close(self) -> None:
        """Release the connection pool."""
        self.client.close()

    def url(self, *segments: str | int) -> httpx.URL:
        """The URL of ``segments`` under the base URL, each segment percent-encoded."""
        parts: list[str] = []
        for segment in segments:
            text = str(segment)
            if text in ("", ".", ".."):
                raise ExternalServiceError(
                    f"{self.name}: refused to build a URL with the path segment {text!r}"
                )
            parts.append(quote(text, safe=""))
        return self.base.copy_with(raw_path=self._base_path + "/".join(parts).encode())

    @property
    def _base_path(self) -> bytes:
        return self.base.raw_path.rstrip(b"/") + b"/"

    def within(self, url: httpx.URL) -> bool:
        """Whether ``url`` is on the base URL's origin and under its path."""
        return (
            (url.scheme, url.host, url.port) == (self.base.scheme, self.base.host, self.base.port)
            and not url.userinfo
            and url.raw_path.split(b"?")[0].startswith(self._base_path)
        )

    def shown(self, url: httpx.URL) -> str:
        """The part of ``url``'s path under the base URL, for messages."""
        path = url.raw_path.split(b"?")[0].decode("ascii", "replace")
        return "/" + path.removeprefix(self._base_path.decode("ascii", "replace"))

    def redact(self, text: str) -> str:
        """``text`` without this API's credentials or anything that looks like one."""
        return redact(text, secrets=self._secrets)

    def request(
        self,
        method: str,
        url: httpx.URL,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
    ) -> Any:
        """Send a request and return the decoded JSON of a 2xx answer (None when empty)."""
        response = self._send_patiently(method, url, json=json, params=params)
        return self._decode(method, url, response)

    def get_pages(
        self, url: httpx.URL, *, params: Mapping[str, str | int], max_pages: int = 50
    ) -> Iterator[Any]:
        """GET a paginated list, following ``Link: <...>; rel="next"``; yields each item.

        A next link must name the same resource (only the query may change): one pointing at
        another host or path is an error, not followed.
        """
        current: httpx.URL | None = url
        query: Mapping[str, str | int] | None = params
        for _ in range(max_pages):
            if current is None:
                return
            response = self._send_patiently("GET", current, json=None, params=query)
            data = self._decode("GET", url, response)
            yield from data if isinstance(data, list) else []
            current = self._next_page(url, response)
            query = None

    def _next_page(self, first: httpx.URL, response: httpx.Response) -> httpx.URL | None:
        link = response.links.get("next", {}).get("url")
        if link is None:
            return None
        try:
            following = first.join(link)
        except httpx.InvalidURL:
            following = None
        same = following is not None and (
            self.within(following)
            and following.raw_path.split(b"?")[0] == first.raw_path.split(b"?")[0]
        )
        if following is None or not same:
            raise ExternalServiceError(
                f"{self.name} GET {self.shown(first)}: the next-page link points elsewhere "
                f"({shorten(self.redact(link), 120)}); not followed"
            )
        return following

    def _send_patiently(
        self,
        method: str,
        url: httpx.URL,
        *,
        json: Any,
        params: Mapping[str, str | int] | None,
    ) -> httpx.Response:
        """Send; a rate limit with a short wait is waited out and retried, a long one reported."""
        for attempt in range(self.retries + 1):
            response = self._send(method, url, json=json, params=params)
            wait = rate_limit_wait(response)
            if wait is None:
                return response
            if attempt == self.retries or wait > self.max_wait:
                raise ExternalServiceError(
                    f"{self.name} rate limit reached ({method} {self.shown(url)}, HTTP "
                    f"{response.status_code}); try again in {_seconds(wait)}"
                )
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        method: str,
        url: httpx.URL,
        *,
        json: Any,
        params: Mapping[str, str | int] | None,
    ) -> httpx.Response:
        if not self.within(url):
            # Only reachable through a bug: every URL is built by url() or checked by _next_page.
            raise ExternalServiceError(f"{self.name}: refused a request outside {self.base_url}")
        where = f"{self.name} at {self.base_url}"
        try:
            return self.client.request(method, url, json=json, params=params)
        except httpx.TimeoutException as error:
            raise ExternalServiceError(
                f"{where} did not answer in time ({self._said(error)})"
            ) from error
        except httpx.HTTPError as error:
            raise ExternalServiceError(
                f"{where} could not be reached: {self._said(error)}"
            ) from error

    def _said(self, error: Exception) -> str:
        return shorten(self.redact(str(error) or type(error).__name__), 300)

    def _decode(self, method: str, url: httpx.URL, response: httpx.Response) -> Any:
        status = response.status_code
        what = f"{self.name} {method} {self.shown(url)}"
        detail = _detail(response, self.redact)
        if status == 401:
            raise ExternalServiceError(
                f"{what}: HTTP 401, {self.name} did not accept the credentials; check "
                f"{self._token_hint}"
            )
        if status == 403:
            raise ExternalServiceError(
                f"{what}: HTTP 403, the credentials lack permission for this"
                f"{detail}; check {self._token_hint}"
            )
        if status == 404:
            raise ExternalServiceError(f"{what}: HTTP 404, not found{detail}")
        if not response.is_success:
            raise ExternalServiceError(f"{what}: HTTP {status}{detail}")
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise ExternalServiceError(f"{what}: the answer is not JSON") from error


def _base(base_url: str, *, name: str, setting: str) -> httpx.URL:
    """The configured base URL, which must be an http(s) URL with a host and no query."""
    try:
        url = httpx.URL(base_url.strip())
    except httpx.InvalidURL as error:
        raise ConfigError(f"{setting} is not a URL: {error}") from error
    if url.scheme not in ("http", "https") or not url.host or url.query or url.fragment:
        raise ConfigError(
            f"{setting} must be an http(s) URL with a host and no query, e.g. "
            f"https://{name.lower()}.example.com"
        )
    if url.userinfo:
        raise ConfigError(f"{setting} must not hold credentials; use the token setting")
    return url


def rate_limit_wait(response: httpx.Response, *, now: float | None = None) -> float | None:
    """Seconds to wait when the answer is a rate limit, else None."""
    status = response.status_code
    headers = response.headers
    exhausted = headers.get("x-ratelimit-remaining") == "0"
    if status != 429 and not (status == 403 and (exhausted or "retry-after" in headers)):
        return None
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        return _retry_after_seconds(retry_after, now=now)
    reset = headers.get("x-ratelimit-reset")
    if reset is not None and reset.isdigit():
        moment = time.time() if now is None else now
        return max(float(reset) - moment, 0.0)
    return 60.0


def _retry_after_seconds(value: str, *, now: float | None) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 60.0
    moment = time.time() if now is None else now
    return max(when.timestamp() - moment, 0.0)


def _seconds(wait: float) -> str:
    whole = int(wait + 0.999)
    return f"{whole} s" if whole < 120 else f"{whole // 60} min"


def _detail(response: httpx.Response, clean: Callable[[str], str]) -> str:
    """The service's own error words, briefly, with anything like a credential removed."""
    try:
        data = response.json()
    except ValueError:
        text = shorten(clean(response.text), 200)
        return f": {text}" if text else ""
    messages: list[str] = []
    if isinstance(data, dict):
        # GitHub: {"message": ..., "errors": [...]}; Jira: {"errorMessages": [...], "errors": {}}
        if isinstance(data.get("message"), str):
            messages.append(data["message"])
        for item in data.get("errorMessages") or []:
            messages.append(str(item))
        errors = data.get("errors")
        if isinstance(errors, dict):
            messages += [f"{key}: {value}" for key, value in errors.items()]
        elif isinstance(errors, list):
            for item in errors:
                if isinstance(item, dict):
                    text = item.get("message") or " ".join(
                        str(item[k]) for k in ("resource", "field", "code") if k in item
                    )
                    messages.append(str(text))
    joined = shorten(clean("; ".join(messages)), 300)
    return f": {joined}" if joined else ""
