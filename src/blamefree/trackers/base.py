"""What every tracker client shares: the item to file, the issue it became, and HTTP handling.

``HttpApi`` wraps an ``httpx.Client`` with a configurable base URL and transport (tests pass
``httpx.MockTransport`` or point the base URL at a local fake). It turns every failure into an
``ExternalServiceError`` a user can act on: bad credentials (401/403), rate limits (429 with
Retry-After, GitHub's 403 with ``x-ratelimit-remaining: 0``), server errors and network failures.
A short rate-limit wait is honoured and the request retried; a long one is reported instead.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from blamefree.errors import ExternalServiceError

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

    def state(self, key: str) -> RemoteState:
        """The issue's current state."""
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
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.max_wait = max_wait
        self.retries = retries
        self._sleep = sleep or time.sleep
        self._token_hint = token_hint
        self.client = httpx.Client(
            base_url=self.base_url,
            headers=dict(headers),
            auth=auth,
            transport=transport,
            timeout=timeout,
        )

    def close(self) -> None:
        """Release the connection pool."""
        self.client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
    ) -> Any:
        """Send a request and return the decoded JSON of a 2xx answer (None when empty)."""
        response = self._send_patiently(method, path, json=json, params=params)
        return self._decode(method, path, response)

    def get_pages(
        self, path: str, *, params: Mapping[str, str | int], max_pages: int = 50
    ) -> Iterator[Any]:
        """GET a paginated list, following ``Link: <...>; rel="next"``; yields each item."""
        url: str | None = path
        query: Mapping[str, str | int] | None = params
        for _ in range(max_pages):
            if url is None:
                return
            response = self._send_patiently("GET", url, json=None, params=query, shown=path)
            data = self._decode("GET", path, response)
            yield from data if isinstance(data, list) else []
            url = response.links.get("next", {}).get("url")
            query = None

    def _send_patiently(
        self,
        method: str,
        path: str,
        *,
        json: Any,
        params: Mapping[str, str | int] | None,
        shown: str | None = None,
    ) -> httpx.Response:
        """Send; a rate limit with a short wait is waited out and retried, a long one reported."""
        for attempt in range(self.retries + 1):
            response = self._send(method, path, json=json, params=params)
            wait = rate_limit_wait(response)
            if wait is None:
                return response
            if attempt == self.retries or wait > self.max_wait:
                raise ExternalServiceError(
                    f"{self.name} rate limit reached ({method} {shown or path}, HTTP "
                    f"{response.status_code}); try again in {_seconds(wait)}"
                )
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self, method: str, path: str, *, json: Any, params: Mapping[str, str | int] | None
    ) -> httpx.Response:
        where = f"{self.name} at {self.base_url}"
        try:
            return self.client.request(method, path, json=json, params=params)
        except httpx.TimeoutException as error:
            raise ExternalServiceError(f"{where} did not answer in time ({error})") from error
        except httpx.HTTPError as error:
            raise ExternalServiceError(f"{where} could not be reached: {error}") from error

    def _decode(self, method: str, path: str, response: httpx.Response) -> Any:
        status = response.status_code
        what = f"{self.name} {method} {path}"
        if status == 401:
            raise ExternalServiceError(
                f"{what}: HTTP 401, {self.name} did not accept the credentials; check "
                f"{self._token_hint}"
            )
        if status == 403:
            raise ExternalServiceError(
                f"{what}: HTTP 403, the credentials lack permission for this"
                f"{_detail(response)}; check {self._token_hint}"
            )
        if status == 404:
            raise ExternalServiceError(f"{what}: HTTP 404, not found{_detail(response)}")
        if not response.is_success:
            raise ExternalServiceError(f"{what}: HTTP {status}{_detail(response)}")
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise ExternalServiceError(f"{what}: the answer is not JSON") from error


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


def _detail(response: httpx.Response) -> str:
    """The service's own error words, briefly."""
    try:
        data = response.json()
    except ValueError:
        text = " ".join(response.text.split())[:200]
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
    joined = "; ".join(messages)[:300]
    return f": {joined}" if joined else ""
