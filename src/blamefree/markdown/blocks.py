"""Markdown -> a light tree of sections, blocks and list items with source lines (markdown-it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from blamefree.markdown.source import split_source

_MARKER = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])(\s+|$)")
_HR = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_REMEMBER = re.compile(r"^\s*\*\*Remember:?\*\*", re.IGNORECASE)


@dataclass
class Item:
    """A list item: its first paragraph (``head``), nested items and its whole text (``raw``)."""

    line: int
    head: str
    raw: str
    children: list[Item] = field(default_factory=list)
    end: int = 0  # 0-based index after its last non-blank line


@dataclass
class Block:
    """A top-level block of a section: paragraph, list, code, quote, table, html or hr."""

    kind: str
    line: int
    end: int
    raw: str
    items: list[Item] = field(default_factory=list)
    ordered: bool = False


@dataclass
class Section:
    """A heading with the blocks directly under it and its sub-sections."""

    level: int
    heading: str
    line: int
    end: int = 0
    body_start: int = 0  # first line (0-based) after the heading; a setext heading has two
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Only block structure is read (inline content stays raw text), so inline parsing is skipped.
    return MarkdownIt("commonmark").enable("table").disable("inline")


@lru_cache(maxsize=8)
def _tokens(text: str) -> tuple[Token, ...]:
    """The block tokens of a text, never changed once made (only read below). A save reads the
    text it was based on, which the save before it checked, and renders the document it was
    based on, which that save rendered too: a few recent texts come round again."""
    return tuple(_markdown().parse(text))


def _dedent_item(lines: list[str]) -> list[str]:
    """Item lines without the list marker, continuation lines dedented under it."""
    first = lines[0]
    marker = _MARKER.match(first)
    width = marker.end() if marker else 0
    out = [first[width:]]
    for line in lines[1:]:
        stripped = len(line) - len(line.lstrip(" "))
        out.append(line[min(stripped, width) :])
    return out


def _trim(lines: list[str]) -> list[str]:
    """The lines without blank ones at either end (in place, in linear time)."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = 0
    while start < end and not lines[start].strip():
        start += 1
    lines[:] = lines[start:end]
    return lines


class _Walker:
    def __init__(self, text: str) -> None:
        # Lines as markdown-it numbers them: a lone ``\r`` breaks a line too.
        self.lines = split_source(text).lines
        self.tokens: tuple[Token, ...] = _tokens(text)

    def slice(self, start: int, end: int) -> list[str]:
        return self.lines[start:end]

    def close_index(self, i: int) -> int:
        """Index of the token that closes the block opened at ``i``."""
        level = self.tokens[i].level
        j = i + 1
        while j < len(self.tokens):
            token = self.tokens[j]
            if token.nesting == -1 and token.level == level:
                return j
            j += 1
        return len(self.tokens) - 1

    def list_items(self, i: int) -> list[Item]:
        """The items of the list opened at token ``i``."""
        end = self.close_index(i)
        item_level = self.tokens[i].level + 1
        items: list[Item] = []
        j = i + 1
        while j < end:
            token = self.tokens[j]
            if token.type == "list_item_open" and token.level == item_level:
                close = self.close_index(j)
                items.append(self.item(j, close))
                j = close
            j += 1
        return items

    def item(self, i: int, close: int) -> Item:
        token = self.tokens[i]
        assert token.map is not None
        start, stop = token.map
        children: list[Item] = []
        child_start = stop
        j = i + 1
        while j < close:
            inner = self.tokens[j]
            if inner.type in ("bullet_list_open", "ordered_list_open") and inner.map:
                child_start = min(child_start, inner.map[0])
                children.extend(self.list_items(j))
                j = self.close_index(j)
            j += 1
        lines = _dedent_item(self.slice(start, stop))
        head_lines = _trim(lines[: child_start - start])
        head = "\n".join(line.strip() for line in head_lines)
        raw = "\n".join(line.rstrip() for line in _trim(lines))
        while stop > start + 1 and not self.lines[stop - 1].strip():
            stop -= 1
        return Item(line=start + 1, head=head, raw=raw, children=children, end=stop)


def parse_blocks(text: str) -> tuple[str | None, int, Section]:
    """The document as a section tree: (h1 title, its line, root section holding the rest)."""
    walker = _Walker(text)
    tokens = walker.tokens
    root = Section(level=1, heading="", line=0, end=len(walker.lines))
    stack = [root]
    title: str | None = None
    title_line = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.level != 0 or token.map is None:
            i += 1
            continue
        start, stop = token.map
        if token.type == "heading_open":
            level = int(token.tag[1])
            heading = " ".join(tokens[i + 1].content.split())
            if level == 1 and title is None and len(stack) == 1 and not root.children:
                title, title_line = heading, start + 1
            else:
                # A second `# ` heading is read as a section of its own (level 2), so that
                # the template's sections after it are not taken to be its sub-sections.
                level = max(level, 2)
                while stack[-1].level >= level and len(stack) > 1:
                    stack.pop().end = start
                section = Section(level=level, heading=heading, line=start + 1, body_start=stop)
                stack[-1].children.append(section)
                stack.append(section)
            i = walker.close_index(i) + 1
            continue
        raw_lines = walker.slice(start, stop)
        kind = {
            "paragraph_open": "paragraph",
            "bullet_list_open": "list",
            "ordered_list_open": "list",
            "fence": "code",
            "code_block": "code",
            "hr": "hr",
            "html_block": "html",
            "blockquote_open": "quote",
            "table_open": "table",
        }.get(token.type, "other")
        if kind == "paragraph" and _REMEMBER.match(raw_lines[0]):
            kind = "remember"
        block = Block(kind=kind, line=start + 1, end=stop, raw="\n".join(_trim(raw_lines)))
        if kind == "list":
            block.items = walker.list_items(i)
            block.ordered = token.type == "ordered_list_open"
        stack[-1].blocks.append(block)
        i = walker.close_index(i) + 1 if token.nesting == 1 else i + 1
    for section in stack[1:]:
        section.end = len(walker.lines)
    return title, title_line, root


def section_raw(section: Section, lines: list[str]) -> str:
    """The verbatim text under a heading (sub-headings included), without closing rules."""
    body = lines[max(section.body_start, section.line) : section.end]
    body = _trim(list(body))
    while body and (_HR.match(body[-1]) or _REMEMBER.match(body[-1])):
        body.pop()
        body = _trim(body)
    return "\n".join(body)


def content_blocks(section: Section) -> list[Block]:
    """The section's own blocks without rules and the closing Remember line."""
    return [block for block in section.blocks if block.kind not in ("hr", "remember")]
