"""The README's console sessions, pasted line by line into one shell, twice, as a newcomer would.

Every ```console block is a session: lines starting with ``$ `` are commands, the lines up to the
next command are what the README says they print. The test runs all commands of all blocks in
one bash process, then all of them again, and compares each command's output with the README's
(action item ids are random per store, so ``A-XXXXXX`` stands for any of them, and trailing
spaces do not count). The tour must leave the repository as it found it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
MARK = "@@blamefree-readme-step@@"
ACTION_ID = re.compile(r"\bA-[0-9A-Z]{6}\b")
pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


@dataclass
class Step:
    command: str
    expected: list[str]


def readme_steps(text: str) -> list[Step]:
    """The commands of every console block, in order, each with the output shown after it."""
    steps: list[Step] = []
    for block in re.findall(r"^```console\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        for row in block.splitlines():
            if row.startswith("$ "):
                steps.append(Step(row[2:], []))
            elif steps:
                steps[-1].expected.append(row)
    return steps


def _normal(rows: list[str]) -> list[str]:
    cleaned = [ACTION_ID.sub("A-XXXXXX", row.rstrip()) for row in rows]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    while cleaned and not cleaned[0]:
        cleaned.pop(0)
    return cleaned


def _git_status() -> str | None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else None


def test_the_readme_has_a_tour_to_run() -> None:
    commands = [step.command for step in readme_steps(README.read_text(encoding="utf-8"))]
    assert 'cd "$(mktemp -d)"' in commands
    assert any(c.startswith("export BLAMEFREE_DATABASE_URL=") for c in commands)
    assert commands.index('cd "$REPO"') > commands.index('cd "$(mktemp -d)"')
    assert not any(re.search(r"\bA-[0-9A-Z]{6}\b", c) for c in commands)  # no one-machine ids


def test_the_readme_sessions_run_twice_in_a_row(tmp_path: Path) -> None:
    steps = readme_steps(README.read_text(encoding="utf-8"))
    script = "\n".join(f"echo {MARK}\n{step.command}" for step in steps)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("BLAMEFREE_") and key not in ("VISUAL", "EDITOR")
    }
    env.update(
        {
            "HOME": str(home),  # the default store, if anything used it, is not the user's
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "TMPDIR": str(tmp_path),  # where mktemp -d makes the tour's folder
            "COLUMNS": "100",
            "PYTHONUNBUFFERED": "1",  # stdout and stderr interleave as on a terminal
            # The README runs .venv/bin/blamefree; this is the same install when the suite
            # runs from the .venv, and the one under test otherwise.
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    before = _git_status()
    done = subprocess.run(
        ["bash", "-c", f"exec 2>&1\n{script}\n{script}\n"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    chunks = done.stdout.split(f"{MARK}\n")[1:]
    assert len(chunks) == 2 * len(steps), output[-2000:]
    assert "Traceback" not in output
    assert done.stderr == "", done.stderr
    for round_ in (0, 1):
        for n, step in enumerate(steps):
            shown = chunks[round_ * len(steps) + n].split("\n")
            assert _normal(shown) == _normal(step.expected), f"round {round_ + 1}: $ {step.command}"
    assert _git_status() == before
    assert len([p for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith("tmp.")]) == 2


def test_the_quick_start_points_to_the_web_docs() -> None:
    quick_start = README.read_text(encoding="utf-8").split("## Quick start", 1)[1]
    quick_start = quick_start.split("\n## ", 1)[0]
    linked = re.findall(r"\]\((docs/[a-z-]+\.md)\)", quick_start)
    for doc in ("docs/web.md", "docs/api.md", "docs/deploy.md", "docs/webhooks.md"):
        assert doc in linked
    assert [doc for doc in linked if not (ROOT / doc).is_file()] == []
