"""The terminal is not a place for stored text to give orders.

Everything the command line prints goes through a ``SafeConsole``: Rich markup and emoji codes
are off (a title ``Rotate [/underline] keys`` or ``[link=...]`` prints as written), and control
characters (C0 but newline and tab, DEL, C1, bidirectional overrides, line separators) are shown
as visible escapes such as ``\\x1b`` instead of reaching the terminal. Our own styling is built
from ``Text`` with explicit styles: ``line("Saved ", (incident_id, "bold"), ".")``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from blamefree.terminal import has_controls, visible


def plain(text: object, style: str = "", *, one_line: bool = False) -> Text:
    """Stored or typed text as a Rich ``Text``: never markup, control characters visible."""
    return Text(visible(str(text), one_line=one_line), style=style)


Part = str | tuple[str, str] | Text


def line(*parts: Part) -> Text:
    """One message from plain pieces and ``(text, style)`` pairs, every piece taken literally."""
    out = Text()
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            out.append(visible(part[0]), style=part[1])
        else:
            out.append(visible(part))
    return out


class SafeConsole(Console):
    """A Rich console that prints text literally: no markup, no emoji codes, no raw controls."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("markup", False)
        options.setdefault("emoji", False)
        options.setdefault("highlight", False)
        super().__init__(**options)

    def render_str(self, text: str, **options: Any) -> Text:
        """Strings (table cells, titles, messages) with control characters made visible."""
        return super().render_str(visible(text), **options)

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        """The last line of defence: no text segment carries a raw control character."""
        for segment in super().render(renderable, options):
            if segment.control is None and has_controls(segment.text):
                yield Segment(visible(segment.text), segment.style)
            else:
                yield segment
