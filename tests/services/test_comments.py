"""Review comments on SQLite and PostgreSQL: anchors after edits, threads, resolution, and
mentions told once through the reminder channels (a fake Slack and webhook, a real SMTP server)."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from sqlalchemy import Engine

from blamefree.config import Settings
from blamefree.domain.accounts import ANONYMOUS, Principal, Role, local_operator
from blamefree.domain.comments import Placement
from blamefree.errors import CommentNotFound, Forbidden, PostmortemNotFound, ValidationFailed
from blamefree.services import comments, people, postmortems
from blamefree.services.reminders import remind
from blamefree.store import UnitOfWork
from support.fake_smtp import body, smtp_server
from support.uow import in_uow

NOW = dt.datetime(2025, 2, 10, 9, 0, tzinfo=dt.UTC)
DANA = local_operator("Dana")
NOOR = local_operator("Noor")
QUOTED = "The export job ran out of disk space for its temporary files."


def add(engine: Engine, ledger: str, text: str, **options: object) -> comments.CommentAdded:
    return in_uow(
        engine,
        comments.add_comment,
        incident_id=ledger,
        body=text,
        now=NOW,
        **{"by": DANA, **options},  # type: ignore[arg-type]
    )


def edit(engine: Engine, ledger: str, old: str, new: str) -> None:
    saved = in_uow(
        engine,
        postmortems.edit_postmortem,
        incident_id=ledger,
        run_editor=lambda text: text.replace(old, new),
    )
    assert saved is not None


def listed(engine: Engine, ledger: str, **options: object) -> comments.CommentThreads:
    return in_uow(engine, comments.list_comments, incident_id=ledger, **options)  # type: ignore[arg-type]


def test_a_line_comment_quotes_its_line_and_follows_it(engine: Engine, ledger: str) -> None:
    added = add(engine, ledger, "Why was the disk so small?", section="Root Cause Analysis", line=3)
    assert (added.comment.section, added.comment.line, added.comment.quoted) == (
        "root_cause_analysis",
        3,
        QUOTED,
    )
    (thread,) = listed(engine, ledger).threads
    assert (thread.anchor.placement, thread.anchor.line) == (Placement.LINE, 3)
    # Lines added above it: found again by its text.
    edit(engine, ledger, "### Primary Cause\n", "### Primary Cause\nFirst seen at 02:00.\n\n")
    (thread,) = listed(engine, ledger).threads
    assert (thread.anchor.placement, thread.anchor.line) == (Placement.MOVED, 5)
    # The line reworded: kept, shown as on text since changed, with what it quoted.
    edit(engine, ledger, QUOTED, "The export job filled its scratch volume.")
    (thread,) = listed(engine, ledger).threads
    assert thread.anchor.placement is Placement.CHANGED
    assert thread.root.quoted == QUOTED
    assert thread.root.body == "Why was the disk so small?"


def test_bad_anchors_say_what_is_wrong(engine: Engine, ledger: str) -> None:
    with pytest.raises(ValidationFailed, match="not a section of the template") as bad:
        add(engine, ledger, "x", section="Conclusions")
    assert bad.value.field == "section"
    with pytest.raises(ValidationFailed, match="Root Cause Analysis has lines 1 to"):
        add(engine, ledger, "x", section="root_cause_analysis", line=99)
    with pytest.raises(ValidationFailed, match="line 1 of Root Cause Analysis is blank"):
        add(engine, ledger, "x", section="root_cause_analysis", line=1)
    with pytest.raises(ValidationFailed, match="needs some text"):
        add(engine, ledger, "  ", section="timeline")
    with pytest.raises(PostmortemNotFound):
        add(engine, "INC-NONE", "x", section="timeline")
    with pytest.raises(Forbidden, match="anonymous may read"):
        add(engine, ledger, "x", section="timeline", by=ANONYMOUS)
    viewer = Principal(name="Vi", role=Role.VIEWER)
    with pytest.raises(Forbidden, match="Vi may read"):
        add(engine, ledger, "x", section="timeline", by=viewer)


def test_threads_resolve_and_reopen(engine: Engine, ledger: str) -> None:
    first = add(engine, ledger, "Is the owner right?", section="action_items").comment
    reply = add(engine, ledger, "Yes, Noor owns it.", reply_to=first.id, by=NOOR).comment
    again = add(engine, ledger, "Thanks", reply_to=reply.id).comment
    other = add(engine, ledger, "Add the alert link", section="timeline").comment
    threads = listed(engine, ledger).threads
    assert [(t.root.id, [r.id for r in t.replies]) for t in threads] == [
        (other.id, []),
        (first.id, [reply.id, again.id]),
    ]
    assert (reply.section, reply.author, again.parent_id) == ("action_items", "Noor", reply.id)
    # Resolving a reply resolves its thread; resolving again changes nothing.
    thread, changed = in_uow(
        engine, comments.resolve_comment, comment_id=again.id, by=NOOR, now=NOW
    )
    assert (changed, thread.root.id, thread.root.resolved_by) == (True, first.id, "Noor")
    _, changed = in_uow(engine, comments.resolve_comment, comment_id=first.id, by=DANA, now=NOW)
    assert changed is False
    open_only = listed(engine, ledger, include_resolved=False)
    assert ([t.root.id for t in open_only.threads], open_only.resolved_hidden) == ([other.id], 1)
    thread, changed = in_uow(engine, comments.reopen_comment, comment_id=first.id, by=DANA)
    assert (changed, thread.resolved, thread.root.resolved_by) == (True, False, None)
    with pytest.raises(CommentNotFound, match="no comment 9999"):
        in_uow(engine, comments.resolve_comment, comment_id=9999, by=DANA, now=NOW)
    with pytest.raises(CommentNotFound, match="to reply to"):
        add(engine, ledger, "x", reply_to=9999)
    with pytest.raises(ValidationFailed, match="a reply is on the section"):
        add(engine, ledger, "x", reply_to=first.id, section="timeline")


def test_unknown_mentions_are_reported(engine: Engine, ledger: str) -> None:
    in_uow(engine, people.add_person, name="Noor", slack="@noor")
    added = add(engine, ledger, "@noor please check; cc @ghost", section="timeline")
    assert (added.mentions.known, added.mentions.unknown) == (("Noor",), ("ghost",))
    assert added.comment.mentions == ("Noor",)
    # Mentioning yourself tells nobody.
    assert add(engine, ledger, "note to @Dana", section="timeline").comment.mentions == ()


class Receiver:
    """A Slack incoming webhook and a JSON webhook: 200 ok, keeping each body."""

    def __init__(self) -> None:
        self.bodies: dict[str, list[dict[str, object]]] = {"slack": [], "hook": []}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies[request.url.host.split(".")[0]].append(json.loads(request.content))
        return httpx.Response(200, text="ok")


def run(
    engine: Engine, settings: Settings, receiver: Receiver, day: dt.date
) -> list[tuple[str, str, str]]:
    report = in_uow(
        engine,
        remind,
        settings=settings,
        today=day,
        now=NOW,
        reviews=lambda *_: [],
        transport=httpx.MockTransport(receiver),
        clock=lambda: dt.datetime.now(dt.UTC),
    )
    return [
        (r.channel.value, r.recipient, r.status) for r in report.results if "mention" in r.recipient
    ]


def test_a_mention_is_told_once_on_every_channel(engine: Engine, ledger: str) -> None:
    in_uow(engine, people.add_person, name="Noor", email="noor@example.com", slack="@noor")
    hostile = "@Noor look: <!channel> <https://evil.example|click> & *bold* <script>x</script>"
    added = add(engine, ledger, hostile, section="root_cause_analysis", line=3)
    key = f"Noor · mention in comment {added.comment.id}"
    receiver = Receiver()
    with smtp_server() as (inbox, port):
        settings = Settings(
            database_url="sqlite://",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_from="pm@example.com",
            slack_webhook_url="https://slack.example/services/T/B/secret",
            webhook_url="https://hook.example/in",
            public_url="https://pm.example.com",
        )
        first = run(engine, settings, receiver, NOW.date())
        assert first == [("email", key, "sent"), ("slack", key, "sent"), ("webhook", key, "sent")]
        # The next runs, the same day and the next, send it again nowhere.
        assert run(engine, settings, receiver, NOW.date()) == []
        assert run(engine, settings, receiver, NOW.date() + dt.timedelta(days=1)) == []
        ((_, recipients, message),) = [
            m for m in inbox.messages if "mentioned you" in str(m[2]["Subject"])
        ]
    assert recipients == ["noor@example.com"]
    assert " ".join(str(message["Subject"]).split()) == (
        f"Dana mentioned you in a comment on {ledger}, Root Cause Analysis "
        f"(comment {added.comment.id})"
    )
    text = body(message)
    assert f"On the line: {QUOTED}" in text
    assert hostile in text
    assert f"https://pm.example.com/postmortems/{ledger}#comment-{added.comment.id}" in text
    (slack,) = [b for b in receiver.bodies["slack"] if "Mentioned" in json.dumps(b)]
    section = slack["blocks"][1]["text"]  # type: ignore[index]
    assert section["verbatim"] is True
    assert (
        "@Noor look: &lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; *bold* "
        "&lt;script&gt;x&lt;/script&gt;"
    ) in section["text"]
    assert "<!channel>" not in json.dumps(slack)
    assert (
        f"<https://pm.example.com/postmortems/{ledger}#comment-{added.comment.id}>"
        in (section["text"])
    )
    (hook,) = [b for b in receiver.bodies["hook"] if b["event"] == "blamefree.mention"]
    assert hook["event"] == "blamefree.mention"
    assert hook["recipient"] == {"name": "Noor", "email": "noor@example.com", "slack": "@noor"}
    assert hook["mentions"] == [
        {
            "comment_id": added.comment.id,
            "incident_id": ledger,
            "section": "Root Cause Analysis",
            "author": "Dana",
            "quoted": QUOTED,
            "body": hostile,
            "url": f"https://pm.example.com/postmortems/{ledger}#comment-{added.comment.id}",
        }
    ]


def test_a_failed_mention_is_retried_then_sent_once(engine: Engine, ledger: str) -> None:
    in_uow(engine, people.add_person, name="Noor")
    added = add(engine, ledger, "@Noor ping", section="timeline")
    key = f"Noor · mention in comment {added.comment.id}"
    settings = Settings(database_url="sqlite://", webhook_url="https://hook.example/in")
    calls: list[str] = []

    def down(request: httpx.Request) -> httpx.Response:
        calls.append("down")
        return httpx.Response(503, text="busy")

    report = in_uow(
        engine,
        remind,
        settings=settings,
        today=NOW.date(),
        now=NOW,
        reviews=lambda *_: [],
        transport=httpx.MockTransport(down),
        clock=lambda: dt.datetime.now(dt.UTC),
    )
    failed = [(r.recipient, r.status) for r in report.results if "mention" in r.recipient]
    assert failed == [(key, "failed")]
    receiver = Receiver()
    assert run(engine, settings, receiver, NOW.date()) == [("webhook", key, "sent")]
    assert run(engine, settings, receiver, NOW.date()) == []
    mentions = [b for b in receiver.bodies["hook"] if b["event"] == "blamefree.mention"]
    assert (len(calls), len(mentions)) == (3, 1)  # two digests and the mention failed once


def test_deleting_a_postmortem_deletes_its_comments(engine: Engine, ledger: str) -> None:
    add(engine, ledger, "x", section="timeline")
    with UnitOfWork(engine) as uow:
        uow.postmortems.delete(ledger)
    with pytest.raises(PostmortemNotFound):
        listed(engine, ledger)
