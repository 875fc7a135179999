"""Backups of the whole store: the demo store, with accounts, tokens, sessions, comments, a
review and odd values, backed up from SQLite, restored into PostgreSQL, backed up again and
restored into a new SQLite file, every table compared row by row; and the files a restore
refuses (a store with data, a changed checksum, a cut-off file, another format or revision)."""

from __future__ import annotations

import datetime as dt
import json
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, insert, select

from blamefree.domain.accounts import Principal, Role, TokenScope
from blamefree.domain.workflow import Transition, parse_policy
from blamefree.errors import (
    BackupIncompatible,
    BackupInvalid,
    LoginFailed,
    StoreNotEmpty,
    UsageError,
)
from blamefree.services import (
    audit,
    comments,
    people,
    postmortems,
    restriction,
    search,
    sessions,
    workflow,
)
from blamefree.services.backup import back_up, check_backup, restore_backup
from blamefree.store import UnitOfWork, make_engine
from blamefree.store.accounts import AccountsRepository
from blamefree.store.backup import MANIFEST_NAME, SKIPPED, entry_name
from blamefree.store.migrate import ensure_schema
from blamefree.store.tables import (
    Base,
    InboxItemRow,
    MentionDeliveryRow,
    ReminderDeliveryRow,
    SetupTokenRow,
    WebhookThreadRow,
)
from blamefree.web.demo import load_demo
from support.uow import in_uow
from support.updates_doc import NOW
from support.workflow_doc import ID, REVIEWABLE, TWO_APPROVALS

KIM = Principal(name="Kim", role=Role.AUTHOR)
RAVI = Principal(name="Ravi", role=Role.REVIEWER)
ANA = Principal(name="Ana", role=Role.APPROVER)
RULES = workflow.ReviewRules(policy=parse_policy(TWO_APPROVALS))
ODD_TEXT = "Zoë Ångström 🚒 — «quoted» 'single' \"double\" <b>&amp;</b>\nsecond line\ttab"
MICRO = dt.datetime(2026, 11, 20, 14, 3, 7, 654321, tzinfo=ZoneInfo("Asia/Kolkata"))


def _populate(engine: Engine, folder: Path) -> None:
    """The demo, then what the demo does not make: a review, comments, tokens, sessions, a
    failed login, audit entries with JSON details, and rows with odd values in every kind."""
    load_demo(engine)
    document = folder / "ledger.md"
    document.write_text(REVIEWABLE, encoding="utf-8")
    report = in_uow(engine, postmortems.import_files, paths=[document], today=NOW.date(), by="Kim")
    assert [o.action for o in report.outcomes] == ["created"]
    step = {"incident_id": ID, "review": RULES}
    in_uow(
        engine,
        workflow.assign,
        principal=KIM,
        now=NOW,
        reviewers=["Ravi"],
        approvers=["Ana", "Bo"],
        **step,
    )
    in_uow(engine, workflow.transition, step=Transition.SUBMIT, principal=KIM, now=NOW, **step)
    later = NOW + dt.timedelta(minutes=5)
    in_uow(engine, workflow.transition, step=Transition.APPROVE, principal=ANA, now=later, **step)
    first = in_uow(
        engine,
        comments.add_comment,
        incident_id=ID,
        body=ODD_TEXT,
        by=RAVI,
        now=NOW,
        section="Root Cause Analysis",
        line=3,
    )
    reply = in_uow(
        engine,
        comments.add_comment,
        incident_id=ID,
        body="Agreed, @Kim",
        by=ANA,
        now=later,
        reply_to=first.comment.id,
    )
    in_uow(engine, comments.resolve_comment, comment_id=first.comment.id, by=KIM, now=later)
    in_uow(engine, people.add_person, name=ODD_TEXT.split("\n")[0], email="zoe@example.com")
    in_uow(
        engine, sessions.create_token, owner="admin", name="CI ✓", scope=TokenScope.WRITE, now=MICRO
    )
    lifetime = dt.timedelta(days=7)
    in_uow(
        engine,
        sessions.log_in,
        name="author",
        password="blamefree-demo",
        address="198.51.100.7",
        now=MICRO,
        lifetime=lifetime,
    )
    with pytest.raises(LoginFailed):
        in_uow(
            engine,
            sessions.log_in,
            name="author",
            password="wrong",
            address="2001:db8::1",
            now=MICRO,
            lifetime=lifetime,
        )
    with UnitOfWork(engine) as uow:  # an account that signs on through OpenID Connect
        accounts_repo = AccountsRepository(uow.session)
        signer = accounts_repo.user("author")
        assert signer is not None
        accounts_repo.add_identity(
            user_id=signer.id, issuer="https://id.example.com/realms/ops", subject="sü-1", now=MICRO
        )
    in_uow(
        engine,
        restriction.set_restriction,
        incident_id=ID,
        principal=Principal(name="admin", role=Role.ADMIN),
        now=MICRO,
        restricted=True,
        add_members=["Zoë Ølsen"],
    )
    details = {"emoji": "🔥", "nested": {"b": [1, 2.5, True, None, "x"]}, "zeta": 0, "alpha": ""}
    in_uow(engine, audit.record, action="backup.test", incident_id=ID, by=ODD_TEXT, details=details)
    with UnitOfWork(engine) as uow:
        uow.session.execute(
            insert(SetupTokenRow),
            [{"token_hash": "a" * 64, "created_at": MICRO, "expires_at": MICRO, "used_at": None}],
        )
        uow.session.execute(
            insert(InboxItemRow),
            [
                {
                    "source": "alertmanager",
                    "source_id": "fp-1",
                    "thread": "t-1",
                    "time": MICRO,
                    "time_text": None,
                    "kind": "alert",
                    "actor": None,
                    "text": ODD_TEXT,
                    "link": "https://example.com/?a=1&b=2",
                    "named": "INC-NOPE",
                    "received_at": MICRO,
                    "status": "new",
                    "incident_id": None,
                    "handled_at": None,
                    "handled_by": None,
                }
            ],
        )
        uow.session.execute(
            insert(MentionDeliveryRow),
            [
                {
                    "comment_id": reply.comment.id,
                    "name": "Kim",
                    "created_at": MICRO,
                    "delivered_at": None,
                }
            ],
        )
        uow.session.execute(
            insert(WebhookThreadRow),
            [{"source": "alertmanager", "thread": "t-2", "incident_id": ID, "updated_at": MICRO}],
        )
        uow.session.execute(
            insert(ReminderDeliveryRow),
            [
                {
                    "day": MICRO.date(),
                    "channel": "slack",
                    "recipient": ODD_TEXT,
                    "address": "#ops",
                    "status": "failed",
                    "attempts": 2,
                    "last_error": "timed out",
                    "items": ["A-7F3K2Q", "Ünïcode"],
                    "first_attempt_at": MICRO,
                    "last_attempt_at": MICRO + dt.timedelta(microseconds=1),
                    "sent_at": None,
                }
            ],
        )


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table (the search rows too, leases aside) as Python values in key order."""
    found = {}
    with UnitOfWork(engine) as uow:
        for table in Base.metadata.sorted_tables:
            if table.name == "leases":
                continue
            query = select(*table.columns).order_by(*table.primary_key.columns)
            found[table.name] = [tuple(row) for row in uow.session.execute(query)]
    return found


def _hits(engine: Engine, query: str) -> list[str]:
    page = in_uow(engine, search.search_postmortems, query=query)
    return [hit.incident_id for hit in page.hits]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite store with the demo and the extras of `_populate`."""
    folder = tmp_path_factory.mktemp("backup-source")
    engine = make_engine(f"sqlite:///{folder / 'source.sqlite3'}")
    ensure_schema(engine)
    _populate(engine, folder)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_backup(demo_store: Engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backup-file") / "store.zip"
    made = in_uow(demo_store, back_up, path=path, now=NOW)
    assert made.size == path.stat().st_size
    return path


@pytest.fixture
def new_sqlite(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    ensure_schema(engine)
    yield engine
    engine.dispose()


@pytest.mark.postgres
def test_sqlite_to_postgresql_and_back_keeps_every_row(
    demo_store: Engine,
    demo_backup: Path,
    postgres_schema_url: str,
    new_sqlite: Engine,
    tmp_path: Path,
) -> None:
    original = _rows(demo_store)
    counts = {name: len(rows) for name, rows in original.items()}
    assert counts["postmortems"] == 15
    assert min(counts.values()) > 0, "every table holds a row, so every column kind is tried"
    assert stat.S_IMODE(demo_backup.stat().st_mode) == 0o600

    postgres = make_engine(postgres_schema_url)
    try:
        ensure_schema(postgres)
        restored = in_uow(postgres, restore_backup, path=demo_backup)
        assert restored.reindexed == 15
        assert restored.rows == {
            name: count for name, count in counts.items() if name not in SKIPPED
        }
        assert _rows(postgres) == original
        again = tmp_path / "from-postgresql.zip"
        made = in_uow(postgres, back_up, path=again, now=NOW)
        assert made.manifest.backend == "postgresql"
        assert made.manifest.rows == sum(restored.rows.values())
        # The sequences follow the restored ids: the next rows get new ones.
        added, new = in_uow(postgres, people.add_person, name="Ines Restored")
        assert new and added.name == "Ines Restored"
        in_uow(postgres, audit.record, action="after.restore", incident_id=None, by="Ines")
        for query in ("database", "section:title slot", "dashboard OR disk"):
            assert _hits(postgres, query), query
        postgres_hits = {q: _hits(postgres, q) for q in ("database", "export job")}
    finally:
        postgres.dispose()

    phases: list[tuple[str, int, int]] = []
    in_uow(new_sqlite, restore_backup, path=again, progress=lambda *step: phases.append(step))
    assert _rows(new_sqlite) == original
    rows = made.manifest.rows
    assert [p for p in phases if p[1] == p[2]] == [
        ("Checking", rows, rows),
        ("Restoring", rows, rows),
        ("Indexing", 15, 15),
    ]
    for query, hits in postgres_hits.items():
        assert sorted(_hits(new_sqlite, query)) == sorted(hits) == sorted(_hits(demo_store, query))


def test_the_manifest_describes_the_file(demo_backup: Path) -> None:
    checked = check_backup(path=demo_backup)
    with zipfile.ZipFile(demo_backup) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read(MANIFEST_NAME))
        audit_lines = archive.read(entry_name("audit_log")).decode().splitlines()
    assert names[-1] == MANIFEST_NAME
    assert sorted(names[:-1]) == sorted(entry_name(t["name"]) for t in manifest["tables"])
    assert manifest["format"] == "blamefree-backup"
    assert manifest["format_version"] == 1
    assert manifest["skipped"] == SKIPPED
    assert manifest["created_at"] == "2025-02-10T09:00:00.000000+00:00"
    assert [t["name"] for t in manifest["tables"]] == [e.name for e in checked.manifest.tables]
    assert "search_documents" not in names and "leases" not in json.dumps(manifest["tables"])
    last = json.loads(audit_lines[-1])
    assert last["action"] == "backup.test"
    assert last["details"]["nested"] == {"b": [1, 2.5, True, None, "x"]}
    assert (
        last["at"].endswith("+00:00")
        and len(audit_lines) == checked.manifest.entry("audit_log").rows
    )


def test_a_store_with_data_is_refused_and_left_as_it_was(
    demo_store: Engine, demo_backup: Path
) -> None:
    before = _rows(demo_store)
    with pytest.raises(StoreNotEmpty) as refused:
        in_uow(demo_store, restore_backup, path=demo_backup)
    assert "already holds data: audit_log (" in refused.value.message
    assert (refused.value.exit_code, refused.value.http_status) == (5, 409)
    assert _rows(demo_store) == before


def test_one_login_failure_makes_a_store_not_empty(demo_backup: Path, new_sqlite: Engine) -> None:
    with pytest.raises(LoginFailed):
        in_uow(
            new_sqlite,
            sessions.log_in,
            name="nobody",
            password="x",
            address="192.0.2.1",
            now=NOW,
            lifetime=dt.timedelta(days=1),
        )
    with pytest.raises(StoreNotEmpty, match=r"holds data: login_failures \(1\)"):
        in_uow(new_sqlite, restore_backup, path=demo_backup)


def _rewritten(source: Path, target: Path, change: dict[str, Any]) -> Path:
    """A copy of the backup with entries replaced (bytes) or the manifest changed (a dict
    merged into it, or a function of it)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == MANIFEST_NAME and MANIFEST_NAME in change:
                manifest = json.loads(data)
                edit = change[MANIFEST_NAME]
                manifest = edit(manifest) if callable(edit) else {**manifest, **edit}
                data = json.dumps(manifest).encode()
            elif name in change:
                data = change[name](data)
            new.writestr(name, data)
    return target


def _empty(engine: Engine) -> bool:
    return all(not rows for rows in _rows(engine).values())


def test_a_changed_row_fails_its_checksum_and_nothing_is_restored(
    demo_backup: Path, new_sqlite: Engine, tmp_path: Path
) -> None:
    entry = entry_name("action_item_history")  # the last table: everything before it loads
    bad = _rewritten(
        demo_backup,
        tmp_path / "bad.zip",
        {entry: lambda data: data.replace(b'"done"', b'"open"', 1)},
    )
    with pytest.raises(BackupInvalid) as invalid:
        in_uow(new_sqlite, restore_backup, path=bad)
    message = invalid.value.message
    assert message.startswith(f"{bad}, table action_item_history: the SHA-256 does not match")
    assert (invalid.value.exit_code, invalid.value.http_status) == (3, 422)
    assert _empty(new_sqlite)
    with pytest.raises(BackupInvalid, match="SHA-256 does not match"):
        check_backup(path=bad)


def test_a_bad_value_names_table_line_and_column_and_nothing_is_restored(
    demo_backup: Path, new_sqlite: Engine, tmp_path: Path
) -> None:
    entry = entry_name("action_item_history")

    def second_line_without_time(data: bytes) -> bytes:
        lines = data.split(b"\n")
        row = json.loads(lines[1])
        row["at"] = "2025-02-10 09:00"  # no zone
        lines[1] = json.dumps(row).encode()
        return b"\n".join(lines)

    changed = second_line_without_time(_entry(demo_backup, entry))

    def manifest(data: dict[str, Any]) -> dict[str, Any]:
        import hashlib

        for table in data["tables"]:
            if table["name"] == "action_item_history":
                table["sha256"] = hashlib.sha256(changed).hexdigest()
        return data

    bad = _rewritten(
        demo_backup,
        tmp_path / "bad.zip",
        {entry: lambda _data: changed, MANIFEST_NAME: manifest},
    )
    with pytest.raises(BackupInvalid) as invalid:
        in_uow(new_sqlite, restore_backup, path=bad)
    assert invalid.value.message == (
        f"{bad}, table action_item_history line 2, column 'at': '2025-02-10 09:00' has no time zone"
    )
    assert _empty(new_sqlite)


def _entry(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_a_truncated_file_is_named(demo_backup: Path, new_sqlite: Engine, tmp_path: Path) -> None:
    cut = tmp_path / "cut.zip"
    data = demo_backup.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(BackupInvalid) as invalid:
        in_uow(new_sqlite, restore_backup, path=cut)
    assert invalid.value.message == (
        f"{cut}: not a Blamefree backup, or a truncated one: it does not end in a zip directory"
    )
    assert _empty(new_sqlite)


def test_foreign_files_are_named(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(BackupInvalid, match="not a Blamefree backup, or a truncated one"):
        check_backup(path=text)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "not ours")
    with pytest.raises(BackupInvalid) as invalid:
        check_backup(path=other)
    assert invalid.value.message == (
        f"{other}: not a Blamefree backup: the zip file has no manifest.json"
    )
    with pytest.raises(BackupInvalid, match="no such file"):
        check_backup(path=tmp_path / "missing.zip")


def test_another_format_version_or_schema_revision_is_refused(
    demo_backup: Path, new_sqlite: Engine, tmp_path: Path
) -> None:
    later = _rewritten(demo_backup, tmp_path / "v2.zip", {MANIFEST_NAME: {"format_version": 2}})
    with pytest.raises(BackupIncompatible) as incompatible:
        in_uow(new_sqlite, restore_backup, path=later)
    assert incompatible.value.message == (
        f"{later}: backup format version 2; this Blamefree reads version 1 (the backup was made "
        "by Blamefree 0.1.0)"
    )
    older = _rewritten(
        demo_backup, tmp_path / "old.zip", {MANIFEST_NAME: {"schema_revision": "0001_initial"}}
    )
    with pytest.raises(BackupIncompatible, match="made at schema revision 0001_initial"):
        in_uow(new_sqlite, restore_backup, path=older)
    assert _empty(new_sqlite)


def test_a_folder_that_does_not_exist_is_a_usage_error(demo_store: Engine, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write the backup"):
        in_uow(demo_store, back_up, path=tmp_path / "nope" / "b.zip", now=NOW)
    assert not (tmp_path / "nope").exists()


def test_a_backup_replaces_an_earlier_file_whole(demo_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "b.zip"
    path.write_bytes(b"an earlier backup")
    path.chmod(0o644)
    in_uow(demo_store, back_up, path=path, now=NOW)
    assert check_backup(path=path).manifest.rows > 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["b.zip"]  # no temporary file left


@pytest.mark.postgres
def test_a_nul_character_postgresql_cannot_hold_is_refused_by_row(
    postgres_schema_url: str, new_sqlite: Engine, tmp_path: Path
) -> None:
    in_uow(new_sqlite, people.add_person, name="Nul\x00Byte")
    path = tmp_path / "nul.zip"
    in_uow(new_sqlite, back_up, path=path, now=NOW)
    postgres = make_engine(postgres_schema_url)
    try:
        ensure_schema(postgres)
        with pytest.raises(BackupIncompatible) as refused:
            in_uow(postgres, restore_backup, path=path)
        assert refused.value.message.startswith(
            f"{path}, table people line 1, column 'name': the value holds a NUL character"
        )
        assert _empty(postgres)
    finally:
        postgres.dispose()
