"""An OpenID Connect relying party (authlib): discovery, the authorization-code flow with
PKCE, state and nonce, and ID-token verification against the provider's JWKS.

Only the configured issuer is asked anything: its ``/.well-known/openid-configuration``, and
the token endpoint and JWKS that document names (which must be https, or http on a loopback
address). The person's name and e-mail address come from the verified ID token; the userinfo
endpoint is never called. Every failure is a class of ``errors.py``: the provider cannot be
reached or answers nonsense (``ProviderUnavailable``, 502), it refuses the code
(``SignOnFailed``, 401), or the ID token does not verify (``IdTokenInvalid``, 401).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import secrets
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    DecodeError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
    MissingKeyError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from blamefree.domain.sso import ProviderIdentity, provider_url_problem
from blamefree.errors import IdTokenInvalid, ProviderUnavailable, SignOnFailed
from blamefree.redact import redact, secret_forms

SCOPE = "openid email profile"
DISCOVERY_PATH = "/.well-known/openid-configuration"
METADATA_TTL = 3600.0
"""Seconds the discovery document and the JWKS are kept before they are read again."""
TIMEOUT = 10.0
"""Seconds to wait for the provider."""
LEEWAY = 60
"""Seconds of clock difference allowed for ``exp``, ``iat`` and ``nbf``."""
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
"""Asymmetric algorithms only: an ID token signed with ``none`` or with the client secret
(HS256) is refused."""
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


@dataclasses.dataclass(frozen=True)
class SignOnStart:
    """What a started sign-on needs to finish: where to send the browser, and the values the
    browser keeps (signed) until the provider sends it back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


def _client_class() -> Any:
    # authlib's httpx integration warns at import that it prefers the httpx2 package; this
    # project pins httpx, which the integration supports. (authlib.deprecate adds an "always"
    # filter of its own when imported, so it is imported first and overridden.)
    with warnings.catch_warnings():
        import authlib.deprecate  # noqa: F401

        warnings.simplefilter("ignore")
        from authlib.integrations.httpx_client import OAuth2Client
    return OAuth2Client  # untyped (authlib ships no type information)


class OidcProvider:
    """One provider, as the settings name it; keeps its discovery document and JWKS for an
    hour (per process). Thread-safe: routes run in a thread pool."""

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str | None,
        timeout: float = TIMEOUT,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self._timeout = timeout
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._metadata: tuple[float, dict[str, Any]] | None = None
        self._jwks: tuple[float, KeySet] | None = None

    # --- talking to the provider ------------------------------------------------------------

    def _client(self, *, redirect_uri: str | None = None, method: str | None = None) -> Any:
        return _client_class()(
            client_id=self.client_id,
            client_secret=self._secret,
            token_endpoint_auth_method=method,
            scope=SCOPE,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=self._timeout,
            follow_redirects=False,
        )

    def _shown(self, text: str) -> str:
        return redact(text, secrets=secret_forms(self._secret))[:300]

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            with self._client() as client:
                response = client.request("GET", url, withhold_token=True)
        except httpx.HTTPError as error:
            raise ProviderUnavailable(
                f"the sign-on provider {self.issuer} cannot be reached for its {what} "
                f"({type(error).__name__}); try again later"
            ) from None
        if response.status_code != 200:
            raise ProviderUnavailable(
                f"the sign-on provider {self.issuer} answered HTTP {response.status_code} for "
                f"its {what} ({url})"
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ProviderUnavailable(
                f"the sign-on provider's {what} at {url} is not a JSON object"
            )
        return data

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (checked: same issuer, usable endpoints)."""
        with self._lock:
            if self._metadata is not None and self._monotonic() < self._metadata[0]:
                return self._metadata[1]
        url = self.issuer + DISCOVERY_PATH
        data = self._get_json(url, "discovery document")
        if str(data.get("issuer", "")).rstrip("/") != self.issuer:
            raise ProviderUnavailable(
                f"the discovery document at {url} names the issuer "
                f"{str(data.get('issuer'))[:200]!r}, not {self.issuer!r}: the issuer setting "
                "must be the provider's issuer exactly"
            )
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = data.get(key)
            problem = provider_url_problem(value) if isinstance(value, str) else "is missing"
            if problem is not None:
                raise ProviderUnavailable(f"the discovery document at {url}: {key} {problem}")
        with self._lock:
            self._metadata = (self._monotonic() + METADATA_TTL, data)
        return data

    def _keys(self, *, refresh: bool = False) -> KeySet:
        with self._lock:
            if not refresh and self._jwks is not None and self._monotonic() < self._jwks[0]:
                return self._jwks[1]
        url = str(self.metadata()["jwks_uri"])
        data = self._get_json(url, "signing keys (JWKS)")
        try:
            keys = KeySet.import_key_set(data)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise ProviderUnavailable(
                f"the sign-on provider's signing keys at {url} cannot be read "
                f"({type(error).__name__})"
            ) from None
        with self._lock:
            self._jwks = (self._monotonic() + METADATA_TTL, keys)
        return keys

    def _auth_method(self, metadata: dict[str, Any]) -> str:
        offered = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        for method in AUTH_METHODS:
            if method in offered:
                return method
        raise ProviderUnavailable(
            f"the sign-on provider {self.issuer} takes no client secret at its token endpoint "
            f"(it offers {', '.join(map(str, offered))[:200]}; Blamefree sends "
            f"{' or '.join(AUTH_METHODS)})"
        )

    # --- the flow ---------------------------------------------------------------------------

    def start(self, *, redirect_uri: str) -> SignOnStart:
        """Where to send the browser to sign on, with a new state, nonce and PKCE verifier."""
        metadata = self.metadata()
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(48)
        with self._client(redirect_uri=redirect_uri) as client:
            url, _ = client.create_authorization_url(
                metadata["authorization_endpoint"],
                state=state,
                nonce=nonce,
                code_verifier=verifier,
            )
        return SignOnStart(url=url, state=state, nonce=nonce, code_verifier=verifier)

    def finish(
        self,
        *,
        code: str,
        redirect_uri: str,
        code_verifier: str,
        nonce: str,
        now: dt.datetime,
    ) -> ProviderIdentity:
        """Trade the code for tokens and verify the ID token: who the provider signed in."""
        metadata = self.metadata()
        method = self._auth_method(metadata)
        try:
            with self._client(redirect_uri=redirect_uri, method=method) as client:
                token = client.fetch_token(
                    metadata["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                    redirect_uri=redirect_uri,
                )
        except httpx.HTTPStatusError as error:
            raise ProviderUnavailable(
                f"the sign-on provider's token endpoint answered HTTP "
                f"{error.response.status_code}; try again later"
            ) from None
        except httpx.HTTPError as error:
            raise ProviderUnavailable(
                f"the sign-on provider's token endpoint cannot be reached "
                f"({type(error).__name__}); try again later"
            ) from None
        except ValueError as error:  # not a JSON object
            raise ProviderUnavailable(f"the sign-on provider's token endpoint: {error}") from None
        except Exception as error:  # authlib's OAuthError: the provider refused the code
            error_type = getattr(error, "error", None)
            if error_type is None:
                raise
            described = getattr(error, "description", None)
            detail = f": {self._shown(str(described))}" if described else ""
            if error_type == "invalid_client":
                raise ProviderUnavailable(
                    "the sign-on provider does not accept Blamefree's client id and secret "
                    f"(invalid_client{detail}); an admin must check the OIDC settings"
                ) from None
            raise SignOnFailed(
                f"the sign-on provider refused the sign-in code ({error_type}{detail}); start again"
            ) from None
        id_token = token.get("id_token") if isinstance(token, dict) else None
        if not isinstance(id_token, str) or not id_token:
            raise IdTokenInvalid("the sign-on provider sent no ID token (is `openid` allowed?)")
        access_token = token.get("access_token")
        return self.verify(
            id_token,
            nonce=nonce,
            now=now,
            access_token=access_token if isinstance(access_token, str) else None,
        )

    def verify(
        self, id_token: str, *, nonce: str, now: dt.datetime, access_token: str | None = None
    ) -> ProviderIdentity:
        """The identity an ID token names, once its signature (the provider's JWKS), issuer,
        audience, expiry and nonce are checked; else ``IdTokenInvalid`` saying which."""
        metadata = self.metadata()
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [alg for alg in SIGNING_ALGORITHMS if alg in offered] or ["RS256"]
        registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
        try:
            try:
                decoded = jwt.decode(id_token, self._keys(), registry=registry)
            except (InvalidKeyIdError, MissingKeyError):
                # The provider may have rotated its keys since they were read.
                decoded = jwt.decode(id_token, self._keys(refresh=True), registry=registry)
        except BadSignatureError:
            raise IdTokenInvalid(
                "the ID token's signature does not verify with the provider's keys"
            ) from None
        except (InvalidKeyIdError, MissingKeyError):
            raise IdTokenInvalid(
                "the ID token is signed with a key the provider does not publish"
            ) from None
        except DecodeError:
            raise IdTokenInvalid("the ID token is not a signed JWT") from None
        except JoseError as error:
            raise IdTokenInvalid(
                f"the ID token cannot be verified ({error.error}: {error.description})"[:300]
            ) from None
        claims = decoded.claims
        claims_registry = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()),
            leeway=LEEWAY,
            iss={"essential": True, "value": str(metadata["issuer"])},
            aud={"essential": True, "value": self.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            claims_registry.validate(claims)
        except ExpiredTokenError:
            raise IdTokenInvalid("the ID token has expired (its `exp` is past)") from None
        except MissingClaimError as error:
            names = ", ".join(f"`{name}`" for name in str(error.claim).split(","))
            raise IdTokenInvalid(f"the ID token has no {names} claim") from None
        except ClaimError as error:
            claim = str(error.claim).split(",")[0]
            what = {
                "iss": "was issued by another provider (`iss`)",
                "aud": "is meant for another client (`aud`)",
                "nonce": "does not answer this sign-on (`nonce`)",
                "nbf": "is not valid yet (`nbf`)",
                "iat": "is issued in the future (`iat`)",
            }.get(claim, f"has a missing or wrong `{claim}` claim")
            raise IdTokenInvalid(f"the ID token {what}") from None
        at_hash = claims.get("at_hash")
        if at_hash is not None and access_token is not None:
            expected = create_half_hash(access_token, str(decoded.header.get("alg", "")))
            if expected is None or not hmac.compare_digest(str(at_hash).encode(), bytes(expected)):
                raise IdTokenInvalid("the ID token's `at_hash` does not match its access token")
        audience = claims.get("aud")
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.client_id:
            raise IdTokenInvalid("the ID token names several audiences but not us as `azp`")
        return _identity(claims, issuer=self.issuer)


def _text(value: object, limit: int) -> str | None:
    return value.strip()[:limit] or None if isinstance(value, str) else None


def _identity(claims: dict[str, Any], *, issuer: str) -> ProviderIdentity:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise IdTokenInvalid(
            "the ID token's subject (`sub`) is not a string of 1 to 255 characters"
        )
    verified = claims.get("email_verified")
    if isinstance(verified, str):  # some providers send "true"
        verified = verified.lower() == "true"
    return ProviderIdentity(
        issuer=issuer,
        subject=subject,
        preferred_username=_text(claims.get("preferred_username"), 200),
        name=_text(claims.get("name"), 200),
        email=_text(claims.get("email"), 200),
        email_verified=verified if isinstance(verified, bool) else None,
    )


def host_label(issuer: str) -> str:
    """The default name of the provider on the login button: the issuer's host."""
    return urlsplit(issuer).hostname or issuer
