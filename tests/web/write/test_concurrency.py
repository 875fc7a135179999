"""Two people editing one post-mortem: different sections merge, the same field asks the
second saver to choose, a stale page never overwrites, and a page learns it is out of date."""

from __future__ import annotations

import base64
from collections.abc import Callable

from sqlalchemy import Engine

from support.page_forms import form_fields
from support.web import WebClient
from web.write.pages import edit_form, exported, stored

WHAT = "executive_summary.what_happened"


def test_edits_to_different_sections_merge(client: WebClient, engine: Engine, berlin: str) -> None:
    first, second = edit_form(client, berlin), edit_form(client, berlin)
    first["sign_off.reviewed_by"] = "Priya Raman"
    second["root_cause_analysis.contributing_factors-9-base"] = ""
    second["root_cause_analysis.contributing_factors-9-text"] = "No lock timeout on migrations"
    assert client.post(f"/postmortems/{berlin}/edit", data=first).status_code == 200
    response = client.post(f"/postmortems/{berlin}/edit", data=second, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/postmortems/{berlin}/edit?saved=3&merged=2"
    doc = stored(engine, berlin).doc
    assert doc.sign_off.reviewed_by == "Priya Raman"
    assert doc.root_cause_analysis.contributing_factors[-1] == "No lock timeout on migrations"
    page = client.get(response.headers["location"]).text
    assert "merged with version 2 that someone else saved meanwhile" in page


def _conflict(client: WebClient, incident_id: str) -> tuple[str, dict[str, str]]:
    first, second = edit_form(client, incident_id), edit_form(client, incident_id)
    base = first[WHAT]
    first[WHAT] = "The settlement batch locked the payouts table."
    second[WHAT] = "A migration and the settlement batch fought over one lock."
    second["sign_off.approved_by"] = "Lee Park"  # merges: nobody else changed it
    client.post(f"/postmortems/{incident_id}/edit", data=first)
    response = client.post(f"/postmortems/{incident_id}/edit", data=second)
    assert response.status_code == 409
    return base, form_fields(response.text, f"/postmortems/{incident_id}/conflict") | {
        "_page": response.text
    }


def test_the_same_field_changed_on_both_sides_shows_base_theirs_and_yours(
    client: WebClient, engine: Engine, berlin: str
) -> None:
    base, conflict = _conflict(client, berlin)
    page = conflict.pop("_page")
    assert "Nothing was saved yet." in page
    assert f'Executive Summary › What happened <code class="path">{WHAT}</code>' in page
    assert f'<span class="base-value">{base}</span>' in page
    assert '<pre class="value">The settlement batch locked the payouts table.</pre>' in page
    assert (
        '<pre class="value">A migration and the settlement batch fought over one lock.</pre>'
        in page
    )
    assert conflict["base_version"] == "1"
    assert conflict["seen_version"] == "2"
    assert conflict["path-0"] == WHAT
    assert stored(engine, berlin).version == 2  # the second save stored nothing
    yours = base64.urlsafe_b64decode(conflict["yours"]).decode()
    assert "**Approved By:** Lee Park" in yours


def test_choosing_yours_saves_it_with_everything_else_merged(
    client: WebClient, engine: Engine, berlin: str
) -> None:
    _, conflict = _conflict(client, berlin)
    conflict.pop("_page")
    conflict["choice-0"] = "yours"
    response = client.post(f"/postmortems/{berlin}/conflict", data=conflict, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/postmortems/{berlin}/edit?saved=3&settled=1"
    doc = stored(engine, berlin).doc
    assert doc.executive_summary.what_happened == (
        "A migration and the settlement batch fought over one lock."
    )
    assert doc.sign_off.approved_by == "Lee Park"


def test_choosing_theirs_keeps_the_stored_value_and_merges_the_rest(
    client: WebClient, engine: Engine, berlin: str
) -> None:
    _, conflict = _conflict(client, berlin)
    conflict.pop("_page")
    conflict["choice-0"] = "theirs"
    client.post(f"/postmortems/{berlin}/conflict", data=conflict)
    doc = stored(engine, berlin).doc
    assert doc.executive_summary.what_happened == "The settlement batch locked the payouts table."
    assert doc.sign_off.approved_by == "Lee Park"
    assert stored(engine, berlin).version == 3


def test_a_choice_left_open_saves_nothing(client: WebClient, engine: Engine, berlin: str) -> None:
    _, conflict = _conflict(client, berlin)
    conflict.pop("_page")
    response = client.post(f"/postmortems/{berlin}/conflict", data=conflict)
    assert response.status_code == 409
    assert "Choose a value for every field below (nothing was saved)." in response.text
    assert stored(engine, berlin).version == 2


def test_choices_made_against_a_version_that_moved_on_are_asked_again(
    client: WebClient, engine: Engine, berlin: str
) -> None:
    _, conflict = _conflict(client, berlin)
    conflict.pop("_page")
    third = edit_form(client, berlin)
    third[WHAT] = "A third wording, saved while the second person chose."
    client.post(f"/postmortems/{berlin}/edit", data=third)
    assert stored(engine, berlin).version == 3
    conflict["choice-0"] = "yours"
    response = client.post(f"/postmortems/{berlin}/conflict", data=conflict)
    assert response.status_code == 409
    assert "Someone saved again (version 3) while you chose" in response.text
    assert '<pre class="value">A third wording, saved while the second person chose.</pre>' in (
        response.text
    )
    doc = stored(engine, berlin).doc
    assert doc.executive_summary.what_happened == (
        "A third wording, saved while the second person chose."
    )
    assert stored(engine, berlin).version == 3


def test_a_stale_markdown_page_merges_instead_of_overwriting(
    client: WebClient, engine: Engine, berlin: str
) -> None:
    path = f"/postmortems/{berlin}/edit/markdown"
    stale = form_fields(client.get(path).text, path)
    form = edit_form(client, berlin)
    form["sign_off.reviewed_by"] = "Priya Raman"
    client.post(f"/postmortems/{berlin}/edit", data=form)
    stale["markdown"] = stale["markdown"].replace("2h48m", "2h50m", 1)
    response = client.post(path, data=stale, follow_redirects=False)
    assert response.status_code == 303
    doc = stored(engine, berlin).doc
    assert doc.sign_off.reviewed_by == "Priya Raman"  # not overwritten by the stale page
    assert doc.duration == 2 * 3600 + 50 * 60
    assert "2h50m" in exported(engine, berlin)


def test_the_version_route_says_who_saved_what_when(
    client: WebClient, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft()
    first = client.get(f"/postmortems/{incident_id}/version")
    assert first.json() == {
        "incident_id": incident_id,
        "version": 1,
        "updated_at": "2026-11-20T09:00:00+00:00",
        "by": "Ana Lopez",
    }
    assert first.headers["cache-control"] == "no-store"
    form = edit_form(client, incident_id)
    form["sign_off.prepared_by"] = "Ana Lopez"
    client.post(f"/postmortems/{incident_id}/edit", data=form)
    second = client.get(f"/postmortems/{incident_id}/version").json()
    assert (second["version"], second["by"]) == (2, "Tester")
    assert client.get("/postmortems/NOPE-1/version").status_code == 404
