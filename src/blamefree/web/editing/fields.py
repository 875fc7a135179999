"""The edit page's single-value fields: how each shows in its input and how a change is read.

A field is named by its path in the document (``timeline.detection.time``); its input shows the
value as the form writes it (a time in the post-mortem's zone as ``datetime-local`` wants it, a
duration as ``1h 25m``). A save changes only the fields whose submitted text differs from what
the form showed, so an untouched field keeps its value and the author's wording (``x_text``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from blamefree.domain import numbers, zones
from blamefree.domain.enums import Severity
from blamefree.domain.postmortem import BeforeDuringAfter, Measurement, Postmortem
from blamefree.errors import ValidationFailed

Kind = Literal[
    "line",
    "prose",
    "body",
    "datetime",
    "date",
    "count",
    "percent",
    "duration",
    "severity",
    "zone",
    "measure",
]


@dataclass(frozen=True)
class Scalar:
    """One input of the form: the document path it edits, its label and its kind."""

    path: str
    label: str
    kind: Kind
    hint: str = ""

    @property
    def id(self) -> str:
        return "f-" + self.path.replace(".", "-").replace("_", "-")


def value_at(model: Any, path: str) -> Any:
    """The value at a dotted path of a model (None past a missing part)."""
    for part in path.split("."):
        if model is None:
            return None
        model = getattr(model, part)
    return model


def written_at(doc: Postmortem, path: str) -> str | None:
    """The author's wording of a field (its ``x_text``), when the model keeps one."""
    parent_path, _, name = path.rpartition(".")
    parent = value_at(doc, parent_path) if parent_path else doc
    if parent is None or f"{name}_text" not in type(parent).model_fields:
        return None
    text: str | None = getattr(parent, f"{name}_text")
    return text


def zone_of(doc: Postmortem) -> dt.tzinfo:
    """The zone the form shows and reads times in: the post-mortem's, else UTC."""
    try:
        return zones.zone(doc.timezone)
    except ValueError:
        return dt.UTC


def shown(doc: Postmortem, field: Scalar) -> str:
    """The text the field's input starts with."""
    value = value_at(doc, field.path)
    written = written_at(doc, field.path)
    match field.kind:
        case "line" | "prose" | "body" | "zone":
            return value if value is not None else (written or "")
        case "datetime":
            if value is None:
                return ""
            local: dt.datetime = value.astimezone(zone_of(doc))
            return local.strftime("%Y-%m-%dT%H:%M:%S" if local.second else "%Y-%m-%dT%H:%M")
        case "date":
            return value.isoformat() if value is not None else ""
        case "count":
            return str(value) if value is not None else ""
        case "percent":
            return numbers.format_number(value) if value is not None else ""
        case "duration":
            if value is None:
                return ""
            return written if written else numbers.format_duration(value)
        case "severity":
            return value.value if value is not None else ""
        case "measure":
            if value is None:
                return ""
            measured: Measurement = value
            return measured.text or numbers.format_measurement(measured.value, measured.unit)
    raise AssertionError(field.kind)


def hint_of(doc: Postmortem, field: Scalar) -> str:
    """What the author wrote where the input cannot show it (a time written as words)."""
    if field.kind in ("line", "prose", "body", "zone", "duration"):
        return ""
    written = written_at(doc, field.path)
    if written and value_at(doc, field.path) is None:
        return f"Written as “{written}” (not read as a value); leave empty to keep it."
    return ""


def _fail(field: Scalar, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field.label}: {message}", field=field.path)


def local_time(text: str, zone: dt.tzinfo, field: Scalar) -> dt.datetime:
    """A ``datetime-local`` value read in ``zone``; a wall-clock time the zone skips is refused."""
    try:
        naive = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise _fail(field, f"{text!r} is not a date and time (YYYY-MM-DDTHH:MM)") from exc
    if naive.tzinfo is not None:
        raise _fail(field, "give the time without a zone; it is read in the post-mortem's zone")
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(dt.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != naive:
        raise _fail(field, f"{text.replace('T', ' ')} does not exist in {zone} (a clock change)")
    return aware.astimezone(dt.UTC)


def read_value(doc: Postmortem, field: Scalar, text: str) -> Any:
    """The typed value a changed input holds (None: emptied, unknown)."""
    clean = text.replace("\r\n", "\n").strip()
    if field.kind in ("line", "prose"):
        clean = " ".join(clean.split())
    if not clean:
        return None
    match field.kind:
        case "line" | "prose" | "body":
            return clean
        case "zone":
            try:
                zones.zone(clean)
            except ValueError as exc:
                raise _fail(field, str(exc)) from exc
            return clean
        case "datetime":
            return local_time(clean, zone_of(doc), field)
        case "date":
            try:
                return dt.date.fromisoformat(clean)
            except ValueError as exc:
                raise _fail(field, f"{clean!r} is not a date (YYYY-MM-DD)") from exc
        case "count":
            if not clean.isdigit():
                raise _fail(field, f"{clean!r} is not a whole number of 0 or more")
            return int(clean)
        case "percent":
            try:
                number = float(clean)
            except ValueError as exc:
                raise _fail(field, f"{clean!r} is not a number") from exc
            if not 0 <= number <= 100:
                raise _fail(field, f"{clean} is not between 0 and 100")
            return number
        case "duration":
            try:
                seconds = numbers.parse_duration(clean)
            except ValueError as exc:
                raise _fail(field, str(exc)) from exc
            if seconds is None or seconds < 0:
                raise _fail(field, f"{clean!r} is not a duration (e.g. 1h 25m, 40 minutes)")
            return seconds
        case "severity":
            try:
                return Severity(clean)
            except ValueError as exc:
                raise _fail(field, f"{clean!r} is not one of P0, P1, P2, P3") from exc
        case "measure":
            measured = numbers.parse_measurement(clean)
            if measured.value is None:
                raise _fail(field, f"{clean!r} holds no number (e.g. 0.2%, 120 ms)")
            return Measurement(value=measured.value, unit=measured.unit)
    raise AssertionError(field.kind)


def with_value(model: Any, path: str, value: Any) -> Any:
    """A copy of ``model`` with the field at ``path`` set and its written form dropped."""
    head, _, rest = path.partition(".")
    if rest:
        return model.model_copy(update={head: with_value(getattr(model, head), rest, value)})
    update: dict[str, Any] = {head: value}
    fields = type(model).model_fields
    if f"{head}_text" in fields:
        update[f"{head}_text"] = None
    if isinstance(model, BeforeDuringAfter):
        update["text"] = None  # the row as written no longer says what it holds
    return model.model_copy(update=update)
