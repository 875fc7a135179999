"""``/api/docs``: the API reference, rendered by our own templates from the OpenAPI document
(routes by tag; ``/api/docs/schemas``: every schema with its fields). No script, no CDN."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from blamefree.web.api.reference import route_groups, schema_entries
from blamefree.web.templating import render

router = APIRouter()


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    document = request.app.openapi()
    schemas = schema_entries(document)
    return render(
        request,
        "api_docs.html",
        {
            "info": document.get("info", {}),
            "groups": route_groups(document),
            "schema_names": {schema.name for schema in schemas},
        },
    )


@router.get("/api/docs/schemas", response_class=HTMLResponse)
def api_schemas(request: Request) -> HTMLResponse:
    document = request.app.openapi()
    return render(
        request,
        "api_schemas.html",
        {"info": document.get("info", {}), "schemas": schema_entries(document)},
    )
