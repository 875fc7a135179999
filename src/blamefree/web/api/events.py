"""``/api/v1/postmortems/{id}/events``: the event log of a post-mortem, and imports into it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from blamefree.errors import (
    EventNotFound,
    InputError,
    PostmortemNotFound,
    SourceFormatError,
    StaleEdit,
    UsageError,
    ValidationFailed,
    ZoneMissing,
)
from blamefree.importers import SOURCES, Upload
from blamefree.schemas import EventCreate, EventImportRead, EventRead, EventUpdate
from blamefree.schemas.convert import event_import_read, event_read
from blamefree.services import timeline
from blamefree.web.api.bodies import TOO_LARGE, upload_request, uploads
from blamefree.web.api.params import BasedOn
from blamefree.web.deps import Actor, UoW
from blamefree.web.errors import error_responses

router = APIRouter(prefix="/postmortems/{incident_id}/events", tags=["timeline"])

SOURCE_PATTERN = "^(" + "|".join(SOURCES) + ")$"


@router.get(
    "",
    response_model=list[EventRead],
    responses=error_responses(PostmortemNotFound),
    summary="The event log in time order, each event with who recorded it",
)
def list_events(incident_id: str, uow: UoW) -> list[EventRead]:
    recorded = timeline.list_recorded_events(uow, incident_id=incident_id)
    return [event_read(event, recorded_by=who) for event, who in recorded]


@router.post(
    "",
    status_code=201,
    response_model=EventRead,
    responses=error_responses(PostmortemNotFound, StaleEdit, ValidationFailed),
    summary="Add an event a person saw (a new version of the post-mortem)",
)
def add_event(
    incident_id: str, event_in: EventCreate, uow: UoW, by: Actor, based_on: BasedOn = None
) -> EventRead:
    event = timeline.record_event(
        uow, incident_id=incident_id, event_in=event_in, based_on=based_on, by=by
    )
    return event_read(event, recorded_by=by)


@router.patch(
    "/{ref}",
    response_model=EventRead,
    responses=error_responses(
        PostmortemNotFound, EventNotFound, UsageError, StaleEdit, ValidationFailed
    ),
    summary="Change fields of one event (by its ref or a unique start of it)",
)
def edit_event(
    incident_id: str,
    ref: str,
    changes: EventUpdate,
    uow: UoW,
    by: Actor,
    based_on: BasedOn = None,
) -> EventRead:
    event = timeline.edit_event(
        uow, incident_id=incident_id, ref=ref, changes=changes, based_on=based_on, by=by
    )
    return event_read(event)


@router.delete(
    "/{ref}",
    status_code=204,
    response_class=Response,
    responses=error_responses(PostmortemNotFound, EventNotFound, UsageError, StaleEdit),
    summary="Remove one event",
)
def remove_event(
    incident_id: str, ref: str, uow: UoW, by: Actor, based_on: BasedOn = None
) -> Response:
    timeline.remove_event(uow, incident_id=incident_id, ref=ref, based_on=based_on, by=by)
    return Response(status_code=204)


@router.put(
    "/{ref}/key",
    response_model=EventRead,
    responses=error_responses(PostmortemNotFound, EventNotFound, UsageError, StaleEdit),
    summary="Pin an event as a key event (it then fills its phase block)",
)
def mark_key(
    incident_id: str, ref: str, uow: UoW, by: Actor, based_on: BasedOn = None
) -> EventRead:
    changes = EventUpdate(key=True)
    event = timeline.edit_event(
        uow, incident_id=incident_id, ref=ref, changes=changes, based_on=based_on, by=by
    )
    return event_read(event)


@router.delete(
    "/{ref}/key",
    response_model=EventRead,
    responses=error_responses(PostmortemNotFound, EventNotFound, UsageError, StaleEdit),
    summary="Unpin a key event",
)
def unmark_key(
    incident_id: str, ref: str, uow: UoW, by: Actor, based_on: BasedOn = None
) -> EventRead:
    changes = EventUpdate(key=False)
    event = timeline.edit_event(
        uow, incident_id=incident_id, ref=ref, changes=changes, based_on=based_on, by=by
    )
    return event_read(event)


@router.post(
    "/import",
    response_model=EventImportRead,
    responses=error_responses(
        PostmortemNotFound,
        UsageError,
        StaleEdit,
        InputError,
        SourceFormatError,
        ZoneMissing,
        ValidationFailed,
    )
    | TOO_LARGE,
    summary="Import events from a tool's uploaded files; records already there add nothing",
    openapi_extra=upload_request(
        "The tool's files (a Slack export zip, PagerDuty log entries JSON, Alertmanager or "
        "Grafana webhook payloads, Opsgenie alerts, Statuspage updates, CSV, JSONL), each in "
        "a field named 'file'. All are imported in one transaction: a bad file stores nothing."
    ),
)
def import_events(
    incident_id: str,
    uow: UoW,
    by: Actor,
    files: Annotated[list[Upload], Depends(uploads)],
    source: Annotated[str, Query(pattern=SOURCE_PATTERN, description=", ".join(SOURCES))],
    since: Annotated[dt.datetime | None, Query(description="Only events at or after")] = None,
    until: Annotated[dt.datetime | None, Query(description="Only events at or before")] = None,
    channel: Annotated[list[str] | None, Query(description="Slack: only these channels")] = None,
    phase_map: Annotated[
        str | None, Query(description="e.g. acknowledged=response,deploy=mitigation")
    ] = None,
    reaction: Annotated[
        str, Query(description="Slack: messages with this reaction become key events")
    ] = "pushpin",
    tz: Annotated[
        str | None, Query(description="CSV/JSONL: the zone of times written without one")
    ] = None,
) -> EventImportRead:
    result = timeline.import_files(
        uow,
        incident_id=incident_id,
        source=source,
        paths=files,
        since=since,
        until=until,
        channel=channel,
        phase_map=phase_map,
        key_reaction=reaction,
        default_tz=tz,
        by=by,
    )
    return event_import_read(result)
