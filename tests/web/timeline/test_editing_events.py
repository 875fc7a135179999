"""The timeline editor's forms store what a person typed, read in the post-mortem's zone."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Engine

from blamefree.domain.accounts import Role
from blamefree.domain.derive import event_ref
from blamefree.domain.enums import Phase
from blamefree.schemas import EventUpdate
from blamefree.services import timeline
from support.timeline_data import INCIDENT
from support.uow import in_uow
from support.web import WebClient

from .conftest import PAGE, stored_events, stored_version

UTC = dt.UTC


def _add(client: WebClient, **fields: str) -> str:
    """Add an event through the form; the editor page it lands on."""
    answer = client.post_form(f"{PAGE}/events", fields)
    assert answer.status_code == 200, answer.text
    return answer.text


def _ref(engine: Engine, text: str) -> str:
    return next(event_ref(e) for e, _ in stored_events(engine) if e.text == text)


def _metric(page: str, name: str) -> str:
    found = re.search(rf'data-metric="{name}">.*?<dd>(.*?)</dd>', page, flags=re.DOTALL)
    assert found is not None, f"no metric {name} on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_an_empty_log_says_so_and_shows_every_metric_as_unknown(
    client: WebClient, incident: str
) -> None:
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "No events yet." in page.text
    assert "<strong>Europe/Berlin</strong>" in page.text
    assert _metric(page.text, "response_time") == "unknown"
    assert _metric(page.text, "resolution_time") == "unknown"
    # what the author wrote is shown as written, not as 0
    assert _metric(page.text, "detection_time") == "15 minutes as written"


def test_an_event_typed_in_berlin_time_is_stored_in_utc_with_phase_key_and_author(
    client: WebClient, engine: Engine, incident: str
) -> None:
    page = _add(
        client,
        time="2024-03-12T15:02",
        text="Checkout error rate alert fired",
        phase="detection",
        who="Alertmanager",
        key="1",
    )
    assert "Added “Checkout error rate alert fired”." in page
    [(event, recorded_by)] = stored_events(engine)
    assert event.time == dt.datetime(2024, 3, 12, 14, 2, tzinfo=UTC)
    assert (event.phase, event.key, event.actor, event.source.tool) == (
        Phase.DETECTION,
        True,
        "Alertmanager",
        "manual",
    )
    assert recorded_by == "Tester"  # the account the test client is logged in as
    assert stored_version(engine) == 2
    assert '<time datetime="2024-03-12T14:02:00+00:00">15:02:00</time>' in page


def test_the_account_logged_in_is_who_recorded_the_event(
    client: WebClient, engine: Engine, incident: str
) -> None:
    client.login_as("ines.carvalho", role=Role.AUTHOR)
    page = _add(client, time="2024-03-12T15:20:30", text="Rollback started")
    assert "recorded by ines.carvalho" in page
    [(event, recorded_by)] = stored_events(engine)
    assert (event.time, event.phase, event.key, recorded_by) == (
        dt.datetime(2024, 3, 12, 14, 20, 30, tzinfo=UTC),
        None,
        False,
        "ines.carvalho",
    )


def test_a_time_that_is_not_a_time_is_shown_at_its_field_with_what_was_typed_kept(
    client: WebClient, engine: Engine, incident: str
) -> None:
    answer = client.post_form(
        f"{PAGE}/events",
        {"time": "half past three", "text": "Paged the on-call", "phase": "response", "key": "1"},
    )
    assert answer.status_code == 422
    assert re.search(
        r'<p class="tl-error" id="add-time-error">time &#39;half past three&#39; is not a time',
        answer.text,
    )
    assert 'value="half past three" aria-invalid="true" aria-describedby="add-time-error"' in (
        answer.text
    )
    assert ">Paged the on-call</textarea>" in answer.text
    assert '<option value="response" selected>Response</option>' in answer.text
    assert 'id="add-key" name="key" value="1" checked' in answer.text
    assert stored_events(engine) == []
    assert stored_version(engine) == 1


def test_an_event_without_text_or_with_an_unknown_phase_is_refused_at_its_field(
    client: WebClient, engine: Engine, incident: str
) -> None:
    empty = client.post_form(f"{PAGE}/events", {"time": "2024-03-12T15:02", "text": "  "})
    assert empty.status_code == 422
    assert 'id="add-text-error">say what happened</p>' in empty.text
    odd = client.post_form(
        f"{PAGE}/events", {"time": "2024-03-12T15:02", "text": "x", "phase": "panic"}
    )
    assert odd.status_code == 422
    assert "&#39;panic&#39; is not a phase" in odd.text
    assert stored_events(engine) == []


def test_an_edit_changes_only_the_fields_the_person_changed(
    client: WebClient, engine: Engine, incident: str
) -> None:
    _add(client, time="2024-03-12T15:02", text="Alert fired", phase="detection")
    ref = _ref(engine, "Alert fired")
    form = client.get(f"{PAGE}?edit={ref}").text
    assert f'id="edit-{ref}"' in form
    assert 'name="was_time" value="2024-03-12T15:02:00"' in form
    # meanwhile someone else marks it as a key event
    in_uow(
        engine,
        timeline.edit_event,
        incident_id=INCIDENT,
        ref=ref,
        changes=EventUpdate(key=True),
        by="Ben",
    )
    answer = client.post_form(
        f"{PAGE}/events/{ref}",
        {
            "time": "2024-03-12T15:04",
            "text": "Error-rate alert fired",
            "phase": "detection",
            "who": "",
            "was_time": "2024-03-12T15:02:00",
            "was_text": "Alert fired",
            "was_phase": "detection",
            "was_who": "",
            "was_key": "0",
        },
    )
    assert answer.status_code == 200
    assert "Saved “Error-rate alert fired”." in answer.text
    [(event, _)] = stored_events(engine)
    assert (event.time, event.text, event.phase, event.key) == (
        dt.datetime(2024, 3, 12, 14, 4, tzinfo=UTC),
        "Error-rate alert fired",
        Phase.DETECTION,
        True,  # Ben's change stands: the form did not touch the key flag
    )


def test_an_edit_with_a_bad_time_keeps_the_form_open_with_what_was_typed(
    client: WebClient, engine: Engine, incident: str
) -> None:
    _add(client, time="2024-03-12T15:02", text="Alert fired")
    ref = _ref(engine, "Alert fired")
    answer = client.post_form(
        f"{PAGE}/events/{ref}",
        {
            "time": "25:99",
            "text": "Alert fired twice",
            "was_time": "2024-03-12T15:02:00",
            "was_text": "Alert fired",
        },
    )
    assert answer.status_code == 422
    assert f'id="edit-{ref}-time-error">time &#39;25:99&#39;' in answer.text
    assert 'value="25:99"' in answer.text
    assert ">Alert fired twice</textarea>" in answer.text
    [(event, _)] = stored_events(engine)
    assert (event.text, event.time) == ("Alert fired", dt.datetime(2024, 3, 12, 14, 2, tzinfo=UTC))


def test_editing_an_event_that_is_gone_offers_what_was_typed_as_a_new_event(
    client: WebClient, engine: Engine, incident: str
) -> None:
    answer = client.post_form(
        f"{PAGE}/events/0badc0de",
        {"time": "2024-03-12T15:09", "text": "Rollback done", "was_text": "Rollback"},
    )
    assert answer.status_code == 404
    assert "no event &#39;0badc0de&#39;: someone may have removed it" in answer.text
    assert (
        'type="datetime-local" id="add-time" name="time" step="1" required value="2024-03-12T15:09"'
        in answer.text
    )
    assert ">Rollback done</textarea>" in answer.text
    assert stored_version(engine) == 1


def test_tagging_a_phase_and_marking_a_key_event_each_store_one_change(
    client: WebClient, engine: Engine, incident: str
) -> None:
    _add(client, time="2024-03-12T15:06", text="Acknowledged by Ana")
    ref = _ref(engine, "Acknowledged by Ana")
    tagged = client.post_form(f"{PAGE}/events/{ref}/phase", {"phase": "response"})
    assert "Tagged “Acknowledged by Ana”: Response." in tagged.text
    marked = client.post_form(f"{PAGE}/events/{ref}/key", {"key": "1"})
    assert "Marked as a key event: “Acknowledged by Ana”." in marked.text
    [(event, _)] = stored_events(engine)
    assert (event.phase, event.key) == (Phase.RESPONSE, True)
    assert stored_version(engine) == 4
    client.post_form(f"{PAGE}/events/{ref}/key", {"key": "0"})
    client.post_form(f"{PAGE}/events/{ref}/phase", {"phase": ""})
    [(event, _)] = stored_events(engine)
    assert (event.phase, event.key) == (None, False)


def test_tagging_an_unknown_event_or_phase_stores_nothing_and_says_why(
    client: WebClient, engine: Engine, incident: str
) -> None:
    gone = client.post_form(f"{PAGE}/events/0badc0de/key", {"key": "1"})
    assert gone.status_code == 404
    assert "no event &#39;0badc0de&#39;. It may have been removed by someone else" in gone.text
    _add(client, time="2024-03-12T15:06", text="Acknowledged")
    ref = _ref(engine, "Acknowledged")
    odd = client.post_form(f"{PAGE}/events/{ref}/phase", {"phase": "lunch"})
    assert odd.status_code == 422
    assert "&#39;lunch&#39; is not a phase" in odd.text
    [(event, _)] = stored_events(engine)
    assert event.phase is None
    assert stored_version(engine) == 2


def test_removing_asks_first_then_removes_the_event(
    client: WebClient, engine: Engine, incident: str
) -> None:
    _add(client, time="2024-03-12T15:06", text="Duplicate note")
    ref = _ref(engine, "Duplicate note")
    asked = client.get(f"{PAGE}?remove={ref}")
    assert "<strong>Remove the event at 15:06:00?</strong>" in asked.text
    assert f'action="{PAGE}/events/{ref}/remove"' in asked.text
    assert stored_events(engine) != []
    removed = client.post_form(f"{PAGE}/events/{ref}/remove", {})
    assert "Removed “Duplicate note”." in removed.text
    assert stored_events(engine) == []
    again = client.post_form(f"{PAGE}/events/{ref}/remove", {})
    assert again.status_code == 404
    assert stored_version(engine) == 3


def test_a_form_without_its_security_token_stores_nothing(
    client: WebClient, engine: Engine, incident: str
) -> None:
    client.get(PAGE)
    answer = client.post(f"{PAGE}/events", data={"time": "2024-03-12T15:02", "text": "x"})
    assert answer.status_code == 403
    assert stored_events(engine) == []


def test_the_phase_times_and_metrics_are_recomputed_after_each_change(
    client: WebClient, engine: Engine, incident: str
) -> None:
    _add(client, time="2024-03-12T14:50", text="Errors begin", phase="impact_start", key="1")
    page = _add(client, time="2024-03-12T15:02", text="Alert fired", phase="detection", key="1")
    # the timeline says 12 minutes; the author wrote 15: both are shown
    assert _metric(page, "detection_time") == "12m from the timeline written: 15 minutes differs"
    assert _metric(page, "response_time") == "unknown"
    page = _add(client, time="2024-03-12T15:05:30", text="Ana acknowledged", phase="response")
    assert _metric(page, "response_time") == "3m 30s from the timeline"
    ref = _ref(engine, "Alert fired")
    page = client.post_form(f"{PAGE}/events/{ref}/remove", {}).text
    assert _metric(page, "detection_time") == "15 minutes as written"
    assert _metric(page, "response_time") == "unknown"


def test_the_phase_times_show_the_written_time_beside_the_event_log_s(
    client: WebClient, engine: Engine, incident: str
) -> None:
    from blamefree.services import postmortems

    stored = in_uow(engine, postmortems.get_postmortem, incident_id=INCIDENT)
    written = stored.doc.timeline.model_copy(
        update={
            "resolution": stored.doc.timeline.resolution.model_copy(
                update={"time": dt.datetime(2024, 3, 12, 15, 0, tzinfo=UTC)}
            )
        }
    )
    in_uow(
        engine,
        postmortems.update_postmortem,
        incident_id=INCIDENT,
        postmortem_in=stored.doc.model_copy(update={"timeline": written}),
        expected_version=1,
        by="Ana",
    )
    page = _add(client, time="2024-03-12T16:35", text="Resolved", phase="resolution", key="1")
    row = re.search(
        r'<tr class="tl-disagree">\s*<th scope="row">Resolution</th>(.*?)</tr>', page, re.S
    )
    assert row is not None
    cells = " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())
    assert cells == "16:00:00 16:35:00 differs"


def test_what_a_change_did_is_said_once_and_only_on_the_editor(
    client: WebClient, engine: Engine, incident: str
) -> None:
    answer = client.post_form(
        f"{PAGE}/events",
        {"time": "2024-03-12T15:02", "text": "Alert fired"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert f"Path={PAGE}" in cookie
    assert "HttpOnly" in cookie
    first = client.get(answer.headers["location"])
    assert "Added “Alert fired”." in first.text
    assert "Added “Alert fired”." not in client.get(PAGE).text
    client.cookies.set("blamefree_flash", "forged.value", path=PAGE)
    assert 'class="notice tl-flash"' not in client.get(PAGE).text


def test_line_breaks_a_browser_sends_as_crlf_are_kept_as_plain_newlines(
    client: WebClient, engine: Engine, incident: str
) -> None:
    _add(client, time="2024-03-12T15:02", text="Alert fired\r\nrunbook opened")
    [(event, _)] = stored_events(engine)
    assert event.text == "Alert fired\nrunbook opened"
    ref = _ref(engine, "Alert fired\nrunbook opened")
    client.post_form(
        f"{PAGE}/events/{ref}",
        {
            "time": "2024-03-12T15:02:00",
            "text": "Alert fired\r\nrunbook opened",
            "phase": "detection",
            "was_time": "2024-03-12T15:02:00",
            "was_text": "Alert fired\r\nrunbook opened",
            "was_phase": "",
        },
    )
    [(event, _)] = stored_events(engine)
    assert (event.text, event.phase) == ("Alert fired\nrunbook opened", Phase.DETECTION)
