"""The OpenAPI document at ``/api/openapi.json``: every error in the one ``ErrorRead`` shape.

FastAPI describes a request it cannot validate as ``HTTPValidationError``; this app answers
those with ``ErrorRead`` (``web.errors.on_validation_error``), so the document says so: every
422 points at ``ErrorRead`` and FastAPI's own validation schemas are left out.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from blamefree.schemas.errors import ErrorRead

ERROR_REF = "#/components/schemas/ErrorRead"
FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")


def one_error_shape(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with each 422 (and any FastAPI validation schema) as ``ErrorRead``."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorRead" not in schemas:
        described = ErrorRead.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, schema in described.pop("$defs", {}).items():
            schemas.setdefault(name, schema)
        schemas["ErrorRead"] = described
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json")
                if content is None:
                    continue
                ref = content.get("schema", {}).get("$ref", "")
                if status == "422" or ref.rsplit("/", 1)[-1] in FASTAPI_SCHEMAS:
                    content["schema"] = {"$ref": ERROR_REF}
                    if response.get("description") == "Validation Error":
                        response["description"] = "ValidationFailed"
    for name in FASTAPI_SCHEMAS:
        schemas.pop(name, None)
    return document


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and so ``/api/openapi.json``) answer the document above."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = one_error_shape(plain())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
