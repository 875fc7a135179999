"""Single sign-on with OpenID Connect: ``/login/oidc`` sends the browser to the provider,
``/login/oidc/callback`` takes it back (docs/accounts.md, "Single sign-on").

Between the two, the browser keeps the sign-on's state, nonce and PKCE verifier in a signed
cookie of its own (``blamefree_oidc``: HttpOnly, SameSite=Lax, only for ``/login/oidc``, ten
minutes), so nothing is stored before the provider has answered and the ID token verified.
A failure of any kind is a page saying what went wrong, with its error's status; the cookie is
dropped and nothing is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature

from blamefree.domain.sso import parse_domains
from blamefree.errors import (
    ProviderUnavailable,
    SignOnFailed,
    SignOnNotConfigured,
    SignOnRefused,
)
from blamefree.schemas.convert import error_read
from blamefree.services import sessions, sso
from blamefree.sso.oidc import host_label
from blamefree.web.auth import (
    SESSION_LIFETIME,
    secure_cookies,
    session_values,
    set_session_cookie,
)
from blamefree.web.deps import Now, State, UoW
from blamefree.web.flash import Flash, flash
from blamefree.web.pages.identity import local_path
from blamefree.web.state import WebState
from blamefree.web.templating import render

router = APIRouter()

FLOW_COOKIE = "blamefree_oidc"
FLOW_PATH = "/login/oidc"
FLOW_MAX_AGE = sso.FLOW_MINUTES * 60
"""Seconds a person has at the provider before the sign-on must be started again."""
NO_STORE = {"cache-control": "no-store"}
Param = Annotated[str | None, Query(max_length=4096)]


def sign_on_label(state: WebState) -> str | None:
    """What the login page's button calls the provider ("Sign in with ..."), when there is one."""
    if state.sign_on is None:
        return None
    return state.settings.oidc_label or host_label(state.sign_on.issuer)


NEXT_MAX = 1000
"""Longest page to go back to that the sign-on cookie keeps (a cookie holds about 4 kB)."""


def _next(target: str | None) -> str:
    fits = target is not None and len(target) <= NEXT_MAX
    return (
        target
        if target and fits and local_path(target) and not target.startswith("/login")
        else "/"
    )


def _redirect_uri(request: Request, state: WebState) -> str:
    base = state.settings.public_url or str(request.base_url)
    return base.rstrip("/") + "/login/oidc/callback"


def _drop_flow(response: Response, request: Request, state: WebState) -> None:
    response.delete_cookie(
        FLOW_COOKIE,
        path=FLOW_PATH,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, state),
    )


def _flow(request: Request, state: WebState) -> dict[str, str] | None:
    signed = request.cookies.get(FLOW_COOKIE)
    if not signed or len(signed) > 3500:
        return None
    try:
        value: Any = state.timed_signer(FLOW_COOKIE).loads(signed, max_age=FLOW_MAX_AGE)
    except BadSignature:  # also an expired one (SignatureExpired)
        return None
    keys = ("state", "nonce", "verifier", "next")
    if isinstance(value, dict) and all(isinstance(value.get(key), str) for key in keys):
        return {key: value[key] for key in keys}
    return None


def _failed(
    request: Request,
    state: WebState,
    error: SignOnFailed | SignOnRefused | SignOnNotConfigured | ProviderUnavailable,
    *,
    next_path: str = "/",
) -> Response:
    response = render(
        request,
        "accounts/sign_on_error.html",
        {
            "error": error_read(error).error,
            "label": sign_on_label(state),
            "next_path": next_path,
        },
        status_code=error.http_status,
    )
    response.headers.update(NO_STORE)
    _drop_flow(response, request, state)
    return response


@router.get("/login/oidc")
def start_sign_on(request: Request, state: State, next: Param = None) -> Response:
    """Send the browser to the provider, with a new state, nonce and PKCE challenge."""
    target = _next(next)
    try:
        started = sso.start_sign_on(
            provider=state.sign_on, redirect_uri=_redirect_uri(request, state)
        )
    except (SignOnNotConfigured, ProviderUnavailable) as error:
        return _failed(request, state, error, next_path=target)
    flow = {
        "state": started.state,
        "nonce": started.nonce,
        "verifier": started.code_verifier,
        "next": target,
    }
    response = RedirectResponse(started.url, status_code=303, headers=NO_STORE)
    response.set_cookie(
        FLOW_COOKIE,
        state.timed_signer(FLOW_COOKIE).dumps(flow),
        max_age=FLOW_MAX_AGE,
        httponly=True,
        samesite="lax",  # the provider sends the browser back with a top-level GET
        secure=secure_cookies(request, state),
        path=FLOW_PATH,
    )
    return response


@router.get("/login/oidc/callback")
def finish_sign_on(
    request: Request,
    uow: UoW,
    state: State,
    now: Now,
    code: Param = None,
    returned_state: Annotated[str | None, Query(alias="state", max_length=4096)] = None,
    error: Param = None,
    error_description: Param = None,
) -> Response:
    """Check the answer belongs to this browser's sign-on, verify the ID token, and log the
    person in (making their account on the first sign-on)."""
    kept = _flow(request, state)
    target = kept["next"] if kept else "/"
    flow = (
        sso.SignOnFlow(state=kept["state"], nonce=kept["nonce"], code_verifier=kept["verifier"])
        if kept
        else None
    )
    try:
        signed = sso.finish_sign_on(
            uow,
            provider=state.sign_on,
            flow=flow,
            answer=sso.ProviderAnswer(
                code=code,
                state=returned_state,
                error=error,
                error_description=error_description,
            ),
            redirect_uri=_redirect_uri(request, state),
            default_role=state.settings.oidc_default_role,
            allowed_domains=parse_domains(state.settings.oidc_allowed_domains),
            now=now,
            lifetime=SESSION_LIFETIME,
            address=request.client.host if request.client else None,
        )
    except (SignOnFailed, SignOnRefused, SignOnNotConfigured, ProviderUnavailable) as failed:
        uow.rollback()  # nothing of a failed sign-on is kept
        return _failed(request, state, failed, next_path=target)
    old = session_values(request, state)
    if old is not None:  # whatever session this browser had is ended, not reused
        sessions.log_out(uow, session_id=old[2], now=now)
    # A first sign-on shows the new account (its user name and role) once; later ones go
    # straight on to where the person was going.
    response = RedirectResponse(
        "/account" if signed.created else target, status_code=303, headers=NO_STORE
    )
    set_session_cookie(response, request, state, signed.session)
    _drop_flow(response, request, state)
    if signed.created:
        account = signed.session.account
        flash(
            response,
            request,
            state,
            Flash(
                f"Welcome, {account.display_name or account.name}: your account is made, "
                f"with the user name {account.name} and the role {account.role.value} "
                "(an admin can give you another)."
            ),
        )
    return response
