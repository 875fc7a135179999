"""Edit as Markdown: the whole document in a textarea, validated, errors shown at their lines."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from support.page_forms import form_fields
from support.web import WebClient
from web.write.pages import exported, stored


def markdown_form(client: WebClient, incident_id: str) -> dict[str, str]:
    page = client.get(f"/postmortems/{incident_id}/edit/markdown")
    assert page.status_code == 200
    return form_fields(page.text, f"/postmortems/{incident_id}/edit/markdown")


def test_the_textarea_holds_the_stored_text(client: WebClient, engine: Engine, berlin: str) -> None:
    form = markdown_form(client, berlin)
    assert form["markdown"] == exported(engine, berlin)
    assert form["base_version"] == "1"


def test_a_markdown_edit_is_saved_as_typed(client: WebClient, engine: Engine, berlin: str) -> None:
    form = markdown_form(client, berlin)
    form["markdown"] = form["markdown"].replace(
        "**Duration:** 2h48m", "**Duration:** 2h50m (corrected)"
    )
    response = client.post(
        f"/postmortems/{berlin}/edit/markdown", data=form, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/postmortems/{berlin}/edit/markdown?saved=2"
    assert exported(engine, berlin) == form["markdown"]
    assert stored(engine, berlin).doc.duration == 2 * 3600 + 50 * 60


def test_a_parse_error_is_shown_at_its_line_with_the_text_kept(
    client: WebClient, engine: Engine, berlin: str
) -> None:
    form = markdown_form(client, berlin)
    lines = form["markdown"].split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("**Date:**"))
    lines[number - 1] = "**Date:** 31.02.2024"
    form["markdown"] = "\n".join(lines)
    response = client.post(f"/postmortems/{berlin}/edit/markdown", data=form)
    assert response.status_code == 422
    assert f'<span class="line-no">Line {number}</span>' in response.text
    assert f'data-error-line="{number}"' in response.text
    assert '<li class="bad-line"><code>**Date:** 31.02.2024</code></li>' in response.text
    kept = form_fields(response.text, f"/postmortems/{berlin}/edit/markdown")
    assert kept["markdown"] == form["markdown"]
    assert stored(engine, berlin).version == 1


def test_the_incident_id_is_not_changed_by_an_edit(
    client: WebClient, engine: Engine, new_draft: Callable[..., str]
) -> None:
    incident_id = new_draft()
    form = markdown_form(client, incident_id)
    form["markdown"] = form["markdown"].replace(incident_id, "INC-OTHER", 1)
    response = client.post(f"/postmortems/{incident_id}/edit/markdown", data=form)
    assert response.status_code == 422
    assert "this page edits &#39;INC-20261120&#39;" in response.text
    assert stored(engine, incident_id).version == 1
