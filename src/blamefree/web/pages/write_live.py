"""What the writing pages' script asks while someone writes: the lint of the change not saved
yet (``POST /postmortems/{id}/lint-preview``) and the current version
(``GET /postmortems/{id}/version``), read from the store on every request (any worker answers)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from blamefree.errors import TemplateParseError
from blamefree.schemas.convert import finding_read
from blamefree.schemas.writing import LintPreviewRead, ProblemRead, VersionRead
from blamefree.services import writing
from blamefree.web.deps import UoW
from blamefree.web.editing.form import FormProblems, apply_form
from blamefree.web.pages.write_forms import form_strings, whole_number
from blamefree.web.security import require_csrf

router = APIRouter()
NO_STORE = {"cache-control": "no-store"}


@router.get("/postmortems/{incident_id}/version")
def version(incident_id: str, uow: UoW) -> JSONResponse:
    """The current version, when and by whom it was saved (polled by the edit pages)."""
    info = writing.version_info(uow, incident_id=incident_id)
    body = VersionRead(
        incident_id=info.incident_id, version=info.version, updated_at=info.updated_at, by=info.by
    )
    return JSONResponse(body.model_dump(mode="json"), headers=NO_STORE)


@router.post("/postmortems/{incident_id}/lint-preview", dependencies=[Depends(require_csrf)])
def lint_preview(
    incident_id: str, uow: UoW, form: Annotated[dict[str, str], Depends(form_strings)]
) -> JSONResponse:
    """Lint the edit form's inputs, or a ``markdown`` text, as they would be saved."""
    base_version = whole_number(form, "base_version")
    problems: list[ProblemRead] = []
    findings = []
    try:
        found = writing.lint_preview(
            uow,
            incident_id=incident_id,
            base_version=base_version,
            text=form.get("markdown"),
            edit=None if "markdown" in form else partial(apply_form, form=form),
        )
        findings = [finding_read(hit, incident_id) for hit in found]
    except FormProblems as refused:
        problems = [ProblemRead(message=p.reason, field=p.field) for p in refused.problems]
    except TemplateParseError as error:
        problems = [ProblemRead(message=error.reason, field=error.field, line=error.line)]
    body = LintPreviewRead(findings=findings, problems=problems)
    return JSONResponse(body.model_dump(mode="json"), headers=NO_STORE)
