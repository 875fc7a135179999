"""The use case of single sign-on: a person the provider has signed in gets a session.

The account is found by the provider's issuer and subject only. A first sign-on makes an
account with the default role, the provider's name and e-mail address, and no password; its
user name is the provider's (``preferred_username``, else the e-mail's local part), with
``-2``, ``-3``, ... when an account has that name already: an existing local account is never
taken over by a sign-on (docs/accounts.md, "Single sign-on").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from blamefree.domain.accounts import Role
from blamefree.domain.sso import (
    ProviderIdentity,
    base_user_name,
    domain_problem,
    free_user_name,
)
from blamefree.errors import SignOnRefused, ValidationFailed
from blamefree.services.accounts import EMAIL_PATTERN, clean_optional, repo
from blamefree.services.sessions import NewSession, start_session
from blamefree.store import UnitOfWork


@dataclasses.dataclass(frozen=True)
class SignOn:
    """A sign-on that worked: the new session, and whether it made the account."""

    session: NewSession
    created: bool


def _optional(value: str | None, field: str) -> str | None:
    try:
        return clean_optional(value, field)
    except ValidationFailed:
        return None  # what the provider says about a person is a nicety, never a refusal


def sign_on(
    uow: UnitOfWork,
    *,
    identity: ProviderIdentity,
    default_role: Role,
    allowed_domains: Iterable[str] = (),
    now: dt.datetime,
    lifetime: dt.timedelta,
    address: str | None = None,
) -> SignOn:
    """A new session for the account linked to ``identity`` (made on the first sign-on).

    SignOnRefused, with nothing stored, when the e-mail domain is not let in or the linked
    account is disabled.
    """
    problem = domain_problem(identity, allowed_domains)
    if problem is not None:
        raise SignOnRefused(f"{problem}; nothing was stored")
    accounts = repo(uow)
    account = accounts.user_by_identity(issuer=identity.issuer, subject=identity.subject)
    created = account is None
    if account is not None:
        if account.disabled:
            raise SignOnRefused(
                f"your account {account.name} is disabled; an admin can enable it again"
            )
        accounts.touch_identity(issuer=identity.issuer, subject=identity.subject, now=now)
    else:
        name = free_user_name(
            base_user_name(identity), lambda candidate: accounts.user(candidate) is not None
        )
        email = _optional(identity.email, "email")
        account = accounts.add_user(
            name=name,
            display_name=_optional(identity.name, "display_name"),
            email=email if email and EMAIL_PATTERN.match(email) else None,
            role=default_role,
            password_hash=None,
            now=now,
        )
        accounts.add_identity(
            user_id=account.id, issuer=identity.issuer, subject=identity.subject, now=now
        )
    session = start_session(uow, account=account, now=now, lifetime=lifetime, address=address)
    return SignOn(session=session, created=created)


def identities(uow: UnitOfWork, *, name: str) -> list[tuple[str, str]]:
    """The (issuer, subject) links of an account (none for a local-only account)."""
    account = repo(uow).user(name)
    return repo(uow).identities(account.id) if account is not None else []
