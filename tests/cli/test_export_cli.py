"""`blamefree export ID --format html|pdf|md|json|csv`: each format to a file or stdout, the
PDF refused to a terminal but written to a pipe, and the errors for what cannot be exported."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.exporters.tables import BOM
from support.cli import Invoke
from support.export_doc import EVENTS, FORMULA_ACTION, store_export_doc


@pytest.fixture
def pay318(engine: Engine, tmp_path: Path) -> str:
    return store_export_doc(engine, tmp_path)


def test_html_to_a_file(cli: Invoke, pay318: str, tmp_path: Path) -> None:
    out = tmp_path / "pay.html"
    run = cli("export", pay318, "--format", "html", "--output", str(out))
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", f"Wrote {out}.\n")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<h1>Post-incident review: payments queue backlog</h1>" in html
    assert "<link" not in html and 'src="http' not in html


def test_markdown_stays_the_default_and_json_is_postmortem_read(cli: Invoke, pay318: str) -> None:
    markdown = cli("export", pay318).stdout
    assert markdown.startswith("<!-- blamefree: PAY-318 version 6 ")
    assert cli("export", pay318, "-f", "md", "--no-base").stdout == markdown.split("\n", 1)[1]
    data = json.loads(cli("export", pay318, "-f", "json").stdout)
    assert sorted(data) == ["created_at", "date", "document", "incident_id", "severity",
                            "success_criteria", "title", "updated_at", "version"]  # fmt: skip
    assert data["document"]["action_items"]["immediate"][0]["text"] == FORMULA_ACTION


def test_csv_of_events_and_of_actions_to_stdout(cli: Invoke, pay318: str) -> None:
    events = cli("export", pay318, "-f", "csv", "--of", "events")
    assert events.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(events.stdout.removeprefix(BOM), newline="")))
    assert [r["text"] for r in rows][:3] == ["'" + text for _, text, _, _ in EVENTS[:3]]
    actions = cli("export", pay318, "-f", "csv", "--of", "actions").stdout
    first = next(csv.DictReader(io.StringIO(actions.removeprefix(BOM), newline="")))
    assert (first["action"], first["owner"], first["status"]) == (
        "'" + FORMULA_ACTION,
        "Jonas",
        "done",
    )


def test_pdf_to_a_file(cli: Invoke, pay318: str, tmp_path: Path) -> None:
    out = tmp_path / "pay.pdf"
    run = cli("export", pay318, "--format", "pdf", "-o", str(out))
    assert (run.exit_code, run.stderr) == (0, f"Wrote {out}.\n")
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["NOPE-1", "-f", "html"], 4, "NOPE-1"),
        (
            ["PAY-318", "-f", "docx"],
            2,
            "--format must be one of html, pdf, md, json, csv, not 'docx'",
        ),
        (["PAY-318", "-f", "csv"], 2, "--format csv needs --of actions or --of events"),
        (
            ["PAY-318", "-f", "csv", "--of", "people"],
            2,
            "--of must be actions or events, not 'people'",
        ),
        (["PAY-318", "-f", "json", "--of", "events"], 2, "--of is for --format csv, not json"),
        (["PAY-318", "-f", "html", "--no-base"], 2, "--no-base is for --format md, not html"),
    ],
)
def test_what_cannot_be_exported_is_an_error_with_its_exit_code(
    cli: Invoke, pay318: str, args: list[str], code: int, message: str
) -> None:
    run = cli("export", *args)
    assert (run.exit_code, run.stdout) == (code, "")
    assert message in " ".join(run.stderr.split())


def _blamefree(database_url: str, *args: str, stdout: int) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "BLAMEFREE_DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "blamefree", *args], stdout=stdout, stderr=subprocess.PIPE,
        env=env, check=False, timeout=300,
    )  # fmt: skip


def test_a_pdf_is_refused_to_a_terminal_and_written_to_a_pipe(
    database_url: str, pay318: str
) -> None:
    leader, follower = pty.openpty()
    try:
        refused = _blamefree(database_url, "export", pay318, "-f", "pdf", stdout=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert refused.returncode == 2
    assert "a PDF is not for a terminal: give --output FILE or pipe it to a file" in " ".join(
        refused.stderr.decode().split()
    )
    piped = _blamefree(database_url, "export", pay318, "-f", "pdf", stdout=subprocess.PIPE)
    assert (piped.returncode, piped.stdout[:5]) == (0, b"%PDF-")
    assert piped.stdout.rstrip().endswith(b"%%EOF")
