"""``blamefree serve`` as a child process on a free port: start it, wait for it, stop it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

URL_LINE = re.compile(r"Blamefree is serving at (http://\S+/)")
START_TIMEOUT = 180.0  # a loaded CI machine loads the demo slowly
STOP_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Served:
    """A running ``blamefree serve``: its URL and everything it printed so far."""

    process: subprocess.Popen[str]
    url: str = ""
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)

    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)

    def stop(self, how: signal.Signals = signal.SIGINT) -> int:
        """Ctrl+C (as a person at the terminal would) or another signal; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(how)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"serve did not stop on {how.name}:\n{self.output()}") from None


def _drain(stream: object, into: list[str]) -> None:
    for row in iter(stream.readline, ""):  # type: ignore[attr-defined]
        into.append(row)


@contextmanager
def serving(
    args: Sequence[str], *, env: Mapping[str, str], cwd: Path, health_pids: int = 0
) -> Iterator[Served]:
    """``python -m blamefree ARGS``; yields once /healthz answers (and, with ``health_pids``,
    once that many different worker pids answered it)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "blamefree", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    served = Served(process)
    readers = [
        threading.Thread(target=_drain, args=(process.stdout, served.stdout), daemon=True),
        threading.Thread(target=_drain, args=(process.stderr, served.stderr), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not served.url:
            found = URL_LINE.search("".join(served.stdout))
            if found:
                served.url = found.group(1)
            elif process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"serve did not print its URL:\n{served.output()}")
            else:
                time.sleep(0.1)
        _wait_healthy(served, deadline)
        yield served
    finally:
        served.stop()
        for reader in readers:
            reader.join(timeout=5)


def _wait_healthy(served: Served, deadline: float) -> None:
    while True:
        try:
            if httpx.get(served.url + "healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if served.process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"serve never answered /healthz:\n{served.output()}")
        time.sleep(0.2)


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: httpx.Client, path: str = "login") -> str:
    """The CSRF token of a page (its cookie lands in the client)."""
    found = CSRF_FIELD.search(client.get(path).text)
    assert found is not None, f"{path} has no CSRF field"
    return found.group(1)


def log_in(client: httpx.Client, name: str, password: str) -> None:
    """Log ``client`` in through the login form, as a person would."""
    answer = client.post(
        "login",
        data={"csrf_token": csrf_of(client), "name": name, "password": password, "next": "/"},
    )
    assert answer.status_code == 303, answer.text
    assert "blamefree_session" in client.cookies
