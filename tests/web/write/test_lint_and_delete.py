"""Live lint of unsaved changes (the script's JSON route) and deleting with a confirmation."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from support.web import WebClient
from web.write.pages import edit_form

BLAMING = "Dave broke checkout because he was careless with the deploy."


def preview(client: WebClient, incident_id: str, form: dict[str, str]) -> dict[str, object]:
    response = client.post(
        f"/postmortems/{incident_id}/lint-preview",
        data={k: v for k, v in form.items() if k != "csrf_token"},
        headers={"X-CSRF-Token": client.csrf()},
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def rules(body: dict[str, object], field: str) -> list[str]:
    findings = body["findings"]
    assert isinstance(findings, list)
    return [hit["rule"] for hit in findings if hit["field"] == field]


def test_blaming_words_in_a_prose_field_are_found_before_saving_and_go_when_fixed(
    client: WebClient, berlin: str
) -> None:
    form = edit_form(client, berlin)
    field = "executive_summary.what_happened"
    assert rules(preview(client, berlin, form), field) == []
    form[field] = BLAMING
    found = preview(client, berlin, form)
    blaming = [hit for hit in found["findings"] if hit["field"] == field]  # type: ignore[union-attr]
    assert [hit["rule"][:3] for hit in blaming] and all(
        h["rule"].startswith("BF1") for h in blaming
    )
    assert all(hit["suggestion"] for hit in blaming)
    form[field] = "A deploy changed the pool limit and checkout ran out of connections."
    assert rules(preview(client, berlin, form), field) == []


def test_the_preview_names_inputs_it_cannot_read(client: WebClient, berlin: str) -> None:
    form = edit_form(client, berlin)
    form["impact_assessment.users_affected.affected_users"] = "lots"
    body = preview(client, berlin, form)
    assert body["findings"] == []
    assert body["problems"] == [
        {
            "message": "Affected users: 'lots' is not a whole number of 0 or more",
            "field": "impact_assessment.users_affected.affected_users",
            "line": None,
        }
    ]


def test_the_preview_of_markdown_gives_a_parse_error_its_line(
    client: WebClient, berlin: str
) -> None:
    text = "# Post-Mortem: x\n\n**Incident ID:** PAY-318  \n**Date:** 31.02.2024\n"
    body = preview(client, berlin, {"base_version": "1", "markdown": text})
    problems = body["problems"]
    assert isinstance(problems, list) and len(problems) == 1
    assert problems[0]["line"] == 4


def test_the_preview_needs_the_token(client: WebClient, berlin: str) -> None:
    response = client.post(f"/postmortems/{berlin}/lint-preview", data={"base_version": "1"})
    assert response.status_code == 403


def test_without_script_the_findings_show_after_saving(client: WebClient, berlin: str) -> None:
    form = edit_form(client, berlin)
    form["executive_summary.what_happened"] = BLAMING
    page = client.post(f"/postmortems/{berlin}/edit", data=form).text
    assert "Saved as version 2" in page
    assert 'href="#f-executive-summary-what-happened">executive_summary.what_happened</a>' in page


def test_delete_asks_first_then_removes_the_post_mortem(
    client: WebClient, engine: Engine, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft()
    confirm = client.get(f"/postmortems/{incident_id}/delete")
    assert confirm.status_code == 200
    assert f"Type <code>{incident_id}</code> to confirm" in confirm.text
    wrong = client.post_form(f"/postmortems/{incident_id}/delete", {"confirm": "INC-1"})
    assert wrong.status_code == 422
    assert "nothing was deleted" in wrong.text
    assert client.get(f"/postmortems/{incident_id}/edit").status_code == 200
    gone = client.post_form(
        f"/postmortems/{incident_id}/delete", {"confirm": incident_id}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert gone.headers["location"] == f"/postmortems?deleted={incident_id}"
    assert client.get(f"/postmortems/{incident_id}/edit").status_code == 404


def test_delete_without_the_token_deletes_nothing(
    client: WebClient, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft()
    response = client.post(f"/postmortems/{incident_id}/delete", data={"confirm": incident_id})
    assert response.status_code == 403
    assert client.get(f"/postmortems/{incident_id}/edit").status_code == 200
