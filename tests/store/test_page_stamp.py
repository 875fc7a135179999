"""``reading.page_stamp``: the one query the post-mortem page's memo keys on moves with each
new version, each comment added, resolved or reopened, each workflow step and each change of
the restriction, and stands still otherwise (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from blamefree.domain.accounts import Principal, Role
from blamefree.domain.enums import ReviewKind
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.workflow import Transition
from blamefree.errors import PostmortemNotFound
from blamefree.services import comments, reading, restriction, reviews, workflow
from blamefree.store import UnitOfWork
from blamefree.store.page_stamps import PageStamp

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
OWNER = Principal(name="dana", role=Role.AUTHOR)
ADMIN = Principal(name="ari", role=Role.ADMIN)


def _stamp(engine: Engine, incident_id: str) -> PageStamp:
    with UnitOfWork(engine) as uow:
        return reading.page_stamp(uow, incident_id=incident_id)


def test_the_page_stamp_moves_with_versions_comments_and_the_workflow(
    engine: Engine, doc: Postmortem
) -> None:
    with UnitOfWork(engine) as uow:
        created = uow.postmortems.create(doc, markdown="# v1\n", message="created")
    incident_id = created.incident_id
    first = _stamp(engine, incident_id)
    assert (first.version.version, first.comments, first.workflow) == (1, (0, 0, "None/0"), None)
    assert _stamp(engine, incident_id) == first  # nothing changed: the same key

    with UnitOfWork(engine) as uow:
        added = comments.add_comment(
            uow,
            incident_id=incident_id,
            body="Which alert fired first?",
            by=OWNER,
            now=NOW,
            section="executive_summary",
        )
    commented = _stamp(engine, incident_id)
    assert commented.comments[:2] == (1, added.comment.id)
    assert commented.version == first.version

    with UnitOfWork(engine) as uow:
        comments.resolve_comment(uow, comment_id=added.comment.id, by=OWNER, now=NOW)
    resolved = _stamp(engine, incident_id)
    assert resolved.comments[:2] == commented.comments[:2]
    assert resolved.comments[2] != commented.comments[2]
    assert resolved.comments[2].endswith("/1")

    with UnitOfWork(engine) as uow:
        comments.reopen_comment(uow, comment_id=added.comment.id, by=OWNER)
    assert _stamp(engine, incident_id).comments[2].endswith("/0")

    rules = workflow.ReviewRules()
    with UnitOfWork(engine) as uow:
        workflow.assign(
            uow, incident_id=incident_id, principal=ADMIN, now=NOW, review=rules, owner="dana"
        )
    assigned = _stamp(engine, incident_id)
    assert assigned.workflow == ("draft", NOW)
    later = NOW + dt.timedelta(minutes=5)
    with UnitOfWork(engine) as uow:
        workflow.transition(
            uow,
            incident_id=incident_id,
            step=Transition.SUBMIT,
            principal=OWNER,
            now=later,
            review=rules,
        )
    submitted = _stamp(engine, incident_id)
    assert submitted.workflow == ("in_review", later)
    assert submitted.version.version >= assigned.version.version
    assert submitted.restriction == (None, None, None)

    def restrict(**change: object) -> PageStamp:
        with UnitOfWork(engine) as uow:
            restriction.set_restriction(
                uow, incident_id=incident_id, principal=ADMIN, now=later, **change
            )
        return _stamp(engine, incident_id)

    restricted = restrict(restricted=True)
    assert restricted.restriction == ("ari", later, None)
    named = restrict(add_members=["Sam Reyes", "Bo"])
    assert sorted((named.restriction[2] or "").split("\n")) == ["Bo", "Sam Reyes"]
    fewer = restrict(remove_members=["Bo"])
    assert fewer.restriction == ("ari", later, "Sam Reyes")  # the same clock: still moved
    lifted = restrict(restricted=False)
    assert lifted.restriction[:2] == (None, None)
    assert lifted.version == submitted.version  # none of it is a new version

    assert lifted.reviews is None
    with UnitOfWork(engine) as uow:
        reviews.record_review(
            uow, incident_id=incident_id, kind=ReviewKind.ONE_WEEK, now=later, notes="ok", by="Bo"
        )
    held = _stamp(engine, incident_id)
    assert held.reviews is not None and held.reviews.startswith("1w\x1f")
    assert held.reviews.endswith("\x1fok\x1fBo")
    with UnitOfWork(engine) as uow:  # recorded again: the same time, other notes
        reviews.record_review(
            uow, incident_id=incident_id, kind=ReviewKind.ONE_WEEK, now=later, notes="ok!", by="Bo"
        )
    assert _stamp(engine, incident_id).reviews != held.reviews


def test_an_unknown_post_mortem_has_no_page_stamp(engine: Engine) -> None:
    with pytest.raises(PostmortemNotFound) as caught, UnitOfWork(engine) as uow:
        reading.page_stamp(uow, incident_id="INC-NOPE")
    assert caught.value.message == "no post-mortem with incident id 'INC-NOPE'"
