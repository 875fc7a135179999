"""Request bodies that are not one JSON schema: Markdown, JSON-or-Markdown, and uploads.

Each is read by an async dependency (so the route itself stays a plain function run off the
event loop), with a size limit: a Markdown or JSON document at most ``MAX_DOCUMENT_BYTES``, the
files of one upload at most ``MAX_UPLOAD_BYTES`` together. A body past its limit, declared
(``Content-Length``) or as it arrives, is answered 413 in the ``ErrorRead`` shape before any
route runs, so nothing is stored.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from pydantic import BaseModel
from starlette.datastructures import UploadFile
from starlette.types import Message

from blamefree.errors import InputError, ValidationFailed
from blamefree.importers import Upload
from blamefree.importers.bounded import MAX_RECORD_BYTES
from blamefree.schemas.base import parse_input
from blamefree.schemas.errors import ErrorRead

MARKDOWN = "text/markdown"
MAX_DOCUMENT_BYTES = 4 * MAX_RECORD_BYTES
"""16 MiB: a post-mortem sent as Markdown or JSON (four of the largest record an importer reads)."""
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
"""256 MiB: the files of one upload (importers stream them; this bounds the disk they spool to)."""
MAX_UPLOAD_FILES = 20
BODY = "body"

M = TypeVar("M", bound=BaseModel)


def is_markdown(request: Request) -> bool:
    """Whether the body is Markdown (``text/markdown`` or ``text/plain``) rather than JSON."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in (MARKDOWN, "text/plain", "text/x-markdown")


def too_large(limit: int, what: str) -> HTTPException:
    return HTTPException(413, f"{what} is larger than the {limit:,} bytes allowed")


def limited(request: Request, limit: int, what: str) -> Request:
    """The same request, refusing (413) a body past ``limit`` bytes, declared or sent."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit, what)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(limit, what)
        return message

    return Request(request.scope, receive)


async def read_body(request: Request, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The whole body, at most ``limit`` bytes."""
    return await limited(request, limit, "the request body").body()


def _text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=source) from None


async def markdown_body(request: Request) -> str:
    """Dependency: the body as Markdown text (UTF-8)."""
    return _text(await read_body(request), "request body")


def json_input(model: type[M], data: bytes) -> M:
    """``data`` (JSON) read into ``model``; a bad value is ValidationFailed naming its field."""
    try:
        loaded: Any = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"the body is not JSON ({exc})", field=BODY) from None
    return parse_input(model, loaded)


async def json_or_markdown(request: Request, model: type[M]) -> M | str:
    """The body as ``model`` (JSON) or as Markdown text, by its content type."""
    data = await read_body(request)
    if is_markdown(request):
        return _text(data, "request body")
    return json_input(model, data)


@asynccontextmanager
async def opened_uploads(request: Request) -> AsyncIterator[list[Upload]]:
    """The files of a ``multipart/form-data`` body (field ``file``, repeatable), open for the
    block."""
    kind = request.headers.get("content-type", "")
    if not kind.startswith("multipart/form-data"):
        raise InputError(
            "send the files as multipart/form-data, each in a field named 'file'", field="file"
        )
    body = limited(request, MAX_UPLOAD_BYTES, "the upload")
    async with body.form(max_files=MAX_UPLOAD_FILES, max_fields=100) as form:
        files = [
            Upload(value.filename or "upload", value.file)
            for value in form.getlist("file")
            if isinstance(value, UploadFile)
        ]
        if not files:
            raise ValidationFailed("no file was uploaded (field 'file')", field="file")
        yield files


async def uploads(request: Request) -> AsyncIterator[list[Upload]]:
    """Dependency: the uploaded files, open until the route is done with them."""
    async with opened_uploads(request) as files:
        yield files


def upload_text(upload: Upload) -> str:
    """An uploaded Markdown file's text, at most ``MAX_DOCUMENT_BYTES``."""
    data = upload.data
    if isinstance(data, Path):
        raw = data.read_bytes()
    elif isinstance(data, bytes):
        raw = data
    else:
        raw = data.read(MAX_DOCUMENT_BYTES + 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InputError(
            f"larger than the {MAX_DOCUMENT_BYTES:,} bytes a document may have", file=upload.name
        )
    return _text(raw, upload.name)


# --- how these bodies look in OpenAPI --------------------------------------------------------

TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorRead, "description": "HTTPError: the body is larger than allowed"}
}
"""The 413 of a route with a bounded body, for its ``responses=``."""


def markdown_request(description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {MARKDOWN: {"schema": {"type": "string"}}},
        }
    }


def json_or_markdown_request(schema: str, description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}},
                MARKDOWN: {"schema": {"type": "string"}},
            },
        }
    }


def upload_request(description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            }
                        },
                    }
                }
            },
        }
    }
