"""Digests and delivery plans: pure functions, no I/O."""

from __future__ import annotations

import datetime as dt

from blamefree.notify.digest import (
    FALLBACK,
    ActionRef,
    Channel,
    Contact,
    Digest,
    ReviewRef,
    build_digests,
    plan_deliveries,
    render_text,
    subject,
)
from blamefree.notify.slack import slack_payload
from blamefree.notify.webhook import webhook_payload

TODAY = dt.date(2024, 5, 2)


def action(uid: str, owner: str | None, due: dt.date | None, status: str = "open") -> ActionRef:
    return ActionRef(
        uid=uid,
        text=f"Do {uid}",
        owner=owner,
        due_date=due,
        priority="High",
        status=status,
        incident_id="INC-1",
        horizon="immediate",
    )


ACTIONS = [
    action("A-1", "Dana", dt.date(2024, 4, 30)),  # overdue by 2 days
    action("A-2", "Dana", dt.date(2024, 5, 5)),  # due in 3 days
    action("A-3", "Dana", dt.date(2024, 5, 20)),  # too far out
    action("A-4", "Lee", dt.date(2024, 5, 1), status="done"),  # done: ignored
    action("A-5", "Lee", dt.date(2024, 5, 1), status="proposed"),  # not committed: ignored
    action("A-6", None, dt.date(2024, 5, 2)),  # due today, nobody owns it
    action("A-7", "  lee ", dt.date(2024, 4, 1), status="in_progress"),
    action("A-8", "Sam", None),  # no due date: nothing to remind
]
REVIEWS = [
    ReviewRef("INC-1", "1 week", dt.date(2024, 5, 4), owner="Dana", title="Checkout outage"),
    ReviewRef("INC-2", "1 month", dt.date(2024, 6, 30), owner="Dana"),
]


def test_digests_group_overdue_soon_and_reviews_per_owner() -> None:
    digests = build_digests(ACTIONS, REVIEWS, today=TODAY, within_days=7)
    assert [
        (d.owner, [a.uid for a in d.overdue], [a.uid for a in d.due_soon], len(d.reviews))
        for d in digests
    ] == [
        ("Dana", ["A-1"], ["A-2"], 1),
        ("lee", ["A-7"], [], 0),
        (None, [], ["A-6"], 0),
    ]


def test_owners_with_an_address_get_mail_and_the_rest_go_to_the_fallback() -> None:
    digests = build_digests(ACTIONS, REVIEWS, today=TODAY, within_days=7)
    contacts = [Contact("Dana", "dana@example.com", "@dana"), Contact("Lee", None, "@lee")]
    plan = plan_deliveries(
        digests,
        contacts,
        email=True,
        slack_url="https://hooks.example/T/B/x",
        fallback="ops@example.com",
    )
    assert [
        (d.channel, d.recipient, d.address, [g.name for g in d.digests]) for d in plan.deliveries
    ] == [
        (Channel.EMAIL, "Dana", "dana@example.com", ["Dana"]),
        (Channel.SLACK, "Dana", "https://hooks.example/T/B/x", ["Dana"]),
        (Channel.SLACK, "lee", "https://hooks.example/T/B/x", ["lee"]),
        (Channel.SLACK, "(no owner)", "https://hooks.example/T/B/x", ["(no owner)"]),
        (Channel.EMAIL, FALLBACK, "ops@example.com", ["lee", "(no owner)"]),
    ]
    assert plan.unrouted == ()


def test_without_a_fallback_the_unaddressed_owners_are_named() -> None:
    digests = build_digests(ACTIONS, REVIEWS, today=TODAY, within_days=7)
    plan = plan_deliveries(digests, [Contact("Dana", "dana@example.com")], email=True)
    assert [d.recipient for d in plan.deliveries] == ["Dana"]
    assert plan.unrouted == ("lee", "(no owner)")


def test_the_email_text_lists_every_item_with_its_due_date() -> None:
    digests = build_digests(ACTIONS, REVIEWS, today=TODAY, within_days=7)
    plan = plan_deliveries(
        digests, [Contact("Dana", "dana@example.com")], email=True, fallback="ops@example.com"
    )
    dana, fallback = plan.deliveries
    assert subject(dana) == "Blamefree reminders for Dana: 1 overdue, 1 due soon, 1 review"
    assert render_text(dana) == (
        "Overdue:\n"
        "  - [A-1] Do A-1 (INC-1, due 2024-04-30, 2 days late, High)\n"
        "\n"
        "Due soon:\n"
        "  - [A-2] Do A-2 (INC-1, due 2024-05-05, in 3 days, High)\n"
        "\n"
        "Follow-up reviews:\n"
        "  - 1 week review of INC-1 Checkout outage (due 2024-05-04, in 2 days)\n"
        "\n"
        "-- \n"
        "Sent by `blamefree remind`; post-mortems are about learning, not blame.\n"
    )
    assert (
        subject(fallback)
        == "Blamefree reminders for owners without an address: 1 overdue, 1 due soon"
    )
    text = render_text(fallback)
    assert text.startswith(
        "These owners have no e-mail address in the Blamefree people directory\n"
    )
    assert (
        "lee\n===\n\nOverdue:\n  - [A-7] Do A-7 (INC-1, due 2024-04-01, 31 days late, High)\n"
        in text
    )
    assert (
        "(no owner)\n==========\n\nDue soon:\n  - [A-6] Do A-6 (INC-1, due today, 2024-05-02, High)\n"
        in text
    )


def test_slack_payload_has_text_and_blocks() -> None:
    digest = Digest(
        owner="Dana", today=TODAY, overdue=(action("A-1", "Dana", dt.date(2024, 5, 1)),)
    )
    plan = plan_deliveries(
        [digest], [Contact("Dana", slack="@dana")], email=False, slack_url="https://h/x"
    )
    payload = slack_payload(plan.deliveries[0])
    assert (
        payload["text"] == "Blamefree reminders for Dana (@dana): 1 overdue, 0 due soon, 0 reviews"
    )
    assert payload["blocks"] == [
        {"type": "header", "text": {"type": "plain_text", "text": "Reminders for Dana (@dana)"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "1 overdue, 0 due soon, 0 reviews",
                "verbatim": True,
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Overdue*\n• [A-1] Do A-1 (INC-1, due 2024-05-01, 1 day late, High)",
                "verbatim": True,
            },
        },
    ]


def test_slack_sections_stay_within_slack_limits() -> None:
    many = tuple(action(f"A-{i}", "Dana", dt.date(2024, 5, 1)) for i in range(45))
    digest = Digest(owner="Dana", today=TODAY, overdue=many)
    plan = plan_deliveries([digest], [], email=False, slack_url="https://h/x")
    text = slack_payload(plan.deliveries[0])["blocks"][2]["text"]["text"]
    assert text.count("•") == 20
    assert text.endswith("… and 25 more")
    assert len(text) <= 3000


def test_webhook_payload_is_plain_json() -> None:
    digest = build_digests(ACTIONS, REVIEWS, today=TODAY, within_days=7)[0]
    plan = plan_deliveries(
        [digest],
        [Contact("Dana", "dana@example.com", "@dana")],
        email=False,
        webhook_url="http://h/x",
    )
    payload = webhook_payload(plan.deliveries[0])
    assert payload["event"] == "blamefree.reminder"
    assert payload["recipient"] == {"name": "Dana", "email": "dana@example.com", "slack": "@dana"}
    assert payload["date"] == "2024-05-02"
    assert payload["overdue"] == [
        {
            "uid": "A-1",
            "text": "Do A-1",
            "incident_id": "INC-1",
            "horizon": "immediate",
            "status": "open",
            "priority": "High",
            "due_date": "2024-04-30",
            "days_overdue": 2,
            "url": None,
        }
    ]
    assert [a["uid"] for a in payload["due_soon"]] == ["A-2"]
    assert payload["reviews"] == [
        {
            "incident_id": "INC-1",
            "review": "1 week",
            "date": "2024-05-04",
            "title": "Checkout outage",
            "days_late": 0,
        }
    ]
