"""What the reader now keeps (a note after TBD, a list that says none, a partial performance row)
survives the store and commands on SQLite and PostgreSQL: each command still changes only its
own lines, and the note goes only when the value it stood in for is set."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from blamefree.domain.enums import ActionStatus
from blamefree.markdown.parse import parse
from blamefree.markdown.patch import patch
from support.cli import Invoke

NOW = "2024-06-12T08:00:00Z"
AUTHOR_TEXT = (
    (Path(__file__).parents[1] / "data" / "postmortems" / "catalogue-search-author-style.md")
    .read_text("utf-8")
    .replace("    * Owner: TBD\n", "    * Owner: TBD (the search team decides on Monday)\n")
    .replace("    * Priority: medium\n", "    * Priority: pending (after the capacity review)\n")
    .replace(
        "### References\n- [Runbooks]\n",
        "### Related Incidents\n- No earlier incidents like this one\n\n### References\n- [Runbooks]\n",
    )
    .replace("## Follow-Up\n", "## Metrics\n\n### Performance Impact\n- **Error Rate:** 4% at peak\n\n## Follow-Up\n")
)  # fmt: skip
LOCK, PAGE = "Put a timeout on the migration lock", "Page when the index is over 30 minutes old"


@pytest.fixture
def run(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("BLAMEFREE_NOW", NOW)
    path = tmp_path / "cat-77.md"
    path.write_text(AUTHOR_TEXT, encoding="utf-8")
    imported = cli("import", str(path))
    assert imported.exit_code == 0, imported.stderr
    return cli


def _ok(run: Invoke, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _json(run: Invoke, *args: str) -> Any:
    return json.loads(_ok(run, *args, "--json"))


def _changes(run: Invoke) -> tuple[list[str], list[str]]:
    diff = _ok(run, "diff", "CAT-77")
    removed = [line[1:] for line in diff.splitlines() if re.match(r"-(?!--)", line)]
    added = [line[1:] for line in diff.splitlines() if re.match(r"\+(?!\+\+)", line)]
    return removed, added


def test_the_store_keeps_what_was_read_and_commands_touch_only_their_lines(run: Invoke) -> None:
    shown = _json(run, "show", "CAT-77")["document"]
    lock, page = shown["action_items"]["immediate"]
    assert (lock["owner"], lock["owner_text"]) == (None, "TBD (the search team decides on Monday)")
    assert (page["priority"], page["priority_text"]) == (
        None,
        "pending (after the capacity review)",
    )
    assert shown["appendix"]["related_incidents"] == []
    assert shown["appendix"]["related_incidents_none"] == "No earlier incidents like this one"
    assert shown["metrics"]["performance_impact"]["error_rate"]["text"] == "4% at peak"
    rendered = _ok(run, "render", "CAT-77")
    assert "  - **Owner:** TBD (the search team decides on Monday)\n" in rendered
    assert "### Related Incidents\n- No earlier incidents like this one\n" in rendered
    assert "- **Error Rate:** 4% at peak\n" in rendered

    ids = {item["text"]: item["id"] for item in _json(run, "actions", "list")}
    _ok(run, "actions", "set", ids[PAGE], "--status", "done")
    assert _changes(run) == (
        ["* [ ] Page when the index is over 30 minutes old"],
        ["* [x] Page when the index is over 30 minutes old"],
    )
    _ok(run, "actions", "assign", ids[LOCK], "Mara")
    assert _changes(run) == (
        ["    * Owner: TBD (the search team decides on Monday)"],
        ["    * Owner: Mara"],
    )
    _ok(run, "actions", "set", ids[PAGE], "--priority", "low")
    assert _changes(run) == (
        ["    * Priority: pending (after the capacity review)"],
        ["    * Priority: Low"],
    )
    after = _json(run, "show", "CAT-77")["document"]["action_items"]["immediate"]
    assert [(i["owner"], i["owner_text"], i["priority_text"]) for i in after] == [
        ("Mara", None, None),
        ("Mara", None, None),
    ]


def test_an_item_added_where_the_author_wrote_none_replaces_the_none(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLAMEFREE_NOW", NOW)
    text = AUTHOR_TEXT.replace(
        "### Short-term (Next 30 Days)\n",
        "### Long-term (Next 90 Days)\n- None planned (the fix is complete)\n\n"
        "### Short-term (Next 30 Days)\n",
    )
    path = tmp_path / "cat-77.md"
    path.write_text(text, encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    shown = _json(cli, "show", "CAT-77")["document"]["action_items"]
    assert (shown["long_term"], shown["long_term_none"]) == (
        [],
        "None planned (the fix is complete)",
    )
    _ok(cli, "actions", "add", "CAT-77", "Shard the catalogue index", "--horizon", "long_term")
    removed, added = _changes(cli)
    assert removed == ["- None planned (the fix is complete)"]
    assert added[0] == "- [ ] Shard the catalogue index"
    shown = _json(cli, "show", "CAT-77")["document"]["action_items"]
    assert [i["text"] for i in shown["long_term"]] == ["Shard the catalogue index"]
    assert shown["long_term_none"] is None


def test_a_command_on_a_document_stored_before_keeps_the_words_its_store_lacks() -> None:
    # What a store from before these readings holds: the values, not the written forms.
    text = AUTHOR_TEXT
    read = parse(text)
    lock, page = read.action_items.immediate
    stored = read.model_copy(
        update={
            "appendix": read.appendix.model_copy(update={"related_incidents_none": None}),
            "metrics": read.metrics.model_copy(
                update={
                    "performance_impact": read.metrics.performance_impact.model_copy(
                        update={
                            "error_rate": read.metrics.performance_impact.error_rate.model_copy(
                                update={"text": None}
                            )
                        }
                    )
                }
            ),
            "action_items": read.action_items.model_copy(
                update={
                    "immediate": [
                        lock.model_copy(update={"owner_text": None}),
                        page.model_copy(
                            update={
                                "priority_text": None,
                                "status": ActionStatus.DONE,
                                "done": True,
                            }
                        ),
                    ]
                }
            ),
        }
    )
    out = patch(text, None, stored)
    assert difflib_changes(text, out) == (
        ["* [ ] Page when the index is over 30 minutes old"],
        ["* [x] Page when the index is over 30 minutes old"],
    )


def difflib_changes(before: str, after: str) -> tuple[list[str], list[str]]:
    lines = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return (
        [line[2:] for line in lines if line.startswith("- ")],
        [line[2:] for line in lines if line.startswith("+ ")],
    )
