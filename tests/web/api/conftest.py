"""Post-mortems stored through the API itself, for the API tests (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.web import WebClient

DATA = Path(__file__).resolve().parents[2] / "data"
BERLIN = DATA / "postmortems" / "berlin-payments-queue.md"
MARKDOWN = {"content-type": "text/markdown"}


def store_markdown(client: WebClient, path: Path) -> str:
    """Store a Markdown post-mortem through ``POST /api/v1/postmortems``; its incident id."""
    answer = client.post("/api/v1/postmortems", content=path.read_bytes(), headers=MARKDOWN)
    assert answer.status_code == 201, answer.text
    incident_id: str = answer.json()["incident_id"]
    return incident_id


@pytest.fixture
def pay318(client: WebClient) -> str:
    """The Berlin payments-queue post-mortem (PAY-318, Sev 2, 12.03.2024), stored."""
    return store_markdown(client, BERLIN)
