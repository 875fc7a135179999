"""``/actions`` and ``/actions/prevention``: filters in the URL, overdue on the app clock, bulk
and single updates stored with who made them (SQLite and PostgreSQL)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from blamefree.domain.accounts import Role
from blamefree.services import actions, postmortems
from support.board_docs import CHECKOUT, NOW, SEARCH
from support.board_pages import read_page
from support.uow import in_uow
from support.web import BASE_URL, WebClient, make_app


def test_the_board_shows_every_item_with_overdue_ones_marked(
    client: WebClient, ids: dict[str, str]
) -> None:
    page = client.get("/actions")
    assert page.status_code == 200
    shown = read_page(page.text)
    assert sorted(shown.rows) == sorted(ids.values())
    overdue = {uid for uid, row in shown.rows.items() if "is-overdue" in row.classes}
    assert overdue == {
        ids["Alert on cache hit ratio below 80%"],
        ids["Page when the indexer lags by 15 minutes"],
    }
    alert = shown.rows[ids["Alert on cache hit ratio below 80%"]]
    assert alert.cells[3:6] == ["Noor Haddad", "2026-11-09 overdue by 11 days", "Open"]
    assert alert.cells[2].startswith(f"{CHECKOUT} P1 Checkout latency after a cache eviction storm")
    assert f'href="/postmortems/{CHECKOUT}"' in page.text
    runbook = shown.rows[ids["Write the reindex runbook"]]
    assert runbook.cells[3:5] == ["unassigned", "2026-12-01"]
    split = shown.rows[ids["Split the session cache from the catalogue cache"]]
    assert split.cells[4] == "2027-01-31 end of its horizon"
    assert shown.headings[:3] == [
        "Change the selected items (tick the boxes in the tables below)",
        "Open 5 2 overdue",
        "Done 1",
    ]
    assert shown.notices == ["6 of 6 action items shown · 2 overdue as of 2026-11-20"]


def test_overdue_follows_the_app_clock(engine: Engine, ids: dict[str, str]) -> None:
    on_the_tenth = make_app(engine, now=NOW.replace(day=10))
    with WebClient(on_the_tenth, base_url=BASE_URL) as client:
        shown = read_page(client.get("/actions").text)
    overdue = {uid for uid, row in shown.rows.items() if "is-overdue" in row.classes}
    assert overdue == {ids["Alert on cache hit ratio below 80%"]}  # due the 9th; the other the 19th
    assert shown.rows[ids["Alert on cache hit ratio below 80%"]].cells[4] == (
        "2026-11-09 overdue by 1 day"
    )


def test_filters_live_in_the_url(client: WebClient, ids: dict[str, str]) -> None:
    def shown(query: str) -> list[str]:
        answer = client.get(f"/actions?{query}")
        assert answer.status_code == 200, answer.text
        return sorted(read_page(answer.text).rows)

    assert shown("owner=dana") == sorted(
        [
            ids["Load test the checkout path every week"],
            ids["Page when the indexer lags by 15 minutes"],
        ]
    )
    assert shown("owner=Unassigned") == [ids["Write the reindex runbook"]]
    assert shown(f"postmortem={SEARCH}") == sorted(
        [ids["Write the reindex runbook"], ids["Page when the indexer lags by 15 minutes"]]
    )
    assert shown("severity=P1&overdue=1") == [ids["Alert on cache hit ratio below 80%"]]
    assert shown("status=done") == [ids["Restore the cache memory limit in the deploy template"]]
    assert shown("status=open&status=in_progress&q=cache+split") == [
        ids["Split the session cache from the catalogue cache"]
    ]
    empty = client.get("/actions?q=no+such+thing")
    assert "No action item matches these filters." in empty.text
    chosen = client.get("/actions?severity=P3&owner=Dana&group=owner&sort=owner").text
    assert '<option value="Dana" selected>Dana</option>' in chosen
    assert 'name="severity" value="P3" checked' in chosen
    assert '<option value="owner" selected>Owner</option>' in chosen


def test_a_wrong_filter_names_its_parameter(client: WebClient, ids: dict[str, str]) -> None:
    answer = client.get("/actions?status=finished")
    assert answer.status_code == 422
    assert "<code>status</code>" in answer.text
    assert client.get("/actions?group=colour").status_code == 422


def test_grouping_by_owner_and_by_due_date(client: WebClient, ids: dict[str, str]) -> None:
    by_owner = read_page(client.get("/actions?group=owner").text).headings[1:]
    assert by_owner == [
        "Dana 2 1 overdue",
        "Ines Carvalho 1",
        "Noor Haddad 1 1 overdue",
        "Platform team 1",
        "Unassigned 1",
    ]
    by_due = read_page(client.get("/actions?group=due").text).headings[1:]
    assert by_due == [
        "Overdue 2",
        "Due within a week 1",
        "Due within 30 days 1",
        "Later 1",
        "Closed 1",
    ]


def test_a_bulk_update_stores_each_change_with_the_actor(
    engine: Engine, client: WebClient, ids: dict[str, str]
) -> None:
    chosen = [ids["Write the reindex runbook"], ids["Alert on cache hit ratio below 80%"]]
    client.cookies.clear()
    client.login_as("chiara.bianchi", role=Role.AUTHOR)
    answer = client.post_form(
        "/actions/bulk",
        {
            "action_id": chosen,
            "status": "in_progress",
            "owner": "Mateus Oliveira",
            "due": "2026-12-04",
            "back": "/actions?group=due&owner=dana",
        },
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        "/actions?group=due&owner=dana&updated=2",
    )
    for uid in chosen:
        history = in_uow(engine, actions.action_history, action_id=uid)
        assert [(h.field, h.new, h.by) for h in history[1:]] == [
            ("status", "in_progress", "chiara.bianchi"),
            ("owner", "Mateus Oliveira", "chiara.bianchi"),
            ("due_date", "2026-12-04", "chiara.bianchi"),
        ]
    assert [r.author for r in in_uow(engine, postmortems.history, incident_id=SEARCH)] == [
        "Kim",
        "chiara.bianchi",
    ]
    notice = read_page(client.get(answer.headers["location"]).text).notices
    assert notice[-1] == "2 action items updated."


def test_a_bulk_update_that_fails_changes_nothing(
    engine: Engine, client: WebClient, ids: dict[str, str]
) -> None:
    done = ids["Restore the cache memory limit in the deploy template"]
    other = ids["Write the reindex runbook"]
    answer = client.post_form("/actions/bulk", {"action_id": [other, done], "status": "proposed"})
    assert answer.status_code == 422
    assert done in answer.text
    view = in_uow(engine, actions.show_action, action_id=other, today=NOW.date()).action
    assert view.record.status.value == "open"
    nothing = client.post_form("/actions/bulk", {"status": "done"})
    assert nothing.status_code == 422
    assert "select at least one action item" in nothing.text


def test_an_item_is_marked_done_from_its_row(
    engine: Engine, client: WebClient, ids: dict[str, str]
) -> None:
    uid = ids["Load test the checkout path every week"]
    answer = client.post_form(
        f"/actions/{uid}/status",
        {"status": "done", "back": "https://evil.example/actions"},
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (303, f"/actions?changed={uid}")
    view = in_uow(engine, actions.show_action, action_id=uid, today=NOW.date()).action
    assert (view.record.status.value, view.record.closed_at) == ("done", NOW)
    assert in_uow(engine, actions.action_history, action_id=uid)[-1].by == "Tester"


def test_every_board_form_needs_its_csrf_token(raw_client: TestClient, ids: dict[str, str]) -> None:
    uid = ids["Write the reindex runbook"]
    for url, data in (
        ("/actions/bulk", {"action_id": uid, "status": "done"}),
        (f"/actions/{uid}/status", {"status": "done"}),
        ("/actions/push", {"action_id": uid, "to": "github"}),
        ("/actions/pull", {"action_id": uid}),
        (
            "/actions/prevention/status",
            {"postmortem": SEARCH, "category": "technical", "number": 1, "status": "done"},
        ),
    ):
        assert raw_client.post(url, data=data).status_code == 403, url


def test_every_board_form_field_has_a_label(client: WebClient, ids: dict[str, str]) -> None:
    import re

    for url in ("/actions", "/actions/prevention"):
        html = client.get(url).text
        labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', html))
        for field in re.finditer(r"<(?:input|select|textarea)\b([^>]*)>", html):
            attrs = field.group(1)
            if 'type="hidden"' in attrs:
                continue
            wrapped = html[: field.start()].endswith('<label class="check">')
            found = re.search(r'id="([^"]+)"', attrs)
            assert wrapped or (found is not None and found.group(1) in labelled), (url, attrs)


def test_prevention_measures_across_post_mortems(
    engine: Engine, client: WebClient, ids: dict[str, str]
) -> None:
    page = client.get("/actions/prevention")
    assert page.status_code == 200
    headings = read_page(page.text).headings
    assert headings == ["Technical 2", "Process 1", "Monitoring 1"]
    assert "Skip malformed records instead of stalling" in page.text
    only = client.get(f"/actions/prevention?postmortem={CHECKOUT}&category=technical").text
    assert "Cap cache evictions per minute" in only
    assert "Skip malformed records" not in only
    answer = client.post_form(
        "/actions/prevention/status",
        {"postmortem": SEARCH, "category": "technical", "number": 1, "status": "done"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[-1500:]
    assert answer.headers["location"] == f"/actions/prevention?changed={SEARCH}+technical+1"
    measures = in_uow(engine, actions.list_measures, incident_id=SEARCH)
    assert [(m.item.status.value, m.closed_at) for m in measures] == [("done", NOW)]


def test_a_tracker_link_written_by_hand_never_becomes_a_script_link(
    engine: Engine,
    client: WebClient,
    tmp_path,
    ids: dict[str, str],  # type: ignore[no-untyped-def]
) -> None:
    from blamefree.domain.enums import TrackerSystem
    from blamefree.domain.postmortem import TrackerLink

    hostile = TrackerLink(system=TrackerSystem.JIRA, key="OPS-9", url="javascript:alert(1)")
    fine = TrackerLink(
        system=TrackerSystem.JIRA, key="OPS-10", url="https://jira.example/browse/OPS-10"
    )
    for uid, link in (
        (ids["Write the reindex runbook"], hostile),
        (ids["Split the session cache from the catalogue cache"], fine),
    ):
        in_uow(engine, actions.link_tracker, action_id=uid, link=link, now=NOW, by="Kim")
    page = client.get("/actions").text
    assert "javascript:" not in page
    assert "Jira OPS-9" in page
    assert (
        '<a href="https://jira.example/browse/OPS-10" rel="noopener noreferrer">Jira OPS-10</a>'
        in page
    )


def test_a_bulk_update_is_one_transaction(
    engine: Engine, client: WebClient, ids: dict[str, str]
) -> None:
    from collections import Counter

    from sqlalchemy import event

    client.get("/actions")  # the CSRF cookie, before counting
    seen: Counter[str] = Counter()

    def count(name: str):  # type: ignore[no-untyped-def]
        return lambda *_args: seen.update([name])

    listeners = [(engine, "commit", count("commit")), (engine, "rollback", count("rollback"))]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        token = client.csrf()
        seen.clear()
        answer = client.post(
            "/actions/bulk",
            data={
                "csrf_token": token,
                "action_id": [
                    ids["Write the reindex runbook"],
                    ids["Alert on cache hit ratio below 80%"],
                ],
                "owner": "Mateus Oliveira",
            },
            follow_redirects=False,
        )
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)
    assert answer.status_code == 303
    # One commit: the route's. The rollback is the session check before it, a read that is let
    # go (web.auth), never a write undone.
    assert seen == Counter({"commit": 1, "rollback": 1})
