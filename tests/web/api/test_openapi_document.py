"""The OpenAPI document and the reference page: every error in one shape, every status listed."""

from __future__ import annotations

import json
import re
from typing import Any

from support.web import WebClient

ERROR = {"$ref": "#/components/schemas/ErrorRead"}
WRITES = ("post", "put", "patch", "delete")


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if path.startswith("/api/v1/")
    ]


def test_no_route_answers_fastapis_validation_shape(client: WebClient) -> None:
    document = client.get("/api/openapi.json").json()
    text = json.dumps(document)
    assert "HTTPValidationError" not in text
    assert '"ValidationError"' not in text
    assert set(re.findall(r'"#/components/schemas/([^"]+)"', text)) <= set(
        document["components"]["schemas"]
    )


def test_every_route_lists_its_error_statuses_in_the_one_shape(client: WebClient) -> None:
    document = client.get("/api/openapi.json").json()
    operations = _operations(document)
    assert len(operations) >= 30
    for method, path, operation in operations:
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        errors = {status: r for status, r in responses.items() if int(status) >= 400}
        for status, response in errors.items():
            assert response["content"]["application/json"]["schema"] == ERROR, (where, status)
            assert response["description"], (where, status)
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in errors, where
        if "{incident_id}" in path:
            assert "404" in errors, where
            assert "PostmortemNotFound" in errors["404"]["description"], where
        # Every write that saves a version can lose a race (409); recording a held review
        # or a review comment, naming a review's people or who sees it saves no version.
        saves = (
            not path.endswith(("/reviews", "/workflow/members", "/restriction"))
            and "/comments" not in path
        )
        if "{incident_id}" in path and method in WRITES and saves:
            assert "409" in errors or method == "delete", where


def test_the_statuses_of_the_update_route(client: WebClient) -> None:
    document = client.get("/api/openapi.json").json()
    update = document["paths"]["/api/v1/postmortems/{incident_id}"]["put"]
    assert {s: r["description"] for s, r in update["responses"].items() if s >= "400"} == {
        "401": "LoginRequired",
        "403": "Forbidden",
        "404": "PostmortemNotFound, RevisionNotFound",
        "409": "StaleEdit, MergeConflict, WouldLoseWork, SignOffManaged",
        "413": "HTTPError: the body is larger than allowed",
        "422": "ValidationFailed, TemplateParseError",
        "423": "PostmortemLocked",
    }
    body = update["requestBody"]["content"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/PostmortemUpdate"}
    assert body["text/markdown"]["schema"] == {"type": "string"}
    assert "PostmortemUpdate" in document["components"]["schemas"]


def test_the_reference_page_has_every_route_and_no_script_of_its_own(client: WebClient) -> None:
    document = client.get("/api/openapi.json").json()
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for _method, path, operation in _operations(document):
        assert f"<code>{path}</code>" in page.text, path
        assert operation["summary"] in page.text.replace("&#39;", "'"), path
    assert re.findall(r"<script[^>]*>", page.text) == ['<script src="/static/app.js" defer>']
    assert "style=" not in page.text
    assert len(page.content) < 110_000  # some 1.5 KB a route (103 KB with the restriction)
    schemas = client.get("/api/docs/schemas")
    assert 'id="schema-ErrorRead"' in schemas.text
    assert 'id="schema-PostmortemCreate"' in schemas.text
    assert len(schemas.content) < 120_000
