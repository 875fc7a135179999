"""Labelled lines (``**Label:** value``) and the state of one parse, for the Markdown reader.

A label is read from a bounded prefix of its line (at most ``LABEL_MAX`` characters), so a line
of any length costs the same to recognise. Forms, in docs/file-format.md: ``**Label:** value``,
``**Label**: value``, ``Label: value`` (a label the section expects), and ``**Label** value``
without a colon (also only a label the section expects).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from blamefree.domain import values
from blamefree.domain.assumptions import Assumption
from blamefree.domain.postmortem import ExtraSection
from blamefree.errors import TemplateParseError
from blamefree.markdown import layout
from blamefree.markdown.blocks import Block

T = TypeVar("T")
LABEL_MAX = 60  # characters of a label; a longer bold text at the start of a line is not one

# Plain labels may start with a digit ("1 Week Follow-Up: ..."); they only count when known.
_PLAIN_LABEL = re.compile(
    r"^(?P<label>[A-Za-z0-9][A-Za-z0-9 /'’()-]{0,40}):[ \t]+(?P<value>.*)$", re.DOTALL
)
# After a label without a colon, a dash may stand for it: "**Time** – 14:32".
_DASHES = ("- ", "– ", "— ")


@dataclass
class Field:
    """A labelled value found in the text, with its line."""

    label: str
    value: str
    line: int


@dataclass
class Context:
    """State of one parse: where we are, for error messages, what is left over, what we assumed."""

    source: str | None
    lines: list[str]
    extras: list[ExtraSection] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    reference: dt.date | None = None  # the document's date, for dates written without a year
    dot_thousands: bool = False  # the document groups thousands with dots ("3.000" is 3000)

    def fail(self, message: str, line: int, field_path: str) -> TemplateParseError:
        return TemplateParseError(
            message, file=self.source or "<text>", line=line, field=field_path
        )

    def typed(self, reader: Callable[[str], T], found: Field, field_path: str) -> T:
        """Run a value reader; its ValueError becomes a TemplateParseError at the field's line."""
        try:
            return reader(found.value)
        except ValueError as exc:
            raise self.fail(str(exc), found.line, field_path) from exc

    def assume(self, assumption: Assumption) -> None:
        self.assumptions.append(assumption)

    def leftover(
        self, parent: str | None, body: str, heading: str | None = None, level: int = 3
    ) -> None:
        if body.strip() or heading is not None:
            body = close_fences(body)
            self.extras.append(ExtraSection(heading=heading, level=level, parent=parent, body=body))


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def close_fences(body: str) -> str:
    """Close a code fence left open at the end of kept text, so it cannot swallow what follows."""
    open_fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE.match(line)
        if match is None:
            continue
        marker = match.group(1)
        if open_fence is None:
            open_fence = marker
        elif marker[0] == open_fence[0] and len(marker) >= len(open_fence):
            open_fence = None
    return body if open_fence is None else f"{body}\n{open_fence}"


# --- labels ----------------------------------------------------------------------------------

# "**Time (UTC):**", "**Timestamp (PDT):**": a time label that names the zone of its value.
_ZONED_LABEL = re.compile(
    r"^(?P<base>time|timestamp|impact start)\s*\((?P<zone>[^()]{1,40})\)$", re.I
)
_LABEL_SYNONYMS = {"timestamp": "time"}


def _zoned_label(label: str, value: str) -> tuple[str, str]:
    """The label without its zone, and the value with the zone written after the time."""
    match = _ZONED_LABEL.match(label.strip())
    if match is None:
        plain = layout.normalise(label)
        return _LABEL_SYNONYMS.get(plain, plain), value
    base = layout.normalise(match["base"])
    base = _LABEL_SYNONYMS.get(base, base)
    name = match["zone"].strip()
    try:
        values.zone(name)
    except ValueError:
        plain = layout.normalise(label)
        return _LABEL_SYNONYMS.get(plain, plain), value
    if values.is_unknown(value) or values.names_zone(value):
        return base, value
    return base, f"{value} {name}"


def _bold_label(text: str) -> tuple[str, str, bool] | None:
    """(label, value, written with a colon) of ``**Label:** value``, ``**Label**: value`` or
    ``**Label** value``; None when the line does not start with a bold label."""
    if not text.startswith("**"):
        return None
    close = text.find("**", 2, 2 + LABEL_MAX + 4)
    inner = text[2:close].rstrip() if close > 2 else ""
    if not inner or "*" in inner or "\n" in inner:
        return None
    after = text[close + 2 :]
    if inner.endswith(":"):
        label, value, colon = inner[:-1].rstrip(), after, True
    elif after.lstrip(" \t").startswith(":"):
        label, value, colon = inner, after.lstrip(" \t")[1:], True
    else:
        label, value, colon = inner, after, False
    value = value.lstrip(" \t")
    if not colon and value.startswith(_DASHES):
        value = value[2:].lstrip(" \t")
    if not label.strip() or len(label) > LABEL_MAX:
        return None
    return label, value, colon


def split_label(text: str, known: set[str]) -> tuple[str, str] | None:
    """(normalised label, value) of a labelled line; a label without a colon, and a plain one,
    only when it is one of ``known``."""
    bold = _bold_label(text)
    if bold is not None:
        label, value = _zoned_label(bold[0], bold[1].strip())
        if bold[2] or label in known:
            return label, value
        return None
    match = _PLAIN_LABEL.match(text[: LABEL_MAX + 2]) if ":" in text[: LABEL_MAX + 2] else None
    if match:
        written = match["label"]
        label, value = _zoned_label(written, text[len(written) + 1 :].strip())
        if label in known:
            return label, value
    return None


def _all_labelled(block: Block, known: set[str]) -> bool:
    """True for a list whose every item is a ``**Label:** value`` line with a known label."""
    for item in block.items:
        split = None if item.children else split_label(item.raw, known)
        if split is None or split[0] not in known:
            return False
    return bool(block.items)


def paragraph_fields(
    blocks: list[Block], known: set[str], ctx: Context, parent: str | None
) -> dict[str, Field]:
    """``**Label:** value`` lines in paragraphs; a line without a label continues the one before."""
    found: dict[str, Field] = {}
    continued: dict[str, list[str]] = {}
    loose: list[str] = []
    for block in blocks:
        if block.kind == "list" and _all_labelled(block, known):
            # A writer who bulleted the labelled lines: read them the same way.
            for item in block.items:
                split = split_label(item.raw, known)
                if split and split[0] not in found:
                    found[split[0]] = Field(split[0], split[1], item.line)
            continue
        if block.kind != "paragraph":
            loose.append(block.raw)
            continue
        current: list[str] | None = None
        stray: list[str] = []
        for offset, raw_line in enumerate(block.raw.split("\n")):
            line = raw_line.rstrip().removesuffix("\\").rstrip()
            split = split_label(line.strip(), known)
            if split and split[0] in known and split[0] not in found:
                found[split[0]] = Field(split[0], split[1], block.line + offset)
                current = continued.setdefault(split[0], [split[1]])
            elif current is not None and not split:
                if line.strip():  # joined once at the end: no quadratic copying
                    current.append(line.strip())
            else:
                current = None
                stray.append(line)
        if stray:
            loose.append("\n".join(stray))
    for key, parts in continued.items():
        if len(parts) > 1:
            found[key].value = "\n".join(parts).strip()
    if loose:
        ctx.leftover(parent, "\n\n".join(loose))
    return found


def bullet_fields(
    blocks: list[Block], known: set[str], ctx: Context, parent: str | None
) -> tuple[dict[str, Field], list[str]]:
    """``- **Label:** value`` bullets; other bullets come back as extras, other blocks are kept."""
    found: dict[str, Field] = {}
    extra: list[str] = []
    loose: list[str] = []
    for block in blocks:
        first = split_label(block.raw.split("\n", 1)[0].strip(), known)
        if block.kind == "paragraph" and first and first[0] in known:
            # Labelled lines written as a paragraph instead of bullets.
            for key, value in paragraph_fields([block], known, ctx, parent).items():
                found.setdefault(key, value)
            continue
        if block.kind != "list":
            loose.append(block.raw)
            continue
        for item in block.items:
            split = split_label(item.raw, known) if not item.children else None
            if split is None and item.children:
                split = split_label(item.head, known)
            if split and split[0] in known and split[0] not in found:
                found[split[0]] = Field(split[0], split[1], item.line)
                # Bullets nested under a labelled one are kept beside it, not dropped.
                extra.extend(child.raw for child in item.children)
            elif not values.is_placeholder(item.raw):
                extra.append(item.raw)
    if loose:
        ctx.leftover(parent, "\n\n".join(loose))
    return found, extra
