"""``blamefree serve``: the web app and JSON API over the store (docs/web.md, docs/deploy.md)."""

from __future__ import annotations

import datetime as dt
import errno
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import AppContext, app_context, prepare_schema
from blamefree.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from blamefree.web.demo import DemoLoaded

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8000
PROGRESS_AFTER = 2.0
"""Seconds of demo loading after which a progress bar is worth showing."""

SERVE_HELP = """\
Start the web app and JSON API, and print its address.

Pages at /, the JSON API under /api/v1 (its docs at /api/docs), webhooks under /hooks/, and
/healthz for load balancers. Ctrl+C stops it.

Examples:

  blamefree serve --demo                  fictional demo data, thrown away on exit
  blamefree serve                         the configured store (--db / BLAMEFREE_DATABASE_URL)
  blamefree --db postgresql://pm@db/pm serve --workers 4 --port 8080

Every page and the API need a login (docs/accounts.md). When the store has no account yet,
serve prints a one-time link that creates the first admin (or add one with `blamefree user
add NAME --role admin`); --demo has an account per role, password blamefree-demo. Over plain
http keep the default 127.0.0.1 and put a TLS reverse proxy in front. Several workers need
PostgreSQL and BLAMEFREE_SECRET_KEY (docs/deploy.md).
"""


class _Stopped(Exception):
    """SIGTERM, raised where the server was running so the clean-up below it still runs."""


@app.command("serve", help=SERVE_HELP)
def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on. 127.0.0.1 is this computer only; 0.0.0.0 is every "
            "interface (a warning says passwords then cross the network unencrypted: put a TLS "
            "proxy in front).",
        ),
    ] = LOOPBACK,
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="TCP port to listen on.")
    ] = DEFAULT_PORT,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Worker processes. They share nothing but the store and the signing key: use "
            "PostgreSQL for more than one (SQLite allows one writer at a time).",
        ),
    ] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Serve a fresh, throw-away SQLite store filled with the fictional demo "
            "post-mortems, on the demo's calendar (your configured store is not touched; the "
            "loaded demo is kept in the user cache folder for the next start).",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            metavar="IPS",
            help="Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto headers are "
            "believed (comma-separated addresses or networks, '*' for any). Default: "
            "$FORWARDED_ALLOW_IPS, else 127.0.0.1.",
        ),
    ] = None,
) -> None:
    app_ctx = app_context(ctx)
    address = _check_host(host)
    _check_port_free(address, host, port)
    if workers > 1 and app_ctx.settings.secret_key is None and not demo:
        raise ConfigError(
            f"--workers {workers} needs BLAMEFREE_SECRET_KEY: every worker must check the "
            "cookies the others signed (sessions, CSRF tokens), and they "
            "must stay valid across restarts; set it to a random value of at least 32 "
            "characters (openssl rand -hex 32) in the environment of every worker "
            "(docs/deploy.md)"
        )
    scratch: Path | None = None
    try:
        with _stopped_by_sigterm():
            demo_store: Path | None = None
            if demo:
                scratch = Path(tempfile.mkdtemp(prefix="blamefree-demo-"))
                demo_store = scratch / "demo.sqlite3"
                _use_store(app_ctx, f"sqlite:///{demo_store}")
            setup_token = _prepare(app_ctx, demo_store=demo_store)
            _warn_if_exposed(app_ctx, host)
            _announce(app_ctx, host, port, setup_token=setup_token, demo=demo)
            _run(app_ctx, host=host, port=port, workers=workers, proxies=forwarded_allow_ips)
    except (KeyboardInterrupt, _Stopped):
        pass  # Ctrl+C or SIGTERM: the server has shut down; clean up below
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    app_ctx.err.print("Stopped." + (" The demo store is removed." if demo else ""))


def _use_store(app_ctx: AppContext, url: str) -> None:
    app_ctx.settings = app_ctx.settings.model_copy(update={"database_url": url})


def _prepare(app_ctx: AppContext, *, demo_store: Path | None) -> str | None:
    """Schema (and demo data) once, before any worker starts; one signing key for all.

    Returns the one-time first-admin token when the store has no account (else None).
    """
    from blamefree.store import make_engine
    from blamefree.web import demo_cache
    from blamefree.web.asgi import DEMO_SHIFT_VARIABLE, PREPARED_VARIABLE
    from blamefree.web.demo import demo_shift, demo_today, expected_load

    started = time.monotonic()
    cache_dir = demo_cache.default_cache_dir()
    restored = demo_store is not None and demo_cache.restore(demo_store, cache_dir=cache_dir)
    engine = make_engine(app_ctx.settings.database_url)
    loaded = None
    try:
        prepare_schema(engine)
        if demo_store is not None and not restored:
            loaded = _load_demo(app_ctx, engine, started)
        setup_token = _first_admin_token(app_ctx, engine)
    finally:
        engine.dispose()
    if demo_store is not None:
        if restored:
            _say_loaded(app_ctx, expected_load(), f"copied from {cache_dir}", started)
        elif loaded == expected_load():  # kept only when it is what the manifest says
            demo_cache.keep(demo_store, cache_dir=cache_dir)
        shift = demo_shift(demo_today(), now=dt.datetime.now(dt.UTC))
        os.environ[DEMO_SHIFT_VARIABLE] = str(shift.days)
    os.environ[PREPARED_VARIABLE] = "1"
    _export_settings(app_ctx)
    return setup_token


def _first_admin_token(app_ctx: AppContext, engine: Engine) -> str | None:
    """A new one-time first-admin token when the store has no account (only its hash is kept;
    each start makes a new one, and the one before stops working)."""
    from blamefree.services import accounts
    from blamefree.store.unit_of_work import UnitOfWork

    with UnitOfWork(engine) as uow:
        return accounts.issue_setup_link(uow, now=app_ctx.now())


def _export_settings(app_ctx: AppContext) -> None:
    """The workers read their settings from the environment: what the options said goes there.

    Without BLAMEFREE_SECRET_KEY, one random key for every worker of this run (their cookies
    must check out on each other; they do not outlive the run).
    """
    settings = app_ctx.settings
    os.environ["BLAMEFREE_DATABASE_URL"] = settings.database_url
    os.environ["BLAMEFREE_TIMEZONE"] = settings.timezone
    if settings.user:
        os.environ["BLAMEFREE_USER"] = settings.user
    if settings.secret_key is None:
        os.environ["BLAMEFREE_SECRET_KEY"] = secrets.token_hex(32)


def _load_demo(app_ctx: AppContext, engine: Engine, started: float) -> DemoLoaded:
    from blamefree.web.demo import load_demo

    progress = Progress(
        TextColumn("Loading the demo post-mortems"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=app_ctx.err,
        transient=True,
        disable=not app_ctx.err.is_terminal,
    )
    task = progress.add_task("demo", total=None)

    def step(done: int, total: int) -> None:
        # Quick loads print nothing; a slow machine sees the bar after PROGRESS_AFTER seconds.
        if not progress.live.is_started and time.monotonic() - started > PROGRESS_AFTER:
            progress.start()
        progress.update(task, completed=done, total=total)

    try:
        loaded = load_demo(engine, progress=step)
    finally:
        progress.stop()
    _say_loaded(app_ctx, loaded, "loaded", started)
    return loaded


def _say_loaded(app_ctx: AppContext, loaded: DemoLoaded, how: str, started: float) -> None:
    from blamefree.web.demo import demo_today

    app_ctx.err.print(
        line(
            ("demo:", "green"),
            f" {loaded.postmortems} fictional post-mortems with {loaded.events} timeline events, "
            f"{loaded.reviews} reviews held, {how} in {_seconds(time.monotonic() - started)}; the "
            f"demo's calendar reads {demo_today():%A %Y-%m-%d} (the day its data was written for)",
        ),
        soft_wrap=True,
    )


def _seconds(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def _announce(
    app_ctx: AppContext, host: str, port: int, *, setup_token: str | None, demo: bool
) -> None:
    from blamefree.services.accounts import DEMO_PASSWORD, DEMO_USERS, SETUP_LINK_TTL

    shown_host = f"[{host}]" if ":" in host else host
    base = (app_ctx.settings.public_url or f"http://{shown_host}:{port}").rstrip("/")
    app_ctx.out.print(
        line(("Blamefree is serving at ", "bold"), (f"http://{shown_host}:{port}/", "bold cyan")),
        soft_wrap=True,
    )
    app_ctx.out.print(f"API docs at http://{shown_host}:{port}/api/docs · Ctrl+C stops it")
    settings = app_ctx.settings
    if settings.sign_on_configured:
        app_ctx.out.print(
            f"Single sign-on with {settings.oidc_issuer}; its redirect URI is "
            f"{base}/login/oidc/callback",
            soft_wrap=True,
            markup=False,
        )
    if demo:
        names = ", ".join(name for name, _display, _role in DEMO_USERS)
        app_ctx.out.print(
            line(
                "Log in as one of ",
                (names, "bold"),
                " (one account per role) with the password ",
                (DEMO_PASSWORD, "bold"),
                ".",
            ),
            soft_wrap=True,
        )
    elif setup_token is not None:
        hours = int(SETUP_LINK_TTL.total_seconds() // 3600)
        app_ctx.out.print(
            line(
                ("No accounts yet.", "bold yellow"),
                f" Create the first admin within {hours} hours, once, at:",
            ),
            soft_wrap=True,
        )
        app_ctx.out.print(f"  {base}/first-admin?token={setup_token}", soft_wrap=True, markup=False)
    app_ctx.out.file.flush()


def _run(app_ctx: AppContext, *, host: str, port: int, workers: int, proxies: str | None) -> None:
    import uvicorn

    common = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        "proxy_headers": True,
        "forwarded_allow_ips": proxies,
    }
    if workers == 1:
        from blamefree.web.asgi import app_from_environment

        uvicorn.run(app_from_environment(), **common)  # type: ignore[arg-type]
        return
    uvicorn.run(
        "blamefree.web.asgi:app_from_environment",
        factory=True,
        workers=workers,
        **common,  # type: ignore[arg-type]
    )


def _check_host(host: str) -> str:
    """The address to bind (``localhost`` is 127.0.0.1); UsageError when it is none."""
    if host == "localhost":
        return LOOPBACK
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise UsageError(f"--host {host!r} is not an IP address or localhost") from None
    return host


def _check_port_free(address: str, host: str, port: int) -> None:
    """UsageError naming the port when something listens there already (before any work)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((address, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"port {port} on {host} is in use by another program; stop it or choose "
                    f"another with --port (e.g. --port {port + 1 if port < 65535 else 8000})"
                ) from None
            if error.errno == errno.EACCES:
                raise UsageError(
                    f"port {port} on {host} needs privileges this user lacks; choose a port "
                    "above 1023 with --port"
                ) from None
            raise UsageError(
                f"cannot listen on {host} port {port}: {error.strerror or error}"
            ) from None


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM (systemd, kill) stops as Ctrl+C does: the server shuts down, the demo store goes."""

    def stop(_signal: int, _frame: FrameType | None) -> None:
        raise _Stopped

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _warn_if_exposed(app_ctx: AppContext, host: str) -> None:
    loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    if not loopback:
        app_ctx.err.print(
            line(
                ("WARNING:", "bold red"),
                f" listening on {host} over plain http: passwords and session cookies cross the "
                "network unencrypted. Serve on 127.0.0.1 behind a reverse proxy that speaks "
                "TLS (docs/deploy.md).",
            ),
            soft_wrap=True,
        )
