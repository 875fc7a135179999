"""Every command that writes a post-mortem changes only the lines it must in the author's text.

The post-mortem (tests/data/postmortems/catalogue-search-author-style.md) is written the way
people write: `*` bullets, plain `Owner: TBD` labels, a due date in words, placeholders left in
the Appendix, a line of loose text under the header.
Each command's new revision is compared with the one before it (`blamefree diff`): the lines it
removes and adds are exactly the ones named here, and nothing else moves.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from support.cli import Invoke

NOW = "2024-06-12T08:00:00Z"

AUTHOR_FILE = (
    Path(__file__).parents[1] / "data" / "postmortems" / "catalogue-search-author-style.md"
)
AUTHOR_TEXT = AUTHOR_FILE.read_text("utf-8")

LOCK, PAGE, WINDOW = (
    "Put a timeout on the migration lock",
    "Page when the index is over 30 minutes old",
    "Run migrations outside the reindex window",
)


@pytest.fixture
def run(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("BLAMEFREE_NOW", NOW)
    assert cli("import", str(AUTHOR_FILE)).exit_code == 0
    return cli


def _ok(run: Invoke, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _json(run: Invoke, *args: str) -> Any:
    return json.loads(_ok(run, *args, "--json"))


def _ids(run: Invoke) -> dict[str, str]:
    return {item["text"]: item["id"] for item in _json(run, "actions", "list")}


def _changes(run: Invoke) -> tuple[list[str], list[str]]:
    """Lines the latest revision removed and added, against the one before it."""
    diff = _ok(run, "diff", "CAT-77")
    removed = [line[1:] for line in diff.splitlines() if re.match(r"-(?!--)", line)]
    added = [line[1:] for line in diff.splitlines() if re.match(r"\+(?!\+\+)", line)]
    return removed, added


def _version(run: Invoke) -> int:
    return int(_json(run, "history", "CAT-77")[-1]["version"])


def test_the_imported_text_is_exported_byte_for_byte(run: Invoke) -> None:
    assert _ok(run, "export", "CAT-77", "--format", "md", "--no-base") == AUTHOR_TEXT


def test_status_owner_due_priority_and_type_each_touch_their_own_line(run: Invoke) -> None:
    ids = _ids(run)
    _ok(run, "actions", "set", ids[LOCK], "--status", "done")
    assert _changes(run) == (
        ["* [ ] Put a timeout on the migration lock"],
        ["* [x] Put a timeout on the migration lock"],
    )
    _ok(run, "actions", "set", ids[LOCK], "--status", "in progress")
    assert _changes(run) == (
        ["* [x] Put a timeout on the migration lock"],
        ["* [ ] Put a timeout on the migration lock", "    * **Status:** in progress"],
    )
    _ok(run, "actions", "set", ids[LOCK], "--status", "won't do")
    assert _changes(run) == (["    * **Status:** in progress"], ["    * **Status:** won't do"])
    _ok(run, "actions", "assign", ids[LOCK], "Ines Duarte")
    assert _changes(run) == (["    * Owner: TBD"], ["    * Owner: Ines Duarte"])
    _ok(run, "actions", "set", ids[PAGE], "--due", "2024-06-10")
    assert _changes(run) == ([], ["    * **Due Date:** 2024-06-10"])
    _ok(run, "actions", "set", ids[WINDOW], "--priority", "High", "--type", "prevent")
    assert _changes(run) == (
        ["  - **Priority:** Medium"],
        ["  - **Priority:** High", "  - **Type:** prevent"],
    )
    markdown = _ok(run, "export", "CAT-77", "--format", "md", "--no-base")
    assert "**ID:**" not in markdown  # no item needed its id written to be told apart
    assert "  - **Due Date:** June 28, 2024\n" in markdown
    assert "- [Links to relevant logs]\n" in markdown and "- [Runbooks]\n" in markdown
    history = [h["field"] for h in _json(run, "actions", "show", ids[LOCK])["history"]]
    assert history == ["created", "status", "status", "status", "owner"]


def test_move_keeps_the_item_as_written_and_add_writes_one_new_item(run: Invoke) -> None:
    ids = _ids(run)
    _ok(run, "actions", "move", ids[WINDOW], "--horizon", "long_term")
    markdown = _ok(run, "export", "CAT-77", "--format", "md", "--no-base")
    short, long = markdown.split("### Short-term (Next 30 Days)\n")[1].split(
        "### Long-term (Next 90 Days)\n"
    )
    assert short == "\n"
    assert long.startswith(
        "- [ ] Run migrations outside the reindex window\n"
        "  - **Owner:** [Name]\n"
        "  - **Due Date:** June 28, 2024\n"
        "  - **Priority:** Medium\n\n## Prevention Measures\n"
    )
    assert _json(run, "actions", "show", ids[WINDOW])["horizon"] == "long_term"

    _ok(run, "actions", "add", "CAT-77", "Write the lock-timeout runbook", "--horizon",
        "immediate", "--owner", "Mara")  # fmt: skip
    assert _changes(run) == (
        [],
        [
            "* [ ] Write the lock-timeout runbook",
            "    * **Owner:** Mara",
            "    * **Due Date:** 2024-06-10",
            "    * **Priority:** High/Medium/Low",
        ],
    )
    items = _json(run, "actions", "list", "--incident", "CAT-77")
    assert [i["text"] for i in items][:3] == [LOCK, PAGE, "Write the lock-timeout runbook"]


def test_an_item_whose_text_is_not_unique_gets_its_id_line(run: Invoke) -> None:
    _ok(run, "actions", "add", "CAT-77", LOCK, "--horizon", "long_term")
    added = _json(run, "actions", "list", "--incident", "CAT-77")[-1]
    assert added["horizon"] == "long_term"
    _removed, new_lines = _changes(run)
    assert f"  - **ID:** {added['id']}" in new_lines
    assert _removed == []


def test_prevention_criteria_and_reviews(run: Invoke) -> None:
    _ok(run, "actions", "prevention", "CAT-77", "monitoring", "2", "--status", "done")
    assert _changes(run) == (
        ["- [ ] Alert on reindex duration"],
        ["- [x] Alert on reindex duration"],
    )
    _ok(run, "actions", "criteria", "CAT-77", "--add", "A month of reindexes before 05:00")
    assert _changes(run) == ([], ["- [ ] A month of reindexes before 05:00"])
    _ok(run, "actions", "criteria", "CAT-77", "--check", "4")
    assert _changes(run) == (
        ["- [ ] A month of reindexes before 05:00"],
        ["- [x] A month of reindexes before 05:00"],
    )
    # The author ticked "Monitoring improved"; one monitoring measure is still open.
    _ok(run, "actions", "criteria", "CAT-77", "--apply")
    assert _changes(run) == (["- [x] Monitoring improved"], ["- [ ] Monitoring improved"])
    _ok(run, "reviews", "schedule", "CAT-77", "1w", "--date", "2024-06-11")
    assert _changes(run) == (
        ["- **1 Week Follow-Up:** [Date]"],
        ["- **1 Week Follow-Up:** 2024-06-11"],
    )
    before = _version(run)
    _ok(run, "reviews", "record", "CAT-77", "1w", "--notes", "Freshness alert fired once")
    assert _version(run) == before  # recorded in the store; the text is not touched


def test_timeline_commands_write_only_the_event_log(run: Invoke) -> None:
    _ok(run, "timeline", "add", "CAT-77", "--at", "02:04 UTC", "--phase", "impact_start",
        "--key", "--text", "Reindex stalled at shard 14")  # fmt: skip
    removed, added = _changes(run)
    assert removed == []
    assert added[:4] == [
        "",
        "### Event Log",
        "",
        "| Time (UTC) | Phase | Kind | Actor | Event | Key | Source | As written | Link |",
    ]
    assert len(added) == 6 and "Reindex stalled at shard 14" in added[5]
    markdown = _ok(run, "export", "CAT-77", "--format", "md", "--no-base")
    assert markdown.index("### Event Log") > markdown.index("- **Resolution Method:**")
    assert "Impact Start" not in markdown  # derived values are shown, not written in
    ref = _json(run, "timeline", "list", "CAT-77")[0]["ref"]

    _ok(run, "timeline", "edit", "CAT-77", ref, "--text", "Reindex stalled at shard 15")
    removed, added = _changes(run)
    assert (len(removed), len(added)) == (1, 1)
    assert "shard 14" in removed[0] and "shard 15" in added[0]

    events = Path(__file__).parents[1] / "data" / "importers" / "pagerduty"
    _ok(run, "timeline", "import", "CAT-77", "pagerduty", *map(str, sorted(events.glob("*.json"))))
    removed, added = _changes(run)
    rows = len(_json(run, "timeline", "list", "CAT-77"))
    assert removed == [] and len(added) == rows - 1
    assert all(line.startswith("| ") for line in added)

    _ok(run, "timeline", "remove", "CAT-77", ref)
    removed, added = _changes(run)
    assert added == [] and len(removed) == 1 and "shard 15" in removed[0]
    assert (
        _without_event_log(_ok(run, "export", "CAT-77", "--format", "md", "--no-base"))
        == AUTHOR_TEXT
    )


def _without_event_log(markdown: str) -> str:
    lines = markdown.split("\n")
    start = lines.index("### Event Log")
    end = start + 2
    while lines[end].startswith("|"):
        end += 1
    return "\n".join(lines[: start - 1] + lines[end:])
