"""The use cases of single sign-on: start one (where to send the browser), and finish it (the
provider's answer checked, the ID token verified, and a session for the person).

The account is found by the provider's issuer and subject only. A first sign-on makes an
account with the default role, the provider's name and e-mail address, and no password; its
user name is the provider's (``preferred_username``, else the e-mail's local part), with
``-2``, ``-3``, ... when an account has that name already: an existing local account is never
taken over by a sign-on (docs/accounts.md, "Single sign-on").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
from collections.abc import Iterable

from blamefree.domain.accounts import Role
from blamefree.domain.sso import (
    ProviderIdentity,
    base_user_name,
    domain_problem,
    free_user_name,
)
from blamefree.errors import (
    SignOnDenied,
    SignOnFailed,
    SignOnNotConfigured,
    SignOnRefused,
    SignOnStateMismatch,
    ValidationFailed,
)
from blamefree.redact import redact
from blamefree.services.accounts import EMAIL_PATTERN, clean_optional, repo
from blamefree.services.sessions import NewSession, start_session
from blamefree.sso.oidc import OidcProvider, SignOnStart
from blamefree.store import UnitOfWork

FLOW_MINUTES = 10
"""Minutes a person has at the provider before a sign-on must be started again."""


@dataclasses.dataclass(frozen=True)
class SignOn:
    """A sign-on that worked: the new session, and whether it made the account."""

    session: NewSession
    created: bool


@dataclasses.dataclass(frozen=True)
class SignOnFlow:
    """What the browser kept (signed) between the start of a sign-on and its answer."""

    state: str
    nonce: str
    code_verifier: str


@dataclasses.dataclass(frozen=True)
class ProviderAnswer:
    """The query the provider sent the browser back with."""

    code: str | None = None
    state: str | None = None
    error: str | None = None
    error_description: str | None = None


def _provider(provider: OidcProvider | None) -> OidcProvider:
    if provider is None:
        raise SignOnNotConfigured(
            "single sign-on is not set up on this Blamefree; log in with your user name and "
            "password"
        )
    return provider


def start_sign_on(*, provider: OidcProvider | None, redirect_uri: str) -> SignOnStart:
    """Where to send the browser to sign on, and the flow it must keep until it is back."""
    return _provider(provider).start(redirect_uri=redirect_uri)


def finish_sign_on(
    uow: UnitOfWork,
    *,
    provider: OidcProvider | None,
    flow: SignOnFlow | None,
    answer: ProviderAnswer,
    redirect_uri: str,
    default_role: Role,
    allowed_domains: Iterable[str] = (),
    now: dt.datetime,
    lifetime: dt.timedelta,
    address: str | None = None,
) -> SignOn:
    """The session for the person the provider signed in, once its answer is this browser's
    (state), its code is traded (PKCE) and its ID token verified (nonce and the rest).

    SignOnDenied when the provider answered an error, SignOnStateMismatch when the answer is
    not to this browser's sign-on, SignOnFailed when the code is refused, IdTokenInvalid,
    ProviderUnavailable, and sign_on's refusals. Nothing is stored unless it works.
    """
    chosen = _provider(provider)
    if answer.error is not None:
        said = redact(answer.error_description or "")[:300]
        raise SignOnDenied(
            f"the sign-on provider did not sign you in ({answer.error[:100]}"
            f"{': ' + said if said else ''})"
        )
    if flow is None:
        raise SignOnStateMismatch(
            "this sign-on was not started in this browser, or more than "
            f"{FLOW_MINUTES} minutes ago; start it again from the login page"
        )
    if not answer.state or not hmac.compare_digest(answer.state, flow.state):
        raise SignOnStateMismatch(
            "the provider's answer does not belong to the sign-on this browser started "
            "(its state differs); start it again from the login page"
        )
    if not answer.code:
        raise SignOnFailed("the provider's answer carries no sign-in code; start again")
    identity = chosen.finish(
        code=answer.code,
        redirect_uri=redirect_uri,
        code_verifier=flow.code_verifier,
        nonce=flow.nonce,
        now=now,
    )
    return sign_on(
        uow,
        identity=identity,
        default_role=default_role,
        allowed_domains=allowed_domains,
        now=now,
        lifetime=lifetime,
        address=address,
    )


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
        raise SignOnRefused(problem)
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
        made = accounts.add_linked_user(
            name=name,
            display_name=_optional(identity.name, "display_name"),
            email=email if email and EMAIL_PATTERN.match(email) else None,
            role=default_role,
            issuer=identity.issuer,
            subject=identity.subject,
            now=now,
        )
        if made is None:
            # A sign-on of the same person at the same moment made the account first: use it.
            made = accounts.user_by_identity(issuer=identity.issuer, subject=identity.subject)
            if made is None:
                raise SignOnFailed(
                    "another account was being made under the same name at the same moment; "
                    "nothing was stored: sign on again"
                )
            if made.disabled:
                raise SignOnRefused(f"your account {made.name} is disabled; an admin can enable it")
            created = False
        account = made
    session = start_session(uow, account=account, now=now, lifetime=lifetime, address=address)
    return SignOn(session=session, created=created)


def identities(uow: UnitOfWork, *, name: str) -> list[tuple[str, str]]:
    """The (issuer, subject) links of an account (none for a local-only account)."""
    account = repo(uow).user(name)
    return repo(uow).identities(account.id) if account is not None else []


def linked_accounts(uow: UnitOfWork) -> set[int]:
    """The ids of the accounts linked to a sign-on provider."""
    return repo(uow).linked_user_ids()
