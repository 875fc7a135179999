"""Markdown prose as sentences of tokens, with code, quotes and blockquotes blanked out.

Blanking keeps every character offset, so a token's offset in the masked text is its offset
in the original text and findings can point at the exact line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLOCKQUOTE = re.compile(r"^ {0,3}>")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_QUOTED = re.compile(r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”")
# 'single quotes' and ‘curly’ ones: the opener follows a non-word character and the closer
# precedes one, so apostrophes ("Dave's", "don't", "the engineers' change") are not quotes.
_SINGLE_QUOTED = re.compile(
    r"(?<![\w'’])['‘](?=[^\s'’])(?:[^'’‘\n]|(?<=\w)['’](?=\w)){1,300}?(?<=[^\s'‘])['’](?!\w)"
)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_URL = re.compile(r"https?://\S+|\]\([^)\s]*\)")
_TOKEN = re.compile(
    r"@[\w.-]*\w(?:['’]s)?"  # @handle, possibly possessive
    r"|\d+(?:[.:,/]\d+)*%?"  # numbers, times, dates
    r"|\w+(?:['’\-]\w+)*"  # words, with inner apostrophes and hyphens
    r"|[?!.;:,()]"
)
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "approx", "no", "fig", "cf", "st", "inc"}
)


@dataclass(slots=True)
class Token:
    """One token: its text, lower-cased form (possessive stripped) and offsets in the text."""

    text: str
    low: str
    start: int
    end: int
    possessive: bool
    capitalised: bool


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _code_placeholder(match: re.Match[str]) -> str:
    # Inline code stays a token ("___") so "`deploy.sh` broke prod" has a subject, a system.
    text = match.group(0)
    return text[0] + "_" * (len(text) - 2) + text[-1] if len(text) > 2 else " " * len(text)


def mask_markdown(text: str) -> str:
    """Blank out code blocks, blockquotes, HTML comments, URLs and quoted text; keep offsets."""
    lines = text.split("\n")
    out: list[str] = []
    fence: str | None = None
    prev_blank = True
    in_list = False
    for line in lines:
        stripped = line.strip()
        if fence is not None:
            out.append(" " * len(line))
            if stripped.startswith(fence):
                fence = None
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)[0] * 3
            out.append(" " * len(line))
            continue
        indented = line.startswith(("    ", "\t")) and stripped != ""
        if indented and prev_blank and not in_list and not _LIST_ITEM.match(line):
            out.append(" " * len(line))
            continue  # indented code block; prev_blank stays as it was
        if _BLOCKQUOTE.match(line):
            out.append(" " * len(line))
        else:
            out.append(line)
        if stripped:
            in_list = bool(_LIST_ITEM.match(line)) or (in_list and line[:1] in " \t")
        prev_blank = stripped == ""
    masked = "\n".join(out)
    masked = _HTML_COMMENT.sub(_blank, masked)
    masked = _INLINE_CODE.sub(_code_placeholder, masked)
    masked = _URL.sub(_blank, masked)
    masked = _QUOTED.sub(_blank, masked)
    return _SINGLE_QUOTED.sub(_blank, masked)


_ENDS = frozenset({".", "!", "?"})
_OPEN = frozenset("0123456789@")
_BLOCK_LINE = re.compile(r"^(?:\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|\|)|\s*$)", re.MULTILINE)


def sentences(masked: str) -> list[list[Token]]:
    """Split masked Markdown into sentences of tokens (blocks first, then sentence ends)."""
    boundaries = [match.start() for match in _BLOCK_LINE.finditer(masked)]
    boundaries.append(len(masked) + 1)
    next_boundary = 0
    result: list[list[Token]] = []
    current: list[Token] = []
    lowered = masked.lower().replace("’", "'")  # same length: offsets still line up
    ends = _ENDS
    for match in _TOKEN.finditer(masked):
        start, end = match.span()
        if boundaries[next_boundary] <= start:
            while boundaries[next_boundary] <= start:
                next_boundary += 1
            if current:
                result.append(current)
                current = []
        text = match.group()
        first = text[0]
        upper = first.isupper()
        if current and current[-1].low in ends and (upper or first in _OPEN):
            before = current[-2].low if len(current) > 1 else ""
            if before not in _ABBREVIATIONS and not (len(before) == 1 and before.isalpha()):
                result.append(current)
                current = []
        low = lowered[start:end]
        possessive = False
        if low[-1] in "s'" and len(low) > 2:
            if low.endswith("'s"):
                possessive, low = True, low[:-2]
            elif low.endswith("s'"):
                possessive, low = True, low[:-1]
        current.append(Token(text, low, start, end, possessive, upper))
    if current:
        result.append(current)
    return result


def line_starts(text: str) -> list[int]:
    """Offsets at which each line of `text` starts."""
    return [0, *(match.end() for match in _NEWLINE.finditer(text))]


_NEWLINE = re.compile("\n")
