"""Real Chromium on a real server for page tests: Debian's /usr/bin/chromium through Playwright.

- ``LiveServer``: uvicorn serving an app on 127.0.0.1 and a free port, in a thread.
- ``screenshot(page, name)``: a full-page PNG under the run's artifacts
  (``$BLAMEFREE_ARTIFACTS``, default ``test-artifacts/``), ``screenshots/<name>.png``.
- ``serious_violations(page)``: axe-core's serious and critical findings on the page.
- ``LoggedInBrowser``: the browser whose every new context starts logged in to the live server
  of its ``base_url`` (as the admin ``Tester``, or the account the server was made with), so
  a page test opens pages as a person would after logging in.

No browser is ever downloaded: without /usr/bin/chromium the tests are skipped (CI installs
the Debian package, so there they run).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from blamefree.domain.accounts import Role
from blamefree.web.auth import SESSION_COOKIE
from support.web import TESTER, session_cookie

CHROMIUM = Path("/usr/bin/chromium")


def artifacts_dir() -> Path:
    root = Path(os.environ.get("BLAMEFREE_ARTIFACTS", "test-artifacts"))
    folder = root / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


LOGINS: dict[str, str] = {}
"""The session cookie of each running live server's account, by the server's URL."""


class LiveServer:
    """``with LiveServer(app) as server:`` serves ``app`` at ``server.url`` until the block ends.

    ``user`` (default the admin ``Tester``; None: nobody) is the account browser contexts on
    this server start logged in as (``LoggedInBrowser``).
    """

    def __init__(self, app: FastAPI, *, user: str | None = TESTER, role: Role = Role.ADMIN) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cookie = session_cookie(app, user, role=role) if user is not None else None
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        if self.cookie is not None:
            LOGINS[self.url] = self.cookie
        return self

    def __exit__(self, *_exc: object) -> None:
        LOGINS.pop(self.url, None)
        self.server.should_exit = True
        self.thread.join(timeout=10)


def log_in_as(page: Any, server: LiveServer, name: str, *, role: Role = Role.ADMIN) -> None:
    """Make ``page``'s browser context a session of ``name`` (the account is made if needed),
    as a login through the form would; the next navigation is theirs."""
    cookie = session_cookie(server.app, name, role=role)
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": server.url}])


class LoggedInBrowser:
    """Playwright's browser, whose ``new_context(base_url=...)`` carries the session cookie of
    the live server at that URL (see ``LiveServer``); everything else is the browser's."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        base = options.get("base_url")
        cookie = LOGINS.get(base) if isinstance(base, str) else None
        if cookie is not None:
            context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": base}])
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


def screenshot(page: Any, name: str) -> Path:
    path = artifacts_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page: Any) -> list[str]:
    """Each serious or critical axe-core violation: rule id, impact and the first element."""
    from axe_playwright_python.sync_playwright import Axe

    # Checked on a settled page: a request in flight dims its part (aria-busy, lower opacity)
    # and axe would measure the contrast of that passing state rather than of the page.
    page.wait_for_function(
        "!document.querySelector('[aria-busy=true]')"
        " && document.getAnimations().every(a => a.playState !== 'running')"
    )
    results = Axe().run(page)
    found = []
    for violation in results.response.get("violations", []):
        if violation.get("impact") in ("serious", "critical"):
            nodes = violation.get("nodes") or [{}]
            target = nodes[0].get("target")
            found.append(f"{violation['id']} ({violation['impact']}): {target}")
    return found
