"""`blamefree user ...` and `blamefree token ...` on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

from blamefree.domain.accounts import Role
from blamefree.domain.sso import ProviderIdentity
from blamefree.services import sso
from blamefree.store import make_engine
from blamefree.store.unit_of_work import UnitOfWork
from support.cli import Invoke

PASSWORD = "a long enough secret"


def test_user_add_list_role_disable_and_the_password_is_never_shown(cli: Invoke) -> None:
    added = cli(
        "user",
        "add",
        "dana",
        "--role",
        "admin",
        "--display-name",
        "Dana K",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.stderr
    assert "Added dana (admin); they can log in now." in added.stdout
    assert cli("user", "add", "kim", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    twice = cli("user", "add", "KIM", "--password-stdin", input=PASSWORD + "\n")
    assert (twice.exit_code, "there is an account named 'kim' already" in twice.stderr) == (5, True)
    weak = cli("user", "add", "sam", "--password-stdin", input="short\n")
    assert weak.exit_code == 3
    assert "a password needs at least 10 characters" in weak.stderr
    assert cli("user", "role", "kim", "reviewer").stdout.strip() == "kim is now reviewer."
    assert cli("user", "disable", "kim").stdout.strip() == "kim is disabled."
    last = cli("user", "disable", "dana")
    assert (last.exit_code, "the only enabled admin" in last.stderr) == (5, True)
    listed = cli("user", "list", "--json")
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["display_name"], r["role"], r["disabled"]) for r in rows] == [
        ("dana", "Dana K", "admin", False),
        ("kim", None, "reviewer", True),
    ]
    changed = cli("user", "passwd", "dana", "--password-stdin", input="another long secret\n")
    assert changed.exit_code == 0
    everything = "".join(
        r.stdout + r.stderr for r in (added, twice, weak, listed, changed, cli("user", "list"))
    )
    assert PASSWORD not in everything
    assert "another long secret" not in everything
    assert "argon2" not in everything
    missing = cli("user", "role", "nobody", "viewer")
    assert (missing.exit_code, "there is no account named 'nobody'" in missing.stderr) == (4, True)


def test_without_a_terminal_a_password_must_come_on_stdin(cli: Invoke) -> None:
    asked = cli("user", "add", "dana")
    assert asked.exit_code == 2
    assert "--password-stdin" in asked.stderr


def test_token_create_prints_the_secret_once_then_list_and_revoke(cli: Invoke) -> None:
    cli("user", "add", "ci", "--role", "author", "--password-stdin", input=PASSWORD + "\n")
    made = cli(
        "token", "create", "--user", "ci", "--name", "CI export", "--scope", "write", "--json"
    )
    assert made.exit_code == 0, made.stderr
    created = json.loads(made.stdout)
    secret = created["secret"]
    assert secret.startswith("bf_")
    assert created["token"]["prefix"] == secret[:10]
    listed = cli("token", "list", "--json")
    assert secret not in listed.stdout
    [row] = json.loads(listed.stdout)
    assert (row["owner"], row["name"], row["scope"], row["revoked_at"]) == (
        "ci",
        "CI export",
        "write",
        None,
    )
    too_wide = cli("token", "create", "--user", "ci", "--name", "x", "--scope", "admin")
    assert too_wide.exit_code == 10
    revoked = cli("token", "revoke", str(row["id"]))
    assert revoked.stdout.strip() == f"Revoked token {row['id']} (CI export) of ci."
    assert json.loads(cli("token", "list", "--json").stdout)[0]["revoked_at"] is not None
    assert cli("token", "revoke", "999").exit_code == 4


def test_user_list_says_who_logs_in_with_a_password_or_a_sign_on(
    cli: Invoke, database_url: str
) -> None:
    assert cli("user", "add", "dana", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    engine = make_engine(database_url)
    try:
        with UnitOfWork(engine) as uow:
            sso.sign_on(
                uow,
                identity=ProviderIdentity(
                    issuer="https://id.example.com", subject="s-1", preferred_username="dana"
                ),
                default_role=Role.VIEWER,
                now=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
                lifetime=dt.timedelta(days=1),
            )
    finally:
        engine.dispose()
    rows = json.loads(cli("user", "list", "--json").stdout)
    assert [(r["name"], r["role"], r["sign_on"]) for r in rows] == [
        ("dana", "author", False),
        ("dana-2", "viewer", True),
    ]
    table = cli("user", "list").stdout
    assert [" ".join(row.split()) for row in table.splitlines() if "dana" in row] == [
        "│ dana │ — │ author │ — │ password │ enabled │",
        "│ dana-2 │ — │ viewer │ — │ sign-on │ enabled │",
    ]
