"""The CLI against a real server (`blamefree --server URL`, token in BLAMEFREE_TOKEN).

One uvicorn server per module on a SQLite store in tmp; the same store is read by the local CLI
too, so each remote output is compared with what local mode prints for the same data.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blamefree.cli import app
from blamefree.domain.accounts import Role, TokenScope
from blamefree.services import sessions
from blamefree.store.engine import make_engine
from blamefree.store.migrate import ensure_schema
from blamefree.store.unit_of_work import UnitOfWork
from support.browser import LiveServer, free_port
from support.cli import Run
from support.web import FIXED_NOW, ensure_account, make_app

DATA = Path(__file__).parent.parent / "data"
PAY = DATA / "postmortems" / "berlin-payments-queue.md"
OTHERS = ("github-network-partition.md", "cloudflare-waf-regex.md")
NOW = FIXED_NOW.isoformat()


@dataclass
class Served:
    url: str
    database_url: str
    write_token: str
    read_token: str
    viewer_token: str
    outputs: list[str]
    """Everything any CLI call of the module printed (to check no token is ever in it)."""


def _token(engine: object, name: str, role: Role, scope: TokenScope) -> str:
    account = ensure_account(engine, name, role=role)  # type: ignore[arg-type]
    with UnitOfWork(engine) as uow:  # type: ignore[arg-type]
        _token, secret = sessions.create_token(
            uow, owner=account.name, name=f"{name} CLI", scope=scope, now=FIXED_NOW
        )
    return secret


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("remote")
    database_url = f"sqlite:///{folder / 'team.sqlite3'}"
    engine = make_engine(database_url)
    ensure_schema(engine)
    runner = CliRunner()
    seeded = runner.invoke(
        app,
        ["--db", database_url, "--now", NOW, "import", str(PAY)]
        + [str(DATA / "postmortems" / name) for name in OTHERS],
        catch_exceptions=False,
    )
    assert seeded.exit_code == 0, seeded.stderr
    tokens = {
        "write_token": _token(engine, "dana", Role.AUTHOR, TokenScope.WRITE),
        "read_token": _token(engine, "lee", Role.AUTHOR, TokenScope.READ),
        "viewer_token": _token(engine, "vic", Role.VIEWER, TokenScope.READ),
    }
    try:
        with LiveServer(make_app(engine), user=None) as server:
            yield Served(url=server.url, database_url=database_url, outputs=[], **tokens)
    finally:
        engine.dispose()


def _invoke(served: Served, args: list[str], env: dict[str, str]) -> Run:
    runner = CliRunner()
    base = {"COLUMNS": "200", "BLAMEFREE_TOKEN": "", "BLAMEFREE_SERVER": ""}
    result = runner.invoke(app, args, env=base | env, catch_exceptions=False)
    run = Run(result.exit_code, result.stdout, result.stderr)
    served.outputs += [run.stdout, run.stderr]
    return run


def remote(served: Served, *args: str, token: str | None = None) -> Run:
    """The CLI against the server, with the write token unless told otherwise."""
    env = {"BLAMEFREE_TOKEN": served.write_token if token is None else token}
    return _invoke(served, ["--server", served.url, "--now", NOW, *args], env)


def local(served: Served, *args: str) -> Run:
    """The CLI on the same store as a file, at the server's clock."""
    return _invoke(served, ["--db", served.database_url, "--now", NOW, *args], {})


def _same(served: Served, *args: str) -> Run:
    here, there = local(served, *args), remote(served, *args)
    if there.stdout != here.stdout:  # pragma: no cover - a readable diff when they differ
        import difflib

        print(
            "".join(
                difflib.unified_diff(here.stdout.splitlines(True), there.stdout.splitlines(True))
            )
        )
    assert (there.exit_code, there.stdout, there.stderr) == (
        here.exit_code,
        here.stdout,
        here.stderr,
    )
    return there


# --- the same output as local mode --------------------------------------------------------


def test_list_json_and_table_match_local(served: Served) -> None:
    listed = _same(served, "list", "--json")
    rows = json.loads(listed.stdout)
    assert {row["incident_id"] for row in rows} >= {"PAY-318"}
    assert len(rows) >= 3
    table = _same(served, "list")
    assert "PAY-318" in table.stdout
    assert _same(served, "list", "--severity", "P2", "--json").exit_code == 0


def test_show_json_and_panel_match_local(served: Served) -> None:
    shown = _same(served, "show", "PAY-318", "--json")
    data = json.loads(shown.stdout)
    assert (data["incident_id"], data["title"]) == (
        "PAY-318",
        "Post-incident review: payments queue backlog",
    )
    human = _same(served, "show", "PAY-318")
    assert "Incident metrics" in human.stdout


def test_export_matches_local(served: Served) -> None:
    assert json.loads(_same(served, "export", "PAY-318", "--format", "json").stdout)[
        "incident_id"
    ] == ("PAY-318")
    markdown = _same(served, "export", "PAY-318")
    assert markdown.stdout.startswith("<!-- blamefree: PAY-318 version")
    no_base = _same(served, "export", "PAY-318", "--no-base")
    assert no_base.stdout == PAY.read_text(encoding="utf-8")
    csv = _same(served, "export", "PAY-318", "--format", "csv", "--of", "actions")
    assert csv.stdout.splitlines()[0].startswith("\ufeffid,")


def test_actions_list_matches_local(served: Served) -> None:
    items = json.loads(_same(served, "actions", "list", "--json").stdout)
    assert len(items) >= 4
    _same(served, "actions", "list", "--incident", "PAY-318")
    ids = _same(served, "actions", "list", "--ids", "--status", "done").stdout.split()
    assert ids == [i["id"] for i in items if i["status"] == "done"]


def test_lint_matches_local(served: Served) -> None:
    found = _same(served, "lint", "PAY-318", "--format", "json")
    assert json.loads(found.stdout) != []
    # The project's selection applies (the text is linted here), in every format.
    assert "BF310" in _same(served, "lint", "PAY-318", "--select", "BF3").stdout
    assert "BF312" in _same(served, "lint", str(PAY), "--select", "BF3").stdout  # read here
    assert _same(served, "lint", "INC-NO-SUCH").exit_code == 4


def test_errors_map_to_the_same_class_and_exit_code(served: Served) -> None:
    missing = _same(served, "show", "INC-NO-SUCH")
    assert missing.exit_code == 4
    assert "INC-NO-SUCH" in missing.stderr
    assert _same(served, "actions", "set", "A-NOSUCH", "--status", "done").exit_code == 4
    duplicate = _same(served, "import", str(PAY))
    assert duplicate.exit_code == 5
    assert "use --update" in duplicate.stderr


# --- writes land in the server's store ------------------------------------------------------


def test_actions_set_changes_the_stored_item(served: Served) -> None:
    items = json.loads(local(served, "actions", "list", "--json", "--incident", "PAY-318").stdout)
    target = next(i for i in items if i["status"] == "open")
    changed = remote(served, "actions", "set", target["id"], "--status", "in_progress", "--json")
    assert changed.exit_code == 0, changed.stderr
    assert json.loads(changed.stdout)["status"] == "in_progress"
    shown = json.loads(local(served, "actions", "show", target["id"], "--json").stdout)
    assert shown["status"] == "in_progress"
    assert shown["history"][-1]["by"] == "dana"
    human = remote(served, "actions", "set", target["id"], "--priority", "High")
    assert human.stdout.startswith(f"Updated {target['id']} (PAY-318, ")


def test_import_and_timeline_import_land_in_the_store(served: Served, tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    text = PAY.read_text(encoding="utf-8").replace("PAY-318", "PAY-900")
    draft.write_text(text, encoding="utf-8")
    imported = remote(served, "import", str(draft), "--json")
    assert imported.exit_code == 0, imported.stderr
    assert json.loads(imported.stdout) == [
        {
            "file": str(draft),
            "incident_id": "PAY-900",
            "action": "created",
            "version": 1,
            "error": None,
        }
    ]
    assert local(served, "export", "PAY-900", "--no-base").stdout == text
    csv = DATA / "importers" / "manual.csv"
    added = remote(served, "timeline", "import", "PAY-900", "csv", str(csv), "--json")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout) == {"read": 3, "added": 3, "skipped": 0, "version": 2}
    events = json.loads(local(served, "timeline", "list", "PAY-900", "--json").stdout)
    assert "Rollback of 2024.03.12-3 finished" in [event["text"] for event in events]
    again = remote(served, "timeline", "import", "PAY-900", "csv", str(csv))
    assert again.exit_code == 0
    assert "nothing new (3 already there). PAY-900 stays at version 2." in again.stderr


def test_a_bad_file_fails_alone_as_in_local_mode(served: Served, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("# Post-incident review: x\n\n**Severity:** P9\n", encoding="utf-8")
    missing = tmp_path / "missing.md"
    run = _same(served, "import", str(bad), str(missing))
    assert run.exit_code == 3
    assert f"{missing}: no such file" in run.stderr


def test_a_folder_is_refused_for_upload(served: Served, tmp_path: Path) -> None:
    slack = tmp_path / "slack"
    shutil.copytree(DATA / "importers" / "slack_export", slack)
    run = remote(served, "timeline", "import", "PAY-318", "slack", str(slack))
    assert run.exit_code == 2
    assert f"{slack} is a folder" in run.stderr


# --- tokens and permissions -------------------------------------------------------------------


def test_a_read_token_may_not_change_anything(served: Served) -> None:
    items = json.loads(local(served, "actions", "list", "--json").stdout)
    run = remote(
        served, "actions", "set", items[0]["id"], "--status", "done", token=served.read_token
    )
    assert run.exit_code == 10
    assert "this API token may only read" in run.stderr
    assert "scope" in run.stderr
    viewer = remote(served, "import", str(PAY), token=served.viewer_token)
    assert viewer.exit_code == 10
    assert "your role (viewer) may read but not change anything" in viewer.stderr
    assert remote(served, "list", "--json", token=served.read_token).exit_code == 0


def test_a_bad_token_says_how_to_get_one(served: Served) -> None:
    run = remote(served, "list", token="bf_not-a-real-token-at-all-000000000000000")
    assert run.exit_code == 9
    assert "did not accept the API token in BLAMEFREE_TOKEN" in run.stderr
    assert "blamefree token create" in run.stderr
    assert "bf_not-a-real-token" not in run.stdout + run.stderr
    unset = remote(served, "show", "PAY-318", token="")
    assert unset.exit_code == 9
    assert "needs an API token in BLAMEFREE_TOKEN, and it is not set" in unset.stderr


# --- the server, and commands it does not run ----------------------------------------------


def test_a_server_that_is_down_is_named_with_its_password_masked(served: Served) -> None:
    url = f"http://ops:hunter2pw@127.0.0.1:{free_port()}"
    run = _invoke(served, ["--server", url, "list"], {"BLAMEFREE_TOKEN": served.write_token})
    assert run.exit_code == 7
    assert "cannot connect to http://ops:***@127.0.0.1:" in run.stderr
    assert "hunter2pw" not in run.stderr


def test_an_answer_that_is_not_the_api_is_named(served: Served) -> None:
    run = _invoke(
        served,
        ["--server", f"{served.url}/elsewhere", "list"],
        {"BLAMEFREE_TOKEN": served.write_token},
    )
    assert run.exit_code == 7
    assert "with something that is not Blamefree's API (text/html)" in run.stderr
    assert f"{served.url}/elsewhere" in run.stderr


def test_the_server_may_come_from_the_environment(served: Served) -> None:
    env = {"BLAMEFREE_SERVER": served.url, "BLAMEFREE_TOKEN": served.write_token}
    run = _invoke(served, ["list", "--json"], env)
    assert run.exit_code == 0
    assert run.stdout == local(served, "list", "--json").stdout


def test_other_commands_are_refused_clearly(served: Served) -> None:
    for args in (["people", "list"], ["delete", "PAY-318", "--yes"], ["timeline", "list", "X"]):
        run = remote(served, *args)
        assert run.exit_code == 2, args
        assert f"`blamefree {' '.join(args[: 2 if args[0] != 'delete' else 1])}` works on a " in (
            run.stderr
        )
        assert "list, show, export, import, timeline import, actions list, actions set, lint" in (
            run.stderr
        )
    assert local(served, "show", "PAY-318").exit_code == 0  # nothing was deleted
    group = remote(served, "actions")
    assert (group.exit_code, "RemoteNotSupported" in group.stderr) == (2, False)
    assert "set" in group.stdout + group.stderr
    by = remote(served, "actions", "set", "A-AAAAAA", "--status", "done", "--by", "Lee")
    assert by.exit_code == 2
    assert "recorded as the token's owner" in by.stderr
    both = _invoke(served, ["--db", served.database_url, "--server", served.url, "list"], {})
    assert both.exit_code == 2
    assert "not both" in both.stderr


def test_help_works_and_no_output_ever_shows_a_token(served: Served) -> None:
    helped = remote(served, "--help")
    assert helped.exit_code == 0
    assert "--server" in helped.stdout
    assert remote(served, "people", "list", "--help").exit_code == 0
    secrets = (served.write_token, served.read_token, served.viewer_token)
    for text in served.outputs:
        assert not any(secret in text for secret in secrets)


def test_update_and_force_reach_the_server(served: Served, tmp_path: Path) -> None:
    draft = tmp_path / "PAY-901.md"
    draft.write_text(PAY.read_text(encoding="utf-8").replace("PAY-318", "PAY-901"), "utf-8")
    assert remote(served, "import", str(draft)).exit_code == 0
    csv = DATA / "importers" / "manual.csv"
    assert remote(served, "timeline", "import", "PAY-901", "csv", str(csv)).exit_code == 0
    refused = _same(served, "import", "--update", str(draft), "--json")
    assert refused.exit_code == 5
    [outcome] = json.loads(refused.stdout)
    assert (outcome["incident_id"], outcome["action"]) == ("PAY-901", "failed")
    assert outcome["would_lose"] != []
    forced = remote(served, "import", "--update", "--force", str(draft), "--json")
    assert forced.exit_code == 0, forced.stderr
    assert json.loads(forced.stdout)[0]["action"] in ("updated", "merged")
