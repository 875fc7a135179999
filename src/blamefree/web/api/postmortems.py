"""``/api/v1/postmortems``: the post-mortems themselves, their history and their Markdown."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import PlainTextResponse

from blamefree.domain.actions import evaluate_success_criteria
from blamefree.domain.enums import Severity
from blamefree.domain.standing import Standing
from blamefree.errors import (
    DuplicatePostmortem,
    InputError,
    MergeConflict,
    PostmortemLocked,
    PostmortemNotFound,
    RevisionNotFound,
    StaleEdit,
    TemplateParseError,
    UsageError,
    ValidationFailed,
    WouldLoseWork,
)
from blamefree.importers import Upload
from blamefree.schemas import (
    DiffRead,
    ImportOutcomeRead,
    PostmortemCreate,
    PostmortemPageRead,
    PostmortemRead,
    PostmortemUpdate,
    RestoreCreate,
    RestoreRead,
    RevisionRead,
)
from blamefree.schemas.convert import (
    import_outcome_read,
    listed_read,
    postmortem_read,
    restore_read,
    revision_read,
)
from blamefree.services import (
    exporting,
    postmortem_listing,
    postmortems,
    revising,
    timeline,
    updates,
)
from blamefree.services.postmortem_listing import (
    MAX_PAGE,
    PAGE_SIZE,
    ItemsFilter,
    ListingQuery,
    SortKey,
)
from blamefree.store import StoredPostmortem, UnitOfWork
from blamefree.web.api.bodies import (
    MARKDOWN,
    TOO_LARGE,
    json_or_markdown,
    json_or_markdown_request,
    markdown_body,
    markdown_request,
    opened_uploads,
    upload_request,
    upload_text,
)
from blamefree.web.auth import checks_own_login, confirm_login
from blamefree.web.deps import Actor, State, Today, UoW, request_viewer
from blamefree.web.errors import error_responses
from blamefree.web.state import state_of

router = APIRouter(prefix="/postmortems", tags=["post-mortems"])


def _read(stored: StoredPostmortem) -> PostmortemRead:
    return postmortem_read(stored, evaluate_success_criteria(stored.doc))


# --- listing ----------------------------------------------------------------------------------


class ListSort(StrEnum):
    """The ``sort`` parameter: a key, ``-`` in front for the other way."""

    DATE = "date"
    DATE_DESC = "-date"
    SEVERITY = "severity"
    SEVERITY_DESC = "-severity"
    UPDATED = "updated"
    UPDATED_DESC = "-updated"
    TITLE = "title"
    TITLE_DESC = "-title"
    INCIDENT_ID = "incident_id"
    INCIDENT_ID_DESC = "-incident_id"

    @property
    def key(self) -> SortKey:
        return SortKey(self.value.lstrip("-"))

    @property
    def descending(self) -> bool:
        # `severity` sorts by the P-number, P0 first: the listing's most-severe-first order.
        return self.value.startswith("-") != (self.key is SortKey.SEVERITY)


def listing_query(
    severity: Annotated[list[Severity] | None, Query(description="Repeat for several")] = None,
    since: Annotated[dt.date | None, Query(description="Incident date on or after")] = None,
    until: Annotated[dt.date | None, Query(description="Incident date on or before")] = None,
    owner: Annotated[
        str | None,
        Query(
            description="Owns an action item or prepared the post-mortem: part of the name, "
            "case and a leading @ ignored"
        ),
    ] = None,
    actions: Annotated[
        ItemsFilter | None,
        Query(
            description="open: some not closed; overdue: some past due (or past their "
            "horizon); done: all done or won't do; none: no action items"
        ),
    ] = None,
    standing: Annotated[
        Standing | None, Query(description="Review standing, from the sign-offs")
    ] = None,
    q: Annotated[
        str | None, Query(description="Words of the incident id, the title or the text")
    ] = None,
    sort: Annotated[
        ListSort,
        Query(description="'-' in front: the other way; severity: P0 first, -severity: P3 first"),
    ] = ListSort.DATE_DESC,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ListingQuery:
    return ListingQuery(
        severities=tuple(dict.fromkeys(severity or ())),
        since=since,
        until=until,
        owner=owner,
        items=actions,
        text=q,
        standing=standing,
        sort=sort.key,
        descending=sort.descending,
        limit=limit,
        offset=offset,
    )


@router.get(
    "",
    response_model=PostmortemPageRead,
    responses=error_responses(ValidationFailed),
    summary="Post-mortems, filtered, sorted and a page at a time, with the total",
)
def list_postmortems(
    uow: UoW, today: Today, query: Annotated[ListingQuery, Depends(listing_query)]
) -> PostmortemPageRead:
    page = postmortem_listing.list_postmortems(uow, query=query, today=today)
    return PostmortemPageRead(
        items=[listed_read(row) for row in page.rows],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next_offset=page.next_offset,
    )


# --- one post-mortem --------------------------------------------------------------------------


async def _create_body(request: Request) -> PostmortemCreate | str:
    return await json_or_markdown(request, PostmortemCreate)


@router.post(
    "",
    status_code=201,
    response_model=PostmortemRead,
    responses=error_responses(DuplicatePostmortem, ValidationFailed, TemplateParseError)
    | TOO_LARGE,
    summary="A new post-mortem: from the template (JSON) or a whole Markdown document",
    openapi_extra=json_or_markdown_request(
        "PostmortemCreate",
        "JSON: the header of a new post-mortem from the template. text/markdown: a whole "
        "post-mortem as the template writes it (DuplicatePostmortem if its id is stored).",
    ),
)
def create_postmortem(
    uow: UoW,
    by: Actor,
    today: Today,
    state: State,
    body: Annotated[PostmortemCreate | str, Depends(_create_body)],
) -> PostmortemRead:
    if isinstance(body, str):
        outcome = postmortems.import_text(
            uow,
            text=body,
            source="request body",
            today=today,
            timezone=state.settings.timezone,
            by=by,
        )
        assert outcome.incident_id is not None
        return _read(postmortems.get_postmortem(uow, incident_id=outcome.incident_id))
    started = postmortems.start_postmortem(
        uow,
        title=body.title,
        severity=body.severity,
        day=body.date or today,
        incident_id=body.incident_id,
        save=True,
        by=by,
        events=[timeline.typed_event(event) for event in body.events],
    )
    assert started.stored is not None
    return _read(started.stored)


@router.get(
    "/{incident_id}",
    response_model=PostmortemRead,
    responses=error_responses(PostmortemNotFound),
    summary="One post-mortem as stored, with its version and success-criteria states",
)
@checks_own_login
def get_postmortem(incident_id: str, request: Request) -> Response:
    # Serialised once per stored version (web.memo); the bytes are PostmortemRead's JSON. The
    # request's unit of work is opened here, the login checked in it first, so the whole read
    # takes one transaction in one worker thread.
    state = state_of(request)
    # Until the login is confirmed, it reads as an anonymous reader would.
    with UnitOfWork(state.engine, clock=state.clock, viewer=request_viewer(request)) as uow:
        confirm_login(request, uow)  # and reads as the one logged in from here on
        stamp = postmortems.version_stamp(uow, incident_id=incident_id)

        def render() -> bytes:
            stored = postmortems.get_postmortem(uow, incident_id=incident_id)
            return _read(stored).model_dump_json(by_alias=True).encode()

        def unchanged() -> bool:
            return postmortems.version_stamp(uow, incident_id=incident_id) == stamp

        body = state.memo.read(("api", stamp), render, unchanged)
    return Response(body, media_type="application/json")


async def _update_body(request: Request) -> PostmortemUpdate | str:
    return await json_or_markdown(request, PostmortemUpdate)


@router.put(
    "/{incident_id}",
    response_model=PostmortemRead,
    responses=error_responses(
        PostmortemNotFound,
        RevisionNotFound,
        StaleEdit,
        MergeConflict,
        WouldLoseWork,
        ValidationFailed,
        TemplateParseError,
    )
    | TOO_LARGE,
    summary="Save a changed post-mortem, merged onto what others saved since its version",
    openapi_extra=json_or_markdown_request(
        "PostmortemUpdate",
        "JSON: the whole document and the version it was read at. Changes others saved since "
        "are kept (merged); a field both changed is MergeConflict (409) with both values; with "
        "merge=false an older version is StaleEdit (409). text/markdown: the document as "
        "export wrote it, its first line naming its version.",
    ),
)
def update_postmortem(
    incident_id: str,
    uow: UoW,
    by: Actor,
    state: State,
    body: Annotated[PostmortemUpdate | str, Depends(_update_body)],
    merge: Annotated[
        bool, Query(description="false: a version older than the stored one is StaleEdit")
    ] = True,
) -> PostmortemRead:
    if isinstance(body, str):
        outcome = revising.update_text(
            uow,
            incident_id=incident_id,
            text=body,
            source="request body",
            timezone=state.settings.timezone,
            by=by,
        )
    else:
        outcome = revising.update_document(
            uow,
            incident_id=incident_id,
            postmortem_in=body.document,
            base_version=body.version,
            merge=merge,
            message=body.message,
            by=by,
        )
    return _read(outcome.stored)


@router.delete(
    "/{incident_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(PostmortemNotFound, PostmortemLocked),
    summary="Remove a post-mortem and everything that hangs off it",
)
def delete_postmortem(incident_id: str, uow: UoW, by: Actor) -> Response:
    postmortems.delete_postmortem(uow, incident_id=incident_id, by=by)
    return Response(status_code=204)


# --- history ----------------------------------------------------------------------------------


@router.get(
    "/{incident_id}/history",
    response_model=list[RevisionRead],
    responses=error_responses(PostmortemNotFound),
    summary="Every saved version, oldest first, with who saved it",
)
def history(incident_id: str, uow: UoW) -> list[RevisionRead]:
    return [revision_read(r) for r in postmortems.history(uow, incident_id=incident_id)]


@router.get(
    "/{incident_id}/diff",
    response_model=DiffRead,
    responses=error_responses(PostmortemNotFound, RevisionNotFound, ValidationFailed),
    summary="What changed in the Markdown between two versions (default: the last change)",
)
def diff(
    incident_id: str,
    uow: UoW,
    from_version: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1)] = None,
) -> DiffRead:
    found = postmortems.revision_diff(
        uow, incident_id=incident_id, rev_a=from_version, rev_b=to_version
    )
    return DiffRead(
        incident_id=found.incident_id,
        from_version=found.from_version,
        to_version=found.to_version,
        diff=found.text,
    )


@router.get(
    "/{incident_id}/revisions/{version}",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {MARKDOWN: {"schema": {"type": "string"}}}},
        **error_responses(PostmortemNotFound, RevisionNotFound, ValidationFailed),
    },
    summary="The Markdown of one saved version, as it was written",
)
def revision(incident_id: str, version: int, uow: UoW) -> PlainTextResponse:
    text = postmortems.revision_markdown(uow, incident_id=incident_id, version=version)
    return PlainTextResponse(text, media_type=MARKDOWN)


@router.post(
    "/{incident_id}/restore",
    response_model=RestoreRead,
    responses=error_responses(PostmortemNotFound, RevisionNotFound, StaleEdit, ValidationFailed),
    summary="Bring an earlier version back as the next one",
)
def restore(incident_id: str, restore_in: RestoreCreate, uow: UoW, by: Actor) -> RestoreRead:
    outcome = updates.restore_revision(
        uow, incident_id=incident_id, version=restore_in.version, by=by
    )
    return restore_read(outcome)


# --- Markdown in and out ----------------------------------------------------------------------


_EXPORT_TYPES = {
    "text/html": {"schema": {"type": "string"}},
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    MARKDOWN: {"schema": {"type": "string"}},
    "application/json": {"schema": {"$ref": "#/components/schemas/PostmortemRead"}},
    "text/csv": {"schema": {"type": "string"}},
}


@router.get(
    "/{incident_id}/export",
    response_class=Response,
    responses={
        200: {"content": _EXPORT_TYPES},
        **error_responses(PostmortemNotFound, UsageError, ValidationFailed),
    },
    summary="The post-mortem as a file: Markdown as its author wrote it, HTML, PDF, JSON or CSV",
)
def export(
    incident_id: str,
    uow: UoW,
    today: Today,
    fmt: Annotated[
        exporting.ExportFormat,
        Query(alias="format", description="md (default), html, pdf, json or csv"),
    ] = exporting.ExportFormat.MD,
    of: Annotated[
        exporting.CsvTable | None,
        Query(description="csv: which table, actions or events (needed with csv)"),
    ] = None,
    base: Annotated[
        bool,
        Query(description="md: start with the line naming the version (for a later update)"),
    ] = True,
) -> Response:
    exported = exporting.export(
        uow, incident_id=incident_id, format=fmt, table=of, with_base=base, today=today
    )
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"content-disposition": f'attachment; filename="{exported.file_name}"'},
    )


async def _import_body(request: Request) -> AsyncIterator[Upload]:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        yield Upload("request body", (await markdown_body(request)).encode())
        return
    async with opened_uploads(request) as files:
        if len(files) > 1:
            raise ValidationFailed("import one Markdown file per request", field="file")
        yield files[0]


@router.post(
    "/import",
    response_model=ImportOutcomeRead,
    responses=error_responses(
        DuplicatePostmortem,
        MergeConflict,
        WouldLoseWork,
        RevisionNotFound,
        TemplateParseError,
        InputError,
        ValidationFailed,
    )
    | TOO_LARGE,
    summary="Import a Markdown post-mortem (a text/markdown body or an uploaded file)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                **markdown_request("")["requestBody"]["content"],
                **upload_request("")["requestBody"]["content"],
            },
        }
    },
)
def import_markdown(
    uow: UoW,
    by: Actor,
    today: Today,
    state: State,
    response: Response,
    upload: Annotated[Upload, Depends(_import_body)],
    update: Annotated[
        bool, Query(description="A stored id becomes a new version (merged) instead of 409")
    ] = False,
    force: Annotated[
        bool,
        Query(
            description="With update=true: save even where the store changed the same fields "
            "(the file's values win) or, for a file that names no version, even if it drops "
            "events or action-item state (as `import --update --force`)"
        ),
    ] = False,
) -> ImportOutcomeRead:
    outcome = postmortems.import_text(
        uow,
        text=upload_text(upload),
        source=upload.name,
        update=update,
        force=force,
        today=today,
        timezone=state.settings.timezone,
        by=by,
    )
    if outcome.action == "created":
        response.status_code = 201
    return import_outcome_read(
        file=upload.name,
        incident_id=outcome.incident_id,
        action=outcome.action,
        version=outcome.version,
        error=None,
    )
