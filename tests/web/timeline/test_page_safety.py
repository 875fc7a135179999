"""What people and tools wrote reaches the editor as text; an unknown post-mortem is a 404."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from blamefree.domain.timeline import EventSource, TimelineEvent
from blamefree.services import timeline
from support.timeline_data import INCIDENT
from support.uow import in_uow
from support.web import WebClient

from .conftest import PAGE, stored_events


def test_event_text_actor_and_links_are_shown_as_text_never_as_markup(
    client: WebClient, engine: Engine, incident: str
) -> None:
    hostile = TimelineEvent(
        time=dt.datetime(2024, 3, 12, 14, 0, tzinfo=dt.UTC),
        text='<script>alert("text")</script><img src=x onerror=alert(1)>',
        actor="<b onmouseover=alert(2)>bot</b>",
        link="javascript:alert(3)",
        source=EventSource(tool="<i>tool</i>", id="x1"),
    )
    in_uow(engine, timeline.import_events, incident_id=INCIDENT, events=[hostile], source="csv")
    page = client.get(PAGE).text
    assert "<script>alert" not in page
    assert (
        "&lt;script&gt;alert(&#34;text&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in page
    )
    assert "&lt;b onmouseover=alert(2)&gt;bot&lt;/b&gt;" in page
    assert "from &lt;i&gt;tool&lt;/i&gt;" in page
    assert "javascript:" not in page  # not linked at all
    assert "<script" not in page.split("</head>", 1)[1]  # no inline script anywhere in the body


def test_the_editor_of_a_post_mortem_that_does_not_exist_is_a_404(
    client: WebClient, engine: Engine, incident: str
) -> None:
    page = client.get("/postmortems/INC-404/timeline")
    assert page.status_code == 404
    assert "no post-mortem with incident id &#39;INC-404&#39;" in page.text
    added = client.post_form(
        "/postmortems/INC-404/timeline/events", {"time": "2024-03-12T15:00", "text": "x"}
    )
    assert added.status_code == 404
    assert stored_events(engine) == []
