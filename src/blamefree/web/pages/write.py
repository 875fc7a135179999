"""Writing pages: ``/new``, the section forms (``/postmortems/{id}/edit``), "Edit as Markdown",
the conflict page and delete. Each route reads the form and makes one ``services.writing`` call.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from blamefree.domain import zones
from blamefree.domain.enums import Severity
from blamefree.domain.merge import Side
from blamefree.errors import BlamefreeError, InputError, TemplateParseError, ValidationFailed
from blamefree.importers import SOURCES, Upload
from blamefree.services import postmortems, writing
from blamefree.web.deps import Actor, Today, UoW
from blamefree.web.editing.form import (
    SECTIONS,
    FormProblems,
    apply_form,
    form_view,
    resubmitted_view,
)
from blamefree.web.editing.lint_view import lint_entries
from blamefree.web.pages import write_live
from blamefree.web.pages.write_forms import (
    conflict_page,
    form_strings,
    unpack,
    whole_number,
)
from blamefree.web.security import require_csrf
from blamefree.web.templating import render

router = APIRouter()
router.include_router(write_live.router)
Submitted = Annotated[dict[str, str], Depends(form_strings)]
CSRF = [Depends(require_csrf)]

SOURCE_NAMES = {
    "slack": "Slack export (zip or channel JSON)",
    "pagerduty": "PagerDuty log entries (JSON)",
    "alertmanager": "Alertmanager webhook payloads (JSON)",
    "grafana": "Grafana alert payloads (JSON)",
    "opsgenie": "Opsgenie alert log (JSON)",
    "statuspage": "Statuspage incident (JSON)",
    "csv": "CSV (time, text, ...)",
    "jsonl": "JSON Lines",
}


NEW_FIELDS = ("title", "incident_id", "date", "severity", "timezone", "source")


def _edit_url(incident_id: str) -> str:
    return f"/postmortems/{incident_id}/edit"


# --- /new -------------------------------------------------------------------------------------


def _new_page(
    request: Request, uow: UoW, today: Today, values: dict[str, str], problem: str, status: int
) -> HTMLResponse:
    suggested = postmortems.unused_incident_id(uow, day=today)
    values = {**dict.fromkeys(NEW_FIELDS, ""), **values}
    return render(
        request,
        "write/new.html",
        {
            "values": values,
            "problem": problem,
            "suggested_id": suggested,
            "today": today,
            "severities": [s.value for s in Severity],
            "sources": [(name, SOURCE_NAMES.get(name, name)) for name in SOURCES],
        },
        status_code=status,
    )


@router.get("/new", response_class=HTMLResponse)
def new_page(request: Request, uow: UoW, today: Today) -> HTMLResponse:
    return _new_page(request, uow, today, {}, "", 200)


@router.post("/new", dependencies=CSRF, response_model=None)
def create(
    request: Request,
    uow: UoW,
    today: Today,
    actor: Actor,
    title: Annotated[str, Form(max_length=500)] = "",
    incident_id: Annotated[str, Form(max_length=200)] = "",
    date: Annotated[str, Form(max_length=20)] = "",
    severity: Annotated[str, Form(max_length=5)] = "",
    timezone: Annotated[str, Form(max_length=100)] = "",
    source: Annotated[str, Form(max_length=40)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Store a new post-mortem (with the events of the uploaded files) and open its edit page."""
    values = {
        "title": title,
        "incident_id": incident_id,
        "date": date,
        "severity": severity,
        "timezone": timezone,
        "source": source,
    }
    uploads = [Upload(f.filename or "upload", f.file) for f in files or [] if f.filename]
    try:
        created = writing.start(
            uow,
            title=" ".join(title.split()) or None,
            severity=_severity(severity),
            day=_day(date, today),
            incident_id=" ".join(incident_id.split()) or None,
            timezone=_zone(timezone),
            source=_source(source, uploads),
            uploads=uploads,
            by=actor,
        )
    except BlamefreeError as error:
        if not isinstance(error, InputError) and error.http_status != 409:
            raise
        uow.rollback()  # a file that does not read stores nothing, the post-mortem neither
        return _new_page(request, uow, today, values, str(error), error.http_status)
    target = _edit_url(created.stored.incident_id)
    if created.imported is not None:
        target += f"?imported={created.imported.added}"
    return RedirectResponse(target, status_code=303)


def _severity(text: str) -> Severity | None:
    if not text:
        return None
    try:
        return Severity(text)
    except ValueError as exc:
        raise ValidationFailed(
            f"severity {text!r} is not P0, P1, P2 or P3", field="severity"
        ) from exc


def _day(text: str, today: dt.date) -> dt.date:
    if not text.strip():
        return today
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationFailed(f"date {text!r} is not a date (YYYY-MM-DD)", field="date") from exc


def _zone(text: str) -> str | None:
    name = text.strip()
    if not name:
        return None
    try:
        zones.zone(name)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="timezone") from exc
    return name


def _source(text: str, uploads: list[Upload]) -> str | None:
    if not uploads:
        return None
    if text not in SOURCES:
        raise ValidationFailed("say which tool the uploaded files come from", field="source")
    return text


# --- the section forms ------------------------------------------------------------------------


def _edit_page(
    request: Request,
    draft: writing.Draft,
    *,
    view: object | None = None,
    base_version: int | None = None,
    status: int = 200,
) -> HTMLResponse:
    doc = draft.stored.doc
    query = request.query_params
    return render(
        request,
        "write/edit.html",
        {
            "draft": draft,
            "doc": doc,
            "sections": SECTIONS,
            "view": view if view is not None else form_view(doc),
            "base_version": base_version or draft.stored.version,
            "zone": doc.timezone or "UTC",
            "saved": query.get("saved", ""),
            "imported": query.get("imported", ""),
            "severities": [s.value for s in Severity],
            "priorities": ["High", "Medium", "Low"],
            "lint_entries": lint_entries,
        },
        status_code=status,
    )


@router.get("/postmortems/{incident_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, incident_id: str, uow: UoW) -> HTMLResponse:
    return _edit_page(request, writing.open_draft(uow, incident_id=incident_id))


@router.post("/postmortems/{incident_id}/edit", dependencies=CSRF, response_model=None)
def save_sections(
    request: Request, incident_id: str, uow: UoW, actor: Actor, form: Submitted
) -> Response:
    """Save the section forms onto the version they were loaded at (merged, never overwritten)."""
    base_version = whole_number(form, "base_version")
    try:
        result = writing.save_edit(
            uow,
            incident_id=incident_id,
            base_version=base_version,
            edit=partial(apply_form, form=form),
            by=actor,
        )
    except FormProblems as problems:
        draft = writing.open_draft(uow, incident_id=incident_id)
        base_doc = draft.stored.doc
        view = resubmitted_view(base_doc, form, problems.problems)
        return _edit_page(request, draft, view=view, base_version=base_version, status=422)
    return _after_save(request, incident_id, result, anchor=form.get("section", ""))


def _after_save(
    request: Request, incident_id: str, result: writing.SaveResult, *, anchor: str = ""
) -> Response:
    if result.conflicted is not None:
        return conflict_page(request, result.conflicted, back=_edit_url(incident_id))
    assert result.outcome is not None
    saved = (
        "unchanged" if result.outcome.action == "unchanged" else str(result.outcome.stored.version)
    )
    merged = f"&merged={result.outcome.merged_onto}" if result.outcome.merged_onto else ""
    fragment = f"#s-{anchor.replace('_', '-')}" if anchor.replace("_", "").isalpha() else ""
    return RedirectResponse(
        f"{_edit_url(incident_id)}?saved={saved}{merged}{fragment}", status_code=303
    )


# --- Edit as Markdown -------------------------------------------------------------------------


def _markdown_page(
    request: Request,
    draft: writing.Draft,
    *,
    text: str | None = None,
    base_version: int | None = None,
    error: TemplateParseError | None = None,
    status: int = 200,
) -> HTMLResponse:
    shown = draft.text if text is None else text
    return render(
        request,
        "write/markdown.html",
        {
            "draft": draft,
            "doc": draft.stored.doc,
            "text": shown,
            "line_count": shown.count("\n") + 1,
            "base_version": base_version or draft.stored.version,
            "error": error,
            "saved": request.query_params.get("saved", ""),
            "lint_entries": lint_entries,
        },
        status_code=status,
    )


@router.get("/postmortems/{incident_id}/edit/markdown", response_class=HTMLResponse)
def markdown_page(request: Request, incident_id: str, uow: UoW) -> HTMLResponse:
    return _markdown_page(request, writing.open_draft(uow, incident_id=incident_id))


@router.post("/postmortems/{incident_id}/edit/markdown", dependencies=CSRF, response_model=None)
def save_markdown(
    request: Request, incident_id: str, uow: UoW, actor: Actor, form: Submitted
) -> Response:
    """Save the whole document typed as Markdown; a text that does not read is shown again
    as typed, with the error at its line."""
    base_version = whole_number(form, "base_version")
    text = form.get("markdown", "")
    try:
        result = writing.save_markdown(
            uow, incident_id=incident_id, base_version=base_version, text=text, by=actor
        )
    except TemplateParseError as error:
        draft = writing.open_draft(uow, incident_id=incident_id)
        return _markdown_page(
            request, draft, text=text, base_version=base_version, error=error, status=422
        )
    if result.conflicted is not None:
        return conflict_page(request, result.conflicted, back=f"{_edit_url(incident_id)}/markdown")
    assert result.outcome is not None
    saved = (
        "unchanged" if result.outcome.action == "unchanged" else str(result.outcome.stored.version)
    )
    return RedirectResponse(f"{_edit_url(incident_id)}/markdown?saved={saved}", status_code=303)


# --- conflicts --------------------------------------------------------------------------------


@router.post("/postmortems/{incident_id}/conflict", dependencies=CSRF, response_model=None)
def settle_conflict(
    request: Request, incident_id: str, uow: UoW, actor: Actor, form: Submitted
) -> Response:
    """Save with each conflicting field taken from the side chosen for it."""
    base_version = whole_number(form, "base_version")
    seen_version = whole_number(form, "seen_version")
    yours = unpack(form.get("yours", ""))
    back = form.get("back", "")
    back = back if back.startswith(f"/postmortems/{incident_id}/") else _edit_url(incident_id)
    choose: dict[str, Side] = {}
    named: dict[str, str] = {}
    missing = 0
    for key, path in form.items():
        if not key.startswith("path-"):
            continue
        choice = form.get("choice-" + key.removeprefix("path-"), "")
        if choice == "theirs":
            choose[path] = "stored"
        elif choice == "yours":
            choose[path] = "file"
        else:
            missing += 1
        if choice:
            named[path] = choice
    result = writing.resolve_conflict(
        uow,
        incident_id=incident_id,
        base_version=base_version,
        seen_version=seen_version,
        yours=yours,
        choose=choose,
        by=actor,
    )
    if result.conflicted is not None:
        again = result.conflicted.current.version != seen_version
        problem = ""
        if again:
            problem = (
                f"Someone saved again (version {result.conflicted.current.version}) while you "
                "chose; the fields below are compared with what is stored now. Choose again."
            )
        elif missing:
            problem = "Choose a value for every field below (nothing was saved)."
        return conflict_page(
            request, result.conflicted, back=back, chosen=named, problem=problem, again=again
        )
    assert result.outcome is not None
    return RedirectResponse(
        f"{back}?saved={result.outcome.stored.version}&settled=1", status_code=303
    )


# --- delete -----------------------------------------------------------------------------------


@router.get("/postmortems/{incident_id}/delete", response_class=HTMLResponse)
def delete_page(request: Request, incident_id: str, uow: UoW) -> HTMLResponse:
    stored = postmortems.get_postmortem(uow, incident_id=incident_id)
    return render(
        request, "write/delete.html", {"stored": stored, "doc": stored.doc, "problem": ""}
    )


@router.post("/postmortems/{incident_id}/delete", dependencies=CSRF, response_model=None)
def delete(
    request: Request,
    incident_id: str,
    uow: UoW,
    by: Actor,
    confirm: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Delete a post-mortem once its id was typed to confirm it (the page asks again if not)."""
    if confirm.strip() != incident_id:
        stored = postmortems.get_postmortem(uow, incident_id=incident_id)
        problem = f"Type {incident_id} exactly to confirm; nothing was deleted."
        context = {"stored": stored, "doc": stored.doc, "problem": problem}
        return render(request, "write/delete.html", context, status_code=422)
    postmortems.delete_postmortem(uow, incident_id=incident_id, by=by)
    return RedirectResponse(f"/postmortems?deleted={incident_id}", status_code=303)
