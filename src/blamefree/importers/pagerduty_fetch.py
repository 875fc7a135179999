"""Live fetch of one PagerDuty incident's log entries through the REST API (httpx)."""

from __future__ import annotations

from typing import Any

import httpx

from blamefree.domain.timeline import TimelineEvent
from blamefree.errors import ExternalServiceError, SourceFormatError
from blamefree.importers.pagerduty import log_entry_event
from blamefree.redact import redact, secret_forms, shorten

ACCEPT = "application/vnd.pagerduty+json;version=2"
PAGE_SIZE = 100
MAX_PAGES = 1000


def _fail(response: httpx.Response, incident_id: str) -> ExternalServiceError:
    status = response.status_code
    if status == 401:
        return ExternalServiceError(
            "PagerDuty refused the API token (401); check BLAMEFREE_PAGERDUTY_TOKEN"
        )
    if status == 403:
        return ExternalServiceError(
            "PagerDuty says the token may not read this incident's log entries (403)"
        )
    if status == 404:
        return ExternalServiceError(f"PagerDuty has no incident {incident_id!r} (404)")
    if status == 429:
        wait = response.headers.get("Retry-After") or response.headers.get("ratelimit-reset")
        after = f"; retry after {wait} s" if wait else ""
        return ExternalServiceError(f"PagerDuty rate limit reached (429){after}")
    return ExternalServiceError(f"PagerDuty answered HTTP {status} for incident {incident_id!r}")


def fetch_pagerduty_log_entries(
    incident_id: str,
    *,
    token: str,
    base_url: str = "https://api.pagerduty.com",
    transport: httpx.BaseTransport | None = None,
    timeout: float = 30.0,
) -> list[TimelineEvent]:
    """All log entries of one incident as events (oldest last, as the API sends them)."""
    if not token:
        raise ExternalServiceError(
            "no PagerDuty API token; set BLAMEFREE_PAGERDUTY_TOKEN to a read-only REST API key"
        )
    headers = {
        "Authorization": f"Token token={token}",
        "Accept": ACCEPT,
        "Content-Type": "application/json",
    }
    url = f"{base_url.rstrip('/')}/incidents/{incident_id}/log_entries"
    events: list[TimelineEvent] = []
    offset = 0
    with httpx.Client(headers=headers, transport=transport, timeout=timeout) as client:
        for _page in range(MAX_PAGES):
            params: dict[str, Any] = {"offset": offset, "limit": PAGE_SIZE, "time_zone": "UTC"}
            try:
                response = client.get(url, params=params)
            except httpx.TimeoutException:
                raise ExternalServiceError(f"PagerDuty did not answer in {timeout:g} s") from None
            except httpx.HTTPError as exc:
                said = shorten(redact(str(exc), secrets=secret_forms(token)), 300)
                raise ExternalServiceError(
                    f"cannot reach PagerDuty at {base_url}: {said}"
                ) from None
            if response.status_code != 200:
                raise _fail(response, incident_id)
            where = f"{url}?offset={offset}"
            try:
                body = response.json()
            except ValueError:
                raise ExternalServiceError(
                    f"PagerDuty sent something that is not JSON ({where})"
                ) from None
            if not isinstance(body, dict) or not isinstance(body.get("log_entries"), list):
                raise SourceFormatError(
                    "expected a log entry page", file=where, field="log_entries"
                )
            entries = body["log_entries"]
            events.extend(
                log_entry_event(e, file=where, record=offset + i) for i, e in enumerate(entries)
            )
            if body.get("more") is not True or not entries:
                break
            offset += len(entries)
        else:
            raise ExternalServiceError(f"PagerDuty kept paging past {MAX_PAGES} pages; stopped")
    return events
