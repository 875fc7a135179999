"""Markdown prose as sentences of tokens, with code, quotes and blockquotes blanked out.

Blanking keeps every character offset, so a token's offset in the masked text is its offset
in the original text and findings can point at the exact line and column. Every step is linear
in the text: code spans, HTML comments and link targets are found by scanners (a regex for them
backtracks over runs of backticks or ``<!--``), the other patterns are bounded, a line longer
than `LINE_MAX` is blanked (BF401 reports it) and a sentence is at most `SENTENCE_MAX` tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from blamefree.lint.limits import LINE_MAX, SENTENCE_MAX

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLOCKQUOTE = re.compile(r"^ {0,3}>")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_BACKTICKS = re.compile(r"`+")
_QUOTED = re.compile(r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”")
# 'single quotes' and ‘curly’ ones: the opener follows a non-word character and the closer
# precedes one, so apostrophes ("Dave's", "don't", "the engineers' change") are not quotes.
_SINGLE_QUOTED = re.compile(
    r"(?<![\w'’])['‘](?=[^\s'’])(?:[^'’‘\n]|(?<=\w)['’](?=\w)){1,300}?(?<=[^\s'‘])['’](?!\w)"
)
_URL_START = re.compile(r"https?://(?=\S)|\]\(")
_LINK_TARGET = re.compile(r"[^)\s]*+")
_NON_SPACE = re.compile(r"\S*+")


def _end(pattern: re.Pattern[str], text: str, start: int) -> int:
    """Where ``pattern`` (one that also matches nothing) stops when matched at ``start``."""
    match = pattern.match(text, start)
    return match.end() if match is not None else start


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


_NOT_NEWLINE = re.compile(r"[^\n]+")


def _blank(match: re.Match[str]) -> str:
    return _NOT_NEWLINE.sub(_spaces, match.group(0))


def _spaces(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _replace(text: str, spans: Iterator[tuple[int, int]], blank: bool) -> str:
    """``text`` with each (start, end) span blanked, or made a code placeholder (``blank=False``).

    A code placeholder keeps the first and last character and puts ``_`` between, so inline code
    stays a token ("`deploy.sh` broke prod" has a subject, a system).
    """
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        piece = text[start:end]
        if blank:
            parts.append(_NOT_NEWLINE.sub(_spaces, piece))
        else:
            parts.append(piece[0] + "_" * (end - start - 2) + piece[-1])
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _code_spans(text: str) -> Iterator[tuple[int, int]]:
    """Inline code: a run of backticks, text, then the next run of exactly as many backticks.

    What ``(`+)(?!`)(.+?)(?<!`)\\1(?!`)`` finds, in linear time: when a run of n backticks has
    no closing run of n, the regex tries the same run without its first backtick (n - 1), and so
    on; here one pass from the end records, for every run, the longest such suffix that has a
    closing run after it.
    """
    runs = [(match.start(), match.end()) for match in _BACKTICKS.finditer(text)]
    if len(runs) < 2:
        return
    closing: list[tuple[int, int] | None] = [None] * len(runs)  # (width, index of the closer)
    later: dict[int, int] = {}  # run width -> index of the nearest run of that width after
    for index in range(len(runs) - 1, -1, -1):
        start, end = runs[index]
        for width in range(end - start, 0, -1):  # all widths cost the text's length in all
            if width in later:
                closing[index] = (width, later[width])
                break
        later[end - start] = index
    index = 0
    while index < len(runs):
        found = closing[index]
        if found is None:
            index += 1
            continue
        width, closer = found
        yield runs[index][1] - width, runs[closer][1]
        index = closer + 1


def _comment_spans(text: str) -> Iterator[tuple[int, int]]:
    """HTML comments, ``<!--`` to the next ``-->``; an unclosed one ends the search."""
    start = text.find("<!--")
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            return
        yield start, end + 3
        start = text.find("<!--", end + 3)


def _url_spans(text: str) -> Iterator[tuple[int, int]]:
    """URLs (``https://...`` up to white space) and link targets (``](...)``).

    What ``https?://\\S+|\\]\\([^)\\s]*\\)`` finds, in linear time: a ``](`` whose target
    runs into white space fails, and so does every ``](`` before that white space, so the scan
    does not read that stretch again for them.
    """
    position = 0
    dead_end = -1  # a "](" that starts before this offset cannot be closed
    while (match := _URL_START.search(text, position)) is not None:
        start = match.start()
        if text[start] == "h":
            end = _end(_NON_SPACE, text, match.end())
            yield start, end
            position = end
            continue
        if start < dead_end:
            position = start + 1
            continue
        stop = _end(_LINK_TARGET, text, match.end())
        if stop < len(text) and text[stop] == ")":
            yield start, stop + 1
            position = stop + 1
        else:
            dead_end = stop
            position = start + 1


def mask_markdown(text: str) -> str:
    """Blank out code blocks, blockquotes, HTML comments, URLs and quoted text; keep offsets.

    A line longer than `LINE_MAX` characters is blanked too: it is not read (BF401).
    """
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
        if _BLOCKQUOTE.match(line) or len(line) > LINE_MAX:
            out.append(" " * len(line))
        else:
            out.append(line)
        if stripped:
            in_list = bool(_LIST_ITEM.match(line)) or (in_list and line[:1] in " \t")
        prev_blank = stripped == ""
    masked = "\n".join(out)
    masked = _replace(masked, _comment_spans(masked), blank=True)
    masked = _replace(masked, _code_spans(masked), blank=False)
    masked = _replace(masked, _url_spans(masked), blank=True)
    masked = _QUOTED.sub(_blank, masked)
    return _SINGLE_QUOTED.sub(_blank, masked)


_ENDS = frozenset({".", "!", "?"})
_OPEN = frozenset("0123456789@")
# White space but newlines: one line's indentation, never a run of blank lines read again from
# each of their starts.
_BLOCK_LINE = re.compile(
    r"^(?:[^\S\n]*+(?:[-*+]\s|\d++[.)]\s|#{1,6}\s|\|)|[^\S\n]*+$)", re.MULTILINE
)


def sentences(masked: str) -> list[list[Token]]:
    """Split masked Markdown into sentences of tokens (blocks first, then sentence ends)."""
    boundaries = [match.start() for match in _BLOCK_LINE.finditer(masked)]
    boundaries.append(len(masked) + 1)
    next_boundary = 0
    boundary = boundaries[0]
    result: list[list[Token]] = []
    current: list[Token] = []
    lowered = masked.lower().replace("’", "'")  # same length: offsets still line up
    ends = _ENDS
    make = Token  # hot loop: one token per word or punctuation mark of the whole text
    for match in _TOKEN.finditer(masked):
        start, end = match.span()
        if boundary <= start:
            while boundaries[next_boundary] <= start:
                next_boundary += 1
            boundary = boundaries[next_boundary]
            if current:
                result.append(current)
                current = []
        elif len(current) >= SENTENCE_MAX:
            result.append(current)
            current = []
        text = masked[start:end]
        first = text[0]
        upper = first.isupper()
        if current and (upper or first in _OPEN) and current[-1].low in ends:
            before = current[-2].low if len(current) > 1 else ""
            if before not in _ABBREVIATIONS and not (len(before) == 1 and before.isalpha()):
                result.append(current)
                current = []
        low = lowered[start:end]
        if end - start > 2 and low[-1] in "s'":
            if low.endswith("'s"):
                current.append(make(text, low[:-2], start, end, True, upper))
                continue
            if low.endswith("s'"):
                current.append(make(text, low[:-1], start, end, True, upper))
                continue
        current.append(make(text, low, start, end, False, upper))
    if current:
        result.append(current)
    return result


def line_starts(text: str) -> list[int]:
    """Offsets at which each line of `text` starts."""
    return [0, *(match.end() for match in _NEWLINE.finditer(text))]


_NEWLINE = re.compile("\n")
