"""Metrics and lint findings of a post-mortem, stored or posted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from blamefree.errors import PostmortemNotFound, TemplateParseError, ValidationFailed
from blamefree.schemas import FindingRead, MetricsRead
from blamefree.schemas.convert import finding_read, metrics_read
from blamefree.services import linting, postmortems
from blamefree.web.api.bodies import TOO_LARGE, markdown_body, markdown_request
from blamefree.web.deps import State, UoW
from blamefree.web.errors import error_responses

router = APIRouter()


@router.get(
    "/postmortems/{incident_id}/metrics",
    response_model=MetricsRead,
    responses=error_responses(PostmortemNotFound),
    summary="Detection, response, mitigation and resolution time and total duration",
    tags=["metrics"],
)
def metrics(incident_id: str, uow: UoW) -> dict[str, object]:
    return dict(metrics_read(postmortems.stored_metrics(uow, incident_id=incident_id)))


@router.get(
    "/postmortems/{incident_id}/lint",
    response_model=list[FindingRead],
    responses=error_responses(PostmortemNotFound),
    summary="Lint findings of a stored post-mortem (blaming language, gaps, contradictions)",
    tags=["lint"],
)
def lint_stored(incident_id: str, uow: UoW) -> list[FindingRead]:
    report = linting.lint_stored(uow, incident_id=incident_id)
    return [finding_read(found, report.file) for found in report.findings]


@router.post(
    "/lint",
    response_model=list[FindingRead],
    responses=error_responses(TemplateParseError, ValidationFailed) | TOO_LARGE,
    summary="Lint findings of a Markdown post-mortem sent in the body (nothing is stored)",
    tags=["lint"],
    openapi_extra=markdown_request("A post-mortem as the template writes it"),
)
def lint_document(state: State, text: Annotated[str, Depends(markdown_body)]) -> list[FindingRead]:
    report = linting.lint_document(text, source="request body", timezone=state.settings.timezone)
    return [finding_read(found, report.file) for found in report.findings]
