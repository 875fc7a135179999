"""Use cases for who a request acts for: logging in and out, sessions, and API tokens.

A session is a random id the browser holds (in a signed cookie) and the store knows only by
its SHA-256; it counts while it is not revoked, not expired, and was made under the account's
current session generation. An API token is a long random secret, shown once, stored as its
SHA-256. Failed logins are rows in the store, so every worker process counts the same ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from blamefree.domain.accounts import (
    LoginLimit,
    Principal,
    TokenScope,
    scope_allowed,
    seconds_until_allowed,
)
from blamefree.errors import (
    Forbidden,
    LoginFailed,
    TokenNotFound,
    TooManyAttempts,
    ValidationFailed,
)
from blamefree.services.accounts import (
    folded,
    get_user,
    hash_password,
    hasher,
    password_matches,
    repo,
)
from blamefree.store import UnitOfWork
from blamefree.store.accounts import Account, ApiToken

TOKEN_PREFIX = "bf_"
TOKEN_SHOWN = 10
"""How many leading characters of a token are kept to tell it apart (``bf_`` and 7 more)."""
TOKEN_TOUCH_EVERY = dt.timedelta(minutes=1)
"""A token's last-used time is written at most this often (reads stay cheap)."""
TOKEN_NAME_MAX = 200


ACCOUNT_LIMIT = LoginLimit(failures=5, window=15 * 60)
"""5 failed logins per account name in 15 minutes."""
ADDRESS_LIMIT = LoginLimit(failures=20, window=15 * 60)
"""20 failed logins from one address in 15 minutes (whatever names they tried)."""


@dataclass(frozen=True)
class LoginLimits:
    """Failed logins allowed per account name and per address, each within its window."""

    account: LoginLimit = ACCOUNT_LIMIT
    address: LoginLimit = ADDRESS_LIMIT


@dataclass(frozen=True)
class NewSession:
    """A session just made: its id goes into the browser's cookie, never into the store."""

    account: Account
    session_id: str
    generation: int
    expires_at: dt.datetime


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def principal_of(
    account: Account, *, via: str = "session", scope: TokenScope | None = None
) -> Principal:
    """The principal an account acts as."""
    return Principal(
        name=account.name,
        role=account.role,
        display_name=account.display_name,
        user_id=account.id,
        via=via,
        scope=scope,
    )


def _check_limits(
    uow: UnitOfWork, *, account: str, address: str, limits: LoginLimits, now: dt.datetime
) -> None:
    accounts = repo(uow)
    for limit, times, what in (
        (
            limits.account,
            accounts.failure_times(
                account=account, since=now - dt.timedelta(seconds=limits.account.window)
            ),
            "for this account",
        ),
        (
            limits.address,
            accounts.failure_times(
                address=address, since=now - dt.timedelta(seconds=limits.address.window)
            ),
            "from this address",
        ),
    ):
        wait = seconds_until_allowed([(now - at).total_seconds() for at in times], limit)
        if wait is not None:
            minutes = (wait + 59) // 60
            raise TooManyAttempts(
                f"too many failed logins {what}: try again in {minutes} minute"
                f"{'' if minutes == 1 else 's'} (at most {limit.failures} failures in "
                f"{limit.window // 60} minutes)",
                retry_after=wait,
            )


def log_in(
    uow: UnitOfWork,
    *,
    name: str,
    password: str,
    address: str,
    now: dt.datetime,
    lifetime: dt.timedelta,
    limits: LoginLimits | None = None,
) -> NewSession:
    """A new session for the account whose password this is.

    TooManyAttempts (nothing checked) when the account name or the address has had too many
    failures lately; LoginFailed when the name or password is wrong or the account is
    disabled (which, is not said). A failure is committed before LoginFailed is raised, so it
    counts even though the request that made it fails.
    """
    limits = limits or LoginLimits()
    key = folded(name)
    address = (address or "unknown")[:200]
    _check_limits(uow, account=key, address=address, limits=limits, now=now)
    accounts = repo(uow)
    account = accounts.user(name.strip()) if name.strip() else None
    if not password_matches(account, password) or account is None or account.disabled:
        accounts.add_failure(account=key, address=address, now=now)
        window = max(limits.account.window, limits.address.window)
        accounts.prune_failures(before=now - dt.timedelta(seconds=window))
        uow.commit()  # the failure must count even though this request fails
        raise LoginFailed("that user name and password do not match an enabled account")
    accounts.clear_failures(account=key)
    if account.password_hash and hasher().check_needs_rehash(account.password_hash):
        accounts.rehash(account.id, hash_password(password))
    accounts.prune_sessions(user_id=account.id, now=now)
    session_id = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    accounts.add_session(
        id_hash=_digest(session_id),
        user_id=account.id,
        generation=account.session_generation,
        now=now,
        expires_at=expires_at,
        address=address,
    )
    return NewSession(account, session_id, account.session_generation, expires_at)


def start_session(
    uow: UnitOfWork,
    *,
    account: Account,
    now: dt.datetime,
    lifetime: dt.timedelta,
    address: str | None = None,
) -> NewSession:
    """A new session for an account that has just proved who it is (first admin, a changed
    password)."""
    current = get_user(uow, name=account.name)
    session_id = secrets.token_urlsafe(32)
    repo(uow).add_session(
        id_hash=_digest(session_id),
        user_id=current.id,
        generation=current.session_generation,
        now=now,
        expires_at=now + lifetime,
        address=address,
    )
    return NewSession(current, session_id, current.session_generation, now + lifetime)


def session_principal(
    uow: UnitOfWork, *, user_id: int, generation: int, session_id: str, now: dt.datetime
) -> Principal | None:
    """Who a session cookie's values name, when that session still counts (else None)."""
    found = repo(uow).session_user(
        id_hash=_digest(session_id), user_id=user_id, generation=generation, now=now
    )
    if found is None:
        return None
    return Principal(
        name=found.name,
        role=found.role,
        display_name=found.display_name,
        user_id=found.id,
        via="session",
    )


def log_out(uow: UnitOfWork, *, session_id: str, now: dt.datetime) -> bool:
    """End one session: its cookie, wherever it was copied to, no longer logs anyone in."""
    return repo(uow).revoke_session(_digest(session_id), now=now)


def log_out_everywhere(uow: UnitOfWork, *, name: str) -> Account:
    """End every session of the account (its API tokens stay)."""
    account = get_user(uow, name=name)
    repo(uow).bump_generation(account.id)
    return get_user(uow, name=account.name)


# --- API tokens -----------------------------------------------------------------------------


def create_token(
    uow: UnitOfWork, *, owner: str, name: str, scope: TokenScope, now: dt.datetime
) -> tuple[ApiToken, str]:
    """A new API token of ``owner``; returns it and its secret, which is never shown again.

    The scope is at most what the owner's role allows (a viewer's tokens only read).
    """
    account = get_user(uow, name=owner)
    label = " ".join(name.split())
    if not label:
        raise ValidationFailed("a token needs a name saying what uses it", field="name")
    if len(label) > TOKEN_NAME_MAX:
        raise ValidationFailed(f"a token name is at most {TOKEN_NAME_MAX} characters", field="name")
    if not scope_allowed(account.role, scope):
        raise Forbidden(
            f"an account with the role {account.role.value} cannot make a token of scope "
            f"{scope.value}"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = repo(uow).add_token(
        user_id=account.id,
        name=label,
        scope=scope,
        prefix=secret[:TOKEN_SHOWN],
        secret_hash=_digest(secret),
        now=now,
    )
    token = repo(uow).token(token_id)
    assert token is not None
    return token, secret


def list_tokens(uow: UnitOfWork, *, owner: str | None = None) -> list[ApiToken]:
    """The tokens of one account (or of all), oldest first, revoked ones included."""
    if owner is None:
        return repo(uow).tokens()
    return repo(uow).tokens(user_id=get_user(uow, name=owner).id)


def revoke_token(
    uow: UnitOfWork, *, token_id: int, now: dt.datetime, by: Principal | None = None
) -> ApiToken:
    """Revoke a token at once. ``by``: who asks; only the owner or an admin may (a local
    command may always)."""
    token = repo(uow).token(token_id)
    if token is None or (
        by is not None and by.via != "local" and not by.is_admin and by.name != token.owner
    ):
        raise TokenNotFound(f"there is no API token with id {token_id}")
    repo(uow).revoke_token(token_id, now=now)
    revoked = repo(uow).token(token_id)
    assert revoked is not None
    return revoked


def token_principal(uow: UnitOfWork, *, token: str, now: dt.datetime) -> Principal | None:
    """Who a bearer token acts for, with its scope, when it is live (else None).

    Its last-used time is written when it is unset or older than a minute, so a script
    calling many times a second causes one write a minute.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = repo(uow).token_account(_digest(token))
    if found is None:
        return None
    api_token, account = found
    if api_token.last_used_at is None or now - api_token.last_used_at >= TOKEN_TOUCH_EVERY:
        repo(uow).touch_token(api_token.id, now=now)
    return principal_of(account, via="token", scope=api_token.scope)
