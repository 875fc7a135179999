"""Accounts and API tokens as ``user list --json`` and ``token list --json`` print them.

No schema ever holds a password or its hash; a token's secret appears only in
``TokenCreatedRead``, the one answer that shows it.
"""

from __future__ import annotations

from pydantic import Field

from blamefree.domain.accounts import Role, TokenScope
from blamefree.schemas.base import ReadModel, Timestamp
from blamefree.store.accounts import Account, ApiToken


class UserRead(ReadModel):
    """A local account."""

    name: str = Field(description="The user name: what logs in and what history records")
    display_name: str | None = Field(description="How pages show the person")
    email: str | None
    role: Role
    disabled: bool = Field(description="A disabled account cannot log in or use its tokens")
    created_at: Timestamp
    password_changed_at: Timestamp | None
    sign_on: bool = Field(
        default=False,
        description="Linked to a single sign-on provider (made or used by an OpenID Connect "
        "sign-on); an account without a password logs in only that way",
    )


class TokenRead(ReadModel):
    """An API token, without its secret."""

    id: int
    owner: str = Field(description="The user name of the account it acts for")
    name: str = Field(description="What it is for, as its owner named it")
    scope: TokenScope
    prefix: str = Field(description="The token's first characters, to tell it apart")
    created_at: Timestamp
    last_used_at: Timestamp | None = Field(
        description="When it was last used (written at most once a minute); null: never"
    )
    revoked_at: Timestamp | None


class TokenCreatedRead(ReadModel):
    """A token just made: the only time its secret is shown."""

    token: TokenRead
    secret: str = Field(description="Send as `Authorization: Bearer <secret>`; shown only once")


def user_read(account: Account, *, sign_on: bool = False) -> UserRead:
    return UserRead(
        sign_on=sign_on,
        name=account.name,
        display_name=account.display_name,
        email=account.email,
        role=account.role,
        disabled=account.disabled,
        created_at=account.created_at,
        password_changed_at=account.password_changed_at,
    )


def token_read(token: ApiToken) -> TokenRead:
    return TokenRead(
        id=token.id,
        owner=token.owner,
        name=token.name,
        scope=token.scope,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )
