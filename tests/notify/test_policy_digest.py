"""Post-mortems the policy asks for in reminder digests: who gets which, and hostile titles and
owner names through each channel's escaping (Slack entities, one-line text, exact JSON)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from blamefree.notify.digest import (
    Channel,
    Delivery,
    Digest,
    PolicyRef,
    build_digests,
    one_line,
    render_text,
    subject,
)
from blamefree.notify.slack import escape, slack_payload
from blamefree.notify.webhook import webhook_payload
from blamefree.services.reminders import item_keys

HOSTILE = Path(__file__).parent.parent / "data" / "hostile" / "outbound" / "owner-names.json"
NAMES: list[str] = json.loads(HOSTILE.read_text(encoding="utf-8"))
TODAY = dt.date(2024, 4, 5)
SLACK_CONTROL = re.compile(r"[<>]")


def texts(node: Any) -> Iterator[str]:
    """Every string a Slack payload shows: ``text`` fields at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from texts(value)


def _ref(owner: str | None, due: dt.date, *, title: str | None = "Checkout outage") -> PolicyRef:
    return PolicyRef("INC-7", "submission", due, owner, title=title, severity="P1")


def test_overdue_and_soon_due_post_mortems_go_to_their_owner() -> None:
    refs = [
        _ref("Priya", dt.date(2024, 3, 19)),
        _ref("Priya", dt.date(2024, 4, 9)),
        _ref("Sam", dt.date(2024, 6, 1)),  # beyond the window: not yet
        _ref(None, dt.date(2024, 4, 1)),
    ]
    digests = build_digests([], [], today=TODAY, within_days=7, postmortems=refs)
    assert [(d.owner, [p.due_date for p in d.postmortems]) for d in digests] == [
        ("Priya", [dt.date(2024, 3, 19), dt.date(2024, 4, 9)]),
        (None, [dt.date(2024, 4, 1)]),
    ]
    delivery = Delivery(Channel.EMAIL, "Priya", "priya@example.com", (digests[0],))
    assert subject(delivery) == "Blamefree reminders for Priya: 2 post-mortems"
    assert (
        "Post-mortems the policy asks for:\n"
        "  - P1 post-mortem INC-7 Checkout outage: submission due 2024-03-19, 17 days late\n"
        "  - P1 post-mortem INC-7 Checkout outage: submission due 2024-04-09, in 4 days\n"
    ) in render_text(delivery)
    assert item_keys(delivery) == ["INC-7/post-mortem submission"] * 2


@pytest.mark.parametrize("name", NAMES)
def test_hostile_titles_and_owners_stay_text_in_every_channel(name: str) -> None:
    digest = Digest(owner=name, today=TODAY, postmortems=(_ref(name, TODAY, title=name),))
    slack = slack_payload(
        Delivery(Channel.SLACK, digest.name, "https://hooks.example/x", (digest,))
    )
    for shown in texts(slack):
        assert SLACK_CONTROL.search(shown) is None, shown
    section = slack["blocks"][-1]["text"]["text"]
    assert section == (
        "*Post-mortems the policy asks for*\n"
        f"• {escape(one_line(f'P1 post-mortem INC-7 {name}: submission due today, 2024-04-05'))}"
    )
    text = render_text(Delivery(Channel.EMAIL, digest.name, "o@example.com", (digest,)))
    line = f"  - {one_line(f'P1 post-mortem INC-7 {name}: submission due today, 2024-04-05')}\n"
    assert line in text
    hook = webhook_payload(Delivery(Channel.WEBHOOK, digest.name, "https://h.example/", (digest,)))
    assert hook["owner"] == name
    assert hook["postmortems"][0]["title"] == name
