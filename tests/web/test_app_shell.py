"""The shell every route shares: errors in one shape, security headers, CSRF, safe Markdown."""

from __future__ import annotations

from fastapi.testclient import TestClient

from blamefree.web.html import markdown_html
from blamefree.web.security import CSP
from support.web import WebClient


def test_an_unknown_post_mortem_is_a_404_in_the_one_error_shape(client: WebClient) -> None:
    answer = client.get("/api/v1/postmortems/INC-404")
    assert answer.status_code == 404
    assert answer.json() == {
        "error": {
            "type": "PostmortemNotFound",
            "status": 404,
            "message": answer.json()["error"]["message"],
        }
    }
    assert "INC-404" in answer.json()["error"]["message"]


def test_an_unknown_api_path_answers_json_and_a_page_path_answers_html(client: WebClient) -> None:
    api = client.get("/api/v1/no-such-thing")
    assert (api.status_code, api.json()["error"]["type"]) == (404, "NotFound")
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Not found" in page.text


def test_every_response_carries_the_security_headers(client: WebClient) -> None:
    for path in ("/", "/api/v1/postmortems/INC-1", "/static/app.css"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_a_write_from_another_site_is_refused_before_any_route_runs(
    raw_client: TestClient,
) -> None:
    answer = raw_client.post(
        "/login", data={"name": "Mallory"}, headers={"origin": "https://evil.example"}
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["type"] == "Forbidden"
    fetched = raw_client.post(
        "/login", data={"name": "M"}, headers={"sec-fetch-site": "cross-site"}
    )
    assert fetched.status_code == 403


def test_a_form_without_its_csrf_token_is_refused(client: WebClient) -> None:
    client.get("/")  # the browser has its cookie
    missing = client.post("/logout", data={})
    assert missing.status_code == 403
    assert "security token" in missing.text
    forged = client.post("/logout", data={"csrf_token": "0" * 64})
    assert forged.status_code == 403
    assert "Logged in as" in client.get("/").text  # still logged in: nothing happened


def test_the_header_names_who_is_logged_in_and_a_forged_session_names_nobody(
    client: WebClient,
) -> None:
    page = client.get("/")
    assert "Logged in as" in page.text
    assert "<strong>Tester</strong>" in page.text
    assert '<span class="role">admin</span>' in page.text
    client.cookies.set("blamefree_session", "Mallory.forged")
    answer = client.get("/", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login?next=%2F")


def test_user_markdown_is_sanitised() -> None:
    html = str(
        markdown_html(
            "**ok** <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://t.example/p.png)"
        )
    )
    assert "<strong>ok</strong>" in html
    assert "<script" not in html
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert 'href="javascript' not in html
    assert "<img" not in html
    link = str(markdown_html("[docs](https://docs.example/a)"))
    assert (
        link
        == '<p><a href="https://docs.example/a" rel="noopener noreferrer nofollow">docs</a></p>\n'
    )
