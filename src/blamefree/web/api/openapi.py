"""The OpenAPI document at ``/api/openapi.json``: every error in the one ``ErrorRead`` shape.

FastAPI describes a request it cannot validate as ``HTTPValidationError``; this app answers
those with ``ErrorRead`` (``web.errors.on_validation_error``), so the document says so: every
422 points at ``ErrorRead`` and FastAPI's own validation schemas are left out. A body a route
reads itself (JSON or Markdown, see ``bodies``) names its schema by reference; that schema is
added from ``blamefree.schemas.SCHEMAS``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from blamefree.schemas.errors import ErrorRead

ERROR_REF = "#/components/schemas/ErrorRead"
FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")


REF_PREFIX = "#/components/schemas/"


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {str(value["$ref"])} if isinstance(value.get("$ref"), str) else set()
        for part in value.values():
            found |= _refs(part)
        return found
    if isinstance(value, list):
        return set().union(*(_refs(part) for part in value)) if value else set()
    return set()


def add_referenced_schemas(document: dict[str, Any]) -> None:
    """Put every published schema the document refers to but lacks into its components."""
    from blamefree.schemas import SCHEMAS, schema_mode

    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    while True:
        missing = {
            ref.removeprefix(REF_PREFIX)
            for ref in _refs(document)
            if ref.startswith(REF_PREFIX) and ref.removeprefix(REF_PREFIX) not in schemas
        }
        known = sorted(name for name in missing if name in SCHEMAS)
        if not known:
            return
        for name in known:
            model = SCHEMAS[name]
            described = model.model_json_schema(
                ref_template=REF_PREFIX + "{model}", mode=schema_mode(model)
            )
            for inner, schema in described.pop("$defs", {}).items():
                schemas.setdefault(inner, schema)
            schemas[name] = described


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
                if not str(status).isdigit() or int(status) < 400:
                    continue
                # Every error is JSON in the one shape, whatever the route answers on success.
                response["content"] = {"application/json": {"schema": {"$ref": ERROR_REF}}}
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
            document = one_error_shape(plain())
            add_referenced_schemas(document)
            add_security(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def add_security(document: dict[str, Any]) -> None:
    """Every ``/api/v1`` operation takes an API token or a browser's session (docs/accounts.md)."""
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes["apiToken"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (`blamefree token create`, or your account page); its "
        "scope (read, write, admin) limits what it may do.",
    }
    schemes["session"] = {
        "type": "apiKey",
        "in": "cookie",
        "name": "blamefree_session",
        "description": "The session of a browser logged in at /login.",
    }
    for path, operations in document.get("paths", {}).items():
        if not path.startswith("/api/v1"):
            continue
        for operation in operations.values():
            if isinstance(operation, dict):
                operation["security"] = [{"apiToken": []}, {"session": []}]
