"""A change to a document, applied to the author's text: only the lines that must change change.

``patch(text, old, new)`` takes a text, the document it parses to and a changed document, and
returns a text that parses to exactly the changed document. It renders both documents, finds
the elements whose rendering differs (``anchors.locate`` gives the same keys to the author's
text and to the renderings) and rewrites only those in the author's text: a status change flips
one checkbox, a new owner replaces the value after ``Owner:`` and keeps the label as written, a
new item is written in the list's own bullet style, a moved item keeps its lines. Everything
else (wording, placeholders, unknown sections, blank lines, line endings, a byte-order mark)
stays byte for byte.

The result is always read back. When it does not parse to the changed document, the change is
applied again with larger pieces replaced by their rendering (element, then sub-section, then
section), and finally the whole canonical rendering is used, so a saved text never reads back
as something other than what was saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from blamefree.domain.derive import FROM_EVENTS, FROM_TIMELINE
from blamefree.domain.postmortem import Postmortem, carry_written
from blamefree.errors import TemplateParseError
from blamefree.markdown import anchors
from blamefree.markdown.anchors import Region, locate
from blamefree.markdown.blocks import _HR
from blamefree.markdown.parse import _ODD_SPACES, parse
from blamefree.markdown.render import render
from blamefree.markdown.source import Source, join_source, split_source

FINE = 9  # no limit: down to the lines of an action item
DEPTHS = (FINE, 3, 2, 1)  # then: items and fields whole, sub-sections whole, sections whole

_LEAVES = frozenset({anchors.FIELD, anchors.HEAD, anchors.ITEM, anchors.OPAQUE})
_ITEMS = frozenset({anchors.ITEM, anchors.CHECK, anchors.ACTION})
_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap>[ \t]+|$)")
_BOX = re.compile(r"^(?P<lead>[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)(?:\[(?P<mark>[ xX])\])?")
_LABELLED = re.compile(
    r"^(?P<prefix>[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?"
    r"(?:\*\*[^*\n]{1,60}?\s*(?::\s*\*\*|\*\*\s*:)|[A-Za-z0-9][A-Za-z0-9 /'’()-]{0,40}:)[ \t]*)"
    r"(?P<value>.*?)(?P<brk>[ \t]{2,}|\\)?$"
)


def _derived_only(lines: list[str]) -> bool:
    """Lines that only show what Blamefree derives (``(from event log)``, ``(from timeline)``):
    they are refreshed where the author's text has them, never added to it."""
    shown = [_norm(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return all(line.endswith((FROM_EVENTS, FROM_TIMELINE)) for line in shown)


def _sub_bullets(item: Region) -> list[Region]:
    """The author's sub-bullets of an item (its labelled lines and other sub-items)."""
    return [child for key, child in item.children.items() if key.startswith(("f:", "x:"))]


def _norm(line: str) -> str:
    """A line as compared: trailing white space and hard-break marks do not count."""
    return line.rstrip().removesuffix("\\").rstrip()


def _content(lines: list[str], region: Region) -> tuple[str, ...]:
    return tuple(_norm(line) for line in lines[region.start : region.end])


def _residue(lines: list[str], region: Region) -> tuple[str, ...]:
    """The region's non-blank lines that no part and no skipped placeholder covers."""
    covered: set[int] = set()
    for child in region.children.values():
        covered.update(range(child.start, child.end))
    for start, end in region.skipped:
        covered.update(range(start, end))
    return tuple(
        _norm(lines[i]) for i in range(region.start, region.end) if i not in covered and lines[i]
    )


def restyle(lines: list[str], ref: str | None) -> list[str]:
    """List lines moved to the bullet style and indentation of ``ref``, a line of the target
    list; continuation and nested lines keep their place relative to the item's text."""
    if ref is None or not lines:
        return lines
    target = _MARKER.match(ref)
    if target is None:
        return lines
    source = _MARKER.match(lines[0])
    indent = target["indent"]
    marker = target["marker"]
    if source is not None and (source["marker"][0].isdigit() or marker[0].isdigit()):
        marker = source["marker"] if source["marker"][0].isdigit() else "-"
    prefix = f"{indent}{marker} "
    if source is None:
        return [prefix + lines[0].lstrip(), *lines[1:]]
    source_col = source.end() if source["gap"] else len(source.group()) + 1
    shift = len(prefix) - source_col
    out = [prefix + lines[0][source.end() :]]
    for line in lines[1:]:
        width = len(line) - len(line.lstrip(" "))
        if not line.strip():
            out.append("")
        elif width >= source_col:
            out.append(" " * (width + shift) + line.lstrip(" "))
        else:
            out.append(" " * max(0, width - len(source["indent"]) + len(indent)) + line.lstrip(" "))
    return out


def restyle_item(lines: list[str], ref: str | None, child_ref: str | None) -> list[str]:
    """An item moved to ``ref``'s style, and its sub-bullets to ``child_ref``'s (an author's
    sub-bullet of a sibling item), so a new item reads like the ones around it."""
    out = restyle(lines, ref)
    head = _MARKER.match(out[0]) if out else None
    if child_ref is None or head is None:
        return out
    column = head.end()
    result = out[:1]
    block: list[str] = []
    for line in out[1:]:
        marker = _MARKER.match(line)
        if marker is not None and len(marker["indent"]) == column:
            result += restyle(block, child_ref) if block else []
            block = [line]
        elif block:
            block.append(line)
        else:
            result.append(line)
    return result + (restyle(block, child_ref) if block else [])


@dataclass
class _Edit:
    start: int
    end: int
    lines: list[str] | Callable[[], list[str]]
    seq: int


@dataclass
class _Patcher:
    t: list[str]  # the author's lines as the parser reads them (for finding things)
    raw: list[str]  # the author's lines as written (for keeping them)
    old: list[str]  # the rendering of the document the text parses to
    new: list[str]  # the rendering of the changed document
    depth: int
    edits: list[_Edit] = field(default_factory=list)
    moved: dict[tuple[str, ...], list[list[str]]] = field(default_factory=dict)

    # --- comparing ---------------------------------------------------------------------------

    def same(self, old: Region, new: Region) -> bool:
        return _content(self.old, old) == _content(self.new, new)

    def edit(self, start: int, end: int, lines: list[str] | Callable[[], list[str]]) -> None:
        self.edits.append(_Edit(start, end, lines, len(self.edits)))

    # --- the walk ----------------------------------------------------------------------------

    def patch(self, t: Region, old: Region, new: Region, level: int) -> None:
        """Make the author's region ``t`` (read as ``old``) say what ``new`` says."""
        if self.same(old, new):
            return
        if (
            level >= self.depth
            or old.kind in _LEAVES
            or t.kind != old.kind
            or old.kind != new.kind
            or _residue(self.old, old) != _residue(self.new, new)
        ):
            self.replace(t, old, new)
            return
        t_items = [t.children[k] for k in t.children if k.startswith("i:")]
        o_items = [old.children[k] for k in old.children if k.startswith("i:")]
        n_items = [new.children[k] for k in new.children if k.startswith("i:")]
        if len(t_items) != len(o_items):
            self.replace(t, old, new)
            return
        self.items(t, t_items, o_items, n_items, level)
        self.keyed(t, old, new, level)

    def items(
        self,
        t: Region,
        t_items: list[Region],
        o_items: list[Region],
        n_items: list[Region],
        level: int,
    ) -> None:
        """List items, aligned by their rendering so that an insertion shifts nothing."""
        matcher = SequenceMatcher(
            None,
            [_content(self.old, o) for o in o_items],
            [_content(self.new, n) for n in n_items],
            autojunk=False,
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                self.patch(t_items[i1 + k], o_items[i1 + k], n_items[j1 + k], level + 1)
            for k in range(i1 + pairs, i2):
                self.delete(t_items[k], keep=_content(self.old, o_items[k]))
            after = t_items[i1 + pairs - 1] if i1 + pairs > 0 else None
            before = t_items[i1 + pairs] if i1 + pairs < len(t_items) else None
            for k in range(j1 + pairs, j2):
                self.insert_item(t, t_items, n_items[k], after=after, before=before)

    def keyed(self, t: Region, old: Region, new: Region, level: int) -> None:
        """Fields, sub-sections and sections, matched by key."""
        keys = [k for k in new.children if not k.startswith("i:")]
        keys += [k for k in old.children if not k.startswith("i:") and k not in new.children]
        previous: Region | None = None
        for index, key in enumerate(keys):
            o, n, mine = old.children.get(key), new.children.get(key), t.children.get(key)
            if n is None:
                if o is not None and mine is not None:
                    self.delete(mine)
                continue
            if mine is not None:
                if o is None:
                    self.replace(mine, None, n)
                else:
                    self.patch(mine, o, n, level + 1)
                previous = mine
                continue
            if o is not None and self.same(o, n):
                continue
            following = next(
                (t.children[k] for k in keys[index + 1 :] if k in t.children and k in new.children),
                None,
            )
            self.insert_part(t, key, o, n, after=previous, before=following)

    # --- writing -----------------------------------------------------------------------------

    def replace(self, t: Region, old: Region | None, new: Region) -> None:
        """Replace the author's region with the new rendering, as gently as its kind allows."""
        new_lines = self.new[new.start : new.end]
        if t.kind == anchors.FIELD and new.kind == anchors.FIELD:
            value = self.value_only(t, new_lines)
            if value is not None:
                self.edit(t.start, t.end, value)
                return
        if t.kind == anchors.HEAD and new.kind == anchors.HEAD and old is not None:
            flipped = self.flip(t, self.old[old.start : old.end], new_lines)
            if flipped is not None:
                self.edit(t.start, t.start + 1, [flipped])
                return
        if t.body_start >= 0 and new.body_start >= 0:
            body = self.new[new.body : new.end]
            if t.end == t.body and body and not body[0].strip():
                body = body[1:]
            self.edit(t.body, t.end, ["", *body] if t.end == t.body and body else body)
            return
        if new.kind in _ITEMS | {anchors.FIELD, anchors.HEAD} or _MARKER.match(self.t[t.start]):
            new_lines = restyle(new_lines, self.t[t.start] if t.end > t.start else None)
        self.edit(t.start, t.end, new_lines)

    def value_only(self, t: Region, new_lines: list[str]) -> list[str] | None:
        """The author's label as written with the new value, when both are one labelled line."""
        if len(new_lines) != 1 or t.end <= t.start:
            return None
        new_match = _LABELLED.match(new_lines[0].rstrip())
        mine = _LABELLED.match(self.t[t.start].rstrip())
        if new_match is None or mine is None:
            return None
        last = self.raw[t.end - 1]
        brk = "\\" if last.rstrip().endswith("\\") else last[len(last.rstrip()) :]
        return [self.raw[t.start][: mine.end("prefix")] + new_match["value"] + brk]

    def flip(self, t: Region, old_lines: list[str], new_lines: list[str]) -> str | None:
        """The author's first line with its checkbox set, when only the box changed."""
        if len(old_lines) != len(new_lines):
            return None
        old_box, new_box = _BOX.match(old_lines[0]), _BOX.match(new_lines[0])
        if old_box is None or new_box is None or new_box["mark"] is None:
            return None
        if old_lines[1:] != new_lines[1:] or (
            old_lines[0][old_box.end() :] != new_lines[0][new_box.end() :]
        ):
            return None
        mine = _BOX.match(self.t[t.start])
        if mine is None:
            return None
        line = self.raw[t.start]
        mark = "x" if new_box["mark"] in "xX" else " "
        if mine["mark"] is None:
            return line[: mine.end()] + f"[{mark}] " + line[mine.end() :]
        return line[: mine.start("mark")] + mark + line[mine.end("mark") :]

    def delete(self, t: Region, keep: tuple[str, ...] | None = None) -> None:
        """Remove the author's region; a removed list item is kept at hand in case it moved."""
        if keep is not None:
            self.moved.setdefault(keep, []).append(self.raw[t.start : t.end])
        start, end = t.start, t.end
        if start > 0 and not self.t[start - 1].strip() and (end >= len(self.t) or not self.t[end]):
            start -= 1
        self.edit(start, end, [])

    def insert_item(
        self,
        t: Region,
        t_items: list[Region],
        new: Region,
        *,
        after: Region | None,
        before: Region | None,
    ) -> None:
        """A new list item, in the list's own style (or the lines of an item that moved here)."""
        spans = sorted([*t_items, *(Region(anchors.ITEM, a, b) for a, b in t.skipped)],
                       key=lambda region: region.start)  # fmt: skip
        if after is None and before is None and spans:
            after = spans[-1]  # a list of placeholders only: the new item goes after them
        neighbour = after or before
        ref = self.t[neighbour.start] if neighbour is not None else None
        child_ref = next(
            (self.t[child.start] for item in t_items for child in _sub_bullets(item)), None
        )
        loose = self.loose(spans, new)

        def lines() -> list[str]:
            found = self.moved.get(_content(self.new, new)) if new.kind in _ITEMS else None
            if found:
                return self.spaced_item(restyle(found.pop(0), ref), after, before, t, loose)
            body = restyle_item(self.new[new.start : new.end], ref, child_ref)
            return self.spaced_item(body, after, before, t, loose)

        at = after.end if after is not None else before.start if before is not None else t.end
        self.edit(at, at, lines)

    def spaced_item(
        self, body: list[str], after: Region | None, before: Region | None, t: Region, loose: bool
    ) -> list[str]:
        """An inserted item with the blank lines its list puts between items."""
        if after is not None:
            return ["", *body] if loose else body
        if before is not None:
            return [*body, ""] if loose else body
        return self.spaced(t.end, body, heading=False)

    def loose(self, spans: list[Region], new: Region) -> bool:
        """Whether items of this list are separated by blank lines: the author's way when the
        list shows it, else the template's (action items apart, checklist lines together)."""
        if len(spans) >= 2:
            return any(not self.t[i].strip() for i in range(spans[0].end, spans[1].start))
        return new.kind == anchors.ACTION

    def insert_part(
        self,
        t: Region,
        key: str,
        old: Region | None,
        new: Region,
        *,
        after: Region | None,
        before: Region | None,
    ) -> None:
        """A field, sub-section or section the author's text does not have yet."""
        if _derived_only(self.skeleton(old, new)):
            return
        at = after.end if after is not None else before.start if before is not None else t.end
        sibling = after or before
        if new.kind in (anchors.FIELD, anchors.ITEM):
            body = self.skeleton(old, new)
            ref = self.child_ref(t)
            if sibling is not None and sibling.kind != anchors.HEAD:
                ref = self.t[sibling.start]
            if ref is not None or _MARKER.match(body[0]):
                body = restyle(body, ref)
            if sibling is not None:
                self.edit(at, at, self.in_paragraph(at, body))
            elif t.kind in (anchors.ACTION, anchors.CHECK):
                self.edit(at, at, body)
            else:
                self.edit(at, at, self.spaced(at, body, heading=True))
            return
        rules = key.startswith("s:") and t.kind == anchors.DOC and self.uses_rules()
        blank_before = at > 0 and bool(self.t[at - 1].strip())
        blank_after = at < len(self.t) and bool(self.t[at].strip())

        def lines() -> list[str]:
            # Built when the edits are applied: a moved item's own lines are known by then.
            body = self.skeleton(old, new)
            if after is None and before is not None:
                return [*body, "", *(["---", ""] if rules else [])]
            head = ["", "---", ""] if rules else [""] if blank_before else []
            return [*head, *body, *([""] if blank_after else [])]

        self.edit(at, at, lines)

    def skeleton(self, old: Region | None, new: Region) -> list[str]:
        """The new region with only what differs from the old rendering (a missing section
        gets its heading and the changed parts, not every placeholder)."""
        if old is None or not new.children or new.kind in _LEAVES:
            return self.item_lines(new)
        if _residue(self.old, old) != _residue(self.new, new):
            return self.new[new.start : new.end]
        out = self.new[new.start : new.body] if new.body_start >= 0 else []
        # List items count by position: when one differs, the list is written whole.
        items = [k for k in new.children if k.startswith("i:")]
        whole = any(
            k not in old.children or not self.same(old.children[k], new.children[k]) for k in items
        ) or len(items) != sum(k.startswith("i:") for k in old.children)
        for key, child in new.children.items():
            before = old.children.get(key)
            listed = whole and key.startswith("i:")
            if before is not None and self.same(before, child) and not listed:
                continue
            part = self.item_lines(child) if listed else self.skeleton(before, child)
            if not listed and _derived_only(part):
                continue
            if out and child.start > 0 and not self.new[child.start - 1].strip():
                out.append("")
            out += part
        return out if any(not line.startswith("#") for line in out if line.strip()) else []

    def item_lines(self, new: Region) -> list[str]:
        """The new region's rendering, or the author's own lines of an item that moved here."""
        found = self.moved.get(_content(self.new, new)) if new.kind in _ITEMS else None
        return found.pop(0) if found else self.new[new.start : new.end]

    def child_ref(self, t: Region) -> str | None:
        """A bullet line at the indentation of ``t``'s sub-bullets (for an item's first one)."""
        if t.kind not in (anchors.ACTION, anchors.CHECK):
            return None
        marker = _MARKER.match(self.t[t.start])
        width = marker.end() if marker else 2
        return " " * width + "- x"

    def in_paragraph(self, at: int, body: list[str]) -> list[str] | Callable[[], list[str]]:
        """Lines inserted into a paragraph of labelled lines keep its hard line breaks."""
        if _MARKER.match(body[0]) or at == 0 or not self.t[at - 1].strip():
            return body
        if _MARKER.match(self.t[at - 1]):
            return body
        brk = "\\" if self.t[at - 1].rstrip().endswith("\\") else "  "
        previous = self.raw[at - 1]
        broken = previous.endswith("  ") or previous.rstrip().endswith("\\")
        if not broken and not any(edit.start <= at - 1 < edit.end for edit in self.edits):
            self.edit(at - 1, at, [previous.rstrip() + brk])
        follows = at < len(self.t) and self.t[at].strip() and not _MARKER.match(self.t[at])
        return [line + brk for line in body] if follows else body

    def spaced(self, at: int, body: list[str], *, heading: bool) -> list[str]:
        """Blank lines around an inserted block where its neighbours need them."""
        out = list(body)
        if at > 0 and self.t[at - 1].strip():
            out.insert(0, "")
        if heading and at < len(self.t) and self.t[at].strip():
            out.append("")
        return out

    def uses_rules(self) -> bool:
        return any(_HR.match(line) for line in self.t)

    # --- the result --------------------------------------------------------------------------

    def apply(self, source: Source) -> str:
        pairs: list[tuple[str, str | None]] = list(zip(source.lines, source.endings, strict=True))
        ordered = sorted(
            self.edits, key=lambda e: (e.start, 1 if e.end > e.start else 0, e.seq), reverse=True
        )
        for edit in ordered:
            lines = edit.lines() if callable(edit.lines) else edit.lines
            pairs[edit.start : edit.end] = [(line, None) for line in lines]
        return join_source(source, pairs)


def _reads_as(text: str, doc: Postmortem, timezone: str | None) -> bool:
    try:
        return parse(text, timezone=timezone) == doc
    except TemplateParseError:
        return False


def canonical(text: str, doc: Postmortem) -> str:
    """The document's rendering, with the byte-order mark and line endings of ``text``."""
    source = split_source(text)
    rendered = render(doc)
    if source.eol != "\n":
        rendered = rendered.replace("\n", source.eol)
    return source.bom + rendered


def patch(
    text: str, old: Postmortem | None, new: Postmortem, *, timezone: str | None = None
) -> str:
    """A text that parses to ``new``, keeping every line of ``text`` the change leaves alone.

    ``old`` is what ``text`` parses to (read here when None, and then the written forms the
    text has and ``new`` lacks with the same values are kept); ``timezone`` is the zone the text
    is read with (the document's ``timezone``).
    """
    new = new.settled()  # a list's "none" does not stand beside an entry added to it
    if old is None:
        try:
            old = parse(text, timezone=timezone)
        except TemplateParseError:
            return canonical(text, new)
        # A command's document, from a store that predates some written forms ("None
        # recorded", "TBD (note)", a partial row), lacks them: where the values agree, the
        # text's words stand.
        new = carry_written(old, new)
    if old == new and _reads_as(text, new, timezone):
        return text
    source = split_source(text)
    t_lines = _ODD_SPACES.sub(" ", source.normalised).split("\n")
    # A value holding a lone carriage return renders as two lines; number lines as the parser does.
    old_text, new_text = split_source(render(old)).normalised, split_source(render(new)).normalised
    t_root = locate("\n".join(t_lines))
    old_root, new_root = locate(old_text), locate(new_text)
    for depth in DEPTHS:
        patcher = _Patcher(
            t=t_lines,
            raw=source.lines,
            old=old_text.split("\n"),
            new=new_text.split("\n"),
            depth=depth,
        )
        patcher.patch(t_root, old_root, new_root, 0)
        candidate = patcher.apply(source)
        if _reads_as(candidate, new, timezone):
            return candidate
    return canonical(text, new)
