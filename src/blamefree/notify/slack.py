"""Slack incoming webhooks: one message per owner digest, as Block Kit sections.

Slack answers ``ok`` with HTTP 200, or an error code such as ``invalid_payload`` (400) or
``no_service`` (404) in the body; those become ExternalServiceError.
"""

from __future__ import annotations

from typing import Any

import httpx

from blamefree.notify.digest import Delivery, Digest, action_line, review_line
from blamefree.notify.webhook import post_json

MAX_SECTION_CHARS = 3000
"""Slack's limit for a section block's text."""

MAX_LINES_PER_SECTION = 20


def slack_payload(delivery: Delivery) -> dict[str, Any]:
    """The webhook body: ``text`` (notification fallback) and ``blocks`` (the digest)."""
    (digest,) = delivery.digests
    contact = delivery.contacts.get(digest.name)
    handle = contact.slack if contact and contact.slack else None
    who = f"{digest.name} ({handle})" if handle else digest.name
    summary = _summary(digest)
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(f"Reminders for {who}", 150)},
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": summary}},
    ]
    for title, lines in (
        ("Overdue", [action_line(a, digest.today) for a in digest.overdue]),
        ("Due soon", [action_line(a, digest.today) for a in digest.due_soon]),
        ("Follow-up reviews", [review_line(r, digest.today) for r in digest.reviews]),
    ):
        if lines:
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": _section(title, lines)}}
            )
    return {"text": f"Blamefree reminders for {who}: {summary}", "blocks": blocks}


def send_slack(client: httpx.Client, delivery: Delivery) -> None:
    """Post one digest to the Slack incoming webhook."""
    post_json(client, delivery.address, slack_payload(delivery), what="Slack webhook")


def _summary(digest: Digest) -> str:
    parts = [
        f"{len(digest.overdue)} overdue",
        f"{len(digest.due_soon)} due soon",
        f"{len(digest.reviews)} review{'s' if len(digest.reviews) != 1 else ''}",
    ]
    return ", ".join(parts)


def _section(title: str, lines: list[str]) -> str:
    shown = lines[:MAX_LINES_PER_SECTION]
    body = "\n".join(f"• {_escape(line)}" for line in shown)
    if len(lines) > len(shown):
        body += f"\n… and {len(lines) - len(shown)} more"
    return _cut(f"*{title}*\n{body}", MAX_SECTION_CHARS)


def _escape(text: str) -> str:
    # Slack's mrkdwn treats these three as control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
