"""The template's prompts in a list that has just got its first real entry: taken out.

A post-mortem started from the template lists prompts (``1. [Factor 1]``, ``- [ ] [Action item
1]`` with its ``[Name]``/``[Date]`` lines). ``markdown.patch`` keeps every line it was not asked
to change, prompts included, so the first factor typed into a form would land after three
prompts. ``drop_filled_prompts`` removes the prompt entries of each list that held nothing but
prompts before and has entries now. Only entries that are a template placeholder are removed
(an author's ``None recorded`` or ``TBD`` stays), and only if the text still reads as the same
document; otherwise the text is returned as it was.
"""

from __future__ import annotations

from blamefree.domain.unknown import is_placeholder
from blamefree.errors import TemplateParseError
from blamefree.markdown.anchors import Region, locate
from blamefree.markdown.parse import parse
from blamefree.markdown.patch import _BOX, _MARKER
from blamefree.markdown.source import join_source, split_source


def _has_entries(region: Region) -> bool:
    return any(key.startswith("i:") for key in region.children)


def _is_prompt(lines: list[str], start: int) -> bool:
    """Whether the list entry starting at ``start`` is a template placeholder."""
    first = lines[start]
    box = _BOX.match(first)
    marker = _MARKER.match(first)
    cut = box.end() if box is not None else marker.end() if marker is not None else 0
    return is_placeholder(first[cut:].strip())


def _prompt_spans(new: Region, old: Region | None, lines: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if new.skipped and _has_entries(new) and old is not None and not _has_entries(old):
        spans.extend(span for span in new.skipped if _is_prompt(lines, span[0]))
    for key, child in new.children.items():
        spans.extend(_prompt_spans(child, old.children.get(key) if old else None, lines))
    return spans


def drop_filled_prompts(text: str, before: str, *, timezone: str | None = None) -> str:
    """``text`` without the prompts of lists that had only prompts in ``before``."""
    source = split_source(text)
    lines = source.lines
    spans = _prompt_spans(locate(source.normalised), locate(split_source(before).normalised), lines)
    if not spans:
        return text
    drop: set[int] = set()
    for start, end in spans:
        drop.update(range(start, end))
        if end < len(lines) and not lines[end].strip():
            # The blank line after the entry goes too, unless it is what keeps the list apart
            # from the next heading.
            before_it = lines[start - 1] if start > 0 else ""
            after_it = lines[end + 1] if end + 1 < len(lines) else ""
            if not before_it.strip() or (after_it.strip() and not after_it.startswith("#")):
                drop.add(end)
    kept = [
        (line, ending)
        for index, (line, ending) in enumerate(zip(lines, source.endings, strict=True))
        if index not in drop
    ]
    result = join_source(source, [(line, ending or None) for line, ending in kept])
    try:
        same = parse(result, timezone=timezone) == parse(text, timezone=timezone)
    except TemplateParseError:
        same = False
    return result if same else text
