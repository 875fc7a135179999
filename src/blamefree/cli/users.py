"""`blamefree user ...` and `blamefree token ...`: local accounts and API tokens (docs/accounts.md).

A password is read with a hidden prompt (typed twice) or, for scripts, as the first line of
standard input with ``--password-stdin``; it is never echoed, printed or taken as an argument.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from rich.table import Table

from blamefree.cli import params
from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import AppContext, app_context, print_json
from blamefree.domain.accounts import Role, TokenScope
from blamefree.errors import UsageError
from blamefree.schemas.accounts import TokenCreatedRead, token_read, user_read
from blamefree.services import accounts as service
from blamefree.services import sessions, sso

user_app = typer.Typer(
    name="user",
    help="Local accounts of the web app: who may log in, with which role.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(user_app, name="user")
token_app = typer.Typer(
    name="token",
    help="API tokens for scripts and integrations (Authorization: Bearer <token>).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(token_app, name="token")

JsonOption = params.JsonOption
RoleOption = Annotated[
    Role,
    typer.Option(
        "--role",
        parser=params.choice(Role),
        metavar="ROLE",
        help="viewer, author, reviewer, approver or admin.",
    ),
]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input (for scripts) instead "
        "of asking for it.",
    ),
]
NameArgument = Annotated[str, typer.Argument(metavar="NAME", help="The user name.")]


def _password(from_stdin: bool) -> str:
    """The new password: hidden prompt typed twice, or stdin's first line; never echoed."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError(
            "no terminal to ask for the password on; pass it on standard input with "
            "--password-stdin"
        )
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


@user_app.command("add")
def add(
    ctx: typer.Context,
    name: NameArgument,
    role: RoleOption = Role.AUTHOR,
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="How pages show the person.")
    ] = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mail address.")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add an account. Example: blamefree user add dana --role reviewer --display-name "Dana K." """
    app_ctx = app_context(ctx)
    password = _password(password_stdin)
    with app_ctx.unit_of_work(create=True) as uow:
        account = service.add_user(
            uow,
            name=name,
            password=password,
            role=role,
            display_name=display_name,
            email=email,
            now=app_ctx.now(),
        )
    app_ctx.out.print(
        line("Added ", (account.name, "bold"), f" ({account.role.value}); they can log in now.")
    )


@user_app.command("passwd")
def passwd(ctx: typer.Context, name: NameArgument, password_stdin: PasswordStdin = False) -> None:
    """Set a new password; every session of the account is logged out."""
    app_ctx = app_context(ctx)
    password = _password(password_stdin)
    with app_ctx.unit_of_work() as uow:
        account = service.change_password(uow, name=name, password=password, now=app_ctx.now())
    app_ctx.out.print(
        line("Changed the password of ", (account.name, "bold"), "; their sessions are ended.")
    )


@user_app.command("role")
def role_(
    ctx: typer.Context,
    name: NameArgument,
    role: Annotated[
        Role,
        typer.Argument(
            parser=params.choice(Role),
            metavar="ROLE",
            help="viewer, author, reviewer, approver or admin.",
        ),
    ],
) -> None:
    """Give an account another role. Example: blamefree user role dana approver"""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        account = service.set_role(uow, name=name, role=role)
    app_ctx.out.print(line((account.name, "bold"), f" is now {account.role.value}."))


@user_app.command("disable")
def disable(
    ctx: typer.Context,
    name: NameArgument,
    enable: Annotated[
        bool, typer.Option("--enable", help="Enable the account again instead.")
    ] = False,
) -> None:
    """Disable an account: its sessions and tokens stop working at once (--enable undoes it)."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        account = service.set_disabled(uow, name=name, disabled=not enable)
    state = "disabled" if account.disabled else "enabled"
    app_ctx.out.print(line((account.name, "bold"), f" is {state}."))


@user_app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the accounts."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        accounts = service.list_users(uow)
        linked = sso.linked_accounts(uow)
    if as_json:
        print_json([user_read(a, sign_on=a.id in linked) for a in accounts])
        return
    if not accounts:
        app_ctx.out.print(
            line(
                "No accounts yet. Add an admin with ",
                ("blamefree user add NAME --role admin", "bold"),
                ", or use the link `blamefree serve` prints.",
            )
        )
        return
    table = Table(title=f"Accounts ({len(accounts)})", title_justify="left")
    for column in ("User", "Name", "Role", "E-mail", "Logs in with", "State"):
        table.add_column(column)
    for a in accounts:
        ways = [
            way for way, has in (("password", a.password_hash), ("sign-on", a.id in linked)) if has
        ]
        table.add_row(
            a.name,
            a.display_name or "—",
            a.role.value,
            a.email or "—",
            ", ".join(ways) or "—",
            "disabled" if a.disabled else "enabled",
        )
    app_ctx.out.print(table)


# --- tokens ---------------------------------------------------------------------------------


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", help="The account the token acts for.")],
    name: Annotated[str, typer.Option("--name", help="What uses it, e.g. 'CI export'.")],
    scope: Annotated[
        TokenScope,
        typer.Option(
            "--scope",
            parser=params.choice(TokenScope),
            metavar="SCOPE",
            help="read, write or admin (at most what the account's role allows).",
        ),
    ] = TokenScope.READ,
    as_json: JsonOption = False,
) -> None:
    """Make an API token and print it once. Example: blamefree token create --user ci --name CI"""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        token, secret = sessions.create_token(
            uow, owner=user, name=name, scope=scope, now=app_ctx.now()
        )
    if as_json:
        print_json(TokenCreatedRead(token=token_read(token), secret=secret))
        return
    _say_token(app_ctx, f"Token {token.id} ({token.scope.value}) for {token.owner}:", secret)


def _say_token(app_ctx: AppContext, heading: str, secret: str) -> None:
    app_ctx.err.print(line((heading, "bold")))
    app_ctx.out.print(secret, markup=False, highlight=False)
    app_ctx.err.print("It is shown only this once: keep it somewhere safe.")


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option("--user", help="Only this account's.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List API tokens (never their secrets)."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        tokens = sessions.list_tokens(uow, owner=user)
    if as_json:
        print_json([token_read(t) for t in tokens])
        return
    if not tokens:
        app_ctx.out.print(
            line("No tokens. Make one with ", ("blamefree token create", "bold"), ".")
        )
        return
    table = Table(title=f"API tokens ({len(tokens)})", title_justify="left")
    for column in ("Id", "Owner", "Name", "Scope", "Starts with", "Last used", "State"):
        table.add_column(column)
    for t in tokens:
        table.add_row(
            str(t.id),
            t.owner,
            t.name,
            t.scope.value,
            t.prefix + "…",
            f"{t.last_used_at:%Y-%m-%d %H:%M} UTC" if t.last_used_at else "never",
            f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "live",
        )
    app_ctx.out.print(table)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id (token list).")],
) -> None:
    """Revoke an API token; it stops working at once."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        token = sessions.revoke_token(uow, token_id=token_id, now=app_ctx.now())
    app_ctx.out.print(
        line(f"Revoked token {token.id} ({token.name}) of ", (token.owner, "bold"), ".")
    )
