"""Review comments over HTTP (SQLite and PostgreSQL): the JSON API, and the post-mortem page's
threads and forms (CSRF, no JavaScript), never stale behind the page memo, and escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blamefree.services import people
from blamefree.store import UnitOfWork
from support.web import WebClient

BERLIN = Path(__file__).resolve().parents[1] / "data" / "postmortems" / "berlin-payments-queue.md"
QUOTED = (
    "A migration created an index on the 400 GB `payouts` table without `CONCURRENTLY`, taking an"
)
XSS = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) **ok**"


@pytest.fixture
def pay318(client: WebClient) -> str:
    answer = client.post(
        "/api/v1/postmortems",
        content=BERLIN.read_bytes(),
        headers={"content-type": "text/markdown"},
    )
    assert answer.status_code == 201, answer.text
    incident_id: str = answer.json()["incident_id"]
    return incident_id


def test_api_comment_reply_resolve_reopen(client: WebClient, pay318: str) -> None:
    base = f"/api/v1/postmortems/{pay318}/comments"
    with UnitOfWork(client.app.state.blamefree.engine) as uow:  # type: ignore[attr-defined]
        people.add_person(uow, name="Noor", email="noor@example.com")
    made = client.post(
        base, json={"section": "Root Cause Analysis", "line": 3, "body": "Why? @Noor @ghost"}
    )
    assert made.status_code == 201, made.text
    added = made.json()
    comment = added["comment"]
    assert added["unknown_mentions"] == ["ghost"]
    assert {k: comment[k] for k in ("section", "line", "quoted", "author", "mentions")} == {
        "section": "root_cause_analysis",
        "line": 3,
        "quoted": QUOTED,
        "author": "Tester",
        "mentions": ["Noor"],
    }
    reply = client.post(base, json={"reply_to": comment["id"], "body": "Because."})
    assert reply.status_code == 201, reply.text
    assert reply.json()["comment"]["parent_id"] == comment["id"]
    listed = client.get(base).json()
    assert (listed["open"], listed["resolved_hidden"]) == (1, 0)
    (thread,) = listed["threads"]
    assert (thread["placement"], thread["current_line"], len(thread["comments"])) == ("line", 3, 2)
    resolved = client.post(f"{base}/{reply.json()['comment']['id']}/resolve")
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["id"], resolved.json()["resolved"]) == (comment["id"], True)
    assert resolved.json()["resolved_by"] == "Tester"
    assert client.get(base).json()["threads"] == []
    assert len(client.get(base, params={"all": "true"}).json()["threads"]) == 1
    reopened = client.post(f"{base}/{comment['id']}/reopen")
    assert reopened.json()["resolved"] is False


def test_api_errors_are_typed(client: WebClient, pay318: str) -> None:
    base = f"/api/v1/postmortems/{pay318}/comments"
    bad = client.post(base, json={"section": "Nope", "body": "x"})
    assert (bad.status_code, bad.json()["error"]["type"]) == (422, "ValidationFailed")
    assert "not a section of the template" in bad.json()["error"]["message"]
    gone = client.post(f"{base}/999/resolve")
    assert (gone.status_code, gone.json()["error"]["type"]) == (404, "CommentNotFound")
    unknown = client.get("/api/v1/postmortems/INC-NONE/comments")
    assert (unknown.status_code, unknown.json()["error"]["type"]) == (404, "PostmortemNotFound")
    extra = client.post(base, json={"section": "timeline", "body": "x", "color": "red"})
    assert extra.status_code == 422


def test_openapi_documents_the_comment_routes(client: WebClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    add = paths["/api/v1/postmortems/{incident_id}/comments"]["post"]
    assert set(add["responses"]) >= {"201", "404", "422", "403"}
    resolve = paths["/api/v1/postmortems/{incident_id}/comments/{comment_id}/resolve"]["post"]
    assert "404" in resolve["responses"]


def page_threads(html: str) -> list[str]:
    return re.findall(r'<article class="thread( resolved)?" id="(thread-\d+)"', html)  # type: ignore[return-value]


def test_page_shows_threads_and_is_never_stale(client: WebClient, pay318: str) -> None:
    url = f"/postmortems/{pay318}"
    first = client.get(url)
    assert first.status_code == 200
    assert 'id="comments-root_cause_analysis"' in first.text
    assert page_threads(first.text) == []
    # A comment from the page's own form: a redirect back to its thread, with a note.
    sent = client.post_form(
        f"{url}/comments",
        {"section": "root_cause_analysis", "line": "3", "body": XSS + " @ghost"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{url}#thread-1"
    page = client.get(url)
    assert page_threads(page.text) == [("", "thread-1")]
    assert "@ghost: no one of that name in the people directory" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<img" not in page.text
    assert 'href="javascript' not in page.text
    assert "<strong>ok</strong>" in page.text
    assert f'<blockquote class="quoted">{QUOTED}</blockquote>' in page.text
    # The note is shown once.
    assert "no one of that name" not in client.get(url).text
    # Resolved: folded into "1 resolved thread", with a reopen button.
    client.post_form(f"{url}/comments/1/resolve", {}, follow_redirects=False)
    page = client.get(url)
    assert page_threads(page.text) == [(" resolved", "thread-1")]
    assert "1 resolved thread</summary>" in page.text
    assert "Reopen thread 1" in page.text
    client.post_form(f"{url}/comments/1/reopen", {}, follow_redirects=False)
    assert page_threads(client.get(url).text) == [("", "thread-1")]


def test_page_forms_need_the_csrf_token(client: WebClient, pay318: str) -> None:
    answer = client.post(
        f"/postmortems/{pay318}/comments",
        data={"section": "timeline", "body": "x"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert client.get(f"/api/v1/postmortems/{pay318}/comments").json()["threads"] == []
