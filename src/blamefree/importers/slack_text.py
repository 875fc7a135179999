"""Slack's message markup, attachments and blocks turned into plain text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from blamefree.errors import SourceFormatError
from blamefree.importers.bounded import MAX_DEPTH

_TOKEN = re.compile(r"<([^<>]*)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


class SlackMarkup:
    """Slack mrkdwn to plain text, with the names of one export's users and channels.

    Built once per export: a message's text is converted with one call (`plain`), which
    replaces its tokens (``<@U123>``, ``<#C1|name>``, ``<url|label>``) through a method bound
    once, not a function made for every message.
    """

    __slots__ = ("_replace", "channels", "users")

    def __init__(self, users: Mapping[str, str], channels: Mapping[str, str] | None = None):
        self.users = users
        """User id -> name."""
        self.channels = channels or {}
        """Channel id -> name."""
        self._replace = partial(_TOKEN.sub, self._token)

    def plain(self, text: str) -> str:
        """Slack mrkdwn to plain text: mentions, channel links, URLs, bold, and the HTML
        escapes."""
        if "*" in text or "~" in text:
            text = _STRIKE.sub(r"\1", _BOLD.sub(r"\1", text))
        if "<" in text:
            text = self._replace(text)
        if "&" in text:
            text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        return text

    def _token(self, match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            uid = target[1:]
            return "@" + (self.users.get(uid) or label.lstrip("@") or uid)
        if target.startswith("#"):
            cid = target[1:]
            return "#" + (label or self.channels.get(cid) or cid)
        if target.startswith("!"):
            command = target[1:]
            if command in _SPECIAL:
                return _SPECIAL[command]
            if command.startswith("subteam^"):
                return label if label.startswith("@") else "@" + (label or command[8:])
            if label:
                return label
            return "@" + command
        return label or target


def plain_text(
    text: str, users: Mapping[str, str], channels: Mapping[str, str] | None = None
) -> str:
    """Slack mrkdwn to plain text: mentions, channel links, URLs, bold, and the HTML escapes."""
    return SlackMarkup(users, channels).plain(text)


def _section_text(value: Any) -> str:
    if isinstance(value, dict):
        text = value.get("text")
        return text if isinstance(text, str) else ""
    return ""


def _rich_text(
    elements: Any, users: Mapping[str, str], channels: Mapping[str, str], depth: int = 0
) -> str:
    parts: list[str] = []
    if not isinstance(elements, list):
        return ""
    if depth > MAX_DEPTH:
        raise SourceFormatError(f"rich text nested more than {MAX_DEPTH} deep", field="blocks")
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind == "text":
            parts.append(str(element.get("text", "")))
        elif kind == "link":
            parts.append(str(element.get("text") or element.get("url") or ""))
        elif kind == "user":
            uid = str(element.get("user_id", ""))
            parts.append("@" + (users.get(uid) or uid))
        elif kind == "channel":
            cid = str(element.get("channel_id", ""))
            parts.append("#" + (channels.get(cid) or cid))
        elif kind == "broadcast":
            parts.append("@" + str(element.get("range", "here")))
        elif kind == "usergroup":
            parts.append("@" + str(element.get("usergroup_id", "")))
        elif kind == "emoji":
            parts.append(":" + str(element.get("name", "")) + ":")
        elif "elements" in element:
            parts.append(_rich_text(element["elements"], users, channels, depth + 1))
            if kind in {"rich_text_list", "rich_text_preformatted", "rich_text_quote"}:
                parts.append("\n")
    return "".join(parts)


def blocks_text(
    blocks: Any, users: Mapping[str, str], channels: Mapping[str, str] | None = None
) -> str:
    """The readable text of a message's Block Kit blocks (sections, headers, rich text)."""
    chans = channels or {}
    lines: list[str] = []
    if not isinstance(blocks, list):
        return ""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "rich_text":
            lines.append(_rich_text(block.get("elements"), users, chans).strip())
        elif kind in {"section", "header"}:
            lines.append(plain_text(_section_text(block.get("text")), users, chans))
            fields = block.get("fields")
            if isinstance(fields, list):
                lines.extend(plain_text(_section_text(f), users, chans) for f in fields)
        elif kind == "context" and isinstance(block.get("elements"), list):
            lines.extend(plain_text(_section_text(e), users, chans) for e in block["elements"])
    return "\n".join(line for line in lines if line)


def attachments_text(
    attachments: Any, users: Mapping[str, str], channels: Mapping[str, str] | None = None
) -> str:
    """The text of legacy attachments: the fallback, else pretext, title and text."""
    chans = channels or {}
    lines: list[str] = []
    if not isinstance(attachments, list):
        return ""
    for attachment in attachments:
        if not isinstance(attachment, dict):
            continue
        fallback = attachment.get("fallback")
        if isinstance(fallback, str) and fallback.strip():
            lines.append(plain_text(fallback.strip(), users, chans))
            continue
        parts = [
            plain_text(value.strip(), users, chans)
            for value in (attachment.get(k) for k in ("pretext", "title", "text"))
            if isinstance(value, str) and value.strip()
        ]
        if not parts and attachment.get("blocks"):
            parts.append(blocks_text(attachment["blocks"], users, chans))
        if parts:
            lines.append(" ".join(parts))
    return "\n".join(lines)
