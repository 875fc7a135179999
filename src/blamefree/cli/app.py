"""The root of the command line: global options and the one place errors become exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from blamefree.cli.console import line
from blamefree.cli.context import AppContext
from blamefree.cli.helptext import humanize
from blamefree.cli.hints import described
from blamefree.config import load_settings
from blamefree.errors import BlamefreeError, RemoteNotSupported, UsageError
from blamefree.remote import REMOTE_COMMANDS

EXIT_CODES_HELP = """\
Exit codes: 0 success; 1 error (or lint findings); 2 usage (bad option or value); 3 unreadable \
input (parse errors, bad ids); 4 not found; 5 conflict (stale edit, duplicate id, merge conflict, \
update that would lose work); 6 configuration (settings, --tz, --db folder); 7 store \
unavailable or busy, or the server of --server unreachable; 8 outside service failed; 9 not \
signed in; 10 not allowed; 11 too many failed logins. docs/errors.md lists every error.
"""


class BlamefreeGroup(TyperGroup):
    """Maps every BlamefreeError raised by a command to a red message (with the CLI's hint)
    and the exit code its class has in ``blamefree.errors.CODES``."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        humanize(self)  # --help in plain words, before anything is parsed
        return super().main(args, *rest, **options)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        # Click keeps the subcommand's name and what follows it here until it runs it.
        ctx.meta[COMMAND_KEY] = command_path(self, ctx, [*ctx._protected_args, *ctx.args])
        try:
            return super().invoke(ctx)
        except BlamefreeError as error:
            console = ctx.obj.err if isinstance(ctx.obj, AppContext) else None
            message = described(error, ctx.invoked_subcommand or "")
            if console is not None:
                # soft_wrap: a path or command in the message stays whole for copying.
                console.print(line(("error:", "bold red"), " ", message), soft_wrap=True)
            else:
                typer.echo(f"error: {message}", err=True)
            ctx.exit(error.exit_code)
        finally:
            if isinstance(ctx.obj, AppContext):
                ctx.obj.close()


COMMAND_KEY = "blamefree.command"
"""Where the root keeps the command being run (``actions list``), and whether help was asked."""
HELP_OPTIONS = ("-h", "--help")


def command_path(group: TyperGroup, ctx: typer.Context, args: list[str]) -> tuple[str, bool]:
    """The command the arguments name, as typed (``timeline import``), and whether they ask
    for help; read before the root runs, so that it can refuse one a server does not run."""
    names: list[str] = []
    command: object = group
    rest = list(args)
    while isinstance(command, TyperGroup) and rest and not rest[0].startswith("-"):
        found = command.get_command(ctx, rest[0])
        if found is None:
            break
        names.append(found.name or rest[0])
        command, rest = found, rest[1:]
    return " ".join(names), any(arg in HELP_OPTIONS for arg in rest)


def refuse_unless_remote(ctx: typer.Context) -> None:
    """With a server given, a command that needs a local store stops before it starts."""
    command, wants_help = ctx.meta.get(COMMAND_KEY, ("", False))
    if not command or wants_help or command in REMOTE_COMMANDS:
        return
    if any(name.startswith(f"{command} ") for name in REMOTE_COMMANDS):
        return  # a group named alone (`actions`) shows its commands, some of which work
    raise RemoteNotSupported(
        f"`blamefree {command}` works on a local store only, not against a server "
        f"(--server / BLAMEFREE_SERVER is set); against a server these work: "
        f"{', '.join(REMOTE_COMMANDS)}"
    )


app = typer.Typer(
    cls=BlamefreeGroup,
    name="blamefree",
    help="Blameless incident post-mortems: write, import, store and learn from them.\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        help="Store URL (SQLAlchemy), e.g. sqlite:///pm.db or postgresql://user@host/db. "
        "Default: BLAMEFREE_DATABASE_URL, else a SQLite file in your user data directory. "
        "A SQLite file's folder must exist; only import, new --save and people add create "
        "the file.",
        envvar=None,
    ),
    tz: str | None = typer.Option(
        None,
        "--tz",
        help="Time zone (IANA name) for times written without one. Default: BLAMEFREE_TIMEZONE "
        "or UTC; a document's own '**Time Zone:**' line wins. An unknown zone exits 6.",
    ),
    now: str | None = typer.Option(
        None,
        "--now",
        help="Pretend the current time is this ISO-8601 time (for reproducible runs).",
    ),
    as_user: str | None = typer.Option(
        None,
        "--as",
        metavar="NAME",
        help="Who makes the changes of this run, as the history records it. Default: "
        "BLAMEFREE_USER, else your login name. Against a server, the token's owner.",
    ),
    server: str | None = typer.Option(
        None,
        "--server",
        metavar="URL",
        help="Work against the Blamefree server at URL (e.g. https://pm.example.com) instead of "
        "a local store, with the API token in BLAMEFREE_TOKEN. Default: BLAMEFREE_SERVER. Only "
        "list, show, export, import, timeline import, actions list, actions set and lint work "
        "there; any other command exits 2. docs/remote.md.",
        envvar=None,
    ),
) -> None:
    """Blamefree: post-mortems are about learning, not blame."""
    settings = load_settings(database_url=db, timezone=tz, now=now, user=as_user, server=server)
    ctx.obj = AppContext(settings=settings)
    if settings.server:
        if db is not None:
            raise UsageError("give --db (a local store) or --server (a server), not both")
        refuse_unless_remote(ctx)
