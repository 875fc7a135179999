"""``blamefree serve``: the web app and JSON API over the store (docs/web.md, docs/deploy.md)."""

from __future__ import annotations

import ipaddress
import os
import shutil
import tempfile
from pathlib import Path

import typer

from blamefree.cli.app import app
from blamefree.cli.console import line
from blamefree.cli.context import AppContext, app_context, prepare_schema
from blamefree.errors import UsageError

LOOPBACK = "127.0.0.1"


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: str = typer.Option(
        LOOPBACK,
        "--host",
        help="Address to listen on. Default 127.0.0.1 (this computer only); 0.0.0.0 listens on "
        "every interface: put it behind a reverse proxy (docs/deploy.md).",
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port to listen on."),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Worker processes. Several workers share nothing but the store and the signing "
        "key, so use PostgreSQL for more than one (SQLite works, with one writer at a time).",
    ),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Serve a fresh, throw-away SQLite store filled with the fictional demo "
        "post-mortems (your configured store is not touched).",
    ),
) -> None:
    """Start the web app and JSON API, and print its address.

    Pages at /, the API under /api/v1 (docs at /api/docs), webhooks under /hooks/.
    Stop it with Ctrl+C.
    """
    app_ctx = app_context(ctx)
    scratch: Path | None = None
    try:
        if demo:
            scratch = Path(tempfile.mkdtemp(prefix="blamefree-demo-"))
            os.environ["BLAMEFREE_DATABASE_URL"] = f"sqlite:///{scratch / 'demo.sqlite3'}"
            app_ctx.settings = app_ctx.settings.model_copy(
                update={"database_url": os.environ["BLAMEFREE_DATABASE_URL"]}
            )
        _run(app_ctx, host=host, port=port, workers=workers, demo=demo)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _run(app_ctx: AppContext, *, host: str, port: int, workers: int, demo: bool) -> None:
    import secrets

    import uvicorn

    from blamefree.store import make_engine
    from blamefree.web.app import create_app
    from blamefree.web.asgi import DEMO_VARIABLE, PREPARED_VARIABLE

    settings = app_ctx.settings
    engine = make_engine(settings.database_url)
    try:
        prepare_schema(engine)
        if demo:
            from blamefree.web.demo import load_demo

            count = load_demo(engine, today=app_ctx.today())
            app_ctx.err.print(line(("demo:", "green"), f" loaded {count} fictional post-mortems"))
    finally:
        engine.dispose()
    _warn_if_exposed(app_ctx, host)
    if settings.secret_key is None:
        # One key for every worker of this run: their cookies must check out on each other.
        os.environ["BLAMEFREE_SECRET_KEY"] = secrets.token_hex(32)
    shown_host = f"[{host}]" if ":" in host else host
    app_ctx.out.print(
        line(("Blamefree is serving at ", "bold"), (f"http://{shown_host}:{port}/", "bold cyan")),
        soft_wrap=True,
    )
    app_ctx.out.print(f"API docs at http://{shown_host}:{port}/api/docs · Ctrl+C stops it")
    if workers == 1:
        from blamefree.config import load_settings

        web_app = create_app(load_settings(), demo=demo, prepare=False)
        uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False)
        return
    os.environ[DEMO_VARIABLE] = "1" if demo else "0"
    os.environ[PREPARED_VARIABLE] = "1"
    uvicorn.run(
        "blamefree.web.asgi:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def _warn_if_exposed(app_ctx: AppContext, host: str) -> None:
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        raise UsageError(f"--host {host!r} is not an IP address or localhost") from None
    if not loopback:
        app_ctx.err.print(
            line(
                ("WARNING:", "bold red"),
                f" listening on {host}: anyone who can reach this address can read and change "
                "every post-mortem, because accounts are not switched on yet. Serve on "
                "127.0.0.1 behind a reverse proxy that authenticates (docs/deploy.md).",
            ),
            soft_wrap=True,
        )
