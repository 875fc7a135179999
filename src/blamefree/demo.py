"""`make run`: a short guided tour of Blamefree on a fresh local SQLite store."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule

from blamefree.cli import app

DEMO_DIR = Path(".blamefree-demo")


def _run(console: Console, *args: str) -> None:
    console.print(f"\n[bold green]$[/] blamefree {shlex.join(args)}", highlight=False)
    try:
        app(args=list(args), prog_name="blamefree", standalone_mode=False)
    except SystemExit as stop:  # commands may end with an exit code; the tour goes on
        if stop.code not in (0, None):
            console.print(f"[red](exit code {stop.code})[/]")


def main(argv: list[str] | None = None) -> int:
    """Create a post-mortem, import a filled example, list the store and show one."""
    console = Console()
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
            "[bold]Blamefree[/]: blameless incident post-mortems as data.\n"
            f"This tour uses a fresh SQLite store in [cyan]{database}[/].\n"
            "Post-mortems are about learning, not blame.",
            title="Guided demo",
        )
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
    console.print("[dim]" + "\n".join(new_file.read_text().splitlines()[:12]) + "\n...[/]")
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
    console.print(
        Panel.fit(
            "Try more on the same store:\n"
            f"  export BLAMEFREE_DATABASE_URL=sqlite:///{database.resolve()}\n"
            "  .venv/bin/blamefree --help\n"
            "  .venv/bin/blamefree parse .blamefree-demo/example-postmortem.md --json\n"
            "  .venv/bin/blamefree history INC-2024-0142",
            title="Next",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
