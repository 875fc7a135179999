"""``/postmortems/{id}/timeline``: the timeline editor (events, phases, key events, imports).

Each form posts to one route that makes one service call (``services.timeline``) as the
request's actor and redirects back to the editor, which reads the store again, so the phase
times and metrics shown are always recomputed from what was stored. A change that fails
(a time that is not a time, an event that is gone, a file that cannot be read) is rolled
back and the editor is shown again with the error beside its field and what was typed kept.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from blamefree.domain.derive import event_ref
from blamefree.domain.enums import Phase
from blamefree.errors import (
    BlamefreeError,
    EventNotFound,
    InputError,
    UsageError,
    ValidationFailed,
)
from blamefree.importers import SOURCES, Upload
from blamefree.redact import shorten
from blamefree.schemas import EventUpdate, parse_input
from blamefree.schemas.timeline_editor import PHASE_LABELS, TOOL_LABELS
from blamefree.services import timeline, timeline_editor
from blamefree.store import UnitOfWork
from blamefree.web.deps import Actor, State, UoW
from blamefree.web.flash import Flash, flash, forget_flash, take_flash
from blamefree.web.security import require_csrf
from blamefree.web.state import WebState
from blamefree.web.templating import render
from blamefree.web.timeline_forms import (
    SOURCE_LABELS,
    EditForm,
    actor_name,
    checked,
    event_text,
    event_time,
    phase_choice,
)

router = APIRouter()

NOTE_TEXT_MAX = 60
"""How much of an event's text the note after a change quotes."""
CSRF = [Depends(require_csrf)]
PAGE = "/postmortems/{incident_id}/timeline"
EVENT = PAGE + "/events/{ref}"
TextField = Annotated[str, Form()]


def editor_url(incident_id: str, anchor: str | None = None) -> str:
    url = f"/postmortems/{quote(incident_id, safe='')}/timeline"
    return f"{url}#{anchor}" if anchor else url


def _editor(
    request: Request,
    uow: UnitOfWork,
    state: WebState,
    incident_id: str,
    *,
    status_code: int = 200,
    problem: dict[str, Any] | None = None,
    typed: dict[str, Any] | None = None,
    editing: str | None = None,
    removing: str | None = None,
    note: Flash | None = None,
    page: int = 1,
    around: str | None = None,
) -> HTMLResponse:
    view = timeline_editor.timeline_editor(
        uow,
        incident_id=incident_id,
        default_tz=state.settings.timezone,
        page=page,
        around=editing or removing or around,
    )
    context = {
        "view": view,
        "url": editor_url(view.incident_id),
        "phases": [(phase.value, PHASE_LABELS[phase]) for phase in Phase],
        "phase_labels": {phase.value: label for phase, label in PHASE_LABELS.items()},
        "sources": [(name, SOURCE_LABELS.get(name, name)) for name in SOURCES],
        "problem": problem,
        "typed": typed or {},
        "editing": view.find(editing),
        "removing": view.find(removing),
        "note": note,
    }
    return render(request, "timeline.html", context, status_code=status_code)


def _done(
    request: Request, state: WebState, incident_id: str, note: Flash, *, page: int = 1
) -> Response:
    """Back to the editor, on the page of the event the change concerns (else ``page``)."""
    url = editor_url(incident_id)
    if note.focus and note.focus.startswith("event-"):
        url += f"?at={note.focus.removeprefix('event-')}"
    elif page > 1:
        url += f"?page={page}"
    response = RedirectResponse(f"{url}#{note.focus}" if note.focus else url, status_code=303)
    flash(response, request, state, note, path=editor_url(incident_id))
    return response


def _failed(
    request: Request,
    uow: UnitOfWork,
    state: WebState,
    incident_id: str,
    error: BlamefreeError,
    *,
    form: str,
    typed: dict[str, Any],
    ref: str | None = None,
) -> HTMLResponse:
    """The editor again, nothing of this request stored, the error beside its field."""
    uow.rollback()
    problem = {
        "form": form,
        "ref": ref,
        "field": getattr(error, "field", None),
        # beside a form field, the reason; for a file, all of it (the file and record named)
        "message": error.reason
        if isinstance(error, InputError) and not error.file
        else error.message,
        "gone": isinstance(error, EventNotFound),
    }
    if problem["gone"] and form == "edit":
        form = problem["form"] = "add"  # the event is gone: offer what was typed as a new one
    return _editor(
        request,
        uow,
        state,
        incident_id,
        status_code=error.http_status,
        problem=problem,
        typed={"form": form, **typed},
        editing=ref if form == "edit" else None,
    )


@router.get(PAGE, response_class=HTMLResponse)
def editor_page(
    request: Request,
    incident_id: str,
    uow: UoW,
    state: State,
    edit: str | None = None,
    remove: str | None = None,
    at: str | None = None,
    page: int = 1,
) -> HTMLResponse:
    """The editor; ``?edit=<ref>`` opens an event's form, ``?remove=<ref>`` asks to confirm,
    ``?at=<ref>`` shows the page with that event, ``?page=N`` a page of a long log."""
    note = take_flash(request, state)
    response = _editor(
        request,
        uow,
        state,
        incident_id,
        editing=edit,
        removing=remove,
        note=note,
        page=page,
        around=at,
    )
    if note is not None:
        forget_flash(response, path=editor_url(incident_id))
    return response


@router.post(PAGE + "/events", dependencies=CSRF)
def add_event(
    request: Request,
    incident_id: str,
    uow: UoW,
    state: State,
    actor: Actor,
    time: TextField = "",
    text: TextField = "",
    phase: TextField = "",
    who: TextField = "",
    key: Annotated[str | None, Form()] = None,
) -> Response:
    """Add an event typed in the post-mortem's zone."""
    typed = {"time": time, "text": text, "phase": phase, "who": who, "key": checked(key)}
    try:
        event = timeline.add_event(
            uow,
            incident_id=incident_id,
            at=event_time(time),
            text=event_text(text),
            phase=phase_choice(phase),
            actor=actor_name(who),
            key=checked(key),
            default_tz=state.settings.timezone,
            by=actor,
        )
    except (InputError, UsageError) as error:
        return _failed(request, uow, state, incident_id, error, form="add", typed=typed)
    ref = event_ref(event)
    return _done(
        request,
        state,
        incident_id,
        Flash(f"Added “{shorten(event.text, NOTE_TEXT_MAX)}”.", f"event-{ref}"),
    )


@router.post(EVENT, dependencies=CSRF)
def edit_event(
    request: Request,
    incident_id: str,
    ref: str,
    uow: UoW,
    state: State,
    actor: Actor,
    time: TextField = "",
    text: TextField = "",
    phase: TextField = "",
    who: TextField = "",
    key: Annotated[str | None, Form()] = None,
    was_time: TextField = "",
    was_text: TextField = "",
    was_phase: TextField = "",
    was_who: TextField = "",
    was_key: TextField = "",
) -> Response:
    """Change what the person changed of one event (time, text, phase, actor, key)."""
    form = EditForm(time, text, phase, who, key, was_time, was_text, was_phase, was_who, was_key)
    typed = {**form.typed, "who": who}
    try:
        changes, at = form.changes()
        if not changes and at is None:
            return _done(request, state, incident_id, Flash("Nothing changed.", f"event-{ref}"))
        edited = timeline.edit_event(
            uow,
            incident_id=incident_id,
            ref=ref,
            changes=parse_input(EventUpdate, changes),
            at=at,
            default_tz=state.settings.timezone,
            by=actor,
        )
    except (InputError, EventNotFound, UsageError) as error:
        return _failed(request, uow, state, incident_id, error, form="edit", typed=typed, ref=ref)
    new_ref = event_ref(edited)
    note = Flash(f"Saved “{shorten(edited.text, NOTE_TEXT_MAX)}”.", f"event-{new_ref}")
    return _done(request, state, incident_id, note)


@router.post(EVENT + "/phase", dependencies=CSRF)
def tag_phase(
    request: Request,
    incident_id: str,
    ref: str,
    uow: UoW,
    state: State,
    actor: Actor,
    phase: TextField = "",
) -> Response:
    """Tag one event with a phase (or none)."""
    try:
        edited = timeline.edit_event(
            uow,
            incident_id=incident_id,
            ref=ref,
            changes=EventUpdate(phase=phase_choice(phase)),
            by=actor,
        )
    except (InputError, EventNotFound, UsageError) as error:
        typed = {"phase": phase}
        return _failed(request, uow, state, incident_id, error, form="phase", typed=typed, ref=ref)
    label = PHASE_LABELS[edited.phase] if edited.phase else "no phase"
    note = Flash(f"Tagged “{shorten(edited.text, NOTE_TEXT_MAX)}”: {label}.", f"event-{ref}")
    return _done(request, state, incident_id, note)


@router.post(EVENT + "/key", dependencies=CSRF)
def mark_key(
    request: Request,
    incident_id: str,
    ref: str,
    uow: UoW,
    state: State,
    actor: Actor,
    key: TextField = "1",
) -> Response:
    """Mark one event as a key event (``key=1``) or unmark it (``key=0``)."""
    try:
        edited = timeline.edit_event(
            uow, incident_id=incident_id, ref=ref, changes=EventUpdate(key=checked(key)), by=actor
        )
    except (InputError, EventNotFound, UsageError) as error:
        typed = {"key": key}
        return _failed(request, uow, state, incident_id, error, form="key", typed=typed, ref=ref)
    done = "Marked as a key event" if edited.key else "No longer a key event"
    return _done(
        request,
        state,
        incident_id,
        Flash(f"{done}: “{shorten(edited.text, NOTE_TEXT_MAX)}”.", f"event-{ref}"),
    )


@router.post(EVENT + "/remove", dependencies=CSRF)
def remove_event(
    request: Request,
    incident_id: str,
    ref: str,
    uow: UoW,
    state: State,
    actor: Actor,
    page: Annotated[int, Form()] = 1,
) -> Response:
    """Remove one event (the page asked to confirm first); back to the page it was on."""
    try:
        removed = timeline.remove_event(uow, incident_id=incident_id, ref=ref, by=actor)
    except (EventNotFound, UsageError) as error:
        return _failed(request, uow, state, incident_id, error, form="remove", typed={}, ref=ref)
    note = Flash(f"Removed “{shorten(removed.text, NOTE_TEXT_MAX)}”.", "events")
    return _done(request, state, incident_id, note, page=page)


@router.post(PAGE + "/import", dependencies=CSRF)
def import_files(
    request: Request,
    incident_id: str,
    uow: UoW,
    state: State,
    actor: Actor,
    source: TextField = "",
    # a file input left empty arrives as an empty string, not as a file
    files: Annotated[list[UploadFile | str] | None, File()] = None,
    zone: TextField = "",
    channel: TextField = "",
) -> Response:
    """Import uploaded files of one tool; records already in the log add nothing."""
    typed = {"source": source, "zone": zone, "channel": channel}
    chosen = [part for part in files or [] if isinstance(part, StarletteUpload) and part.filename]
    try:
        if source not in SOURCES:
            raise ValidationFailed("choose the tool the files come from", field="source")
        if not chosen:
            raise ValidationFailed("choose at least one file to import", field="files")
        result = timeline.import_files(
            uow,
            incident_id=incident_id,
            source=source,
            paths=[Upload(upload.filename or "upload", upload.file) for upload in chosen],
            channel=[part for part in channel.split(",") if part.strip()] or None,
            default_tz=zone.strip() or None,
            by=actor,
        )
    except UsageError as error:  # the source was checked: what is left is the zone
        wrong = ValidationFailed(error.message, field="zone" if zone.strip() else None)
        return _failed(request, uow, state, incident_id, wrong, form="import", typed=typed)
    except InputError as error:
        return _failed(request, uow, state, incident_id, error, form="import", typed=typed)
    names = ", ".join(upload.filename or "upload" for upload in chosen)
    counts = f"{result.read} events read, {result.added} added, {result.skipped} already known"
    outcome = "" if result.added else " Nothing new."
    note = Flash(f"Imported {names} from {TOOL_LABELS[source]}: {counts}.{outcome}", "import")
    return _done(request, state, incident_id, note)
