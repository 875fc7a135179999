"""Single sign-on with OpenID Connect against a local provider on 127.0.0.1 (what stores
accounts on SQLite and PostgreSQL, the refusals on SQLite): the first sign-on makes the account with the default role, the next one finds
it by issuer and subject; every way a sign-on can go wrong is a page with its error's status,
and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select

from blamefree.domain.accounts import Role
from blamefree.services import accounts
from blamefree.store.tables import UserIdentityRow, UserRow, WebSessionRow
from blamefree.store.unit_of_work import UnitOfWork
from blamefree.web.auth import SESSION_COOKIE
from support.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    LocalProvider,
    Person,
    local_provider,
    sign_on,
)
from support.web import BASE_URL, FIXED_NOW, TEST_PASSWORD, WebClient, ensure_account, make_app

SQLITE_ONLY = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
"""For what no store does differently (refusals that store nothing): the suite stays fast."""


@pytest.fixture
def provider() -> Iterator[LocalProvider]:
    with local_provider() as running:
        yield running


@pytest.fixture
def sso_app(engine: Engine, provider: LocalProvider) -> FastAPI:
    return make_app(engine, **provider.settings(oidc_label="Acme SSO"))


def browser(app: FastAPI) -> WebClient:
    return WebClient(app, base_url=BASE_URL, headers={"origin": BASE_URL}, user=None)


def counts(engine: Engine) -> tuple[int, int, int]:
    """(accounts, provider links, sessions) in the store."""
    with UnitOfWork(engine) as uow:
        return tuple(  # type: ignore[return-value]
            int(uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (UserRow, UserIdentityRow, WebSessionRow)
        )


@SQLITE_ONLY
def test_the_login_page_offers_the_provider_only_when_one_is_set_up(
    engine: Engine, sso_app: FastAPI
) -> None:
    with browser(sso_app) as person:
        page = person.get("/login?next=/postmortems")
        assert page.status_code == 200
        assert (
            '<a class="button-link sso-button" href="/login/oidc?next=%2Fpostmortems">'
            "Sign in with Acme SSO</a>"
        ) in page.text
    with browser(make_app(engine)) as person:
        page = person.get("/login")
        assert "Sign in with" not in page.text
        missing = person.get("/login/oidc")
        assert (missing.status_code, "SignOnNotConfigured" in missing.text) == (404, True)


def test_the_first_sign_on_makes_the_account_with_the_default_role(
    engine: Engine, sso_app: FastAPI, provider: LocalProvider
) -> None:
    with browser(sso_app) as person:
        start = person.get("/login/oidc", params={"next": "/postmortems"}, follow_redirects=False)
        sent = urlsplit(start.headers["location"])
        asked = {k: v[-1] for k, v in parse_qs(sent.query).items()}
        assert f"{sent.scheme}://{sent.netloc}{sent.path}" == f"{provider.issuer}/authorize"
        assert (asked["response_type"], asked["client_id"], asked["scope"]) == (
            "code",
            CLIENT_ID,
            "openid email profile",
        )
        assert asked["redirect_uri"] == f"{BASE_URL}/login/oidc/callback"
        assert asked["code_challenge_method"] == "S256"
        assert len(asked["state"]) >= 40 and len(asked["nonce"]) >= 40
        flow = next(c for c in person.cookies.jar if c.name == "blamefree_oidc")
        assert (flow.path, flow.has_nonstandard_attr("HttpOnly")) == ("/login/oidc", True)

        done = sign_on(person, next_path="/postmortems")
        assert (done.status_code, done.headers["location"]) == (303, "/account")
        assert "blamefree_oidc" not in {c.name for c in person.cookies.jar}
        account_page = person.get("/account")
        assert (
            "Welcome, Dana Kovač: your account is made, with the user name dana and the role viewer"
            in account_page.text
        )
    # The token request proved the PKCE verifier and sent the secret in the Basic header only.
    sent_form = provider.token_requests[-1]
    assert set(sent_form) == {"grant_type", "code", "code_verifier", "redirect_uri"}
    assert CLIENT_SECRET not in str(sent_form)
    with UnitOfWork(engine) as uow:
        dana = accounts.get_user(uow, name="dana")
        links = accounts.repo(uow).identities(dana.id)
    assert (dana.role, dana.display_name, dana.email, dana.password_hash) == (
        Role.VIEWER,
        "Dana Kovač",
        "dana@example.com",
        None,
    )
    assert links == [(provider.issuer, "f2c6a1e0-sub-dana")]
    assert counts(engine) == (1, 1, 1)


def test_the_next_sign_on_finds_the_same_account_and_rotates_the_session(
    engine: Engine, sso_app: FastAPI, provider: LocalProvider
) -> None:
    with browser(sso_app) as person:
        sign_on(person)
        first_cookie = person.cookies.get(SESSION_COOKIE)
        again = sign_on(person, next_path="/postmortems")
        assert (again.status_code, again.headers["location"]) == (303, "/postmortems")
        assert person.cookies.get(SESSION_COOKIE) != first_cookie
        assert "<strong>Dana Kovač</strong>" in person.get("/postmortems").text
        long_way = "/postmortems?q=" + "a" * 985  # the longest page the cookie keeps
        assert sign_on(person, next_path=long_way).headers["location"] == long_way
        for elsewhere in ("https://evil.example.com/", "//evil.example.com", "/x" * 501):
            away = sign_on(person, next_path=elsewhere)  # never an open redirect
            assert (away.status_code, away.headers["location"]) == (303, "/")
    with browser(sso_app) as copy:  # the cookie of the first session no longer logs anyone in
        copy.cookies.set(SESSION_COOKIE, first_cookie or "")
        assert copy.get("/postmortems", follow_redirects=False).status_code == 303
    assert counts(engine)[:2] == (1, 1)


def test_a_local_account_of_the_same_name_is_not_taken_over(
    engine: Engine, sso_app: FastAPI, provider: LocalProvider
) -> None:
    local = ensure_account(engine, "dana", role=Role.ADMIN)
    with browser(sso_app) as person:
        sign_on(person)
        assert "with the user name dana-2 and the role viewer" in person.get("/account").text
    with UnitOfWork(engine) as uow:
        repo = accounts.repo(uow)
        assert repo.identities(local.id) == []
        made = accounts.get_user(uow, name="dana-2")
        assert (made.role, repo.identities(made.id)) == (
            Role.VIEWER,
            [(provider.issuer, "f2c6a1e0-sub-dana")],
        )
    with browser(sso_app) as other:  # the local account still logs in with its password
        answer = other.post_form(
            "/login", {"name": "dana", "password": TEST_PASSWORD}, follow_redirects=False
        )
        assert answer.status_code == 303


@SQLITE_ONLY
def test_the_default_role_is_the_settings(engine: Engine, provider: LocalProvider) -> None:
    app = make_app(engine, **provider.settings(oidc_default_role="author"))
    with browser(app) as person:
        sign_on(person)
    with UnitOfWork(engine) as uow:
        assert accounts.get_user(uow, name="dana").role is Role.AUTHOR


NOW = int(FIXED_NOW.timestamp())
SPOILED = [
    ({"nonce": "a-nonce-of-another-sign-on"}, "does not answer this sign-on (`nonce`)"),
    ({"nonce": None}, "has no `nonce` claim"),
    ({"aud": "another-client"}, "is meant for another client (`aud`)"),
    ({"aud": None}, "has no `aud` claim"),
    ({"iss": "https://evil.example.com"}, "was issued by another provider (`iss`)"),
    ({"exp": NOW - 3600, "iat": NOW - 3900}, "has expired (its `exp` is past)"),
    ({"iat": NOW + 3600, "exp": NOW + 3900}, "is issued in the future (`iat`)"),
    ({"at_hash": "bm90LXRoZS1oYXNo"}, "at_hash` does not match its access token"),
    ("other key", "the ID token&#39;s signature does not verify with the provider&#39;s keys"),
]


@SQLITE_ONLY
def test_an_id_token_that_does_not_verify_is_refused_and_stores_nothing(
    engine: Engine, sso_app: FastAPI, provider: LocalProvider
) -> None:
    for spoil, message in SPOILED:
        provider.sign_with_other_key = spoil == "other key"
        if isinstance(spoil, dict):
            provider.spoil(**spoil)
        with browser(sso_app) as person:
            refused = sign_on(person)
            assert (refused.status_code, message in refused.text) == (401, True), spoil
            assert "IdTokenInvalid · HTTP 401" in refused.text
            assert SESSION_COOKIE not in person.cookies
            assert "blamefree_oidc" not in {c.name for c in person.cookies.jar}
    assert len(provider.token_requests) == len(SPOILED)  # each got as far as its ID token
    assert counts(engine) == (0, 0, 0)


@SQLITE_ONLY
def test_an_answer_to_another_sign_on_is_refused(
    engine: Engine, sso_app: FastAPI, provider: LocalProvider
) -> None:
    with browser(sso_app) as person:
        mismatch = sign_on(person, spoil_state=True)
        assert (mismatch.status_code, "SignOnStateMismatch · HTTP 400" in mismatch.text) == (
            400,
            True,
        )
        assert "its state differs" in mismatch.text
    with browser(sso_app) as stranger:  # a callback this browser never started
        forged = stranger.get("/login/oidc/callback?code=abc&state=xyz")
        assert (forged.status_code, "was not started in this browser" in forged.text) == (
            400,
            True,
        )
    assert provider.token_requests == []  # no code was ever traded
    assert counts(engine) == (0, 0, 0)


@SQLITE_ONLY
def test_refused_consent_is_a_clear_page(
    engine: Engine, sso_app: FastAPI, provider: LocalProvider
) -> None:
    provider.deny = True
    with browser(sso_app) as person:
        denied = sign_on(person)
        assert denied.status_code == 401
        assert "did not sign you in (access_denied: The user said no)" in denied.text
        assert "SignOnDenied · HTTP 401" in denied.text
        assert "Try again with Acme SSO" in denied.text
    assert counts(engine) == (0, 0, 0)


def test_a_disabled_account_cannot_sign_on(
    engine: Engine, sso_app: FastAPI, provider: LocalProvider
) -> None:
    with browser(sso_app) as person:
        sign_on(person)
    ensure_account(engine, "admin-ada", role=Role.ADMIN)
    with UnitOfWork(engine) as uow:
        accounts.set_disabled(uow, name="dana", disabled=True)
    before = counts(engine)
    with browser(sso_app) as person:
        refused = sign_on(person)
        assert refused.status_code == 403
        assert "your account dana is disabled; an admin can enable it again" in refused.text
        assert "SignOnRefused · HTTP 403" in refused.text
        assert SESSION_COOKIE not in person.cookies
    assert counts(engine) == before == (2, 1, 1)  # no new session (her first one stopped)


def test_only_the_allowed_e_mail_domains_sign_on(engine: Engine, provider: LocalProvider) -> None:
    app = make_app(engine, **provider.settings(oidc_allowed_domains="example.org, acme.test"))
    with browser(app) as person:
        refused = sign_on(person)
        assert refused.status_code == 403
        assert (
            "only people with an e-mail address at example.org, acme.test may sign on, not at example.com"
            in refused.text
        )
    provider.person = Person("sub-ren", None, "Ren", "ren@acme.test", email_verified=False)
    with browser(app) as person:
        unverified = sign_on(person)
        assert (
            unverified.status_code,
            "does not say ren@acme.test is verified" in unverified.text,
        ) == (403, True)
    assert counts(engine) == (0, 0, 0)
    provider.person = Person("sub-ren", None, "Ren", "ren@acme.test")
    with browser(app) as person:
        assert sign_on(person).status_code == 303
    with UnitOfWork(engine) as uow:
        assert accounts.get_user(uow, name="ren").email == "ren@acme.test"


@SQLITE_ONLY
def test_a_provider_that_cannot_be_reached_is_a_502_page(engine: Engine) -> None:
    with local_provider() as gone:
        settings = gone.settings()
    app = make_app(engine, **settings)  # its port is closed now
    with browser(app) as person:
        down = person.get("/login/oidc", follow_redirects=False)
        assert down.status_code == 502
        assert "cannot be reached for its discovery document (ConnectError)" in down.text
        assert "ProviderUnavailable · HTTP 502" in down.text
        assert CLIENT_SECRET not in down.text
    assert counts(engine) == (0, 0, 0)


@SQLITE_ONLY
def test_a_refused_code_or_client_is_a_clear_page(
    engine: Engine, sso_app: FastAPI, provider: LocalProvider
) -> None:
    provider.refuse_codes = True
    with browser(sso_app) as person:
        refused = sign_on(person)
        assert refused.status_code == 401
        assert "refused the sign-in code (invalid_grant: unknown code); start again" in refused.text
        assert "SignOnFailed · HTTP 401" in refused.text
    provider.refuse_codes = False
    wrong = make_app(engine, **provider.settings(oidc_client_secret="not-the-secret-0123456789"))
    with browser(wrong) as person:
        misconfigured = sign_on(person)
        assert misconfigured.status_code == 502
        assert (
            "does not accept Blamefree&#39;s client id and secret (invalid_client)"
            in misconfigured.text
        )
        assert "not-the-secret-0123456789" not in misconfigured.text
    assert counts(engine) == (0, 0, 0)


@SQLITE_ONLY
def test_a_rotated_signing_key_is_fetched_again(
    engine: Engine, sso_app: FastAPI, provider: LocalProvider
) -> None:
    with browser(sso_app) as person:
        assert sign_on(person).status_code == 303
    provider.rotate_keys()
    with browser(sso_app) as person:
        assert sign_on(person).status_code == 303
    jwks_reads = [seen for seen in provider.server.seen if seen.path == "/jwks"]
    assert len(jwks_reads) == 2  # once, then again for the key it did not know
    assert counts(engine)[:2] == (1, 1)


@SQLITE_ONLY
def test_a_discovery_document_that_cannot_be_used_is_a_502_page(
    engine: Engine, provider: LocalProvider
) -> None:
    for changes, message in (
        (
            {"issuer": "https://other.example.com"},
            "names the issuer &#39;https://other.example.com&#39;",
        ),
        ({"jwks_uri": "http://keys.example.com/jwks"}, "jwks_uri must be https"),
        ({"token_endpoint_auth_methods_supported": ["private_key_jwt"]}, "takes no client secret"),
    ):
        provider.discovery_changes = changes
        app = make_app(engine, **provider.settings())  # a new app reads discovery afresh
        with browser(app) as person:
            start = person.get("/login/oidc", follow_redirects=False)
            if start.status_code == 303:  # the auth methods are read when the code is traded
                at_provider = httpx.get(start.headers["location"], follow_redirects=False)
                back = urlsplit(at_provider.headers["location"])
                start = person.get(f"{back.path}?{back.query}", follow_redirects=False)
            assert (start.status_code, message in start.text) == (502, True), changes
            assert "ProviderUnavailable · HTTP 502" in start.text
    assert counts(engine) == (0, 0, 0)
