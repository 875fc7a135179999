"""Accounts, first-admin links and sessions as the services keep them (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from blamefree.domain.accounts import Role, TokenScope
from blamefree.errors import (
    DuplicateUser,
    Forbidden,
    LastAdmin,
    LoginFailed,
    SetupLinkInvalid,
    UserNotFound,
    ValidationFailed,
    WeakPassword,
)
from blamefree.services import accounts, sessions
from blamefree.store.unit_of_work import UnitOfWork

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
PASSWORD = "a fine long passphrase"


def _add(engine: Engine, name: str, role: Role = Role.AUTHOR) -> None:
    with UnitOfWork(engine) as uow:
        accounts.add_user(uow, name=name, password=PASSWORD, role=role, now=NOW)


def test_a_user_name_is_one_in_any_letter_case_and_the_hash_is_argon2id(engine: Engine) -> None:
    _add(engine, "Dana", Role.ADMIN)
    with pytest.raises(DuplicateUser, match="there is an account named 'Dana' already"):
        _add(engine, "dana")
    with UnitOfWork(engine) as uow:
        found = accounts.get_user(uow, name="DANA")
    assert (found.name, found.role, found.disabled, found.session_generation) == (
        "Dana",
        Role.ADMIN,
        False,
        0,
    )
    assert found.password_hash is not None
    assert found.password_hash.startswith("$argon2id$")
    assert PASSWORD not in found.password_hash
    assert "password_hash" not in repr(found)


@pytest.mark.parametrize(
    ("name", "password", "error", "message"),
    [
        ("sam", "short", WeakPassword, "a password needs at least 10 characters, this one has 5"),
        ("sam", "          ", WeakPassword, "a password cannot be empty or only spaces"),
        ("samsamsamsam", "SamSamSamSam", WeakPassword, "a password cannot be the user name"),
        ("sam smith", PASSWORD, ValidationFailed, "a user name holds only letters, digits"),
        ("", PASSWORD, ValidationFailed, "a user name cannot be empty"),
    ],
)
def test_names_and_passwords_the_policy_refuses(
    engine: Engine, name: str, password: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message), UnitOfWork(engine) as uow:
        accounts.add_user(uow, name=name, password=password, now=NOW)


def test_the_last_enabled_admin_cannot_be_demoted_or_disabled(engine: Engine) -> None:
    _add(engine, "ada", Role.ADMIN)
    with pytest.raises(LastAdmin), UnitOfWork(engine) as uow:
        accounts.set_role(uow, name="ada", role=Role.VIEWER)
    with pytest.raises(LastAdmin), UnitOfWork(engine) as uow:
        accounts.set_disabled(uow, name="ada", disabled=True)
    _add(engine, "bo", Role.ADMIN)
    with UnitOfWork(engine) as uow:
        assert accounts.set_role(uow, name="ada", role=Role.VIEWER).role is Role.VIEWER
    with pytest.raises(UserNotFound), UnitOfWork(engine) as uow:
        accounts.set_role(uow, name="nobody", role=Role.VIEWER)


def _session(engine: Engine, name: str) -> sessions.NewSession:
    with UnitOfWork(engine) as uow:
        return sessions.log_in(
            uow, name=name, password=PASSWORD, address="192.0.2.1", now=NOW, lifetime=DAY
        )


def _still(engine: Engine, new: sessions.NewSession, now: dt.datetime = NOW) -> str | None:
    with UnitOfWork(engine) as uow:
        found = sessions.session_principal(
            uow,
            user_id=new.account.id,
            generation=new.generation,
            session_id=new.session_id,
            now=now,
        )
    return found.name if found is not None else None


def test_a_session_ends_at_logout_at_expiry_on_a_new_password_and_when_disabled(
    engine: Engine,
) -> None:
    _add(engine, "ada", Role.ADMIN)
    _add(engine, "kim")
    first, second = _session(engine, "kim"), _session(engine, "kim")
    assert first.session_id != second.session_id
    assert (_still(engine, first), _still(engine, second)) == ("kim", "kim")
    assert _still(engine, first, NOW + DAY) is None  # expired
    with UnitOfWork(engine) as uow:
        assert sessions.log_out(uow, session_id=first.session_id, now=NOW) is True
    assert (_still(engine, first), _still(engine, second)) == (None, "kim")
    with UnitOfWork(engine) as uow:
        accounts.change_password(uow, name="kim", password="another long one", now=NOW)
    assert _still(engine, second) is None  # logged out everywhere
    third = _session_with(engine, "kim", "another long one")
    with UnitOfWork(engine) as uow:
        accounts.set_disabled(uow, name="kim", disabled=True)
    assert _still(engine, third) is None
    with UnitOfWork(engine) as uow:
        accounts.set_disabled(uow, name="kim", disabled=False)
    assert _still(engine, third) is None  # enabling brings back no old session


def _session_with(engine: Engine, name: str, password: str) -> sessions.NewSession:
    with UnitOfWork(engine) as uow:
        return sessions.log_in(
            uow, name=name, password=password, address="192.0.2.1", now=NOW, lifetime=DAY
        )


def test_a_disabled_account_cannot_log_in_and_a_failure_is_kept(engine: Engine) -> None:
    _add(engine, "ada", Role.ADMIN)
    _add(engine, "kim")
    with UnitOfWork(engine) as uow:
        accounts.set_disabled(uow, name="kim", disabled=True)
    with pytest.raises(LoginFailed), UnitOfWork(engine) as uow:
        sessions.log_in(uow, name="kim", password=PASSWORD, address="a", now=NOW, lifetime=DAY)
    with UnitOfWork(engine) as uow:  # committed although the login raised
        assert len(accounts.repo(uow).failure_times(account="kim", since=NOW - DAY)) == 1


def test_the_first_admin_link_works_once_and_only_while_there_is_no_account(
    engine: Engine,
) -> None:
    with UnitOfWork(engine) as uow:
        old = accounts.issue_setup_link(uow, now=NOW)
        token = accounts.issue_setup_link(uow, now=NOW)  # a restart: the old one stops working
    assert old is not None and token is not None and old != token
    with UnitOfWork(engine) as uow:
        assert accounts.setup_link_live(uow, token=old, now=NOW) is False
        assert accounts.setup_link_live(uow, token=token, now=NOW + 2 * DAY) is False  # expired
        assert accounts.setup_link_live(uow, token=token, now=NOW) is True
    with pytest.raises(WeakPassword), UnitOfWork(engine) as uow:
        accounts.create_first_admin(uow, token=token, name="ada", password="short", now=NOW)
    with UnitOfWork(engine) as uow:  # a typo in the form leaves the link usable
        made = accounts.create_first_admin(uow, token=token, name="ada", password=PASSWORD, now=NOW)
    assert made.role is Role.ADMIN
    with pytest.raises(SetupLinkInvalid), UnitOfWork(engine) as uow:
        accounts.create_first_admin(uow, token=token, name="eve", password=PASSWORD, now=NOW)
    with UnitOfWork(engine) as uow:
        assert accounts.issue_setup_link(uow, now=NOW) is None  # accounts exist: no link


def test_demo_accounts_one_per_role(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        made = accounts.add_demo_users(uow, now=NOW)
    assert [(a.name, a.role) for a in made] == [
        ("admin", Role.ADMIN),
        ("approver", Role.APPROVER),
        ("reviewer", Role.REVIEWER),
        ("author", Role.AUTHOR),
        ("viewer", Role.VIEWER),
    ]
    with UnitOfWork(engine) as uow:
        new = sessions.log_in(
            uow, name="viewer", password=accounts.DEMO_PASSWORD, address="a", now=NOW, lifetime=DAY
        )
    assert new.account.role is Role.VIEWER


def test_a_token_s_scope_is_capped_by_its_owner_s_role(engine: Engine) -> None:
    _add(engine, "vera", Role.VIEWER)
    with pytest.raises(Forbidden), UnitOfWork(engine) as uow:
        sessions.create_token(uow, owner="vera", name="x", scope=TokenScope.WRITE, now=NOW)
    with UnitOfWork(engine) as uow:
        token, secret = sessions.create_token(
            uow, owner="vera", name=" my   reader ", scope=TokenScope.READ, now=NOW
        )
    assert (token.name, token.scope, token.prefix, len(secret)) == (
        "my reader",
        TokenScope.READ,
        secret[:10],
        46,
    )
    with UnitOfWork(engine) as uow:
        principal = sessions.token_principal(uow, token=secret, now=NOW)
    assert principal is not None
    assert (principal.name, principal.via, principal.scope, principal.can_write()) == (
        "vera",
        "token",
        TokenScope.READ,
        False,
    )
