"""Who may open what (SQLite and PostgreSQL): anonymous visitors log in first, viewers and read
tokens only read, logging out and changing a password end sessions, failed logins are limited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from blamefree.domain.accounts import Role, TokenScope
from blamefree.services import sessions
from blamefree.store.tables import ApiTokenRow, RevisionRow
from blamefree.store.unit_of_work import UnitOfWork
from support.web import BASE_URL, FIXED_NOW, TEST_PASSWORD, WebClient, ensure_account, make_app

NEW = {"title": "Checkout errors", "severity": "P2", "incident_id": "INC-A-1"}


def anonymous(app: FastAPI, base_url: str = BASE_URL) -> WebClient:
    return WebClient(app, base_url=base_url, headers={"origin": base_url}, user=None)


def _login(client: WebClient, name: str, password: str, next_path: str = "/"):  # type: ignore[no-untyped-def]
    return client.post_form(
        "/login", {"name": name, "password": password, "next": next_path}, follow_redirects=False
    )


def test_an_anonymous_page_request_is_sent_to_the_login_and_back(web_app: FastAPI) -> None:
    with anonymous(web_app) as browser:
        answer = browser.get("/postmortems?severity=P1", follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (
            303,
            "/login?next=%2Fpostmortems%3Fseverity%3DP1",
        )
        login = browser.get(answer.headers["location"])
        assert login.status_code == 200
        assert 'name="next" value="/postmortems?severity=P1"' in login.text
        ensure_account(web_app.state.blamefree.engine, "dana", role=Role.AUTHOR)
        done = _login(browser, "DANA", TEST_PASSWORD, "/postmortems?severity=P1")
        assert (done.status_code, done.headers["location"]) == (303, "/postmortems?severity=P1")
        assert "<strong>dana</strong>" in browser.get("/postmortems").text


def test_what_anyone_may_open_without_a_login(web_app: FastAPI) -> None:
    with anonymous(web_app) as browser:
        assert browser.get("/login").status_code == 200
        assert browser.get("/healthz").status_code == 200
        assert browser.get("/static/app.css").status_code == 200
        assert browser.get("/api/openapi.json").status_code == 200
        spent = browser.get("/first-admin?token=nope")
        assert (spent.status_code, "first-admin link is unknown" in spent.text) == (401, True)
        hook = browser.post("/hooks/alertmanager", json={"alerts": []})
        assert hook.status_code != 401 or hook.json()["error"]["type"] != "LoginRequired"


def test_the_api_without_a_login_is_a_401_in_the_one_error_shape(web_app: FastAPI) -> None:
    with anonymous(web_app) as script:
        answer = script.get("/api/v1/postmortems")
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == 'Bearer realm="blamefree"'
        assert answer.json()["error"]["type"] == "LoginRequired"
        wrong = script.get("/api/v1/postmortems", headers={"authorization": "Bearer bf_nope"})
        assert (wrong.status_code, wrong.json()["error"]["type"]) == (401, "LoginRequired")
        basic = script.get("/api/v1/postmortems", headers={"authorization": "Basic eDp5"})
        assert basic.status_code == 401
        write = script.post("/api/v1/postmortems", json=NEW)
        assert write.status_code == 401
        page_write = script.post_form("/new", {"title": "x"})
        assert page_write.status_code == 401
        assert "Log in first" in page_write.text


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(web_app: FastAPI) -> None:
    ensure_account(web_app.state.blamefree.engine, "dana", role=Role.AUTHOR)
    with anonymous(web_app) as plain:
        cookie = _login(plain, "dana", TEST_PASSWORD).headers["set-cookie"]
        assert "blamefree_session=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie
    with anonymous(web_app, "https://testserver") as tls:
        assert "Secure" in _login(tls, "dana", TEST_PASSWORD).headers["set-cookie"]


def test_a_login_rotates_the_session_and_ends_the_one_before(web_app: FastAPI) -> None:
    engine = web_app.state.blamefree.engine
    ensure_account(engine, "dana", role=Role.AUTHOR)
    with WebClient(web_app, base_url=BASE_URL, headers={"origin": BASE_URL}) as browser:
        before = browser.cookies["blamefree_session"]
        assert _login(browser, "dana", TEST_PASSWORD).status_code == 303
        after = browser.cookies["blamefree_session"]
        assert after != before
        with anonymous(web_app) as thief:
            thief.cookies.set("blamefree_session", before)
            assert thief.get("/", follow_redirects=False).status_code == 303


def test_a_wrong_password_says_so_without_saying_which_part(web_app: FastAPI) -> None:
    ensure_account(web_app.state.blamefree.engine, "dana", role=Role.AUTHOR)
    with anonymous(web_app) as browser:
        for name in ("dana", "nobody"):
            answer = _login(browser, name, "not the password")
            assert answer.status_code == 401
            assert "that user name and password do not match an enabled account" in answer.text
            assert "blamefree_session" not in browser.cookies


def test_a_copied_cookie_stops_working_after_logout(web_app: FastAPI) -> None:
    with WebClient(web_app, base_url=BASE_URL, headers={"origin": BASE_URL}) as browser:
        copied = browser.cookies["blamefree_session"]
        token = browser.csrf()
        out = browser.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert (out.status_code, out.headers["location"]) == (303, "/login")
        assert "You are logged out." in browser.get("/login").text
        with anonymous(web_app) as thief:
            thief.cookies.set("blamefree_session", copied)
            assert thief.get("/", follow_redirects=False).status_code == 303
            assert thief.get("/api/v1/postmortems").status_code == 401


def test_a_password_change_logs_out_everywhere_but_here(web_app: FastAPI) -> None:
    with WebClient(web_app, base_url=BASE_URL, headers={"origin": BASE_URL}) as here:
        with anonymous(web_app) as elsewhere:
            elsewhere.cookies.set("blamefree_session", here.cookies["blamefree_session"])
            changed = here.post_form(
                "/account/password",
                {
                    "current": TEST_PASSWORD,
                    "password": "a brand new passphrase",
                    "password_again": "a brand new passphrase",
                },
                follow_redirects=False,
            )
            assert (changed.status_code, changed.headers["location"]) == (303, "/account")
            assert "Every other session of yours is logged out." in here.get("/account").text
            assert elsewhere.get("/", follow_redirects=False).status_code == 303
        wrong = here.post_form(
            "/account/password",
            {"current": "not it at all", "password": "x" * 12, "password_again": "x" * 12},
        )
        assert wrong.status_code == 401
        assert "the current password is not right" in wrong.text


def test_a_viewer_reads_but_never_writes(web_app: FastAPI) -> None:
    with WebClient(
        web_app, base_url=BASE_URL, headers={"origin": BASE_URL}, user="vera", role=Role.VIEWER
    ) as viewer:
        assert viewer.get("/postmortems").status_code == 200
        assert viewer.get("/api/v1/postmortems").status_code == 200
        assert '<a class="button" href="/new">' not in viewer.get("/").text
        refused = viewer.post("/api/v1/postmortems", json=NEW)
        assert refused.status_code == 403
        assert refused.json()["error"]["message"] == (
            "your role (viewer) may read but not change anything; nothing was saved"
        )
        assert viewer.post_form("/new", {"title": "x"}).status_code == 403
        # Their own account is theirs: a read token, and logging out.
        made = viewer.post_form("/account/tokens", {"name": "my reader", "scope": "read"})
        assert made.status_code == 201
        wider = viewer.post_form("/account/tokens", {"name": "x", "scope": "write"})
        assert wider.status_code == 403
        out = viewer.post_form("/logout", {}, follow_redirects=False)
        assert out.status_code == 303


def test_the_logged_in_name_is_the_author_of_what_is_saved(
    web_app: FastAPI, engine: Engine
) -> None:
    with WebClient(
        web_app, base_url=BASE_URL, headers={"origin": BASE_URL}, user="kim", role=Role.AUTHOR
    ) as author:
        assert author.post("/api/v1/postmortems", json=NEW).status_code == 201
    with UnitOfWork(engine) as uow:
        assert uow.session.scalars(select(RevisionRow.author)).all() == ["kim"]


def test_failed_logins_are_limited_per_account_across_workers(engine: Engine) -> None:
    one, two = make_app(engine), make_app(engine)  # two workers: they share only the store
    ensure_account(engine, "dana", role=Role.AUTHOR)
    with anonymous(one) as first, anonymous(two) as second:
        for client in (first, second, first, second, first):
            assert _login(client, "dana", "wrong password!").status_code == 401
        limited = _login(second, "dana", TEST_PASSWORD)  # even the right one, for now
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "900"
        assert "too many failed logins for this account: try again in 15 minutes" in limited.text
        assert "blamefree_session" not in second.cookies
    later = make_app(engine, now=FIXED_NOW + dt.timedelta(minutes=16))
    with anonymous(later) as browser:
        assert _login(browser, "dana", TEST_PASSWORD).status_code == 303


def test_failed_logins_are_limited_per_address(web_app: FastAPI) -> None:
    with anonymous(web_app) as browser:
        for number in range(20):
            assert _login(browser, f"guess{number}", "wrong password!").status_code == 401
        limited = _login(browser, "someone-else", "wrong password!")
        assert limited.status_code == 429
        assert "too many failed logins from this address" in limited.text


def test_a_read_token_reads_a_write_token_writes_and_a_revoked_one_nothing(
    web_app: FastAPI, engine: Engine
) -> None:
    account = ensure_account(engine, "ci", role=Role.AUTHOR)
    with UnitOfWork(engine) as uow:
        _, reader = sessions.create_token(
            uow, owner=account.name, name="reader", scope=TokenScope.READ, now=FIXED_NOW
        )
        writer_token, writer = sessions.create_token(
            uow, owner=account.name, name="writer", scope=TokenScope.WRITE, now=FIXED_NOW
        )
    with anonymous(web_app) as script:
        read = {"authorization": f"Bearer {reader}"}
        assert script.get("/api/v1/postmortems", headers=read).status_code == 200
        refused = script.post("/api/v1/postmortems", json=NEW, headers=read)
        assert (refused.status_code, refused.json()["error"]["message"]) == (
            403,
            "this API token may only read; nothing was saved",
        )
        write = {"authorization": f"Bearer {writer}"}
        assert script.post("/api/v1/postmortems", json=NEW, headers=write).status_code == 201
        assert script.get("/", headers=write, follow_redirects=False).status_code == 303  # API only
        with UnitOfWork(engine) as uow:
            sessions.revoke_token(uow, token_id=writer_token.id, now=FIXED_NOW)
        assert script.get("/api/v1/postmortems", headers=write).status_code == 401
    with UnitOfWork(engine) as uow:
        used = dict(uow.session.execute(select(ApiTokenRow.name, ApiTokenRow.last_used_at)).all())
    assert used == {"reader": FIXED_NOW, "writer": FIXED_NOW}


def test_a_token_s_last_use_is_written_at_most_once_a_minute(engine: Engine) -> None:
    account = ensure_account(engine, "ci", role=Role.AUTHOR)
    with UnitOfWork(engine) as uow:
        token, secret = sessions.create_token(
            uow, owner=account.name, name="poller", scope=TokenScope.READ, now=FIXED_NOW
        )
    seen = []
    for seconds in (0, 30, 59, 61, 90):
        now = FIXED_NOW + dt.timedelta(seconds=seconds)
        with UnitOfWork(engine) as uow:
            assert sessions.token_principal(uow, token=secret, now=now) is not None
        with UnitOfWork(engine) as uow:
            seen.append(uow.session.get(ApiTokenRow, token.id).last_used_at)  # type: ignore[union-attr]
    assert [(s - FIXED_NOW).seconds for s in seen] == [0, 0, 0, 61, 61]


def test_the_account_page_shows_a_new_token_once(client: WebClient) -> None:
    made = client.post_form("/account/tokens", {"name": "CI export", "scope": "write"})
    assert made.status_code == 201
    secret = re.search(r'<code class="secret"[^>]*>(bf_[^<]+)</code>', made.text)
    assert secret is not None
    assert made.headers["cache-control"] == "no-store"
    later = client.get("/account").text
    assert secret.group(1) not in later
    assert secret.group(1)[:10] + "…" in later
    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', later)
    assert token_id is not None
    revoked = client.post_form(f"/account/tokens/{token_id.group(1)}/revoke", {})
    assert "Token “CI export” is revoked." in revoked.text
    api = client.get("/api/v1/postmortems", headers={"authorization": f"Bearer {secret.group(1)}"})
    assert api.status_code == 401


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\\\evil"])
def test_the_login_never_sends_anyone_off_site(web_app: FastAPI, target: str) -> None:
    ensure_account(web_app.state.blamefree.engine, "dana", role=Role.AUTHOR)
    with anonymous(web_app) as browser:
        assert _login(browser, "dana", TEST_PASSWORD, target).headers["location"] == "/"


def test_the_first_admin_link_makes_an_admin_once(engine: Engine) -> None:
    from blamefree.services import accounts

    with UnitOfWork(engine) as uow:
        token = accounts.issue_setup_link(uow, now=FIXED_NOW)
    app = make_app(engine)
    with anonymous(app) as browser:
        page = browser.get(f"/first-admin?token={token}")
        assert page.status_code == 200
        assert "Create the first admin" in page.text
        form = {"token": token, "name": "ada", "password": "a long first password"}
        typo = browser.post_form("/first-admin", {**form, "password_again": "other"})
        assert (typo.status_code, "the two passwords differ" in typo.text) == (422, True)
        made = browser.post_form(
            "/first-admin", {**form, "password_again": form["password"]}, follow_redirects=False
        )
        assert (made.status_code, made.headers["location"]) == (303, "/account")
        account = browser.get("/account").text
        assert "Welcome, ada: you are the first admin." in account
        assert '<span class="role">admin</span>' in account
    with anonymous(app) as late:
        again = late.get(f"/first-admin?token={token}")
        assert again.status_code == 401
