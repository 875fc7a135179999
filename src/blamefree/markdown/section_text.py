"""Each template section's lines in an author's text, for comments anchored to a line."""

from __future__ import annotations

from blamefree.markdown.anchors import locate


def section_lines(text: str) -> dict[str, list[str]]:
    """The lines of each template section found in ``text`` (after its heading, up to its
    last non-blank line), by section key; a section the text does not have is absent."""
    normal = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = normal.split("\n")
    found: dict[str, list[str]] = {}
    for name, region in locate(normal).children.items():
        if name.startswith("s:"):
            found[name.removeprefix("s:")] = lines[region.body : region.end]
    return found
