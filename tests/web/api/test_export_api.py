"""``GET /api/v1/postmortems/{id}/export?format=...``: each format with its content type and
file name, the same bytes as the service, JSON the same as ``GET /postmortems/{id}``, and the
errors for what cannot be exported."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.exporters.tables import BOM
from support.export_doc import FORMULA_ACTION, store_export_doc
from support.web import WebClient

API = "/api/v1/postmortems"


@pytest.fixture
def pay318(engine: Engine, tmp_path: Path) -> str:
    return store_export_doc(engine, tmp_path)


@pytest.mark.parametrize(
    ("params", "content_type", "file_name", "starts"),
    [
        ({}, "text/markdown; charset=utf-8", "PAY-318.md", b"<!-- blamefree: PAY-318 version 6"),
        (
            {"format": "md", "base": "false"},
            "text/markdown; charset=utf-8",
            "PAY-318.md",
            b"# Post-incident review",
        ),
        ({"format": "html"}, "text/html; charset=utf-8", "PAY-318.html", b"<!DOCTYPE html>"),
        ({"format": "pdf"}, "application/pdf", "PAY-318.pdf", b"%PDF-"),
        ({"format": "json"}, "application/json", "PAY-318.json", b'{\n  "incident_id": "PAY-318"'),
        (
            {"format": "csv", "of": "actions"},
            "text/csv; charset=utf-8; header=present",
            "PAY-318-actions.csv",
            BOM.encode() + b"id,horizon",
        ),
        (
            {"format": "csv", "of": "events"},
            "text/csv; charset=utf-8; header=present",
            "PAY-318-events.csv",
            BOM.encode() + b"time_utc,",
        ),
    ],
)
def test_each_format_has_its_content_type_and_file_name(
    client: WebClient,
    pay318: str,
    params: dict[str, str],
    content_type: str,
    file_name: str,
    starts: bytes,
) -> None:
    answer = client.get(f"{API}/{pay318}/export", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == content_type
    assert answer.headers["content-disposition"] == f'attachment; filename="{file_name}"'
    assert answer.content.startswith(starts)


def test_json_is_what_get_answers(client: WebClient, pay318: str) -> None:
    exported = client.get(f"{API}/{pay318}/export", params={"format": "json"}).json()
    assert exported == client.get(f"{API}/{pay318}").json()


def test_csv_cells_are_neutralised(client: WebClient, pay318: str) -> None:
    text = client.get(f"{API}/{pay318}/export", params={"format": "csv", "of": "actions"}).text
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline="")))
    assert rows[0]["action"] == "'" + FORMULA_ACTION


def test_what_cannot_be_exported_is_an_error(client: WebClient, pay318: str) -> None:
    for params, status, kind in [
        ({"format": "docx"}, 422, "ValidationFailed"),
        ({"format": "csv"}, 400, "UsageError"),
        ({"format": "csv", "of": "people"}, 422, "ValidationFailed"),
        ({"format": "html", "of": "events"}, 400, "UsageError"),
    ]:
        answer = client.get(f"{API}/{pay318}/export", params=params)
        assert (answer.status_code, answer.json()["error"]["type"]) == (status, kind), params
    missing = client.get(f"{API}/NOPE-1/export", params={"format": "pdf"})
    assert (missing.status_code, missing.json()["error"]["type"]) == (404, "PostmortemNotFound")


def test_the_page_links_give_the_same_files(client: WebClient, pay318: str) -> None:
    page = client.get(f"/postmortems/{pay318}")
    for link in ("export.pdf", "export.html", "export.md", "export.json", "export.csv?of=actions",
                 "export.csv?of=events"):  # fmt: skip
        assert f'href="/postmortems/{pay318}/{link}"' in page.text
    html = client.get(f"/postmortems/{pay318}/export.html")
    assert html.headers["content-disposition"] == 'attachment; filename="PAY-318.html"'
    assert html.content == client.get(f"{API}/{pay318}/export", params={"format": "html"}).content
    events = client.get(f"/postmortems/{pay318}/export.csv", params={"of": "events"})
    assert events.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    markdown = client.get(f"/postmortems/{pay318}/export.md")
    assert markdown.text.startswith("# Post-incident review")  # the author's bytes alone
