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


from blamefree.domain.accounts import (  # noqa: E402
    LoginLimit,
    password_problem,
    scope_allowed,
    seconds_until_allowed,
    user_name_problem,
)


def test_user_names_and_passwords_by_the_policy() -> None:
    assert user_name_problem("dana.k@team") is None
    assert user_name_problem("-dana") == "a user name starts with a letter or a digit"
    assert user_name_problem("d" * 65) == "a user name is at most 64 characters, this one has 65"
    assert password_problem("correct horse", user_name="dana") is None
    assert password_problem("Dana12345678", user_name="dana12345678") == (
        "a password cannot be the user name"
    )


def test_token_scopes_an_account_may_hand_out() -> None:
    assert [s.value for s in TokenScope if scope_allowed(Role.VIEWER, s)] == ["read"]
    assert [s.value for s in TokenScope if scope_allowed(Role.REVIEWER, s)] == ["read", "write"]
    assert [s.value for s in TokenScope if scope_allowed(Role.ADMIN, s)] == [
        "read",
        "write",
        "admin",
    ]


def test_a_try_is_allowed_again_once_enough_failures_age_out_of_the_window() -> None:
    limit = LoginLimit(failures=3, window=600)
    assert seconds_until_allowed([10.0, 20.0], limit) is None
    assert seconds_until_allowed([10.0, 20.0, 700.0], limit) is None  # one is out of the window
    assert seconds_until_allowed([10.0, 20.0, 30.0], limit) == 570  # the oldest leaves first
    assert seconds_until_allowed([10.0, 200.0, 300.0, 400.0], limit) == 300  # two must leave
