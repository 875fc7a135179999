"""Use cases for local accounts: add one, change its password, role or state, list them, and
create the first admin from a one-time link.

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``, its default parameters,
RFC 9106's low-memory profile); only the hash is stored. A password change moves the account's
session generation on, which logs it out everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from blamefree.domain.accounts import (
    Role,
    fold_name,
    password_problem,
    user_name_problem,
)
from blamefree.errors import (
    DuplicateUser,
    LastAdmin,
    LoginFailed,
    SetupLinkInvalid,
    UserNotFound,
    ValidationFailed,
    WeakPassword,
)
from blamefree.store import UnitOfWork
from blamefree.store.accounts import Account, AccountsRepository

DISPLAY_NAME_MAX = 200
EMAIL_PATTERN = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
SETUP_LINK_TTL = dt.timedelta(hours=24)
"""How long a first-admin link printed by ``serve`` stays valid."""

DEMO_PASSWORD = "blamefree-demo"
"""The password of every demo account (``serve --demo`` only; documented in docs/accounts.md)."""
DEMO_USERS = (
    ("admin", "Ada Admin", Role.ADMIN),
    ("approver", "Amal Approver", Role.APPROVER),
    ("reviewer", "Rui Reviewer", Role.REVIEWER),
    ("author", "Aiko Author", Role.AUTHOR),
    ("viewer", "Vera Viewer", Role.VIEWER),
)


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """The one argon2id hasher (built on first use, not at import)."""
    return PasswordHasher()


def hash_password(password: str) -> str:
    return hasher().hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(16))


def password_matches(account: Account | None, password: str) -> bool:
    """Whether ``password`` is the account's; as slow for an unknown account as for a known
    one, so the time taken does not tell which user names exist."""
    stored = account.password_hash if account is not None else None
    try:
        hasher().verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


def repo(uow: UnitOfWork) -> AccountsRepository:
    return AccountsRepository(uow.session)


def _check_password(password: str, user_name: str) -> None:
    problem = password_problem(password, user_name=user_name)
    if problem is not None:
        raise WeakPassword(problem, field="password")


def clean_optional(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    clean = " ".join(value.split())
    if any(ord(ch) < 32 for ch in value if ch not in "\t\n\r"):
        raise ValidationFailed(
            f"the {field.replace('_', ' ')} holds control characters", field=field
        )
    if len(clean) > DISPLAY_NAME_MAX:
        raise ValidationFailed(f"at most {DISPLAY_NAME_MAX} characters", field=field)
    return clean or None


def add_user(
    uow: UnitOfWork,
    *,
    name: str,
    password: str,
    role: Role = Role.AUTHOR,
    display_name: str | None = None,
    email: str | None = None,
    now: dt.datetime,
) -> Account:
    """A new account; DuplicateUser when the name (in any letter case) is taken."""
    name = name.strip()
    problem = user_name_problem(name)
    if problem is not None:
        raise ValidationFailed(problem, field="name")
    display = clean_optional(display_name, "display_name")
    address = clean_optional(email, "email")
    if address is not None and not EMAIL_PATTERN.match(address):
        raise ValidationFailed(f"{address!r} does not look like an e-mail address", field="email")
    _check_password(password, name)
    accounts = repo(uow)
    existing = accounts.user(name)
    if existing is not None:
        raise DuplicateUser(f"there is an account named {existing.name!r} already")
    return accounts.add_user(
        name=name,
        display_name=display,
        email=address,
        role=role,
        password_hash=hash_password(password),
        now=now,
    )


def get_user(uow: UnitOfWork, *, name: str) -> Account:
    found = repo(uow).user(name)
    if found is None:
        raise UserNotFound(f"there is no account named {name!r}")
    return found


def list_users(uow: UnitOfWork) -> list[Account]:
    """Every account, by name."""
    return repo(uow).users()


def change_password(
    uow: UnitOfWork,
    *,
    name: str,
    password: str,
    now: dt.datetime,
    current: str | None = None,
) -> Account:
    """A new password, which logs the account out everywhere.

    ``current``: the password it replaces, checked when the person changes their own (the web
    page); an admin or a local command sets one without it.
    """
    account = get_user(uow, name=name)
    if current is not None and not password_matches(account, current):
        raise LoginFailed("the current password is not right; the password was not changed")
    _check_password(password, account.name)
    repo(uow).set_password(account.id, hash_password(password), now=now)
    return get_user(uow, name=account.name)


def _keeps_an_admin(uow: UnitOfWork, account: Account) -> None:
    only = repo(uow).count_enabled_admins() <= 1
    if account.role is Role.ADMIN and not account.disabled and only:
        raise LastAdmin(
            f"{account.name!r} is the only enabled admin; make another account an admin "
            "first, so someone can still manage the accounts"
        )


def set_role(uow: UnitOfWork, *, name: str, role: Role) -> Account:
    """Give the account another role (it applies from its next request)."""
    account = get_user(uow, name=name)
    if account.role is not role and role is not Role.ADMIN:
        _keeps_an_admin(uow, account)
    repo(uow).set_role(account.id, role)
    return get_user(uow, name=account.name)


def set_disabled(uow: UnitOfWork, *, name: str, disabled: bool) -> Account:
    """Disable an account (its sessions and tokens stop working at once) or enable it again.

    Disabling also moves its session generation on, so enabling it later brings back no old
    session.
    """
    account = get_user(uow, name=name)
    accounts = repo(uow)
    if disabled and not account.disabled:
        _keeps_an_admin(uow, account)
        accounts.bump_generation(account.id)
    accounts.set_disabled(account.id, disabled)
    return get_user(uow, name=account.name)


# --- the first admin ------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_setup_link(
    uow: UnitOfWork, *, now: dt.datetime, ttl: dt.timedelta = SETUP_LINK_TTL
) -> str | None:
    """A new one-time token to create the first admin, when the store has no account (else
    None). Earlier tokens stop working; only the token's hash is stored."""
    accounts = repo(uow)
    if accounts.count_users() > 0:
        return None
    accounts.drop_setup_tokens()
    token = secrets.token_urlsafe(32)
    accounts.add_setup_token(token_hash=_digest(token), now=now, expires_at=now + ttl)
    return token


def setup_link_live(uow: UnitOfWork, *, token: str, now: dt.datetime) -> bool:
    """Whether the first-admin token still works (unused, unexpired, and no account yet)."""
    accounts = repo(uow)
    return accounts.count_users() == 0 and accounts.setup_token_live(_digest(token), now=now)


def create_first_admin(
    uow: UnitOfWork,
    *,
    token: str,
    name: str,
    password: str,
    display_name: str | None = None,
    email: str | None = None,
    now: dt.datetime,
) -> Account:
    """The first admin account, from a one-time token, which is used up by it."""
    accounts = repo(uow)
    if accounts.count_users() > 0:
        raise SetupLinkInvalid(
            "the first admin exists already; log in, or ask an admin for an account"
        )
    # Checked before the token is burnt: a typo in the form leaves the link usable.
    problem = user_name_problem(name.strip())
    if problem is not None:
        raise ValidationFailed(problem, field="name")
    _check_password(password, name.strip())
    if not accounts.burn_setup_token(_digest(token), now=now):
        raise SetupLinkInvalid(
            "this first-admin link is unknown, used or expired; restart `blamefree serve` "
            "for a new one"
        )
    return add_user(
        uow,
        name=name,
        password=password,
        role=Role.ADMIN,
        display_name=display_name,
        email=email,
        now=now,
    )


def add_demo_users(uow: UnitOfWork, *, now: dt.datetime) -> list[Account]:
    """One account per role, all with ``DEMO_PASSWORD`` (for ``serve --demo`` only).

    The password is hashed once for all five (they share it, as documented): argon2 is slow
    on purpose, and the demo should start quickly.
    """
    accounts = repo(uow)
    shared = hash_password(DEMO_PASSWORD)
    made = []
    for name, display, role in DEMO_USERS:
        if accounts.user(name) is None:
            made.append(
                accounts.add_user(
                    name=name,
                    display_name=display,
                    email=None,
                    role=role,
                    password_hash=shared,
                    now=now,
                )
            )
    return made


def folded(name: str) -> str:
    """The key failed logins of that user name are counted under."""
    return fold_name(name.strip())[:200]
