"""/inbox: list the waiting events, attach them, start a draft, discard; forms need CSRF."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from blamefree.services import inbox, timeline
from blamefree.services.postmortems import get_postmortem
from support.hooks import INCIDENT, UNKNOWN_INCIDENT, payload, store_incident
from support.uow import in_uow
from support.web import WebClient


def fill_inbox(engine: Engine) -> dict[str, int]:
    """The ids of the waiting events by source: Grafana, Opsgenie and one Alertmanager alert
    when INC-2026-0210 is stored; without it the other alert waits too (four events)."""
    for source, name in [
        ("grafana", "grafana-firing.json"),
        ("alertmanager", "alertmanager-firing.json"),
        ("opsgenie", "opsgenie-create-untagged.json"),
    ]:
        in_uow(engine, inbox.receive_delivery, source=source, body=payload(name))
    return {item.source: item.id for item in in_uow(engine, inbox.list_inbox)}


def test_an_empty_inbox_says_so_and_shows_where_senders_deliver(client: WebClient) -> None:
    page = client.get("/inbox")
    assert page.status_code == 200
    assert '<h2 id="empty-title">Nothing waiting</h2>' in page.text
    assert "<code>POST http://testserver/hooks/pagerduty</code>" in page.text
    assert '<a href="/inbox" aria-current="page">Inbox</a>' in page.text


def test_the_inbox_lists_each_waiting_event_with_its_source_and_what_it_named(
    client: WebClient, engine: Engine
) -> None:
    store_incident(engine)
    ids = fill_inbox(engine)
    page = client.get("/inbox").text
    rows = re.findall(r'<label for="item-(\d+)" class="event-text">([^<]+)</label>', page)
    assert rows == [
        (
            str(ids["grafana"]),
            "Firing: Search index lag: Product search index is 14 minutes behind the catalogue",
        ),
        (str(ids["opsgenie"]), "Alert created: #3186 Search API 5xx above 2%"),
        (
            str(ids["alertmanager"]),
            "Firing: CheckoutLatencyP99High: p99 latency of /checkout above 2s",
        ),
    ]
    assert f'<code>{UNKNOWN_INCIDENT}</code> <span class="muted">(not stored)</span>' in page
    assert '<time datetime="2026-11-19T20:58:03.157076+00:00">2026-11-19 20:58 UTC</time>' in page
    assert (
        f'<option value="{INCIDENT}" >{INCIDENT} · Checkout errors after the 22:00 deploy (2026-11-19)</option>'
        in page
    )
    # The draft's id is offered from the unknown post-mortem an event named.
    assert f'name="draft_id" maxlength="200" value="{UNKNOWN_INCIDENT}"' in page
    assert "3 events waiting." in page


def test_attaching_files_the_events_and_says_so(client: WebClient, engine: Engine) -> None:
    store_incident(engine)
    ids = fill_inbox(engine)
    answer = client.post_form(
        "/inbox/attach",
        {"items": [ids["alertmanager"], ids["opsgenie"]], "incident_id": INCIDENT},
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        f"/inbox?attached=2&added=2&to={INCIDENT}",
    )
    page = client.get(answer.headers["location"]).text
    assert f'Attached 2 events to <a href="/postmortems/{INCIDENT}">{INCIDENT}</a>.' in page
    events = in_uow(engine, timeline.list_recorded_events, incident_id=INCIDENT)
    assert [(e.source.tool, by) for e, by in events] == [
        ("opsgenie", "Tester"),
        ("alertmanager", "webhook:alertmanager"),
        ("alertmanager", "Tester"),
    ]
    assert [i.source for i in in_uow(engine, inbox.list_inbox)] == ["grafana"]


def test_a_draft_starts_with_the_chosen_events_on_its_timeline(
    client: WebClient, engine: Engine
) -> None:
    ids = fill_inbox(engine)
    answer = client.post_form(
        "/inbox/draft",
        {
            "items": [ids["grafana"]],
            "title": "Search results went stale",
            "severity": "P2",
            "draft_id": UNKNOWN_INCIDENT,
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == f"/inbox?drafted={UNKNOWN_INCIDENT}&attached=1"
    stored = in_uow(engine, get_postmortem, incident_id=UNKNOWN_INCIDENT)
    assert (stored.doc.title, stored.doc.severity.value if stored.doc.severity else None) == (
        "Search results went stale",
        "P2",
    )
    assert [e.source.tool for e in stored.doc.timeline.events] == ["grafana"]
    page = client.get(answer.headers["location"]).text
    assert (
        f'Started the draft <a href="/postmortems/{UNKNOWN_INCIDENT}">{UNKNOWN_INCIDENT}</a> with 1 event'
        in page
    )


def test_discarding_removes_the_events_from_the_inbox(client: WebClient, engine: Engine) -> None:
    ids = fill_inbox(engine)
    answer = client.post_form(
        "/inbox/discard", {"items": [ids["opsgenie"]]}, follow_redirects=False
    )
    assert answer.headers["location"] == "/inbox?discarded=1"
    assert sorted(i.source for i in in_uow(engine, inbox.list_inbox)) == [
        "alertmanager",
        "alertmanager",
        "grafana",
    ]


def test_choosing_nothing_is_shown_on_the_page_and_changes_nothing(
    client: WebClient, engine: Engine
) -> None:
    store_incident(engine)
    fill_inbox(engine)
    answer = client.post_form("/inbox/attach", {"incident_id": INCIDENT})
    assert answer.status_code == 422
    assert "<strong>Nothing was changed.</strong> Choose at least one inbox event." in answer.text
    no_target = client.post_form("/inbox/attach", {"items": [1]})
    assert no_target.status_code == 422
    assert "Choose the post-mortem to attach to." in no_target.text
    # What was ticked stays ticked, to choose the post-mortem and send again.
    assert 'name="items" value="1" id="item-1" checked>' in no_target.text
    taken = client.post_form("/inbox/draft", {"items": [1], "draft_id": INCIDENT})
    assert taken.status_code == 409
    bad_id = client.post_form("/inbox/draft", {"items": [1], "draft_id": "INC 2026/0300"})
    assert bad_id.status_code == 422
    assert "is not an incident id" in bad_id.text
    bad_severity = client.post_form("/inbox/draft", {"items": [1], "severity": "SEV1"})
    assert bad_severity.status_code == 422
    assert "Severity &#39;SEV1&#39; is not one of P0, P1, P2, P3." in bad_severity.text
    assert in_uow(engine, inbox.count_inbox) == 3


def test_a_form_without_its_csrf_token_is_refused(client: WebClient, engine: Engine) -> None:
    ids = fill_inbox(engine)
    answer = client.post("/inbox/discard", data={"items": [ids["grafana"]]})
    assert answer.status_code == 403
    assert in_uow(engine, inbox.count_inbox) == 4


def test_a_form_from_another_site_is_refused(raw_client: TestClient, engine: Engine) -> None:
    ids = fill_inbox(engine)
    answer = raw_client.post(
        "/inbox/discard",
        data={"items": [ids["grafana"]], "csrf_token": "x"},
        headers={"origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    assert in_uow(engine, inbox.count_inbox) == 4
