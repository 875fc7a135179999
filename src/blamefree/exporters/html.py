"""A post-mortem as one standalone HTML file: styles inline (screen and print), the timeline
picture as inline SVG, and nothing that loads anything from anywhere.

Author's Markdown goes through the page's sanitiser (``web.html.markdown_html``: no raw HTML,
no images, links only http(s) and mailto), single values through autoescaping, and a
Content-Security-Policy of ``default-src 'none'`` tells a browser to fetch nothing even if
something slipped through. The same HTML is what the PDF is drawn from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from blamefree.domain import numbers
from blamefree.domain.enums import Horizon, Phase
from blamefree.domain.postmortem import Measurement
from blamefree.web.html import markdown_html
from blamefree.web.timeline_svg import PHASE_LABELS, picture

if TYPE_CHECKING:  # the service builds the page; only its type is needed here
    from blamefree.services.reading import PostmortemPage

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""What the file allows a browser to load: its own inline styles, and nothing from anywhere."""

FONT_STACK = "'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif"
"""Installed fonts only (DejaVu is the one the PDF embeds); no web font is ever fetched."""

# Stroke and fill of each phase in the picture, as presentation attributes (WeasyPrint draws
# inline SVG from its attributes; the page's colours in static/postmortem.css).
PHASE_COLOURS: dict[str, tuple[str, str]] = {
    "impact_start": ("#b3261e", "#b3261e"),
    "detection": ("#c2570c", "#c2570c"),
    "response": ("#a07000", "#d9a400"),
    "investigation": ("#6b3fa0", "#6b3fa0"),
    "mitigation": ("#1f5fbf", "#1f5fbf"),
    "resolution": ("#1c7a46", "#1c7a46"),
    "post_resolution": ("#4a6670", "#7d9aa5"),
    "none": ("#8792a6", "#8792a6"),
}


HORIZON_LABELS = {
    Horizon.IMMEDIATE: "Immediate (This Week)",
    Horizon.SHORT_TERM: "Short-term (Next 30 Days)",
    Horizon.LONG_TERM: "Long-term (Next 90 Days)",
}
METRIC_LABELS = {
    "detection_time": "Detection Time",
    "response_time": "Response Time",
    "mitigation_time": "Mitigation Time",
    "resolution_time": "Resolution Time",
    "total_duration": "Total Duration",
}
UNKNOWN = "unknown"


def format_when(value: dt.datetime | dt.date | None, zone: str | None = None) -> str:
    """``2026-11-20 14:05 WET`` in the post-mortem's zone; unknown for None."""
    if value is None:
        return UNKNOWN
    if isinstance(value, dt.datetime):
        if zone:
            with contextlib.suppress(KeyError, ValueError):
                value = value.astimezone(ZoneInfo(zone))
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return value.isoformat()


def format_duration(seconds: int | None) -> str:
    """``1h 53m`` from seconds; unknown for None (never 0)."""
    return UNKNOWN if seconds is None else numbers.format_duration(seconds)


def phase_label(phase: Phase | str | None) -> str:
    """``Detection``, ``Post-resolution``; ``untagged`` for an event with no phase."""
    return "untagged" if phase is None else PHASE_LABELS[Phase(phase)]


def written_of(obj: object, name: str) -> str | None:
    """The author's words for a field (``x_text``: as written, or why it is not known)."""
    value = getattr(obj, f"{name}_text", None)
    return value if isinstance(value, str) and value.strip() else None


def safe_href(url: str | None) -> str | None:
    """A link target the file may carry: http(s) and mailto only. A link loads nothing until
    a reader follows it."""
    if not url:
        return None
    target = url.strip()
    return target if urlsplit(target).scheme.lower() in ("http", "https", "mailto") else None


def measurement(value: Measurement) -> str:
    """One Performance Impact value as written, else its number and unit."""
    if value.text:
        return value.text
    if value.value is None:
        return UNKNOWN
    unit = value.unit or ""
    number = f"{value.value:g}"
    return f"{number}{unit}" if unit in ("%", "") else f"{number} {unit}"


def _template_dir() -> str:
    return str(resources.files("blamefree.exporters").joinpath("templates"))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_template_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = markdown_html
    env.filters["when"] = format_when
    env.filters["duration"] = format_duration
    env.globals.update(
        phase_label=phase_label,
        written_of=written_of,
        safe_href=safe_href,
        measurement=measurement,
        HORIZON_LABELS=HORIZON_LABELS,
        METRIC_LABELS=METRIC_LABELS,
    )
    env.globals["PHASE_COLOURS"] = PHASE_COLOURS
    env.globals["FONT_STACK"] = FONT_STACK
    env.globals["CONTENT_SECURITY_POLICY"] = CONTENT_SECURITY_POLICY
    return env


def standalone_html(page: PostmortemPage, *, today: dt.date) -> str:
    """The post-mortem as one HTML document; ``today`` is the day action items are seen on."""
    shown = page.shown
    moments = [
        (Phase.IMPACT_START, shown.impact_start, page.impact_start_source == "event log"),
        *((t.phase, t.time, t.source == "event log") for t in page.phase_times),
    ]
    drawing = picture(moments=moments, events=shown.timeline.events, zone=shown.timezone)
    context: dict[str, Any] = {
        "page": page,
        "doc": shown,
        "picture": drawing,
        "zone": shown.timezone,
        "today": today,
    }
    return _environment().get_template("postmortem.html").render(context)
