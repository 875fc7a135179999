"""``/hooks/*``: webhook receivers for Alertmanager, Grafana, PagerDuty and Opsgenie.

Each reads the raw body, hands it to ``services.inbox.receive_delivery`` and answers where the
events went: 200 when every event found its post-mortem (or was known), 202 when some wait in
the inbox for a person. A body that is not JSON or not of the sender's shape is a 422 naming the
field; a PagerDuty delivery whose signature does not verify, or another sender's delivery
without the configured ``webhook_token``, is a 401 and stores nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from blamefree.errors import (
    InputError,
    SourceFormatError,
    StoreError,
    Unauthenticated,
    ValidationFailed,
)
from blamefree.schemas.hooks import HookDeliveryRead, HookPostmortemRead
from blamefree.services import inbox
from blamefree.services.inbox import DeliveryReport
from blamefree.web.deps import State, UoW
from blamefree.web.errors import error_responses

router = APIRouter(prefix="/hooks", tags=["webhooks"])

MAX_BODY_BYTES = 5 * 1024 * 1024
"""A delivery larger than this is refused (Alertmanager batches stay far below it)."""

_ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"model": HookDeliveryRead, "description": "Some events wait in the inbox"}
}
_RESPONSES = _ACCEPTED | error_responses(
    Unauthenticated, SourceFormatError, ValidationFailed, StoreError
)


def _too_large(size: int) -> InputError:
    return InputError(
        f"a delivery of {size:,} bytes is larger than the {MAX_BODY_BYTES:,} accepted",
        field="body",
    )


async def _raw_body(request: Request) -> bytes:
    """The body as sent, refused before it is read when it says it is too large."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(int(declared))
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise _too_large(len(body))
    return body


async def _body(request: Request) -> bytes:
    body = await _raw_body(request)
    if not body.strip():
        raise ValidationFailed("the delivery has no body", field="body")
    return body


def _answer(report: DeliveryReport, response: Response) -> HookDeliveryRead:
    response.status_code = 202 if report.inbox else 200
    return HookDeliveryRead(
        source=report.source,
        added=report.total_added,
        postmortems=[
            HookPostmortemRead(incident_id=incident_id, added=added)
            for incident_id, added in sorted(report.added.items())
        ],
        inbox=report.inbox,
        known=report.known,
        from_inbox=report.from_inbox,
    )


def _receive(uow: UoW, state: State, source: str, body: bytes) -> DeliveryReport:
    label = state.settings.webhook_postmortem_label
    return inbox.receive_delivery(uow, source=source, body=body, label=label)


async def _unsigned(
    source: str, request: Request, response: Response, uow: UoW, state: State
) -> HookDeliveryRead:
    """A sender that does not sign: the configured token, if any, before the body is read."""
    token = state.settings.webhook_token
    inbox.verify_webhook_token(
        request.headers.get("authorization"), token=token.get_secret_value() if token else None
    )
    return _answer(_receive(uow, state, source, await _body(request)), response)


@router.post(
    "/alertmanager",
    response_model=HookDeliveryRead,
    responses=_RESPONSES,
    summary="Alertmanager webhook (version 4): each alert's post-mortem from its label",
)
async def alertmanager(
    request: Request, response: Response, uow: UoW, state: State
) -> HookDeliveryRead:
    return await _unsigned("alertmanager", request, response, uow, state)


@router.post(
    "/grafana",
    response_model=HookDeliveryRead,
    responses=_RESPONSES,
    summary="Grafana Alerting webhook contact point: each alert's post-mortem from its label",
)
async def grafana(request: Request, response: Response, uow: UoW, state: State) -> HookDeliveryRead:
    return await _unsigned("grafana", request, response, uow, state)


@router.post(
    "/pagerduty",
    response_model=HookDeliveryRead,
    responses=_RESPONSES,
    summary="PagerDuty V3 webhook, signed (X-PagerDuty-Signature) with the subscription secret",
)
async def pagerduty(
    request: Request,
    response: Response,
    uow: UoW,
    state: State,
    x_pagerduty_signature: Annotated[str | None, Header()] = None,
) -> HookDeliveryRead:
    body = await _raw_body(request)  # verified before anything is read from it
    secret = state.settings.pagerduty_webhook_secret
    inbox.verify_pagerduty_signature(
        body, x_pagerduty_signature, secret=secret.get_secret_value() if secret else None
    )
    return _answer(_receive(uow, state, "pagerduty", await _body(request)), response)


@router.post(
    "/opsgenie",
    response_model=HookDeliveryRead,
    responses=_RESPONSES,
    summary="Opsgenie outgoing webhook: the post-mortem from a tag or an alert detail",
)
async def opsgenie(
    request: Request, response: Response, uow: UoW, state: State
) -> HookDeliveryRead:
    return await _unsigned("opsgenie", request, response, uow, state)
