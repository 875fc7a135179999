"""Accounts, their single sign-on links, web sessions, API tokens, failed logins and
first-admin links, on a session.

Secrets are never stored: sessions, tokens and first-admin links keep the SHA-256 of a long
random value; passwords an argon2id hash (made by the service). Like every repository, this
one never commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from blamefree.domain.accounts import Role, TokenScope, fold_name
from blamefree.store.tables import (
    ApiTokenRow,
    LoginFailureRow,
    SetupTokenRow,
    UserIdentityRow,
    UserRow,
    WebSessionRow,
)


@dataclasses.dataclass(frozen=True)
class Account:
    """A local account as stored (the password hash is kept out of its repr)."""

    id: int
    name: str
    display_name: str | None
    email: str | None
    role: Role
    disabled: bool
    created_at: dt.datetime
    password_changed_at: dt.datetime | None
    session_generation: int
    password_hash: str | None = dataclasses.field(default=None, repr=False)


@dataclasses.dataclass(frozen=True)
class SessionUser:
    """The little a request needs of the account its session logs in."""

    id: int
    name: str
    display_name: str | None
    role: Role


@dataclasses.dataclass(frozen=True)
class ApiToken:
    """An API token as stored: never its secret, only the prefix shown to tell it apart."""

    id: int
    owner: str
    name: str
    scope: TokenScope
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _account(row: UserRow) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        display_name=row.display_name,
        email=row.email,
        role=Role(row.role),
        disabled=row.disabled,
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
        session_generation=row.session_generation,
        password_hash=row.password_hash,
    )


def _token(row: ApiTokenRow, owner: str) -> ApiToken:
    return ApiToken(
        id=row.id,
        owner=owner,
        name=row.name,
        scope=TokenScope(row.scope),
        prefix=row.prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class AccountsRepository:
    """Reads and writes of the account tables, on the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- users ------------------------------------------------------------------------------

    def count_users(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(UserRow)) or 0)

    def count_enabled_admins(self) -> int:
        query = select(func.count()).where(UserRow.role == "admin", UserRow.disabled.is_(False))
        return int(self.session.scalar(query) or 0)

    def user(self, name: str) -> Account | None:
        row = self.session.scalar(select(UserRow).where(UserRow.name_folded == fold_name(name)))
        return _account(row) if row is not None else None

    def user_by_id(self, user_id: int) -> Account | None:
        row = self.session.get(UserRow, user_id)
        return _account(row) if row is not None else None

    def users(self) -> list[Account]:
        rows = self.session.scalars(select(UserRow).order_by(UserRow.name_folded))
        return [_account(row) for row in rows]

    def add_user(
        self,
        *,
        name: str,
        display_name: str | None,
        email: str | None,
        role: Role,
        password_hash: str | None,
        now: dt.datetime,
    ) -> Account:
        row = UserRow(
            name=name,
            name_folded=fold_name(name),
            display_name=display_name,
            email=email,
            role=role.value,
            password_hash=password_hash,
            disabled=False,
            created_at=now,
            password_changed_at=now if password_hash else None,
            session_generation=0,
        )
        self.session.add(row)
        self.session.flush()
        return _account(row)

    def set_password(self, user_id: int, password_hash: str, *, now: dt.datetime) -> None:
        """A new hash; every session made before it stops counting (the generation moves on)."""
        self.session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(
                password_hash=password_hash,
                password_changed_at=now,
                session_generation=UserRow.session_generation + 1,
            )
        )

    def rehash(self, user_id: int, password_hash: str) -> None:
        """The same password under newer hash parameters (sessions stay)."""
        self.session.execute(
            update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        )

    def set_role(self, user_id: int, role: Role) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(role=role.value))

    def set_disabled(self, user_id: int, disabled: bool) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(disabled=disabled))

    def bump_generation(self, user_id: int) -> None:
        self.session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(session_generation=UserRow.session_generation + 1)
        )

    # --- single sign-on links ---------------------------------------------------------------

    def user_by_identity(self, *, issuer: str, subject: str) -> Account | None:
        """The account linked to this provider's subject, else None (one query)."""
        row = self.session.scalar(
            select(UserRow)
            .join(UserIdentityRow, UserIdentityRow.user_id == UserRow.id)
            .where(UserIdentityRow.issuer == issuer, UserIdentityRow.subject == subject)
        )
        return _account(row) if row is not None else None

    def add_identity(self, *, user_id: int, issuer: str, subject: str, now: dt.datetime) -> None:
        self.session.add(
            UserIdentityRow(
                user_id=user_id,
                issuer=issuer,
                subject=subject,
                created_at=now,
                last_sign_on_at=now,
            )
        )
        self.session.flush()

    def add_linked_user(
        self,
        *,
        name: str,
        display_name: str | None,
        email: str | None,
        role: Role,
        issuer: str,
        subject: str,
        now: dt.datetime,
    ) -> Account | None:
        """A new account with no password, linked to (issuer, subject), in a savepoint; None
        when another transaction linked that pair, or took that name, first (both unique)."""
        try:
            with self.session.begin_nested():
                account = self.add_user(
                    name=name,
                    display_name=display_name,
                    email=email,
                    role=role,
                    password_hash=None,
                    now=now,
                )
                self.add_identity(user_id=account.id, issuer=issuer, subject=subject, now=now)
        except IntegrityError:
            return None
        return account

    def touch_identity(self, *, issuer: str, subject: str, now: dt.datetime) -> None:
        self.session.execute(
            update(UserIdentityRow)
            .where(UserIdentityRow.issuer == issuer, UserIdentityRow.subject == subject)
            .values(last_sign_on_at=now)
        )

    def linked_user_ids(self) -> set[int]:
        """The ids of every account with at least one provider link."""
        return set(self.session.scalars(select(UserIdentityRow.user_id).distinct()))

    def identities(self, user_id: int) -> list[tuple[str, str]]:
        """(issuer, subject) of every provider link of an account."""
        rows = self.session.execute(
            select(UserIdentityRow.issuer, UserIdentityRow.subject)
            .where(UserIdentityRow.user_id == user_id)
            .order_by(UserIdentityRow.id)
        )
        return [(issuer, subject) for issuer, subject in rows]

    # --- web sessions -----------------------------------------------------------------------

    def add_session(
        self,
        *,
        id_hash: str,
        user_id: int,
        generation: int,
        now: dt.datetime,
        expires_at: dt.datetime,
        address: str | None,
    ) -> None:
        self.session.add(
            WebSessionRow(
                id_hash=id_hash,
                user_id=user_id,
                generation=generation,
                created_at=now,
                expires_at=expires_at,
                revoked_at=None,
                address=address,
            )
        )
        self.session.flush()

    def session_user(
        self, *, id_hash: str, user_id: int, generation: int, now: dt.datetime
    ) -> SessionUser | None:
        """Who a session that still counts logs in, else None: the check every request with
        a session cookie makes, so a Core statement built once, on the unit of work's
        connection, with no ORM objects."""
        found = (
            self.session.connection()
            .execute(
                _session_user_query(),
                {"id_hash": id_hash, "user_id": user_id, "generation": generation, "now": now},
            )
            .one_or_none()
        )
        if found is None:
            return None
        found_id, name, display_name, role = found
        return SessionUser(id=found_id, name=name, display_name=display_name, role=Role(role))

    def revoke_session(self, id_hash: str, *, now: dt.datetime) -> bool:
        result = self.session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.id_hash == id_hash, WebSessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def prune_sessions(self, *, user_id: int, now: dt.datetime) -> None:
        """Forget a user's sessions that can no longer count (expired, revoked, old)."""
        generation = select(UserRow.session_generation).where(UserRow.id == user_id)
        self.session.execute(
            delete(WebSessionRow).where(
                WebSessionRow.user_id == user_id,
                (WebSessionRow.expires_at <= now)
                | WebSessionRow.revoked_at.is_not(None)
                | (WebSessionRow.generation != generation.scalar_subquery()),
            )
        )

    # --- API tokens -------------------------------------------------------------------------

    def add_token(
        self,
        *,
        user_id: int,
        name: str,
        scope: TokenScope,
        prefix: str,
        secret_hash: str,
        now: dt.datetime,
    ) -> int:
        row = ApiTokenRow(
            user_id=user_id,
            name=name,
            scope=scope.value,
            prefix=prefix,
            secret_hash=secret_hash,
            created_at=now,
            last_used_at=None,
            revoked_at=None,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def token(self, token_id: int) -> ApiToken | None:
        found = self.session.execute(
            select(ApiTokenRow, UserRow.name)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.id == token_id)
        ).first()
        return _token(found[0], found[1]) if found is not None else None

    def tokens(self, *, user_id: int | None = None) -> list[ApiToken]:
        query = (
            select(ApiTokenRow, UserRow.name)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .order_by(ApiTokenRow.id)
        )
        if user_id is not None:
            query = query.where(ApiTokenRow.user_id == user_id)
        return [_token(row, owner) for row, owner in self.session.execute(query)]

    def token_account(self, secret_hash: str) -> tuple[ApiToken, Account] | None:
        """The live token of that hash with its enabled owner, else None (one query)."""
        found = self.session.execute(
            select(ApiTokenRow, UserRow)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(
                ApiTokenRow.secret_hash == secret_hash,
                ApiTokenRow.revoked_at.is_(None),
                UserRow.disabled.is_(False),
            )
        ).first()
        if found is None:
            return None
        token_row, user_row = found
        return _token(token_row, user_row.name), _account(user_row)

    def touch_token(self, token_id: int, *, now: dt.datetime) -> None:
        self.session.execute(
            update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=now)
        )

    def revoke_token(self, token_id: int, *, now: dt.datetime) -> None:
        self.session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    # --- failed logins ----------------------------------------------------------------------

    def add_failure(self, *, account: str, address: str, now: dt.datetime) -> None:
        self.session.add(LoginFailureRow(account=account, address=address, at=now))
        self.session.flush()

    def failure_times(
        self, *, account: str | None = None, address: str | None = None, since: dt.datetime
    ) -> Sequence[dt.datetime]:
        query = select(LoginFailureRow.at).where(LoginFailureRow.at > since)
        if account is not None:
            query = query.where(LoginFailureRow.account == account)
        if address is not None:
            query = query.where(LoginFailureRow.address == address)
        return list(self.session.scalars(query))

    def clear_failures(self, *, account: str) -> None:
        self.session.execute(delete(LoginFailureRow).where(LoginFailureRow.account == account))

    def prune_failures(self, *, before: dt.datetime) -> None:
        self.session.execute(delete(LoginFailureRow).where(LoginFailureRow.at <= before))

    # --- first-admin links ------------------------------------------------------------------

    def add_setup_token(
        self, *, token_hash: str, now: dt.datetime, expires_at: dt.datetime
    ) -> None:
        self.session.add(
            SetupTokenRow(token_hash=token_hash, created_at=now, expires_at=expires_at)
        )
        self.session.flush()

    def burn_setup_token(self, token_hash: str, *, now: dt.datetime) -> bool:
        """Use the link once: True when it was live (unused, unexpired) and is now used."""
        result = self.session.execute(
            update(SetupTokenRow)
            .where(
                SetupTokenRow.token_hash == token_hash,
                SetupTokenRow.used_at.is_(None),
                SetupTokenRow.expires_at > now,
            )
            .values(used_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def setup_token_live(self, token_hash: str, *, now: dt.datetime) -> bool:
        query = select(func.count()).where(
            SetupTokenRow.token_hash == token_hash,
            SetupTokenRow.used_at.is_(None),
            SetupTokenRow.expires_at > now,
        )
        return bool(self.session.scalar(query))

    def drop_setup_tokens(self) -> None:
        self.session.execute(delete(SetupTokenRow))


@lru_cache(maxsize=1)
def _session_user_query() -> Select[int, str, str | None, str]:
    """A session that still counts: not revoked, not expired, of the account's current
    generation (a password change ends it), of an account that is not disabled."""
    return (
        select(UserRow.id, UserRow.name, UserRow.display_name, UserRow.role)
        .join(WebSessionRow, WebSessionRow.user_id == UserRow.id)
        .where(
            WebSessionRow.id_hash == bindparam("id_hash"),
            WebSessionRow.user_id == bindparam("user_id"),
            WebSessionRow.generation == bindparam("generation"),
            WebSessionRow.revoked_at.is_(None),
            WebSessionRow.expires_at > bindparam("now", type_=WebSessionRow.expires_at.type),
            UserRow.session_generation == bindparam("generation"),
            UserRow.disabled.is_(False),
        )
    )
