"""`make tour`: a short guided tour of Blamefree on a fresh local SQLite store."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from importlib import resources
from pathlib import Path

from rich.panel import Panel
from rich.rule import Rule

from blamefree.cli import app
from blamefree.cli.console import SafeConsole, line

DEMO_DIR = Path(".blamefree-demo")


def _run(console: SafeConsole, *args: str) -> None:
    # soft_wrap: a long command line is left for the terminal to wrap, so it copies whole.
    console.print()
    console.print(line(("$", "bold green"), f" blamefree {shlex.join(args)}"), soft_wrap=True)
    try:
        app(args=list(args), prog_name="blamefree", standalone_mode=False)
    except SystemExit as stop:  # commands may end with an exit code; the tour goes on
        if stop.code not in (0, None):
            console.print(line((f"(exit code {stop.code})", "red")))


def main(argv: list[str] | None = None) -> int:
    """Create a post-mortem, import a filled example, list the store and show one."""
    previous = os.environ.get("BLAMEFREE_DATABASE_URL")
    try:
        return _tour()
    finally:
        # The tour's store is for the tour: whoever called us keeps their own setting.
        if previous is None:
            os.environ.pop("BLAMEFREE_DATABASE_URL", None)
        else:
            os.environ["BLAMEFREE_DATABASE_URL"] = previous


def _tour() -> int:
    console = SafeConsole()
    if DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)
    DEMO_DIR.mkdir()
    database = DEMO_DIR / "blamefree.sqlite3"
    os.environ["BLAMEFREE_DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    data = resources.files("blamefree").joinpath("data")
    example = DEMO_DIR / "example-postmortem.md"
    example.write_text(data.joinpath("example-postmortem.md").read_text("utf-8"), encoding="utf-8")
    pagerduty_log = DEMO_DIR / "pagerduty-log.json"
    pagerduty_log.write_text(
        data.joinpath("demo-pagerduty-log.json").read_text("utf-8"), encoding="utf-8"
    )
    console.print(
        Panel.fit(
            line(
                ("Blamefree", "bold"),
                ": blameless incident post-mortems as data.\n",
                "Post-mortems are about learning, not blame.",
            ),
            title="Guided demo",
        )
    )
    console.print(
        line("This tour uses a fresh SQLite store: ", (str(database), "cyan")), soft_wrap=True
    )
    console.print(Rule("1. Start a post-mortem from the template"))
    new_file = DEMO_DIR / "INC-DEMO-1.md"
    _run(
        console,
        "new",
        "--title",
        "Checkout error spike",
        "--severity",
        "P2",
        "--id",
        "INC-DEMO-1",
        "--date",
        "2024-03-12",
        "-o",
        str(new_file),
    )
    head = "\n".join(new_file.read_text(encoding="utf-8").splitlines()[:12])
    console.print(line((head + "\n...", "dim")))
    console.print(Rule("2. Import it and a filled example into the store"))
    _run(console, "import", str(new_file), str(example))
    console.print(Rule("3. List the store"))
    _run(console, "list")
    console.print(Rule("4. Show one post-mortem"))
    _run(console, "show", "INC-2024-0142")
    console.print(Rule("5. Metrics derived from its timeline"))
    _run(console, "metrics", "INC-2024-0142")
    console.print(Rule("6. Build a timeline from a PagerDuty log"))
    _run(console, "timeline", "import", "INC-DEMO-1", "pagerduty", str(pagerduty_log))
    _run(console, "metrics", "INC-DEMO-1")
    console.print(Rule("7. Follow through: overdue action items on 25 March 2024"))
    _run(console, "--now", "2024-03-25T09:00:00Z", "actions", "list", "--overdue")
    console.print(Rule("8. Blameless review: lint a draft"))
    draft = DEMO_DIR / "draft.md"
    draft.write_text(
        example.read_text(encoding="utf-8").replace(
            "Config rollback to the previous release and a rolling restart.",
            "Dave should have checked the config before he broke the deploy.",
        ),
        encoding="utf-8",
    )
    _run(console, "lint", str(draft), "--select", "BF1")
    console.print(Rule("Next: try more on the same store"))
    url = f"sqlite:///{database.resolve()}"
    for hint in (
        f"export BLAMEFREE_DATABASE_URL={shlex.quote(url)}",
        ".venv/bin/blamefree --help",
        f".venv/bin/blamefree parse {shlex.quote(str(example))} --json",
        ".venv/bin/blamefree history INC-2024-0142",
    ):
        # Not in a panel and never wrapped by us: each hint pastes as one line.
        console.print(f"  {hint}", soft_wrap=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
