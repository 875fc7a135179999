"""Small helpers the reading pages' templates call: anchors for fields, links that keep a
listing's filters, labels for closed vocabularies. Nothing here marks text as safe."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from blamefree.domain.enums import ActionStatus, Horizon, Phase
from blamefree.domain.postmortem import Measurement
from blamefree.domain.standing import Standing
from blamefree.web.timeline_svg import PHASE_LABELS

_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")
_IDS = re.compile(r'\bid="(f-[A-Za-z0-9_-]+)"')
_LAST_PART = re.compile(r"(?:\.[^.\[\]]+|\[\d+\])$")

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


def anchor(path: str) -> str:
    """The id of a section or field on the page: ``f-`` and its path, e.g.
    ``f-action_items-immediate-1-owner`` for ``action_items.immediate[1].owner``."""
    return "f-" + _NOT_ID.sub("-", path).strip("-")


def anchor_ids(html: str) -> frozenset[str]:
    """The field anchors a rendered part of a page holds."""
    return frozenset(_IDS.findall(html))


def finding_anchor(field: str | None, present: Iterable[str]) -> str:
    """Where a lint finding about ``field`` points: the field's own anchor if the page has it,
    else the nearest enclosing part that it has, else the top of the document."""
    ids = present if isinstance(present, frozenset) else frozenset(present)
    path = field or ""
    while path:
        if anchor(path) in ids:
            return anchor(path)
        shorter = _LAST_PART.sub("", path)
        if shorter == path:
            break
        path = shorter
    return anchor("header")


def with_query(params: Mapping[str, Any], **changes: Any) -> str:
    """``?`` and the query ``params`` with ``changes`` applied (None drops a key), for links
    that keep a listing's filters; list values repeat their key."""
    merged: dict[str, Any] = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(item)) for item in value)
        else:
            pairs.append((key, str(value)))
    return "?" + urlencode(pairs) if pairs else "?"


def phase_label(phase: Phase | str | None) -> str:
    """``Detection``, ``Post-resolution``; ``untagged`` for an event with no phase."""
    if phase is None:
        return "untagged"
    return PHASE_LABELS[Phase(phase)]


def written_of(obj: object, name: str) -> str | None:
    """The author's words for a field (``x_text``: as written, or why it is not known)."""
    value = getattr(obj, f"{name}_text", None)
    return value if isinstance(value, str) and value.strip() else None


def safe_href(url: str | None) -> str | None:
    """A link target a page may carry: http(s) and mailto only, never ``javascript:``."""
    if not url:
        return None
    target = url.strip()
    scheme = urlsplit(target).scheme.lower()
    return target if scheme in ("http", "https", "mailto") else None


def measurement(value: Measurement) -> str:
    """One Performance Impact value as written, else its number and unit."""
    if value.text:
        return value.text
    if value.value is None:
        return "unknown"
    number = f"{value.value:g}"
    unit = value.unit or ""
    return f"{number}{unit}" if unit in ("%", "") else f"{number} {unit}"


def status_label(status: ActionStatus) -> str:
    return status.label


HELPERS: dict[str, Any] = {
    "anchor": anchor,
    "anchor_ids": anchor_ids,
    "finding_anchor": finding_anchor,
    "with_query": with_query,
    "phase_label": phase_label,
    "status_label": status_label,
    "written_of": written_of,
    "safe_href": safe_href,
    "measurement": measurement,
    "HORIZON_LABELS": HORIZON_LABELS,
    "METRIC_LABELS": METRIC_LABELS,
    "STANDINGS": list(Standing),
}
