"""Two first sign-ons of the same person at the same moment (SQLite and PostgreSQL): the one
that comes second finds the account the first made, instead of failing on its unique link."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from blamefree.domain.accounts import Role
from blamefree.domain.sso import ProviderIdentity
from blamefree.services import sso
from blamefree.store.accounts import AccountsRepository
from blamefree.store.tables import UserIdentityRow, UserRow
from blamefree.store.unit_of_work import UnitOfWork

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
ISSUER = "https://id.example.com/realms/ops"
DANA = ProviderIdentity(issuer=ISSUER, subject="sub-dana", preferred_username="dana", name="Dana")


def _sign_on(engine: Engine) -> sso.SignOn:
    with UnitOfWork(engine) as uow:
        return sso.sign_on(
            uow,
            identity=DANA,
            default_role=Role.VIEWER,
            now=NOW,
            lifetime=dt.timedelta(days=1),
        )


def test_the_second_of_two_first_sign_ons_uses_the_account_the_first_made(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _sign_on(engine)
    assert (first.created, first.session.account.name) == (True, "dana")
    # The second looked before the first had committed: it saw no linked account.
    real = AccountsRepository.user_by_identity
    calls: list[int] = []

    def late(self: AccountsRepository, *, issuer: str, subject: str):  # type: ignore[no-untyped-def]
        calls.append(1)
        return None if len(calls) == 1 else real(self, issuer=issuer, subject=subject)

    monkeypatch.setattr(AccountsRepository, "user_by_identity", late)
    second = _sign_on(engine)
    assert (second.created, second.session.account.name, len(calls)) == (False, "dana", 2)
    with UnitOfWork(engine) as uow:
        counted = (
            uow.session.scalar(select(func.count()).select_from(UserRow)),
            uow.session.scalar(select(func.count()).select_from(UserIdentityRow)),
        )
    assert counted == (1, 1)
