"""What the writing pages share: the submitted form as plain strings, and the conflict page."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from blamefree.domain.merge import FieldConflict
from blamefree.errors import ValidationFailed
from blamefree.services.writing import Conflicted
from blamefree.web.editing.form import field_label
from blamefree.web.templating import render

MAX_FIELD = 1_000_000
"""The longest text a form field may hold (a whole post-mortem as Markdown fits many times)."""


async def form_strings(request: Request) -> dict[str, str]:
    """The submitted form's text fields (the last value of a repeated name), files left out."""
    form = await request.form(max_part_size=MAX_FIELD)
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


def pack(text: str) -> str:
    """A text carried through a hidden field unchanged (line endings and all)."""
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def unpack(packed: str) -> str:
    try:
        return base64.urlsafe_b64decode(packed.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(
            "the text carried by this form is damaged; go back and save again", field="yours"
        ) from exc


def whole_number(form: dict[str, str], name: str) -> int:
    text = form.get(name, "").strip()
    if not text.isdigit():
        raise ValidationFailed(f"{name} must be a version number, not {text!r}", field=name)
    return int(text)


@dataclass(frozen=True)
class ConflictRow:
    """One conflicting field as the conflict page shows it."""

    number: int
    path: str
    label: str
    kind: str
    base: str
    theirs: str
    yours: str
    choice: str


def shown_value(value: Any, removed: bool) -> str:
    """A conflicting value as people read it: text as it is, anything else as JSON."""
    if removed:
        return "(removed)"
    if value is None:
        return "(nothing)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def conflict_rows(
    conflicts: tuple[FieldConflict, ...], chosen: dict[str, str]
) -> list[ConflictRow]:
    return [
        ConflictRow(
            number=number,
            path=c.path,
            label=field_label(c.path),
            kind=c.kind,
            base=shown_value(c.base, False),
            theirs=shown_value(c.stored, c.kind == "removed_in_stored"),
            yours=shown_value(c.file, c.kind == "removed_in_file"),
            choice=chosen.get(c.path, ""),
        )
        for number, c in enumerate(conflicts)
    ]


def conflict_page(
    request: Request,
    conflicted: Conflicted,
    *,
    back: str,
    chosen: dict[str, str] | None = None,
    problem: str = "",
    again: bool = False,
) -> HTMLResponse:
    """The page that lets the second saver choose, field by field (HTTP 409: nothing saved)."""
    return render(
        request,
        "write/conflict.html",
        {
            "conflicted": conflicted,
            "rows": conflict_rows(conflicted.conflicts, chosen or {}),
            "yours_packed": pack(conflicted.yours),
            "back": back,
            "problem": problem,
            "again": again,
        },
        status_code=409,
    )
