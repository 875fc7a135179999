"""A small OpenID Connect provider on 127.0.0.1 (a real HTTP server, ``support.fake_http``):
discovery, JWKS, an authorize endpoint that signs in whoever the test names and sends the
browser back, and a token endpoint that checks the client secret, the code and its PKCE
verifier and issues RS256-signed ID tokens (joserfc), as Keycloak or Google would.

``sign_on(client, provider)`` plays the browser: it starts the sign-on on the app, follows the
app's redirect to the provider and the provider's back to the app's callback.

A test can spoil the next ID token (``provider.spoil(aud="other")``, ``sign_with_other_key``),
have the person refuse consent (``provider.deny = True``) or the token endpoint refuse every
code (``refuse_codes``), rotate the signing key (``rotate_keys``), or stop the provider.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from support.fake_http import Answer, FakeServer, Seen, fake_server
from support.web import FIXED_NOW

CLIENT_ID = "blamefree-test"
CLIENT_SECRET = "provider-client-secret-0123456789"


@lru_cache(maxsize=2)
def signing_key(kid: str) -> RSAKey:
    """An RSA key per key id, made once per test process (key generation is slow)."""
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass(frozen=True)
class Person:
    """Someone the provider knows: its ``sub`` and what it says about them."""

    subject: str
    preferred_username: str | None = None
    name: str | None = None
    email: str | None = None
    email_verified: bool = True

    def claims(self) -> dict[str, Any]:
        found: dict[str, Any] = {"sub": self.subject, "email_verified": self.email_verified}
        for key in ("preferred_username", "name", "email"):
            if getattr(self, key) is not None:
                found[key] = getattr(self, key)
        return found


DANA = Person("f2c6a1e0-sub-dana", "dana", "Dana Kovač", "dana@example.com")


@dataclass
class Grant:
    person: Person
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    used: bool = False


@dataclass
class LocalProvider:
    """The provider's state: who signs in next, the codes it handed out, what it was sent."""

    server: FakeServer
    now: dt.datetime = FIXED_NOW
    person: Person = DANA
    deny: bool = False
    sign_with_other_key: bool = False
    refuse_codes: bool = False
    key_id: str = "provider-key-1"
    discovery_changes: dict[str, Any] = field(default_factory=dict)
    spoiled: dict[str, Any] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return self.server.url

    def settings(self, **more: object) -> dict[str, object]:
        """The app's settings for this provider."""
        return {
            "oidc_issuer": self.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
            **more,
        }

    def spoil(self, **claims: Any) -> None:
        """The next ID token carries these claims instead (``None`` leaves one out)."""
        self.spoiled = claims

    # --- the endpoints ----------------------------------------------------------------------

    def handle(self, seen: Seen) -> Answer:
        routes = {
            "/.well-known/openid-configuration": self.discovery,
            "/jwks": self.jwks,
            "/authorize": self.authorize,
            "/token": self.token,
        }
        route = routes.get(seen.path)
        return route(seen) if route else Answer(404, {"error": "not_found"})

    def discovery(self, _seen: Seen) -> Answer:
        return Answer(
            body={
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "email", "profile"],
                **self.discovery_changes,
            }
        )

    def rotate_keys(self) -> None:
        """Sign with a new key from now on, and publish only that one (as a rotation does)."""
        self.key_id = "provider-key-2"

    def jwks(self, _seen: Seen) -> Answer:
        return Answer(body={"keys": [signing_key(self.key_id).as_dict(private=False)]})

    def authorize(self, seen: Seen) -> Answer:
        query = seen.query
        self.authorize_requests.append(query)
        back = query["redirect_uri"]
        if self.deny:
            answer = {"error": "access_denied", "error_description": "The user said no"}
            return Answer(
                302,
                headers={"location": f"{back}?{urlencode({**answer, 'state': query['state']})}"},
            )
        if (
            query.get("response_type") != "code"
            or query.get("client_id") != CLIENT_ID
            or "openid" not in query.get("scope", "").split()
            or query.get("code_challenge_method") != "S256"
        ):
            return Answer(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            self.person, CLIENT_ID, back, query["nonce"], query["code_challenge"]
        )
        return Answer(
            302,
            headers={"location": f"{back}?{urlencode({'code': code, 'state': query['state']})}"},
        )

    def token(self, seen: Seen) -> Answer:
        form = {k: v[-1] for k, v in parse_qs(seen.body.decode()).items()}
        self.token_requests.append(form)
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if seen.headers.get("authorization") != f"Basic {expected}":
            return Answer(401, {"error": "invalid_client"})
        grant = self.grants.get(form.get("code", ""))
        if (
            grant is None
            or grant.used
            or self.refuse_codes
            or form.get("grant_type") != "authorization_code"
        ):
            return Answer(400, {"error": "invalid_grant", "error_description": "unknown code"})
        grant.used = True
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant.challenge or form.get("redirect_uri") != grant.redirect_uri:
            return Answer(400, {"error": "invalid_grant", "error_description": "PKCE failed"})
        access_token = secrets.token_urlsafe(24)
        return Answer(
            body={
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(grant, access_token),
            }
        )

    def id_token(self, grant: Grant, access_token: str) -> str:
        issued = int(self.now.timestamp())
        half = hashlib.sha256(access_token.encode()).digest()[:16]
        claims: dict[str, Any] = {
            "at_hash": base64.urlsafe_b64encode(half).rstrip(b"=").decode(),
            "iss": self.issuer,
            "aud": grant.client_id,
            "iat": issued,
            "exp": issued + 300,
            "nonce": grant.nonce,
            "auth_time": issued,
            **grant.person.claims(),
        }
        claims.update(self.spoiled)
        claims = {key: value for key, value in claims.items() if value is not None}
        self.spoiled = {}
        forger = "provider-key-2" if self.key_id == "provider-key-1" else "provider-key-1"
        key = signing_key(forger if self.sign_with_other_key else self.key_id)
        # The other key claims the published key's id, as a forger would.
        return jwt.encode({"alg": "RS256", "kid": self.key_id}, claims, key)


@contextmanager
def local_provider(now: dt.datetime = FIXED_NOW) -> Iterator[LocalProvider]:
    """The provider, served on a free port of 127.0.0.1 until the block ends."""
    holder: list[LocalProvider] = []
    with fake_server(lambda seen: holder[0].handle(seen)) as server:
        holder.append(LocalProvider(server, now=now))
        yield holder[0]


def sign_on(
    client: TestClient, *, next_path: str = "/", spoil_state: bool = False
) -> httpx.Response:
    """Play the browser through a sign-on: app -> provider -> app's callback (its answer)."""
    start = client.get("/login/oidc", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 303, start.text
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    query = back.query
    if spoil_state:
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        params["state"] = "not-the-state-this-browser-sent"
        query = urlencode(params)
    return client.get(f"{back.path}?{query}", follow_redirects=False)
