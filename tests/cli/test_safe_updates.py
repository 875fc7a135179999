"""Safe updates through the CLI: merged re-imports, conflicts, refusals, --force, restore, edit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from support.cli import Invoke
from support.updates_doc import DOCUMENT, edited

ID = "INC-2025-0031"


@pytest.fixture
def run(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """The CLI on a fixed clock with the ledger post-mortem imported (version 1)."""
    monkeypatch.setenv("BLAMEFREE_NOW", "2025-02-10T09:00:00Z")
    monkeypatch.chdir(tmp_path)
    Path("ledger.md").write_text(DOCUMENT, encoding="utf-8")
    assert cli("import", "ledger.md").exit_code == 0
    return cli


def as_json(run: Invoke, *args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ids(run: Invoke) -> dict[str, str]:
    return {item["text"]: item["id"] for item in as_json(run, "actions", "list")}


def later_work(run: Invoke) -> dict[str, str]:
    """An event and two item changes made after the file was exported."""
    added = run("timeline", "add", ID, "--at", "2025-02-04T07:05:00Z", "--text", "Export rerun")
    assert added.exit_code == 0, added.stderr
    found = ids(run)
    assert (
        run(
            "actions",
            "set",
            found["Alert when the export runs longer than two hours"],
            "--status",
            "done",
        ).exit_code
        == 0
    )
    assert (
        run("actions", "assign", found["Clean temporary files after each run"], "Noor").exit_code
        == 0
    )
    return found


def versions(run: Invoke) -> list[tuple[int, str]]:
    return [(h["version"], h["message"]) for h in as_json(run, "history", ID)]


def test_export_and_render_name_the_version_unless_told_not_to(run: Invoke) -> None:
    marker = f"<!-- blamefree: {ID} version 1 (keep this line: updates from this file merge safely) -->\n"
    exported = run("export", ID, "-o", "out.md")
    assert exported.exit_code == 0
    text = Path("out.md").read_text(encoding="utf-8")
    assert text.startswith(marker)
    assert run("export", ID, "--no-base").stdout == text[len(marker) :]
    # render is the canonical layout, and names the version too
    rendered = run("render", ID).stdout
    assert rendered.startswith(marker)
    assert run("render", ID, "--no-base").stdout == rendered[len(marker) :]
    assert run("render", "out.md").stdout == rendered  # a file made from the store keeps its line


def test_a_re_import_of_an_export_merges_onto_what_was_added(run: Invoke) -> None:
    assert run("export", ID, "-o", "mine.md").exit_code == 0
    found = later_work(run)
    Path("mine.md").write_text(
        edited(Path("mine.md").read_text(), "**Support Tickets:** 4", "**Support Tickets:** 6")
    )
    result = as_json(run, "import", "--update", "mine.md")
    assert [(r["action"], r["version"], r["error"]) for r in result] == [("merged", 5, None)]
    shown = as_json(run, "show", ID)["document"]
    assert shown["impact_assessment"]["business_impact"]["support_tickets"] == 6
    assert [e["text"] for e in shown["timeline"]["events"]] == ["Export rerun"]
    items = as_json(run, "actions", "list")
    assert [(i["id"], i["status"], i["owner"]) for i in items] == [
        (found["Alert when the export runs longer than two hours"], "done", "Noor"),
        (found["Clean temporary files after each run"], "open", "Noor"),
        (found["Move temporary files to their own volume"], "open", "Platform team"),
    ]
    assert versions(run)[-1] == (5, "imported from mine.md (merged onto version 4)")


def test_a_conflict_exits_5_shows_both_values_and_stores_nothing(run: Invoke) -> None:
    assert run("export", ID, "-o", "mine.md").exit_code == 0
    found = later_work(run)
    Path("mine.md").write_text(
        edited(Path("mine.md").read_text(), "  - **Owner:** Ines", "  - **Owner:** Omar")
    )
    before = versions(run)
    refused = run("import", "--update", "mine.md")
    assert refused.exit_code == 5
    uid = found["Clean temporary files after each run"]
    flat = " ".join(refused.stderr.split())
    assert (
        'action_items.immediate["Clean temporary files after each run"].owner: stored (version 4) "Noor", file "Omar" (version 1 had "Ines")'
        in flat
    )
    assert "nothing was saved" in flat
    assert versions(run) == before
    report = json.loads(run("import", "--update", "mine.md", "--json").stdout)
    assert report[0]["conflicts"] == [
        {
            "path": 'action_items.immediate["Clean temporary files after each run"].owner',
            "kind": "changed",
            "base": "Ines",
            "stored": "Noor",
            "file": "Omar",
        }
    ]
    forced = run("import", "--update", "--force", "mine.md")
    assert forced.exit_code == 0, forced.stderr
    owners = {i["id"]: i["owner"] for i in as_json(run, "actions", "list")}
    assert owners[uid] == "Omar"


def test_a_file_without_its_version_that_would_lose_work_is_refused(run: Invoke) -> None:
    later_work(run)
    refused = run("import", "--update", "ledger.md")
    assert refused.exit_code == 5
    flat = " ".join(refused.stderr.split())
    assert "does not say which version of INC-2025-0031 it was made from" in flat
    assert 'event would be removed: "2025-02-04T07:05:00Z Export rerun"' in flat
    assert (
        'action_items.immediate["Alert when the export runs longer than two hours"].status: status would change: "done" -> "open"'
        in flat
    )
    assert len(versions(run)) == 4
    report = json.loads(run("import", "--update", "ledger.md", "--json").stdout)
    assert [loss["what"] for loss in report[0]["would_lose"]] == [
        "event would be removed",
        "status would change",
        "owner would change",
    ]
    forced = run("import", "--update", "--force", "ledger.md")
    assert forced.exit_code == 0, forced.stderr
    assert as_json(run, "show", ID)["document"]["timeline"]["events"] == []


def test_restore_makes_a_new_version_and_history_shows_it(run: Invoke) -> None:
    found = later_work(run)
    restored = as_json(run, "restore", ID, "1")
    assert restored == {
        "incident_id": ID,
        "action": "restored",
        "restored_version": 1,
        "version": 5,
    }
    assert versions(run)[-1] == (5, "restored version 1")
    assert ids(run) == found
    human = run("restore", ID, "5")
    assert (human.exit_code, "nothing saved" in human.stderr) == (0, True)
    missing = run("restore", ID, "42")
    assert missing.exit_code == 4
    assert "has no version 42" in missing.stderr


def test_new_with_save_writes_a_file_that_updates_safely(run: Invoke) -> None:
    made = run(
        "new",
        "--title",
        "Cache stampede",
        "--severity",
        "P3",
        "--id",
        "INC-2025-0040",
        "--date",
        "2025-02-09",
        "--save",
        "-o",
        "cache.md",
    )
    assert made.exit_code == 0, made.stderr
    assert Path("cache.md").read_text().startswith("<!-- blamefree: INC-2025-0040 version 1 (")
    added = run(
        "timeline",
        "add",
        "INC-2025-0040",
        "--at",
        "2025-02-09T10:00:00Z",
        "--text",
        "Hit rate fell",
    )
    assert added.exit_code == 0
    assert run("import", "--update", "cache.md").exit_code == 0  # nothing changed in the file
    events = as_json(run, "show", "INC-2025-0040")["document"]["timeline"]["events"]
    assert [e["text"] for e in events] == ["Hit rate fell"]


def test_an_edit_that_conflicts_reopens_with_both_values(
    run: Invoke, tmp_path: Path, database_url: str
) -> None:
    found = ids(run)
    uid = found["Clean temporary files after each run"]
    seen = tmp_path / "seen.txt"
    # First opening: someone assigns the item elsewhere while the editor is open, and the edit
    # gives it another owner. Second opening: the notes are deleted and the text saved as shown.
    script = tmp_path / "editor.py"
    script.write_text(
        "import os, subprocess, sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        f"seen = pathlib.Path({str(seen)!r})\n"
        "t = p.read_text()\n"
        "with seen.open('a') as log:\n"
        "    log.write(t.split('# Post-Mortem')[0] + '=====\\n')\n"
        "if 'saved by someone else' not in t:\n"
        f"    subprocess.run([{sys.executable!r}, '-m', 'blamefree', 'actions', 'assign', {uid!r}, 'Noor'],"
        f" check=True, env={{**os.environ, 'BLAMEFREE_DATABASE_URL': {database_url!r}}})\n"
        "    p.write_text(t.replace('  - **Owner:** Ines', '  - **Owner:** Omar'))\n"
        "else:\n"
        "    kept = [l for l in t.splitlines(True)\n"
        "            if not l.startswith('<!-- blamefree:') or 'keep this line' in l]\n"
        "    p.write_text(''.join(kept))\n"
    )
    result = run("edit", ID, env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code == 0, result.stderr
    first, second, _rest = seen.read_text().split("=====\n")
    assert first.startswith(f"<!-- blamefree: {ID} version 1 (")
    assert (
        'action_items.immediate["Clean temporary files after each run"].owner: stored (version 2) "Noor", file "Omar" (version 1 had "Ines")'
        in second
    )
    assert f"<!-- blamefree: {ID} version 2 (" in second
    owners = {i["id"]: i["owner"] for i in as_json(run, "actions", "list")}
    assert owners[uid] == "Omar"
    assert versions(run)[-1] == (3, "edited")
