"""The store keeps the author's text: import a file, export it, get the same bytes back."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from blamefree.domain.enums import ActionStatus, Priority
from blamefree.domain.postmortem import Postmortem
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render
from blamefree.services import actions, postmortems
from blamefree.store import UnitOfWork
from support.strategies import postmortems as documents
from support.uow import in_uow

ROOT = Path(__file__).parents[2]
FILES = sorted(
    [
        # Every post-mortem the suite keeps (the READMEs describing data folders are not ones).
        *(p for p in ROOT.joinpath("tests", "data").rglob("*.md") if p.name != "README.md"),
        *ROOT.joinpath("src/blamefree/data/demo/postmortems").glob("*.md"),
        ROOT / "src/blamefree/data/example-postmortem.md",
    ]
)
TODAY = dt.date(2024, 6, 1)
_NUMBERS = itertools.count(1)


def _import(engine: Engine, path: Path, *, timezone: str | None = None) -> str:
    report = in_uow(engine, postmortems.import_files, paths=[path], today=TODAY, timezone=timezone)
    (outcome,) = report.outcomes
    assert outcome.error is None, outcome.error
    assert outcome.incident_id is not None
    return outcome.incident_id


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_data_file_comes_back_byte_for_byte(engine: Engine, path: Path) -> None:
    timezone = "America/New_York" if "tz-option" in path.name else None
    incident_id = _import(engine, path, timezone=timezone)
    exported = in_uow(engine, postmortems.export_markdown, incident_id=incident_id)
    assert exported.encode("utf-8") == path.read_bytes()
    stored, text = in_uow(engine, postmortems.stored_document, incident_id=incident_id)
    assert text == exported
    # The stored document is what the text reads as, in the zone it was read with.
    expected = parse(text, timezone=timezone)
    assert stored.doc == expected.model_copy(update={"incident_id": stored.doc.incident_id})


def test_line_endings_and_byte_order_mark_are_kept(engine: Engine, tmp_path: Path) -> None:
    original = (ROOT / "src/blamefree/data/example-postmortem.md").read_text("utf-8")
    path = tmp_path / "crlf.md"
    path.write_bytes(("\ufeff" + original.replace("\n", "\r\n")).encode("utf-8"))
    incident_id = _import(engine, path)
    assert (
        in_uow(engine, postmortems.export_markdown, incident_id=incident_id).encode()
        == path.read_bytes()
    )
    # A command's change keeps them too: one line differs, in the file's own line ending.
    listed = in_uow(engine, actions.list_actions, today=TODAY, incident_id=incident_id)
    item = next(view for view in listed if view.record.status is ActionStatus.OPEN)
    now = dt.datetime(2024, 6, 1, 9, tzinfo=dt.UTC)
    in_uow(engine, actions.set_action, action_id=item.uid, now=now, status=ActionStatus.DONE)
    after = in_uow(engine, postmortems.export_markdown, incident_id=incident_id)
    before = path.read_bytes().decode("utf-8")
    assert after.startswith("\ufeff") and "\n" not in after.replace("\r\n", "")
    changed = [
        (a, b) for a, b in zip(before.split("\r\n"), after.split("\r\n"), strict=True) if a != b
    ]
    assert changed == [(f"- [ ] {item.record.text}", f"- [x] {item.record.text}")]


def test_a_post_mortem_created_by_new_is_its_rendering(engine: Engine) -> None:
    doc = postmortems.new_postmortem(
        title="Queue backlog", severity=None, incident_id="INC-NEW", today=TODAY
    )
    in_uow(engine, postmortems.create_postmortem, postmortem_in=doc, message="created")
    assert in_uow(engine, postmortems.export_markdown, incident_id="INC-NEW") == render(doc)


def test_a_revision_written_before_author_texts_is_read_as_one(engine: Engine) -> None:
    # Stores from before this change hold the canonical rendering: that is an author text too.
    doc = Postmortem.model_validate(
        {
            "incident_id": "INC-OLD",
            "date": "2024-05-02",
            "action_items": {"immediate": [{"text": "Fix"}]},
        }
    )
    with UnitOfWork(engine) as uow:
        uow.postmortems.create(doc, markdown=render(doc), message="old store")
    uid = in_uow(engine, actions.list_actions, today=TODAY, incident_id="INC-OLD")[0].uid
    in_uow(
        engine,
        actions.set_action,
        action_id=uid,
        now=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        priority=Priority.LOW,
    )
    text = in_uow(engine, postmortems.export_markdown, incident_id="INC-OLD")
    assert text == render(doc).replace("**Priority:** High/Medium/Low", "**Priority:** Low", 1)


_STYLES = st.sampled_from(
    [
        lambda text: text,
        lambda text: text.replace("\n", "\r\n"),
        lambda text: "\ufeff" + text,
        lambda text: text.replace("  \n", "\n") + "\n\nNotes kept at the very end.",
    ]
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(documents, _STYLES)
def test_generated_documents_come_back_byte_for_byte(
    engine: Engine, tmp_path: Path, doc: Postmortem, style: object
) -> None:
    keys = [event.dedupe_key() for event in doc.timeline.events if event.dedupe_key()]
    assume(len(keys) == len(set(keys)))  # the store holds one event per source record
    number = next(_NUMBERS)
    text = style(render(doc.model_copy(update={"incident_id": f"GEN-{number}"})))  # type: ignore[operator]
    path = tmp_path / f"gen-{number}.md"
    path.write_bytes(text.encode("utf-8"))
    incident_id = _import(engine, path)
    assert in_uow(engine, postmortems.export_markdown, incident_id=incident_id) == text


def test_edit_opens_the_authors_text_and_stores_what_was_saved(
    engine: Engine, tmp_path: Path
) -> None:
    original = (ROOT / "tests/data/postmortems/catalogue-search-author-style.md").read_text()
    path = tmp_path / "cat.md"
    path.write_bytes(original.replace("\n", "\r\n").encode("utf-8"))
    incident_id = _import(engine, path)
    opened: list[str] = []

    def editor(text: str) -> str:
        opened.append(text)
        return text.replace("Freshness probe", "Freshness probe (synthetic)")

    saved = in_uow(engine, postmortems.edit_postmortem, incident_id=incident_id, run_editor=editor)
    assert saved is not None and saved.version == 2
    # The editor gets the author's text after the one line naming the version it was opened at.
    marker = f"<!-- blamefree: {incident_id} version 1 (keep this line: updates from this file merge safely) -->\r\n"
    assert opened == [marker + path.read_bytes().decode("utf-8")]
    assert in_uow(engine, postmortems.export_markdown, incident_id=incident_id) == opened[0][
        len(marker) :
    ].replace("Freshness probe", "Freshness probe (synthetic)")
    assert saved.doc.timeline.detection.detected_by == "Freshness probe (synthetic)"
