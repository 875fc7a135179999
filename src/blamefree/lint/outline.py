"""A post-mortem's outline for the linter: headings and list items with their lines.

The parser has read every value already; the linter only needs to know where sections and list
items are. A line scanner for the CommonMark block structure that post-mortems use (ATX and
setext headings, fenced and indented code, HTML comments, nested lists, lazy continuation lines)
does that about ten times faster than tokenising the text again, and agrees with
`blamefree.markdown.blocks.parse_blocks` on every fixture (tests/lint/test_outline.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from blamefree.lint.limits import LINE_MAX

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_OPEN = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( {1,4}(?=\S)|[ \t]*$)")
_HTML_OPEN = "<!--"


def atx_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, without its closing ``#`` run; linear time.

    What ``^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$`` reads (its lazy text before
    optional runs of blanks backtracks over a long run of them).
    """
    opening = _ATX_OPEN.match(line)
    if opening is None:
        return None
    text = line[opening.end() :].lstrip(" \t").rstrip(" \t")
    if text.endswith("#"):
        before = text.rstrip("#")
        if before.endswith((" ", "\t")):
            text = before.rstrip(" \t")
    return len(opening[1]), text


@dataclass
class ListItem:
    """A list item: its first line, last line, the text of its first line, sub-items."""

    line: int
    last: int
    head: str
    indent: int = 0
    children: list[ListItem] = field(default_factory=list)


@dataclass
class Heading:
    """A heading with the list items directly under it and its sub-sections.

    ``end`` is the last line (1-based, inclusive) before the next heading of the same or a
    higher level, as in `blamefree.markdown.blocks.Section`; ``own_end`` the last line before
    its first sub-heading.
    """

    level: int
    heading: str
    line: int
    end: int = 0
    own_end: int = 0
    items: list[ListItem] = field(default_factory=list)
    children: list[Heading] = field(default_factory=list)


class _Scanner:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.root = Heading(level=1, heading="", line=0, end=len(lines))
        self.stack = [self.root]
        self.title_line = 0
        self.items: list[ListItem] = []  # the open list items, outermost first
        self.paragraph: int | None = None  # first line (0-based) of an open paragraph
        self.long: list[int] = []  # 1-based lines longer than LINE_MAX outside code and comments

    def heading(self, level: int, text: str, index: int) -> None:
        self.items = []
        self.paragraph = None
        root = self.root
        if level == 1 and not self.title_line and len(self.stack) == 1 and not root.children:
            self.title_line = index + 1
            return
        while self.stack[-1].level >= level and len(self.stack) > 1:
            self.stack.pop().end = index
        section = Heading(level=level, heading=text.strip(), line=index + 1)
        parent = self.stack[-1]
        if not parent.children:
            parent.own_end = index
        parent.children.append(section)
        self.stack.append(section)

    def list_item(self, match: re.Match[str], index: int) -> None:
        indent = len(match[1])
        while self.items and indent < self.items[-1].indent:
            self.items.pop()
        line = self.lines[index]
        empty = match.end() >= len(line.rstrip())
        width = indent + len(match[2]) + (1 if empty else len(match[3]))
        item = ListItem(
            line=index + 1, last=index + 1, head=line[match.end() :].strip(), indent=width
        )
        if self.items:
            self.items[-1].children.append(item)
        else:
            self.stack[-1].items.append(item)
        self.items.append(item)
        self._touch(index)
        self.paragraph = None

    def text(self, index: int, blank_before: bool) -> None:
        line = self.lines[index]
        indent = len(line) - len(line.lstrip(" "))
        while self.items and indent < self.items[-1].indent and blank_before:
            self.items.pop()
        if self.items:
            for item in self.items:
                item.last = index + 1
            return
        if self.paragraph is None:
            self.paragraph = index

    def scan(self) -> None:
        lines = self.lines
        fence: str | None = None
        in_comment = False
        blank_before = True
        for index, line in enumerate(lines):
            if fence is not None:
                if line.strip().startswith(fence):
                    fence = None
                self._touch(index)
                continue
            if in_comment:
                in_comment = "-->" not in line
                continue
            stripped = line.strip()
            if not stripped:
                blank_before = True
                self.paragraph = None
                continue
            opening = _FENCE.match(line)
            if len(line) > LINE_MAX and self._read(line, opening, blank_before):
                self.long.append(index + 1)
            if opening:
                fence = opening.group(1)[0] * 3
                self._touch(index)
            elif line.startswith("    ") and blank_before and not self.items:
                pass  # indented code
            elif line.lstrip().startswith(_HTML_OPEN):
                in_comment = "-->" not in line
                self.paragraph = None
                indent = len(line) - len(line.lstrip(" "))
                while self.items and indent < self.items[-1].indent:
                    self.items.pop()
            elif (atx := atx_heading(line)) is not None:
                self.heading(atx[0], atx[1], index)
            elif self.paragraph is not None and (setext := _SETEXT.match(line)) is not None:
                text = " ".join(lines[i].strip() for i in range(self.paragraph, index))
                start = self.paragraph
                self.heading(1 if setext[1][0] == "=" else 2, text, start)
            elif _HR.match(line):
                self.items = []
                self.paragraph = None
            elif (item := _LIST.match(line)) is not None:
                self.list_item(item, index)
            else:
                self.text(index, blank_before)
            blank_before = False
        for section in self.stack[1:]:
            section.end = len(lines)

    def _read(self, line: str, opening: re.Match[str] | None, blank_before: bool) -> bool:
        """Whether a line is read as text: not a fence, indented code or an HTML comment."""
        code = line.startswith("    ") and blank_before and not self.items
        return opening is None and not code and not line.lstrip().startswith(_HTML_OPEN)

    def _touch(self, index: int) -> None:
        for item in self.items:
            item.last = index + 1


def _own_ends(section: Heading) -> None:
    if not section.children:
        section.own_end = section.end
    for child in section.children:
        _own_ends(child)


def outline(text: str) -> tuple[int, Heading]:
    """(line of the h1 title or 0, a root heading holding every section of the text)."""
    title_line, root, _long = scan_outline(text)
    return title_line, root


def scan_outline(text: str) -> tuple[int, Heading, list[int]]:
    """`outline`, and the lines longer than `LINE_MAX` outside code blocks and HTML comments."""
    scanner = _Scanner(text.split("\n"))
    scanner.scan()
    _own_ends(scanner.root)
    return scanner.title_line, scanner.root, scanner.long
