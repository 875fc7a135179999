"""The visibility rule, without a store: who sees a restricted post-mortem."""

from __future__ import annotations

import pytest

from blamefree.domain.accounts import Principal, Role, TokenScope
from blamefree.domain.visibility import (
    EVERYTHING,
    UNRESTRICTED,
    Access,
    Viewer,
    can_see,
    may_restrict,
    viewer_of,
)

SECRET = Access(
    restricted=True, owner="Kim", reviewers=("Ravi",), approvers=("Ana",), members=("Mia",)
)


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("Kim", True),
        ("kim", True),  # names compare without letter case
        ("Ravi", True),
        ("ANA", True),
        ("Mia", True),
        ("Zed", False),
        (None, False),
    ],
)
def test_a_restricted_one_is_seen_by_the_people_named_on_it(name: str | None, sees: bool) -> None:
    assert can_see(Viewer(sees_all=False, name=name), SECRET) is sees
    assert can_see(Viewer(sees_all=False, name=name), UNRESTRICTED) is True


def test_admins_and_the_local_operator_see_everything() -> None:
    assert viewer_of(Principal(name="Root", role=Role.ADMIN)) == EVERYTHING
    read_token = Principal(name="Root", role=Role.ADMIN, via="token", scope=TokenScope.READ)
    assert viewer_of(read_token) == EVERYTHING  # a scope limits writes, not reads
    assert viewer_of(Principal(name="Ana", role=Role.APPROVER)) == Viewer(False, "Ana")
    assert can_see(EVERYTHING, SECRET) is True


def test_only_the_owner_or_an_admin_may_restrict() -> None:
    assert may_restrict(Principal(name="KIM", role=Role.AUTHOR), SECRET) is True
    assert may_restrict(Principal(name="Ravi", role=Role.APPROVER), SECRET) is False
    assert may_restrict(Principal(name="Root", role=Role.ADMIN), SECRET) is True
    assert may_restrict(Principal(name=None, role=Role.VIEWER), Access(restricted=True)) is False
    assert SECRET.named() == frozenset({"kim", "ravi", "ana", "mia"})
