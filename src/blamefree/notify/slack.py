"""Slack incoming webhooks: one message per owner digest, as Block Kit sections.

Slack answers ``ok`` with HTTP 200, or an error code such as ``invalid_payload`` (400) or
``no_service`` (404) in the body; those become ExternalServiceError.

Slack reads ``&``, ``<`` and ``>`` as control characters in every text it shows (``<!channel>``,
``<@U123>``, ``<https://x|label>``), so each stored value is escaped as Slack documents
(``&amp;``, ``&lt;``, ``&gt;``) in every field: the top-level ``text``, the header and the
sections. Sections are also ``verbatim``, so Slack does not turn names into mentions or links;
a tracker URL becomes a link only when it is a plain http(s) URL, written by us as ``<url>``.
"""

from __future__ import annotations

from typing import Any

import httpx

from blamefree.notify.digest import (
    ActionRef,
    Delivery,
    Digest,
    MentionRef,
    action_line,
    mention_excerpt,
    mention_line,
    one_line,
    policy_line,
    review_line,
)
from blamefree.notify.webhook import post_json

MAX_SECTION_CHARS = 3000
"""Slack's limit for a section block's text."""

MAX_HEADER_CHARS = 150
"""Slack's limit for a header block's text."""

MAX_LINES_PER_SECTION = 20


def slack_payload(delivery: Delivery) -> dict[str, Any]:
    """The webhook body: ``text`` (notification fallback) and ``blocks`` (the digest)."""
    (digest,) = delivery.digests
    contact = delivery.contacts.get(digest.name)
    handle = contact.slack if contact and contact.slack else None
    who = one_line(f"{digest.name} ({handle})" if handle else digest.name)
    if digest.mentions:
        return _mention_payload(digest.mentions, who)
    summary = _summary(digest)
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _fit(f"Reminders for {who}", MAX_HEADER_CHARS)},
        },
        _mrkdwn(summary),
    ]
    for title, lines in (
        ("Overdue", [_action(a, digest) for a in digest.overdue]),
        ("Due soon", [_action(a, digest) for a in digest.due_soon]),
        ("Follow-up reviews", [escape(review_line(r, digest.today)) for r in digest.reviews]),
        (
            "Post-mortems the policy asks for",
            [escape(policy_line(p, digest.today)) for p in digest.postmortems],
        ),
    ):
        if lines:
            blocks.append(_mrkdwn(_section(title, lines)))
    text = _fit(f"Blamefree reminders for {who}: {summary}", MAX_SECTION_CHARS)
    return {"text": text, "blocks": blocks}


def _mention_payload(mentions: tuple[MentionRef, ...], who: str) -> dict[str, Any]:
    """A mention: who wrote where, the quoted line and the comment, every value escaped."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _fit(f"Mentioned: {who}", MAX_HEADER_CHARS)},
        }
    ]
    for mention in mentions:
        text = f"*{escape(mention_line(mention))}*"
        if mention.quoted:
            text += f"\n> {escape(one_line(mention.quoted))}"
        text += f"\n{escape(mention_excerpt(mention))}"
        link = _link(mention.url)
        if link:
            text += f"\n{link}"
        blocks.append(_mrkdwn(_fit_escaped(text)))
    summary = mention_line(mentions[0])
    return {"text": _fit(f"{who}: {summary}", MAX_SECTION_CHARS), "blocks": blocks}


def _fit_escaped(text: str) -> str:
    """Already escaped text within a section's limit, cut at a line break."""
    if len(text) <= MAX_SECTION_CHARS:
        return text
    cut = text[: MAX_SECTION_CHARS - 1]
    return cut[: cut.rfind("\n")] + "\n…" if "\n" in cut else cut[: cut.rfind(" ")] + "…"


def send_slack(client: httpx.Client, delivery: Delivery) -> None:
    """Post one digest to the Slack incoming webhook."""
    post_json(client, delivery.address, slack_payload(delivery), what="Slack webhook")


def _summary(digest: Digest) -> str:
    parts = [
        f"{len(digest.overdue)} overdue",
        f"{len(digest.due_soon)} due soon",
        f"{len(digest.reviews)} review{'s' if len(digest.reviews) != 1 else ''}",
    ]
    if digest.postmortems:
        owed = len(digest.postmortems)
        parts.append(f"{owed} post-mortem{'s' if owed != 1 else ''}")
    return ", ".join(parts)


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _action(action: ActionRef, digest: Digest) -> str:
    line = escape(action_line(action, digest.today, url=False))
    link = _link(action.url)
    return f"{line} {link}" if link else line


def _link(url: str | None) -> str | None:
    """``<url>`` for a plain http(s) URL; anything else is shown as escaped text."""
    if not url:
        return None
    shown = one_line(url)
    try:
        parsed = httpx.URL(shown)
    except httpx.InvalidURL:
        return escape(shown)
    if parsed.scheme not in ("http", "https") or not parsed.host or any(c in shown for c in "<>|"):
        return escape(shown)
    return f"<{escape(shown)}>"


def _section(title: str, lines: list[str]) -> str:
    """A titled list of already escaped lines, within Slack's limits."""
    shown = lines[:MAX_LINES_PER_SECTION]
    body = "\n".join(f"• {line}" for line in shown)
    if len(lines) > len(shown):
        body += f"\n… and {len(lines) - len(shown)} more"
    text = f"*{title}*\n{body}"
    if len(text) <= MAX_SECTION_CHARS:
        return text
    # Cut at a line break, so no escape sequence or link is cut in half.
    cut = text[: MAX_SECTION_CHARS - 1]
    return cut[: cut.rfind("\n")] + "\n…" if "\n" in cut else cut + "…"


def escape(text: str) -> str:
    """Text for any Slack text field: ``&``, ``<`` and ``>`` as the entities Slack documents."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit(text: str, limit: int) -> str:
    """``text`` escaped, cut (before escaping, so no entity is split) to ``limit`` characters."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    size, keep = 0, 0
    for char in text:
        size += len(escape(char))
        if size > limit - 1:
            break
        keep += 1
    return escape(text[:keep]) + "…"
