"""Logging in and out, the first admin's one-time page, and a person's own account page
(password, log out everywhere, API tokens). The rules of who may open what are in web.auth."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from blamefree.domain.accounts import TokenScope, scope_allowed
from blamefree.errors import (
    DuplicateUser,
    Forbidden,
    LoginFailed,
    SetupLinkInvalid,
    TooManyAttempts,
    ValidationFailed,
)
from blamefree.services import accounts, sessions, sso
from blamefree.web.auth import (
    SESSION_LIFETIME,
    clear_session_cookie,
    principal_of,
    session_values,
    set_session_cookie,
)
from blamefree.web.deps import CurrentPrincipal, Now, State, UoW
from blamefree.web.flash import Flash, flash, forget_flash, take_flash
from blamefree.web.pages.identity import local_path
from blamefree.web.pages.sign_on import sign_on_label
from blamefree.web.security import require_csrf
from blamefree.web.templating import render

router = APIRouter()

Text = Annotated[str, Form(max_length=1024)]
Secret = Annotated[str, Form(max_length=4096)]
NO_STORE = {"cache-control": "no-store"}


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _next(target: str | None) -> str:
    return target if target and local_path(target) and not target.startswith("/login") else "/"


# --- log in and out -------------------------------------------------------------------------


def _login_page(
    request: Request,
    uow: UoW,
    *,
    next_path: str,
    name: str = "",
    problem: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    state = request.app.state.blamefree
    note = take_flash(request, state)
    response = render(
        request,
        "accounts/login.html",
        {
            "next_path": next_path,
            "name": name,
            "problem": problem,
            "note": note,
            "no_accounts": accounts.repo(uow).count_users() == 0,
            "sign_on_label": sign_on_label(state),
        },
        status_code=status_code,
    )
    if note is not None:
        forget_flash(response)
    response.headers.update(NO_STORE)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, uow: UoW, next: str | None = None) -> Response:
    """The login form (someone logged in already goes straight on)."""
    if not principal_of(request).is_anonymous:
        return RedirectResponse(_next(next), status_code=303)
    return _login_page(request, uow, next_path=_next(next))


@router.post("/login", dependencies=[Depends(require_csrf)])
def log_in(
    request: Request,
    uow: UoW,
    state: State,
    now: Now,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Secret = "",
    next: Text = "/",
) -> Response:
    """Check the password, rotate the session, and go on to where the person was going."""
    target = _next(next)
    try:
        new = sessions.log_in(
            uow,
            name=name,
            password=password,
            address=_address(request),
            now=now,
            lifetime=SESSION_LIFETIME,
        )
    except TooManyAttempts as error:
        page = _login_page(
            request, uow, next_path=target, name=name, problem=error.message, status_code=429
        )
        page.headers["retry-after"] = str(error.retry_after)
        return page
    except LoginFailed as error:
        return _login_page(
            request, uow, next_path=target, name=name, problem=error.message, status_code=401
        )
    old = session_values(request, state)
    if old is not None:  # whatever session this browser had is ended, not reused
        sessions.log_out(uow, session_id=old[2], now=now)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, request, state, new)
    return response


@router.post("/logout", dependencies=[Depends(require_csrf)])
def log_out(request: Request, uow: UoW, state: State, now: Now) -> Response:
    """End this browser's session on the server too: a copy of its cookie stops working."""
    values = session_values(request, state)
    if values is not None:
        sessions.log_out(uow, session_id=values[2], now=now)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request, state)
    flash(response, request, state, Flash("You are logged out."))
    return response


# --- the first admin ------------------------------------------------------------------------


@router.get("/first-admin", response_class=HTMLResponse)
def first_admin_page(request: Request, uow: UoW, now: Now, token: str = "") -> HTMLResponse:
    """The one-time page ``blamefree serve`` links to while the store has no account."""
    if not accounts.setup_link_live(uow, token=token, now=now):
        raise SetupLinkInvalid(
            "this first-admin link is unknown, used or expired; restart `blamefree serve` "
            "for a new one, or add an admin with `blamefree user add NAME --role admin`"
        )
    response = render(
        request, "accounts/first_admin.html", {"token": token, "form": {}, "problem": None}
    )
    response.headers.update(NO_STORE)
    return response


@router.post("/first-admin", dependencies=[Depends(require_csrf)])
def create_first_admin(
    request: Request,
    uow: UoW,
    state: State,
    now: Now,
    token: Text = "",
    name: Annotated[str, Form(max_length=200)] = "",
    display_name: Text = "",
    email: Text = "",
    password: Secret = "",
    password_again: Secret = "",
) -> Response:
    """Make the first admin, use the link up, and log them in."""
    form = {"name": name, "display_name": display_name, "email": email}
    try:
        if password != password_again:
            raise ValidationFailed("the two passwords differ", field="password_again")
        account = accounts.create_first_admin(
            uow,
            token=token,
            name=name,
            password=password,
            display_name=display_name or None,
            email=email or None,
            now=now,
        )
    except (ValidationFailed, DuplicateUser) as error:
        page = render(
            request,
            "accounts/first_admin.html",
            {"token": token, "form": form, "problem": error.message},
            status_code=error.http_status,
        )
        page.headers.update(NO_STORE)
        return page
    new = sessions.start_session(
        uow, account=account, now=now, lifetime=SESSION_LIFETIME, address=_address(request)
    )
    response = RedirectResponse("/account", status_code=303)
    set_session_cookie(response, request, state, new)
    flash(response, request, state, Flash(f"Welcome, {account.name}: you are the first admin."))
    return response


# --- one's own account ----------------------------------------------------------------------


def _account_page(
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    *,
    created: tuple[object, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    state = request.app.state.blamefree
    assert principal.name is not None
    account = accounts.get_user(uow, name=principal.name)
    note = take_flash(request, state)
    scopes = [scope for scope in TokenScope if scope_allowed(account.role, scope)]
    response = render(
        request,
        "accounts/account.html",
        {
            "account": account,
            "tokens": sessions.list_tokens(uow, owner=account.name),
            "sign_ons": sso.identities(uow, name=account.name),
            "sign_on_label": sign_on_label(state),
            "scopes": scopes,
            "created": created,
            "problem": problem,
            "note": note,
        },
        status_code=status_code,
    )
    if note is not None:
        forget_flash(response)
    response.headers.update(NO_STORE)
    return response


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, uow: UoW, principal: CurrentPrincipal) -> HTMLResponse:
    """Who you are, your password, your sessions and your API tokens."""
    return _account_page(request, uow, principal)


@router.post("/account/password", dependencies=[Depends(require_csrf)])
def change_password(
    request: Request,
    uow: UoW,
    state: State,
    now: Now,
    principal: CurrentPrincipal,
    current: Secret = "",
    password: Secret = "",
    password_again: Secret = "",
) -> Response:
    """A new password: every other session ends; this browser gets a fresh one."""
    assert principal.name is not None
    try:
        if password != password_again:
            raise ValidationFailed("the two new passwords differ", field="password_again")
        account = accounts.change_password(
            uow, name=principal.name, password=password, current=current, now=now
        )
    except (ValidationFailed, LoginFailed) as error:
        return _account_page(
            request, uow, principal, problem=error.message, status_code=error.http_status
        )
    new = sessions.start_session(
        uow, account=account, now=now, lifetime=SESSION_LIFETIME, address=_address(request)
    )
    response = RedirectResponse("/account", status_code=303)
    set_session_cookie(response, request, state, new)
    flash(
        response,
        request,
        state,
        Flash("Password changed. Every other session of yours is logged out."),
    )
    return response


@router.post("/account/logout-everywhere", dependencies=[Depends(require_csrf)])
def log_out_everywhere(
    request: Request, uow: UoW, state: State, principal: CurrentPrincipal
) -> Response:
    """End every session of this account, this one too (API tokens stay)."""
    assert principal.name is not None
    sessions.log_out_everywhere(uow, name=principal.name)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request, state)
    flash(response, request, state, Flash("Every session of yours is logged out."))
    return response


@router.post("/account/tokens", dependencies=[Depends(require_csrf)])
def create_token(
    request: Request,
    uow: UoW,
    now: Now,
    principal: CurrentPrincipal,
    name: Annotated[str, Form(max_length=400)] = "",
    scope: Annotated[str, Form(max_length=16)] = "read",
) -> HTMLResponse:
    """A new API token, shown on the answer to this request only."""
    assert principal.name is not None
    try:
        try:
            chosen = TokenScope(scope)
        except ValueError:
            raise ValidationFailed(f"no token scope {scope!r}", field="scope") from None
        token, secret = sessions.create_token(
            uow, owner=principal.name, name=name, scope=chosen, now=now
        )
    except (ValidationFailed, Forbidden) as error:
        return _account_page(
            request, uow, principal, problem=error.message, status_code=error.http_status
        )
    return _account_page(request, uow, principal, created=(token, secret), status_code=201)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Depends(require_csrf)])
def revoke_token(
    request: Request,
    token_id: int,
    uow: UoW,
    state: State,
    now: Now,
    principal: CurrentPrincipal,
) -> Response:
    """Revoke one of your tokens (an admin may revoke anyone's)."""
    token = sessions.revoke_token(uow, token_id=token_id, now=now, by=principal)
    response = RedirectResponse("/account#tokens", status_code=303)
    flash(response, request, state, Flash(f"Token “{token.name}” is revoked.", focus="tokens"))
    return response
