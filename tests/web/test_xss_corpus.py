"""An XSS corpus through every text field: a post-mortem whose every piece of text (title,
summary, each section's prose, factors, action items, events, owners, people's names, review
notes, revision authors and messages) is a hostile payload, then every reading page is parsed
and must hold no executable markup: no script but ours from /static, no on* attribute, no
javascript: link, no element that runs or embeds content."""

from __future__ import annotations

import datetime as dt
import itertools
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine

from blamefree.domain.enums import ReviewKind
from blamefree.domain.postmortem import Postmortem
from blamefree.markdown.render import render
from blamefree.services import postmortems, reviews
from blamefree.store import UnitOfWork
from support.html_scan import scan
from support.web import WebClient

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "'><iframe src=javascript:alert(1)></iframe>",
    "<style>body{display:none}</style><object data=x></object>",
    "![x](javascript:alert(1)) <details open ontoggle=alert(1)>",
    "{{ 7*7 }} {% raw %}",
)
SKIPPED = {"incident_id", "timezone", "assumptions"}  # an id and a zone are checked values
ID = "INC-XSS-1"
RUNNING = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "meta",
           "img", "image", "form", "math", "style", "link", "template"}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


def _text_type(annotation: Any) -> bool:
    return annotation is str or (
        isinstance(annotation, types.UnionType)
        and set(typing.get_args(annotation)) == {str, type(None)}
    )


def _poisoned(model: type[BaseModel], payloads: Iterator[str]) -> dict[str, Any]:
    """Values for every text field of ``model`` and its parts, each a payload."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in SKIPPED:
            continue
        annotation = info.annotation
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        inner = next((a for a in args if a is not type(None)), None)
        if _text_type(annotation):
            data[name] = next(payloads)
        elif origin is list and args == (str,):
            data[name] = [next(payloads), next(payloads)]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            data[name] = _poisoned(annotation, payloads)
        elif origin is list and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            data[name] = [_poisoned(args[0], payloads), _poisoned(args[0], payloads)]
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            data[name] = _poisoned(inner, payloads)
    return data


def hostile_document() -> Postmortem:
    data = _poisoned(Postmortem, itertools.cycle(PAYLOADS))
    for key in ("_none",):  # a list's "none" words stand only while it is empty
        data = _without_suffix(data, key)
    data["incident_id"] = ID
    data["date"] = dt.date(2026, 11, 1)
    data["severity"] = "P1"
    start = dt.datetime(2026, 11, 1, 10, 0, tzinfo=dt.UTC)
    data["impact_start"] = start
    data["timeline"]["detection"]["time"] = start + dt.timedelta(minutes=4)
    for n, event in enumerate(data["timeline"]["events"]):
        event.update(time=start + dt.timedelta(minutes=n), key=n == 0, phase="detection",
                     link="javascript:alert(1)")  # fmt: skip
        event.pop("time_text", None)
    for horizon in ("immediate", "short_term", "long_term"):
        for item in data["action_items"][horizon]:
            item.pop("id", None)
            item.pop("priority_text", None)
            item["tracker"] = {"system": "jira", "key": PAYLOADS[0], "url": "javascript:alert(1)"}
    return Postmortem.model_validate(data)


def _without_suffix(data: Any, suffix: str) -> Any:
    if isinstance(data, dict):
        return {k: _without_suffix(v, suffix) for k, v in data.items() if not k.endswith(suffix)}
    if isinstance(data, list):
        return [_without_suffix(v, suffix) for v in data]
    return data


@pytest.fixture
def hostile(engine: Engine) -> str:
    doc = hostile_document()
    now = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)
    with UnitOfWork(engine) as uow:
        postmortems.create_postmortem(uow, postmortem_in=doc, text=render(doc), by=PAYLOADS[1])
    with UnitOfWork(engine) as uow:
        stored = postmortems.get_postmortem(uow, incident_id=ID)
        postmortems.update_postmortem(
            uow,
            incident_id=ID,
            postmortem_in=stored.doc.model_copy(update={"title": PAYLOADS[3]}),
            expected_version=stored.version,
            message=PAYLOADS[2],
            by=PAYLOADS[0],
        )
    with UnitOfWork(engine) as uow:
        reviews.record_review(uow, incident_id=ID, kind=ReviewKind.ONE_WEEK, now=now,
                              notes=PAYLOADS[1] + "\n\n" + PAYLOADS[2], by=PAYLOADS[3])  # fmt: skip
    return ID


def executable_markup(html: str) -> list[str]:
    """Everything on a page that could run or load content it should not."""
    found = scan(html)
    problems = []
    for tag, attrs in found.tags:
        if tag == "script":
            if not (attrs.get("src") or "").startswith("/static/"):
                problems.append(f"<script {attrs}>")
        elif tag in RUNNING and not (tag == "link" and (attrs.get("href") or "").startswith("/static/")) \
                and not (tag == "meta" and set(attrs) <= {"charset", "name", "content"}) \
                and not (tag == "form" and (attrs.get("action") or "").startswith("/")):  # fmt: skip
            problems.append(f"<{tag} {attrs}>")
        if tag == "svg" and attrs.get("class") != "timeline-svg":
            problems.append(f"<svg {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value is not None:
                squashed = "".join(value.split()).lower()
                if squashed.startswith(("javascript:", "data:", "vbscript:")):
                    problems.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                problems.append(f"<{tag} style=...>")
    return problems


def test_the_document_really_holds_payloads_everywhere() -> None:
    doc = hostile_document()
    assert doc.title == PAYLOADS[0] or doc.title in PAYLOADS
    assert doc.executive_summary.what_happened in PAYLOADS
    assert doc.root_cause_analysis.contributing_factors[0] in PAYLOADS
    assert doc.action_items.immediate[0].owner in PAYLOADS
    assert doc.timeline.events[0].text in PAYLOADS
    assert doc.sign_off.approved_by in PAYLOADS


def test_no_reading_page_holds_executable_markup(client: WebClient, hostile: str) -> None:
    pages = [
        "/",
        "/postmortems",
        "/postmortems?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&owner=%22%3E%3Csvg+onload%3Dalert(1)%3E",
        f"/postmortems/{ID}",
        f"/postmortems/{ID}/history",
        f"/postmortems/{ID}/history?restored=1&outcome=restored",
        f"/postmortems/{ID}/diff?from=1&to=2",
        f"/postmortems/{ID}/diff?from=1&to=2&view=split",
    ]
    for url in pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert executable_markup(answer.text) == [], url
    # Nothing was lost either: the payloads are on the page as text.
    page = scan(client.get(f"/postmortems/{ID}").text).plain
    assert "<script>alert(1)</script>" in page
    assert '"><svg onload=alert(1)>' in page


def test_the_check_itself_finds_executable_markup() -> None:
    assert executable_markup('<p onclick="x()">a</p><a href=" JavaScript:alert(1)">b</a>') == [
        "<p onclick=...>",
        "<a href=' JavaScript:alert(1)'>",
    ]
    assert executable_markup('<script>alert(1)</script><script src="/static/app.js"></script>') == [
        "<script {}>"
    ]
