"""Webhook deliveries and the inbox as use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import Engine

from blamefree.domain.enums import Phase, Severity
from blamefree.errors import (
    PostmortemNotFound,
    SourceFormatError,
    Unauthenticated,
    ValidationFailed,
)
from blamefree.services import inbox, timeline
from blamefree.services.postmortems import delete_postmortem, get_postmortem
from support.hooks import (
    INCIDENT,
    PD_SECRET,
    UNKNOWN_INCIDENT,
    payload,
    pd_signature,
    store_incident,
)
from support.uow import in_uow


def deliver(engine: Engine, source: str, name: str) -> inbox.DeliveryReport:
    return in_uow(engine, inbox.receive_delivery, source=source, body=payload(name))


def recorded(
    engine: Engine, incident_id: str = INCIDENT
) -> list[tuple[str, str | None, str | None]]:
    events = in_uow(engine, timeline.list_recorded_events, incident_id=incident_id)
    return [(e.text, e.source.id, by) for e, by in events]


def waiting(engine: Engine) -> list[tuple[str, str, str | None]]:
    return [(i.source, i.event.text, i.named) for i in in_uow(engine, inbox.list_inbox)]


def test_an_alert_labelled_with_a_stored_postmortem_joins_its_timeline(engine: Engine) -> None:
    store_incident(engine)
    report = deliver(engine, "alertmanager", "alertmanager-firing.json")
    assert (report.added, report.inbox, report.known) == ({INCIDENT: 1}, 1, 0)
    assert recorded(engine) == [
        (
            "Firing: CheckoutErrorRateHigh: 5xx ratio on /checkout above 5%",
            "3f9a1c07be52d4e1@2026-11-19T22:04:12.503000Z:firing",
            "webhook:alertmanager",
        )
    ]
    assert waiting(engine) == [
        ("alertmanager", "Firing: CheckoutLatencyP99High: p99 latency of /checkout above 2s", None)
    ]
    stored = in_uow(engine, get_postmortem, incident_id=INCIDENT)
    assert stored.version == 2
    assert [e.phase for e in stored.doc.timeline.events] == [Phase.DETECTION]


def test_a_repeated_delivery_adds_nothing_anywhere(engine: Engine) -> None:
    store_incident(engine)
    deliver(engine, "alertmanager", "alertmanager-firing.json")
    again = deliver(engine, "alertmanager", "alertmanager-firing.json")
    assert (again.added, again.inbox, again.known) == ({INCIDENT: 0}, 0, 2)
    assert len(recorded(engine)) == 1
    assert len(waiting(engine)) == 1
    assert in_uow(engine, get_postmortem, incident_id=INCIDENT).version == 2


def test_a_resolve_adds_the_resolution_without_moving_the_detection(engine: Engine) -> None:
    store_incident(engine)
    deliver(engine, "alertmanager", "alertmanager-firing.json")
    report = deliver(engine, "alertmanager", "alertmanager-resolved.json")
    assert (report.added, report.known) == ({INCIDENT: 1}, 1)
    events = in_uow(engine, timeline.list_events, incident_id=INCIDENT)
    assert [(e.text.split(":")[0], e.phase) for e in events] == [
        ("Firing", Phase.DETECTION),
        ("Resolved", Phase.RESOLUTION),
    ]


def test_an_unknown_postmortem_sends_the_event_to_the_inbox_with_the_id_it_named(
    engine: Engine,
) -> None:
    report = deliver(engine, "grafana", "grafana-firing.json")
    assert (report.added, report.inbox) == ({}, 1)
    assert waiting(engine) == [
        (
            "grafana",
            "Firing: Search index lag: Product search index is 14 minutes behind the catalogue",
            UNKNOWN_INCIDENT,
        )
    ]


def test_a_pagerduty_note_naming_the_postmortem_brings_its_incident_along(engine: Engine) -> None:
    store_incident(engine)
    first = deliver(engine, "pagerduty", "pagerduty-triggered.json")
    assert (first.added, first.inbox) == ({}, 1)
    note = deliver(engine, "pagerduty", "pagerduty-annotated.json")
    assert (note.added, note.from_inbox, note.inbox) == ({INCIDENT: 2}, 1, 0)
    later = deliver(engine, "pagerduty", "pagerduty-acknowledged.json")
    assert later.added == {INCIDENT: 1}
    assert recorded(engine) == [
        (
            "Triggered: #4817 CheckoutErrorRateHigh: 5xx ratio on /checkout above 5%",
            "01FBVQ4RE0SYJMPP6NRNB1W5D2",
            "webhook:pagerduty",
        ),
        (
            "Acknowledged: #4817 CheckoutErrorRateHigh: 5xx ratio on /checkout above 5%",
            "01FBVQ6M1ZK0R8X3VAXG4D1N7S",
            "webhook:pagerduty",
        ),
        (
            "Rolled back checkout-api 2026.11.19-3; tracking in postmortem:INC-2026-0210",
            "01FBVQ7C4A8HN2W6Y0JDK5R3TB",
            "webhook:pagerduty",
        ),
    ]
    assert waiting(engine) == []


def test_a_pagerduty_custom_field_routes_without_an_event_of_its_own(engine: Engine) -> None:
    store_incident(engine)
    deliver(engine, "pagerduty", "pagerduty-triggered.json")
    report = deliver(engine, "pagerduty", "pagerduty-custom-fields.json")
    assert (report.added, report.from_inbox, report.inbox) == ({INCIDENT: 1}, 1, 0)
    assert [text for text, _, _ in recorded(engine)] == [
        "Triggered: #4817 CheckoutErrorRateHigh: 5xx ratio on /checkout above 5%"
    ]


def test_a_pagerduty_ping_stores_nothing(engine: Engine) -> None:
    report = deliver(engine, "pagerduty", "pagerduty-ping.json")
    assert (report.added, report.inbox, report.known) == ({}, 0, 0)
    assert waiting(engine) == []


def test_opsgenie_tags_route_and_an_untagged_alert_waits(engine: Engine) -> None:
    store_incident(engine)
    assert deliver(engine, "opsgenie", "opsgenie-create.json").added == {INCIDENT: 1}
    assert deliver(engine, "opsgenie", "opsgenie-acknowledge.json").added == {INCIDENT: 1}
    assert deliver(engine, "opsgenie", "opsgenie-create-untagged.json").inbox == 1
    assert [(text, by) for text, _, by in recorded(engine)] == [
        ("Alert created: #3187 Card authorisation failures above 20%", "webhook:opsgenie"),
        ("Acknowledge: #3187 Card authorisation failures above 20%", "webhook:opsgenie"),
    ]
    assert waiting(engine) == [("opsgenie", "Alert created: #3186 Search API 5xx above 2%", None)]


def test_a_body_of_the_wrong_shape_names_the_field_and_stores_nothing(engine: Engine) -> None:
    with pytest.raises(SourceFormatError) as caught:
        in_uow(engine, inbox.receive_delivery, source="alertmanager", body=b'{"version": "4"}')
    assert caught.value.field == "alerts"
    with pytest.raises(SourceFormatError) as not_json:
        in_uow(engine, inbox.receive_delivery, source="opsgenie", body=b"{not json")
    assert not_json.value.reason.startswith("not JSON")
    assert waiting(engine) == []


def test_attaching_inbox_events_files_them_and_their_thread_follows(engine: Engine) -> None:
    store_incident(engine)
    deliver(engine, "pagerduty", "pagerduty-triggered.json")
    [item] = in_uow(engine, inbox.list_inbox)
    done = in_uow(engine, inbox.attach_items, item_ids=[item.id], incident_id=INCIDENT, by="Kim")
    assert (done.attached, done.added, done.version) == (1, 1, 2)
    assert recorded(engine) == [
        (
            "Triggered: #4817 CheckoutErrorRateHigh: 5xx ratio on /checkout above 5%",
            "01FBVQ4RE0SYJMPP6NRNB1W5D2",
            "Kim",
        )
    ]
    events = in_uow(engine, timeline.list_events, incident_id=INCIDENT)
    assert [e.phase for e in events] == [Phase.DETECTION]
    assert deliver(engine, "pagerduty", "pagerduty-acknowledged.json").added == {INCIDENT: 1}
    assert deliver(engine, "pagerduty", "pagerduty-triggered.json").known == 1
    assert waiting(engine) == []


def test_attaching_to_a_missing_postmortem_or_nothing_is_refused(engine: Engine) -> None:
    deliver(engine, "grafana", "grafana-firing.json")
    [item] = in_uow(engine, inbox.list_inbox)
    with pytest.raises(PostmortemNotFound):
        in_uow(engine, inbox.attach_items, item_ids=[item.id], incident_id="INC-1900-0001")
    with pytest.raises(ValidationFailed) as nothing:
        in_uow(engine, inbox.attach_items, item_ids=[], incident_id=INCIDENT)
    assert nothing.value.field == "items"
    assert len(waiting(engine)) == 1


def test_a_draft_started_from_inbox_events_holds_them(engine: Engine) -> None:
    deliver(engine, "alertmanager", "alertmanager-firing.json")
    ids = [item.id for item in in_uow(engine, inbox.list_inbox)]
    done = in_uow(
        engine,
        inbox.start_draft,
        item_ids=ids,
        title="Checkout latency and errors",
        severity=Severity.P2,
        by="Kim",
    )
    assert (done.incident_id, done.attached, done.added) == ("INC-20261119", 2, 2)
    stored = in_uow(engine, get_postmortem, incident_id="INC-20261119")
    assert (stored.doc.title, stored.doc.severity, str(stored.doc.date)) == (
        "Checkout latency and errors",
        Severity.P2,
        "2026-11-19",
    )
    assert [e.source.id for e in stored.doc.timeline.events] == [
        "3f9a1c07be52d4e1@2026-11-19T22:04:12.503000Z:firing",
        "a70e5b3d2c19f886@2026-11-19T22:06:40.118000Z:firing",
    ]
    assert waiting(engine) == []


def test_a_discarded_event_does_not_come_back(engine: Engine) -> None:
    deliver(engine, "grafana", "grafana-firing.json")
    [item] = in_uow(engine, inbox.list_inbox)
    assert in_uow(engine, inbox.discard_items, item_ids=[item.id], by="Kim") == 1
    again = deliver(engine, "grafana", "grafana-firing.json")
    assert (again.inbox, again.known) == (0, 1)
    assert waiting(engine) == []
    with pytest.raises(ValidationFailed) as gone:
        in_uow(engine, inbox.discard_items, item_ids=[item.id])
    assert gone.value.field == "items"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "v1=" + "0" * 64,
        "v0=" + pd_signature(b"{}")[3:],
        pd_signature(b"{}", secret="an-old-secret"),
    ],
)
def test_a_pagerduty_signature_that_does_not_verify_is_unauthenticated(header: str | None) -> None:
    with pytest.raises(Unauthenticated):
        inbox.verify_pagerduty_signature(b"{}", header, secret=PD_SECRET)


def test_a_pagerduty_signature_verifies_alone_or_among_rotated_ones() -> None:
    body = payload("pagerduty-triggered.json")
    inbox.verify_pagerduty_signature(body, pd_signature(body), secret=PD_SECRET)
    rotated = f"{pd_signature(body, secret='the-old-one')},{pd_signature(body)}"
    inbox.verify_pagerduty_signature(body, rotated, secret=PD_SECRET)


def test_without_a_secret_every_pagerduty_delivery_is_refused() -> None:
    body = payload("pagerduty-triggered.json")
    with pytest.raises(Unauthenticated) as caught:
        inbox.verify_pagerduty_signature(body, pd_signature(body), secret=None)
    assert "no webhook secret is configured" in caught.value.message


def test_one_delivery_reaching_two_postmortems_keeps_both_when_one_adds_nothing(
    engine: Engine,
) -> None:
    store_incident(engine)
    other = store_incident(engine, "INC-2026-0211")
    both = payload("alertmanager-firing.json").replace(
        b'"severity": "warning",', b'"severity": "warning",\n        "postmortem": "INC-2026-0211",'
    )
    second_only = json.loads(both)
    second_only["alerts"] = second_only["alerts"][1:]
    in_uow(
        engine, inbox.receive_delivery, source="alertmanager", body=json.dumps(second_only).encode()
    )
    report = in_uow(engine, inbox.receive_delivery, source="alertmanager", body=both)
    assert (report.added, report.known) == ({INCIDENT: 1, other: 0}, 1)
    assert len(in_uow(engine, timeline.list_events, incident_id=INCIDENT)) == 1
    assert len(in_uow(engine, timeline.list_events, incident_id=other)) == 1


def test_a_thread_whose_postmortem_was_deleted_waits_in_the_inbox_again(engine: Engine) -> None:
    store_incident(engine)
    deliver(engine, "pagerduty", "pagerduty-annotated.json")
    in_uow(engine, delete_postmortem, incident_id=INCIDENT)
    report = deliver(engine, "pagerduty", "pagerduty-acknowledged.json")
    assert (report.added, report.inbox) == ({}, 1)
    assert [source for source, _, _ in waiting(engine)] == ["pagerduty"]


def test_the_same_delivery_twice_at_once_is_stored_once(engine: Engine) -> None:
    store_incident(engine)
    barrier = threading.Barrier(2, timeout=30)
    reports: list[inbox.DeliveryReport] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait()
            reports.append(deliver(engine, "alertmanager", "alertmanager-firing.json"))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    workers = [threading.Thread(target=send) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    assert sorted((r.added[INCIDENT], r.inbox, r.known) for r in reports) == [(0, 0, 2), (1, 1, 0)]
    assert len(recorded(engine)) == 1
    assert len(waiting(engine)) == 1


def test_an_attached_alert_resolves_there_even_naming_a_postmortem_never_stored(
    engine: Engine,
) -> None:
    store_incident(engine)
    deliver(engine, "grafana", "grafana-firing.json")
    [item] = in_uow(engine, inbox.list_inbox)
    in_uow(engine, inbox.attach_items, item_ids=[item.id], incident_id=INCIDENT, by="Kim")
    resolved = json.loads(payload("grafana-firing.json"))
    resolved["alerts"][0] |= {"status": "resolved", "endsAt": "2026-11-19T22:31:03.157076+01:00"}
    report = in_uow(
        engine, inbox.receive_delivery, source="grafana", body=json.dumps(resolved).encode()
    )
    assert (report.added, report.known, report.inbox) == ({INCIDENT: 1}, 1, 0)
    assert [
        (e.kind.value, e.phase) for e in in_uow(engine, timeline.list_events, incident_id=INCIDENT)
    ] == [
        ("alert_fired", Phase.DETECTION),
        ("alert_resolved", Phase.RESOLUTION),
    ]
