"""Webhook deliveries: what each names, and any body gives a typed error or a valid result."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blamefree.errors import SourceFormatError
from blamefree.importers.webhooks import HOOK_SOURCES, named_in_text, read_delivery
from support.hooks import payload

KEYS = (
    "alerts", "event", "alert", "action", "labels", "data", "tags", "details", "status",
    "startsAt", "endsAt", "fingerprint", "id", "event_type", "occurred_at", "alertId",
    "createdAt", "updatedAt", "custom_fields", "name", "value", "incident", "type", "content",
    "postmortem", "version", "resource_type",
)  # fmt: skip
"""Keys of the four senders' payloads, so generated bodies reach past the first checks."""

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(source=st.sampled_from(HOOK_SOURCES), doc=JSON_VALUES)
def test_any_json_body_gives_events_or_a_source_format_error(source: str, doc: Any) -> None:
    with contextlib.suppress(SourceFormatError):
        for item in read_delivery(source, json.dumps(doc).encode(), label="postmortem"):
            assert item.named is None or isinstance(item.named, str)
            assert item.thread is None or isinstance(item.thread, str)


@settings(max_examples=200, deadline=None)
@given(source=st.sampled_from(HOOK_SOURCES), body=st.binary(max_size=120))
def test_any_bytes_give_events_or_a_source_format_error(source: str, body: bytes) -> None:
    with contextlib.suppress(SourceFormatError):
        read_delivery(source, body, label="postmortem")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("postmortem:INC-2026-0210", "INC-2026-0210"),
        ("tracking in postmortem: INC-2026-0210.", "INC-2026-0210"),
        ("Postmortem=inc-7", "inc-7"),
        ("see the postmortem for INC-2026-0210", None),
        ("nopostmortem:INC-1", None),
        ("postmortem:", None),
        (None, None),
    ],
)
def test_an_id_is_read_after_the_label_in_free_text(text: str | None, named: str | None) -> None:
    assert named_in_text(text, "postmortem") == named


def test_each_sender_says_what_it_names_and_its_thread() -> None:
    said = {
        name: [
            (item.named, item.thread, item.event.source.id if item.event else None)
            for item in read_delivery(source, payload(name), label="postmortem")
        ]
        for source, name in [
            ("alertmanager", "alertmanager-firing.json"),
            ("grafana", "grafana-firing.json"),
            ("pagerduty", "pagerduty-custom-fields.json"),
            ("pagerduty", "pagerduty-ping.json"),
            ("opsgenie", "opsgenie-create.json"),
        ]
    }
    assert said == {
        "alertmanager-firing.json": [
            (
                "INC-2026-0210",
                "3f9a1c07be52d4e1",
                "3f9a1c07be52d4e1@2026-11-19T22:04:12.503000Z:firing",
            ),
            (None, "a70e5b3d2c19f886", "a70e5b3d2c19f886@2026-11-19T22:06:40.118000Z:firing"),
        ],
        "grafana-firing.json": [
            (
                "INC-2026-0299",
                "c6eadffa33fcdf37",
                "c6eadffa33fcdf37@2026-11-19T20:58:03.157076Z:firing",
            )
        ],
        "pagerduty-custom-fields.json": [("INC-2026-0210", "Q2K8WJ3RZ4T1PX", None)],
        "pagerduty-ping.json": [],
        "opsgenie-create.json": [
            (
                "INC-2026-0210",
                "8e1b2c4a-7d3f-4f60-b9a2-1e5d6c7b8a90-1795126012503",
                "8e1b2c4a-7d3f-4f60-b9a2-1e5d6c7b8a90-1795126012503:Create",
            )
        ],
    }


FIXTURES = [
    ("alertmanager", "alertmanager-firing.json"),
    ("alertmanager", "alertmanager-resolved.json"),
    ("grafana", "grafana-firing.json"),
    ("pagerduty", "pagerduty-triggered.json"),
    ("pagerduty", "pagerduty-annotated.json"),
    ("pagerduty", "pagerduty-custom-fields.json"),
    ("opsgenie", "opsgenie-create.json"),
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


def _replaced(doc: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(doc))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copy


@settings(max_examples=400, deadline=None)
@given(data=st.data(), fixture=st.sampled_from(FIXTURES), new=JSON_VALUES)
def test_a_real_payload_with_any_one_value_changed_is_read_or_refused(
    data: st.DataObject, fixture: tuple[str, str], new: Any
) -> None:
    source, name = fixture
    doc = json.loads(payload(name))
    path = data.draw(st.sampled_from(_paths(doc)))
    body = json.dumps(_replaced(doc, path, new)).encode()
    with contextlib.suppress(SourceFormatError):
        for item in read_delivery(source, body, label="postmortem"):
            assert item.named is None or isinstance(item.named, str)
            assert item.thread is None or isinstance(item.thread, str)


@pytest.mark.parametrize("value", ["INC-1\\u0000", "INC-\\ud800"])
def test_a_name_that_cannot_be_stored_is_refused(value: str) -> None:
    body = payload("alertmanager-firing.json").replace(
        b'"postmortem": "INC-2026-0210"', f'"postmortem": "{value}"'.encode()
    )
    with pytest.raises(SourceFormatError) as caught:
        read_delivery("alertmanager", body, label="postmortem")
    assert caught.value.record == 0
