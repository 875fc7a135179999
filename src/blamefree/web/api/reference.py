"""The API reference page's content, read from the OpenAPI document: routes by tag, schemas.

A plain reading of ``app.openapi()`` into small read models, so the template at ``/api/docs``
only lays them out (no script, no CDN: the page is our own HTML and CSS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Body:
    media_type: str
    type: str


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    type: str


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    summary: str
    anchor: str
    parameters: list[Parameter]
    bodies: list[Body]
    answers: list[Answer]


@dataclass(frozen=True)
class Group:
    tag: str
    anchor: str
    routes: list[Route] = field(default_factory=list)


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class SchemaEntry:
    name: str
    description: str
    properties: list[Property]


def _anchor(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def type_of(schema: dict[str, Any]) -> str:
    """A JSON Schema fragment in a few words: ``PostmortemRead``, ``list of EventRead``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema or "oneOf" in schema:
        options = [type_of(part) for part in schema.get("anyOf", schema.get("oneOf", []))]
        return " or ".join(dict.fromkeys(options))
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    kind = schema.get("type")
    if kind == "array":
        return f"list of {type_of(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        return f"object of {type_of(extra) if isinstance(extra, dict) else 'values'}"
    if kind is None:
        return "any"
    described = str(kind)
    if "format" in schema:
        described += f" ({schema['format']})"
    return described


def _route(method: str, path: str, operation: dict[str, Any]) -> Route:
    parameters = [
        Parameter(
            name=p["name"],
            where=p.get("in", ""),
            required=bool(p.get("required", False)),
            type=type_of(p.get("schema", {})),
            description=p.get("description") or p.get("schema", {}).get("description", ""),
        )
        for p in operation.get("parameters", [])
    ]
    content = operation.get("requestBody", {}).get("content", {})
    bodies = [Body(media, type_of(spec.get("schema", {}))) for media, spec in content.items()]
    answers = []
    for status, response in sorted(operation.get("responses", {}).items()):
        kinds = [type_of(spec.get("schema", {})) for spec in response.get("content", {}).values()]
        answers.append(Answer(status, response.get("description", ""), " or ".join(kinds)))
    return Route(
        method=method.upper(),
        path=path,
        summary=operation.get("summary", ""),
        anchor=_anchor(f"{method} {path}"),
        parameters=parameters,
        bodies=bodies,
        answers=answers,
    )


def route_groups(document: dict[str, Any]) -> list[Group]:
    """Every route, grouped by its first tag in the order tags first appear."""
    groups: dict[str, Group] = {}
    for path, operations in document.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            group = groups.setdefault(tag, Group(tag=tag, anchor=_anchor(f"tag {tag}")))
            group.routes.append(_route(method, path, operation))
    return list(groups.values())


def schema_entries(document: dict[str, Any]) -> list[SchemaEntry]:
    """Every schema of the document with its properties, by name."""
    entries = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        properties = [
            Property(
                name=prop,
                type=type_of(spec),
                required=prop in required,
                description=spec.get("description", ""),
            )
            for prop, spec in schema.get("properties", {}).items()
        ]
        description = schema.get("description", "")
        if not properties and "enum" in schema:
            description = f"{description} One of: {', '.join(map(str, schema['enum']))}."
        entries.append(SchemaEntry(name, description.strip(), properties))
    return entries
