"""The PDF export drawn by WeasyPrint: rendered to PNG with pdftoppm (pages kept under
test-artifacts/screenshots/), its text read back with pdftotext, its fonts embedded, user text
shown as text, and nothing fetched while it is drawn."""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import Engine

from blamefree.exporters.pdf import rendered_pdf
from blamefree.services import exporting
from blamefree.store.engine import make_engine
from blamefree.store.migrate import ensure_schema
from support.browser import artifacts_dir
from support.export_doc import EVENTS, FORMULA_ACTION, RUNBOOK, TODAY, XSS, store_export_doc
from support.uow import in_uow

POPPLER = ("pdftoppm", "pdftotext", "pdfinfo", "pdffonts")


@pytest.fixture(scope="module")
def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"poppler-utils missing ({', '.join(missing)}); .ci/run installs it")


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory, poppler: None) -> Iterator[Path]:
    """PAY-318 exported as PDF once for the module (drawing one takes seconds)."""
    folder = tmp_path_factory.mktemp("pdf")
    engine: Engine = make_engine(f"sqlite:///{folder / 'store.sqlite3'}")
    ensure_schema(engine)
    try:
        incident_id = store_export_doc(engine, folder)
        exported = in_uow(engine, exporting.export_pdf, incident_id=incident_id, today=TODAY)
    finally:
        engine.dispose()
    assert (exported.media_type, exported.file_name, exported.binary) == (
        "application/pdf", "PAY-318.pdf", True,
    )  # fmt: skip
    path = folder / exported.file_name
    path.write_bytes(exported.content)
    yield path


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _pages(path: Path) -> int:
    found = re.search(r"^Pages:\s+(\d+)$", _run("pdfinfo", str(path)), re.M)
    assert found is not None
    return int(found.group(1))


def test_the_pdf_renders_to_pages_that_are_kept_as_screenshots(pdf_file: Path) -> None:
    assert pdf_file.read_bytes().startswith(b"%PDF-")
    pages = _pages(pdf_file)
    assert 4 <= pages <= 9
    assert "Page size:       595.276 x 841.89 pts (A4)" in _run("pdfinfo", str(pdf_file))
    prefix = pdf_file.parent / "page"
    _run("pdftoppm", "-r", "60", "-png", str(pdf_file), str(prefix))
    images = sorted(pdf_file.parent.glob("page-*.png"))
    assert len(images) == pages
    for number, image in enumerate(images, start=1):
        assert image.read_bytes().startswith(b"\x89PNG")
        shutil.copy(image, artifacts_dir() / f"export-pdf-page-{number}.png")


def test_the_pdf_text_holds_the_headings_values_events_and_action_items(pdf_file: Path) -> None:
    text = _run("pdftotext", "-layout", str(pdf_file), "-")
    flat = " ".join(text.split())
    for heading in ("Executive Summary", "Timeline", "Impact Assessment", "Root Cause Analysis",
                    "Action Items", "Prevention Measures", "Metrics", "Follow-Up", "Sign-Off"):  # fmt: skip
        assert heading in flat
    assert "Post-incident review: payments queue backlog" in flat
    assert re.search(r"Detection Time\s+12m\s+derived from the timeline\s+12 min", flat)
    assert re.search(r"Resolution Time\s+2h 48m", flat)
    for _, event_text, _, _ in EVENTS[1:3]:
        assert event_text in flat
    assert "queue depth alert" in flat
    assert FORMULA_ACTION in flat.replace("\u200b", "")
    assert "Block migrations during the settlement window" in flat
    assert f"Page 1 of {_pages(pdf_file)}" in flat
    assert "PAY-318 · version 6" in flat


def test_every_font_of_the_pdf_is_embedded(pdf_file: Path) -> None:
    rows = _run("pdffonts", str(pdf_file)).splitlines()[2:]
    assert rows, "the PDF names no font"
    for row in rows:
        emb = row.split()[-5]  # name, type..., encoding, emb, sub, uni, object, ID
        assert emb == "yes", row
    assert any("DejaVu" in row for row in rows)


def test_user_markup_is_text_in_the_pdf_and_no_link_runs_anything(pdf_file: Path) -> None:
    flat = " ".join(_run("pdftotext", str(pdf_file), "-").split())
    assert XSS in flat  # an event's text, shown as the characters it is made of
    assert '<script>alert("section")</script> <a href="javascript:alert(2)">click</a>' in flat
    assert "[md link](javascript:alert(3))" in flat
    urls = [line.split()[-1] for line in _run("pdfinfo", "-url", str(pdf_file)).splitlines()[1:]]
    assert urls == [RUNBOOK]  # the author's link stays a link; nothing else is one
    assert b"/JavaScript" not in pdf_file.read_bytes()


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("content-type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


def test_drawing_a_pdf_fetches_nothing_but_data_urls(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }", encoding="utf-8")
    here = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        data, refused = rendered_pdf(
            f'<html><head><link rel="stylesheet" href="{here}/style.css">'
            f'<style>@import url("{secret.as_uri()}"); @font-face {{ font-family: X; src: url("{here}/font.woff"); }}</style>'
            f'</head><body style="font-family: X"><p>Hello</p><img src="{here}/pixel.png">'
            '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%221%22 height=%221%22/%3E">'
            "</body></html>"
        )
    finally:
        server.shutdown()
    assert data.startswith(b"%PDF-")
    assert _Counting.hits == []
    assert sorted(refused) == sorted(
        [f"{here}/style.css", secret.as_uri(), f"{here}/font.woff", f"{here}/pixel.png"]
    )
