"""Restricting a post-mortem from its page and the API, and what others then get."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from blamefree.domain.accounts import Role
from blamefree.services import postmortems
from support.uow import in_uow
from support.updates_doc import DOCUMENT
from support.web import WebClient

ID = "INC-2025-0031"


def _store(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "ledger.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    report = in_uow(
        engine, postmortems.import_files, paths=[path], today=dt.date(2025, 2, 10), by="Kim"
    )
    assert [o.error for o in report.outcomes] == [None]


def test_the_owner_restricts_it_from_its_page(
    client: WebClient, engine: Engine, tmp_path: Path
) -> None:
    _store(engine, tmp_path)
    client.login_as("Kim", role=Role.AUTHOR)
    page = client.get(f"/postmortems/{ID}")
    assert 'action="/postmortems/INC-2025-0031/restriction"' in page.text
    answer = client.post_form(
        f"/postmortems/{ID}/restriction",
        {"restricted": "on", "add_members": "Mia, Sam Reyes"},
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        f"/postmortems/{ID}#restriction",
    )
    page = client.get(f"/postmortems/{ID}")
    assert '<span class="tag restricted">restricted</span>' in page.text
    assert "Members: Mia, Sam Reyes" in page.text

    client.login_as("Zed", role=Role.APPROVER)
    missing = client.get("/api/v1/postmortems/INC-2099-0000")
    hidden = client.get(f"/api/v1/postmortems/{ID}")
    assert hidden.status_code == 404
    assert hidden.text.replace(ID, "X") == missing.text.replace("INC-2099-0000", "X")
    assert client.get(f"/postmortems/{ID}/export.pdf").status_code == 404
    assert ID not in client.get("/api/v1/postmortems").text

    client.login_as("Mia", role=Role.VIEWER)
    assert client.get(f"/postmortems/{ID}").status_code == 200
    assert client.get(f"/api/v1/postmortems/{ID}/restriction").json()["may_change"] is False

    client.login_as("Tester", role=Role.ADMIN)
    lifted = client.put(f"/api/v1/postmortems/{ID}/restriction", json={"restricted": False})
    assert (lifted.status_code, lifted.json()["restricted"]) == (200, False)
    client.login_as("Zed", role=Role.APPROVER)
    assert client.get(f"/api/v1/postmortems/{ID}").status_code == 200
