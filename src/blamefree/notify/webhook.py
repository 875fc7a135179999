"""The generic JSON webhook: one POST per owner digest, and the HTTP plumbing Slack shares.

The body is JSON (httpx encodes it: quotes, backslashes and control characters in stored text
are escaped, never markup). What a receiver answers is shown and stored only after ``redact``
removed the webhook URL (its path is the secret) and anything that looks like a credential.
"""

from __future__ import annotations

from typing import Any

import httpx

from blamefree.errors import ExternalServiceError
from blamefree.notify.digest import Delivery
from blamefree.redact import redact, secret_forms, shorten
from blamefree.schemas.convert import digest_read, to_data

EVENT = "blamefree.reminder"
MENTION_EVENT = "blamefree.mention"


def webhook_payload(delivery: Delivery) -> dict[str, Any]:
    """The JSON body: the event name, the recipient, and the digest's items."""
    (digest,) = delivery.digests
    contact = delivery.contacts.get(digest.name)
    recipient = {
        "name": digest.owner,
        "email": contact.email if contact else None,
        "slack": contact.slack if contact else None,
    }
    if digest.mentions:
        return {
            "event": MENTION_EVENT,
            "recipient": recipient,
            "mentions": [
                {
                    "comment_id": m.comment_id,
                    "incident_id": m.incident_id,
                    "section": m.section,
                    "author": m.author,
                    "quoted": m.quoted,
                    "body": m.body,
                    "url": m.url,
                }
                for m in digest.mentions
            ],
        }
    return {"event": EVENT, "recipient": recipient, **to_data(digest_read(digest))}


def post_json(client: httpx.Client, url: str, payload: dict[str, Any], *, what: str) -> None:
    """POST ``payload``; any answer but 2xx, or no answer, is an ExternalServiceError."""
    where = f"{what} at {_host(url)}"
    secrets = secret_forms(url, _path(url))

    def said(text: str, limit: int = 200) -> str:
        return shorten(redact(text, secrets=secrets), limit)

    try:
        response = client.post(url, json=payload)
    except httpx.TimeoutException as error:
        raise ExternalServiceError(
            f"{where} did not answer in time ({said(str(error))})"
        ) from error
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise ExternalServiceError(f"{where} could not be reached: {said(str(error))}") from error
    if not response.is_success:
        detail = said(response.text)
        raise ExternalServiceError(
            f"{where} answered HTTP {response.status_code}"
            + (f": {detail}" if detail else "")
            + "; it will be retried on the next run"
        )


def send_webhook(client: httpx.Client, delivery: Delivery) -> None:
    """Deliver one digest to the generic webhook."""
    post_json(client, delivery.address, webhook_payload(delivery), what="webhook")


def _host(url: str) -> str:
    # The path of a webhook URL is often its secret (Slack's always is): never print it.
    try:
        return httpx.URL(url).host or "<URL without a host>"
    except httpx.InvalidURL:
        return "<invalid URL>"


def _path(url: str) -> str | None:
    try:
        path = httpx.URL(url).path
    except httpx.InvalidURL:
        return None
    return path if path.strip("/") else None
