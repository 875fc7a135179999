"""``blamefree serve`` as a person runs it: a child process on a free port, stopped by Ctrl+C."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from web.serve.server import csrf_of, free_port, log_in, serving


def _scratch_folders(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("blamefree-demo-*"))


def test_serve_demo_prints_its_url_serves_the_demo_and_cleans_up_on_ctrl_c(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {  # the scratch store and the cached demo land here
        "TMPDIR": str(tmp_path),
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    with serving(["serve", "--demo", "--port", str(port)], env=env, cwd=tmp_path) as served:
        assert served.url == f"http://127.0.0.1:{port}/"
        assert len(_scratch_folders(tmp_path)) == 1
        assert (
            "Log in as one of admin, approver, reviewer, author, viewer (one account per role) "
            "with the password blamefree-demo." in "".join(served.stdout)
        )
        anonymous = httpx.get(served.url, timeout=30)
        assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/login?next=%2F")
        browser = httpx.Client(
            base_url=served.url, headers={"origin": served.url.rstrip("/")}, timeout=30
        )
        log_in(browser, "viewer", "blamefree-demo")
        page = browser.get("")
        assert page.status_code == 200
        assert (
            "Storefront 429s and 503s after a rate-limit config reached every region" in page.text
        )
        assert "Demo store" in page.text
        health = httpx.get(served.url + "healthz", timeout=30).json()
        assert (health["status"], health["store"], health["backend"]) == ("ok", "ok", "sqlite")
        api = browser.get("api/v1/postmortems/INC-2026-0174")
        assert (api.json()["severity"], api.json()["version"]) == ("P0", 13)
        browser.close()
    assert served.process.returncode == 0, served.output()
    assert _scratch_folders(tmp_path) == []
    errors = "".join(served.stderr)
    assert "demo: 14 fictional post-mortems with 274 timeline events" in errors
    assert "Stopped. The demo store is removed." in errors
    assert "Traceback" not in served.output()
    assert len(list((tmp_path / "cache" / "blamefree").glob("demo-*.sqlite3"))) == 1
    # The next start copies the loaded demo instead of loading it again.
    with serving(["serve", "--demo", "--port", str(port)], env=env, cwd=tmp_path) as again:
        browser = httpx.Client(
            base_url=again.url, headers={"origin": again.url.rstrip("/")}, timeout=30
        )
        log_in(browser, "author", "blamefree-demo")
        page = browser.get("")
        browser.close()
        assert (
            "Storefront 429s and 503s after a rate-limit config reached every region" in page.text
        )
    assert again.process.returncode == 0, again.output()
    assert f"274 timeline events, 27 reviews held, copied from {tmp_path / 'cache'}" in "".join(
        again.stderr
    )
    assert _scratch_folders(tmp_path) == []


def test_a_port_in_use_is_a_usage_error_before_anything_is_loaded(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "blamefree", "serve", "--demo", "--port", str(port)],
            env={"TMPDIR": str(tmp_path), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert f"port {port} on 127.0.0.1 is in use by another program" in done.stderr
    assert f"--port {port + 1}" in done.stderr
    assert "demo:" not in done.stderr  # refused before the demo was loaded
    assert _scratch_folders(tmp_path) == []


@pytest.mark.parametrize(
    ("host", "message"),
    [("example.com", "is not an IP address or localhost")],
)
def test_a_host_that_is_no_address_is_refused(tmp_path: Path, host: str, message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "blamefree", "serve", "--host", host],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert message in done.stderr


def test_serve_help_says_what_it_serves_and_how_to_run_it_safely(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "blamefree", "serve", "--help"],
        cwd=tmp_path,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    for words in (
        "blamefree serve --demo",
        "/healthz",
        "--workers",
        "--forwarded-allow-ips",
        "Every page and the API need a login",
        "one-time link",
        "BLAMEFREE_SECRET_KEY",
    ):
        assert words in done.stdout, words


def test_several_workers_without_a_secret_key_are_refused(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "blamefree", "serve", "--workers", "2", "--port", str(free_port())],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 6, done.stderr  # ConfigError
    assert "--workers 2 needs BLAMEFREE_SECRET_KEY" in done.stderr
    assert "openssl rand -hex 32" in done.stderr


def test_serve_on_a_store_of_ones_own_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    env = {"BLAMEFREE_DATABASE_URL": f"sqlite:///{store / 'pm.sqlite3'}", "HOME": str(tmp_path)}
    port = free_port()
    with serving(["serve", "--port", str(port)], env=env, cwd=tmp_path) as served:
        printed = "".join(served.stdout)
        assert "No accounts yet. Create the first admin within 24 hours, once, at:" in printed
        link = re.search(r"(http://\S+/first-admin\?token=\S+)", printed)
        assert link is not None, printed
        browser = httpx.Client(
            base_url=served.url, headers={"origin": served.url.rstrip("/")}, timeout=30
        )
        token = link.group(1).split("token=", 1)[1]
        form = {
            "csrf_token": csrf_of(browser, f"first-admin?token={token}"),
            "token": token,
            "name": "sam",
            "password": "a long first password",
            "password_again": "a long first password",
        }
        made = browser.post("first-admin", data=form)
        assert (made.status_code, made.headers["location"]) == (303, "/account")
        assert browser.get("").text.count("No post-mortems yet</h2>") == 1
        again = httpx.post(served.url + "first-admin", data=form, timeout=30)
        assert again.status_code in (401, 403)  # the link is used up (and a CSRF-less post fails)
        assert browser.get(f"first-admin?token={token}").status_code == 401
        browser.close()
        assert served.stop(signal.SIGTERM) == 0, served.output()
    errors = "".join(served.stderr)
    assert errors.strip().endswith("Stopped.")
    assert "Traceback" not in errors
    assert (store / "pm.sqlite3").is_file()  # a store of one's own stays
