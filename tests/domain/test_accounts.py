"""Roles are ordered; a principal's rights follow its role and its token's scope."""

from __future__ import annotations

import pytest

from blamefree.domain.accounts import ANONYMOUS, Principal, Role, TokenScope, local_operator


@pytest.mark.parametrize(
    ("role", "other", "expected"),
    [
        (Role.APPROVER, Role.REVIEWER, True),
        (Role.REVIEWER, Role.APPROVER, False),
        (Role.ADMIN, Role.VIEWER, True),
        (Role.VIEWER, Role.AUTHOR, False),
        (Role.AUTHOR, Role.AUTHOR, True),
    ],
)
def test_a_higher_role_can_do_what_a_lower_one_can(role: Role, other: Role, expected: bool) -> None:
    assert role.at_least(other) is expected


def test_a_read_token_never_writes_whatever_its_owner_may() -> None:
    admin_by_read_token = Principal(name="ana", role=Role.ADMIN, via="token", scope=TokenScope.READ)
    assert admin_by_read_token.can_write() is False
    assert admin_by_read_token.is_admin is False
    assert Principal(name="ana", role=Role.ADMIN).is_admin is True


def test_nobody_logged_in_is_a_viewer_without_a_name() -> None:
    assert ANONYMOUS.is_anonymous is True
    assert ANONYMOUS.role is Role.VIEWER
    assert ANONYMOUS.can_write() is False
    assert ANONYMOUS.shown_as == "anonymous"


def test_a_command_on_a_local_store_is_the_operator_s_with_every_right() -> None:
    operator = local_operator("sam")
    assert (operator.name, operator.role, operator.via) == ("sam", Role.ADMIN, "local")
    assert operator.can_write() is True
