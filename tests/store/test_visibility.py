"""Restricted post-mortems in the store (SQLite and PostgreSQL): every read of a unit of work
leaves out what its viewer may not see, and a write to it finds nothing (store.visibility)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from blamefree.config import Settings
from blamefree.domain.accounts import Principal, Role
from blamefree.domain.visibility import EVERYTHING, Viewer, can_see
from blamefree.domain.workflow import MemberRole, State
from blamefree.errors import Forbidden, PostmortemNotFound
from blamefree.services import (
    audit,
    board,
    calendar,
    dashboard,
    postmortems,
    reminders,
    restriction,
)
from blamefree.services import search as search_service
from blamefree.services.postmortem_listing import list_postmortems
from blamefree.store import UnitOfWork
from blamefree.store.accounts import AccountsRepository
from blamefree.store.follow_through import FollowThroughRepository
from blamefree.store.postmortem_listing import ListingQuery
from blamefree.store.workflow import WorkflowRepository
from support.updates_doc import DOCUMENT, NOW

PUBLIC = "INC-2025-0031"
SECRET = "INC-2025-0099"
TODAY = NOW.date()
ADMIN = Principal(name="Root", role=Role.ADMIN)
KIM = Principal(name="Kim", role=Role.AUTHOR)

OWNER = Viewer(False, "kim")  # who wrote version 1 (letter case does not matter)
REVIEWER = Viewer(False, "Ravi")  # a named reviewer
MEMBER = Viewer(False, "Mia")  # a member named on the restriction
STRANGER = Viewer(False, "Zed")
NOBODY = Viewer(False, None)
SEEING = [EVERYTHING, OWNER, REVIEWER, MEMBER]
BLIND = [STRANGER, NOBODY]


@pytest.fixture
def store(engine: Engine, tmp_path: Path) -> Engine:
    secret = DOCUMENT.replace(PUBLIC, SECRET).replace(
        "Ledger export stalled overnight", "Credentials leaked overnight"
    )
    for name, text in (("public.md", DOCUMENT), ("secret.md", secret)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    with UnitOfWork(engine) as uow:
        report = postmortems.import_files(
            uow, paths=[tmp_path / "public.md", tmp_path / "secret.md"], today=TODAY, by="Kim"
        )
        assert [o.error for o in report.outcomes] == [None, None]
        row_id = uow.postmortems.stamp(SECRET).row_id
        WorkflowRepository(uow.session).add_member(
            row_id, "Ravi", MemberRole.REVIEWER, by="Root", now=NOW
        )
        view = restriction.set_restriction(
            uow,
            incident_id=SECRET,
            principal=KIM,
            now=NOW,
            restricted=True,
            add_members=["Mia"],
        )
    assert (view.restricted, view.owner, view.members) == (True, "Kim", ("Mia",))
    return engine


def _ids(found: object) -> set[str]:
    return {item.incident_id for item in found}  # type: ignore[attr-defined]


@pytest.mark.parametrize("viewer", SEEING + BLIND, ids=lambda v: f"{v.sees_all}-{v.name}")
def test_every_read_leaves_out_what_the_viewer_may_not_see(store: Engine, viewer: Viewer) -> None:
    sees = viewer in SEEING
    expected = {PUBLIC, SECRET} if sees else {PUBLIC}
    with UnitOfWork(store, viewer=viewer) as uow:
        assert uow.postmortems.exists(SECRET) is sees
        assert uow.postmortems.exists(PUBLIC) is True
        assert _ids(uow.postmortems.list()) == expected
        listed = list_postmortems(uow, query=ListingQuery(), today=TODAY)
        assert (listed.total, _ids(listed.rows)) == (len(expected), expected)
        follow = FollowThroughRepository(uow.session)
        assert {r.incident_id for r in follow.list_actions()} == expected
        hits = search_service.search_postmortems(uow, query="overnight", limit=10)
        assert (hits.total, {h.incident_id for h in hits.hits}) == (len(expected), expected)
        words = search_service.search_postmortems(uow, query="severity:P2", limit=10)
        assert {h.incident_id for h in words.hits} == expected
        entries = {e.incident_id for e in audit.audit_log(uow)}
        assert (SECRET in entries) is sees
        shown = dashboard.dashboard(uow, today=TODAY)
        assert shown.total == len(expected)
        assert shown.medians.incidents == len(expected)
        assert {p.incident_id for p in shown.recent} == expected
        actions = board.action_board(uow, today=TODAY)
        assert {v.record.incident_id for g in actions.groups for v in g.items} == expected
        feed = calendar.build_calendar(uow, now=NOW).decode()
        assert (SECRET in feed) is sees
        if sees:
            assert [r.version for r in uow.postmortems.history(SECRET)] == [1]
            assert (
                uow.postmortems.get(SECRET).doc.title == "Post-Mortem: Credentials leaked overnight"
            )
            assert uow.postmortems.stamp(SECRET).incident_id == SECRET
        else:
            for read in (
                lambda: uow.postmortems.get(SECRET),
                lambda: uow.postmortems.stamp(SECRET),
                lambda: uow.postmortems.history(SECRET),
                lambda: uow.postmortems.revision(SECRET, 1),
                lambda: calendar.build_calendar(uow, now=NOW, incident_id=SECRET),
            ):
                with pytest.raises(PostmortemNotFound) as caught:
                    read()
                assert str(caught.value) == f"no post-mortem with incident id {SECRET!r}"


@pytest.mark.parametrize("viewer", BLIND, ids=lambda v: f"{v.name}")
def test_a_write_to_a_hidden_one_finds_nothing_and_changes_nothing(
    store: Engine, viewer: Viewer
) -> None:
    with pytest.raises(PostmortemNotFound), UnitOfWork(store, viewer=viewer) as uow:
        uow.postmortems.delete(SECRET)
    with pytest.raises(PostmortemNotFound), UnitOfWork(store, viewer=viewer) as uow:
        uow.postmortems.event_import(SECRET)
    with UnitOfWork(store, viewer=viewer) as uow:
        assert uow.postmortems.taken(SECRET) is True  # ids are unique: a default id skips it
    with UnitOfWork(store) as uow:
        assert uow.postmortems.get(SECRET).version == 1


def test_only_the_owner_or_an_admin_changes_the_restriction(store: Engine) -> None:
    ravi = Principal(name="Ravi", role=Role.REVIEWER)
    with pytest.raises(Forbidden), UnitOfWork(store, viewer=REVIEWER) as uow:
        restriction.set_restriction(
            uow, incident_id=SECRET, principal=ravi, now=NOW, restricted=False
        )
    with UnitOfWork(store, viewer=EVERYTHING) as uow:
        view = restriction.set_restriction(
            uow,
            incident_id=SECRET,
            principal=ADMIN,
            now=NOW,
            restricted=False,
            remove_members=["mia"],
        )
    assert (view.restricted, view.members) == (False, ())
    with UnitOfWork(store, viewer=STRANGER) as uow:
        assert uow.postmortems.exists(SECRET) is True
        actions = [e.action for e in audit.audit_log(uow, incident_id=SECRET)]
    assert actions[-4:] == ["restrict", "restriction.members", "unrestrict", "restriction.members"]


def test_a_saved_import_keeps_the_restriction(store: Engine, tmp_path: Path) -> None:
    """The Markdown has no restriction field: importing it again leaves the flag as it is."""
    path = tmp_path / "secret.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Support Tickets:** 4", "Support Tickets:** 5"),
        encoding="utf-8",
    )
    with UnitOfWork(store) as uow:
        report = postmortems.import_files(uow, paths=[path], today=TODAY, update=True, by="Kim")
        assert [o.error for o in report.outcomes] == [None]
    with UnitOfWork(store, viewer=STRANGER) as uow:
        assert uow.postmortems.exists(SECRET) is False
    with UnitOfWork(store, viewer=MEMBER) as uow:
        assert uow.postmortems.get(SECRET).version == 2


def test_viewing_as_switches_the_viewer_inside_one_unit_of_work(store: Engine) -> None:
    with UnitOfWork(store) as uow:
        assert uow.postmortems.exists(SECRET) is True
        with uow.viewing_as(STRANGER):
            assert uow.postmortems.exists(SECRET) is False
        assert uow.postmortems.exists(SECRET) is True


def test_the_dashboard_of_a_stranger_counts_as_if_it_did_not_exist(store: Engine) -> None:
    with UnitOfWork(store, viewer=STRANGER) as uow:
        seen = dashboard.dashboard(uow, today=TODAY)
    with UnitOfWork(store) as uow:
        uow.postmortems.delete(SECRET)
        uow.session.flush()
        gone = dashboard.dashboard(uow, today=TODAY)
        uow.rollback()
    assert seen.standings == gone.standings
    assert seen.overdue_total == gone.overdue_total
    assert seen.reviews_total == gone.reviews_total
    assert [r.incidents for r in seen.medians.rows] == [r.incidents for r in gone.medians.rows]


def test_a_restriction_lasts_no_longer_than_its_post_mortem(store: Engine) -> None:
    with UnitOfWork(store) as uow:
        uow.postmortems.delete(SECRET)
    with UnitOfWork(store, viewer=STRANGER) as uow:  # its audit entries stay an admin's
        assert {e.incident_id for e in audit.audit_log(uow)} == {PUBLIC}
    with UnitOfWork(store) as uow:
        assert SECRET in {e.incident_id for e in audit.audit_log(uow)}
    with UnitOfWork(store) as uow:
        from sqlalchemy import func, select

        from blamefree.store.tables import RestrictionMemberRow, RestrictionRow

        counts = [
            uow.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (RestrictionRow, RestrictionMemberRow)
        ]
    assert counts == [0, 0]


def _digests(store: Engine) -> dict[str, set[str]]:
    with UnitOfWork(store) as uow:  # remind runs as the local operator, who sees everything
        report = reminders.remind(
            uow,
            settings=Settings(database_url="sqlite://"),
            today=TODAY,
            now=NOW,
            dry_run=True,
            reviews=lambda *_: [],
            clock=lambda: NOW,
        )
    return {d.name: {ref.incident_id for ref in (*d.overdue, *d.due_soon)} for d in report.digests}


def test_a_digest_leaves_out_what_its_person_may_not_see(store: Engine) -> None:
    """Noor owns an item of each; only the unrestricted one is in her digest until she is
    named on the restricted one, or has an admin's account."""
    assert _digests(store)["Noor"] == {PUBLIC}
    with UnitOfWork(store) as uow:
        restriction.set_restriction(
            uow, incident_id=SECRET, principal=ADMIN, now=NOW, add_members=["noor"]
        )
    assert _digests(store)["Noor"] == {PUBLIC, SECRET}
    with UnitOfWork(store) as uow:
        restriction.set_restriction(
            uow, incident_id=SECRET, principal=ADMIN, now=NOW, remove_members=["Noor"]
        )
        AccountsRepository(uow.session).add_user(
            name="Noor", display_name=None, email=None, role=Role.ADMIN, password_hash=None,
            now=NOW,
        )  # fmt: skip
    assert _digests(store)["Noor"] == {PUBLIC, SECRET}


def test_the_owner_is_the_workflows_once_it_names_one(store: Engine) -> None:
    """Who wrote version 1 owns it until the workflow names an owner: then that one sees it,
    in the SQL of every read as in the domain's rule."""
    with UnitOfWork(store) as uow:
        row_id = uow.postmortems.stamp(SECRET).row_id
        WorkflowRepository(uow.session).put(
            row_id, state=State.DRAFT, owner="Dana", round_=0, approved_at=None, now=NOW
        )
    for viewer, sees in ((Viewer(False, "dana"), True), (OWNER, False), (MEMBER, True)):
        with UnitOfWork(store, viewer=viewer) as uow:
            assert uow.postmortems.exists(SECRET) is sees, viewer
            listed = list_postmortems(uow, query=ListingQuery(), today=TODAY)
            assert (SECRET in _ids(listed.rows)) is sees, viewer
    with UnitOfWork(store) as uow:
        view = restriction.restriction_status(uow, incident_id=SECRET, principal=ADMIN)
    assert (
        view.owner,
        can_see(OWNER, view.access),
        can_see(Viewer(False, "Dana"), view.access),
    ) == (
        "Dana",
        False,
        True,
    )


def test_every_table_under_a_post_mortem_is_filtered() -> None:
    """A new table with rows of one post-mortem must be added to store.visibility's list."""
    from blamefree.store import visibility
    from blamefree.store.tables import Base

    under = {
        table.name
        for table in Base.metadata.tables.values()
        if any(fk.column.table.name == "postmortems" for fk in table.foreign_keys)
    }
    filtered = {entity.__tablename__ for entity in visibility._CHILDREN}
    assert under == filtered
