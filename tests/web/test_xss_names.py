"""An XSS corpus through every field that holds a NAME, on every page that shows one and in the
HTML export: post-mortem owner, the people of the timeline (detected, acknowledged, investigated,
resolved by), action-item owners, event actors and sources, tracker refs, the Sign-Off names,
workflow owner / reviewers / approvers and who made each step, follow-up reviewers, revision
authors, comment authors and the people they mention, people-directory names, inbox actors,
a user's display name and their API token's name.

Each name is a payload tagged with the field it went into (``Xown1X"'><i data-xss=own1>...``).
Every page is parsed: no element or attribute the payloads would inject exists, nothing runs,
and wherever a tag shows (text or attribute value) the whole payload is there exactly, as text:
not cut, not sanitised into something else, not interpreted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape as html_escape
from html.parser import HTMLParser
from urllib.parse import quote, unquote_plus

import pytest
from sqlalchemy import Engine

from blamefree.domain.accounts import Principal, Role, TokenScope
from blamefree.domain.enums import ReviewKind
from blamefree.domain.timeline import EventKind, EventSource, TimelineEvent
from blamefree.domain.workflow import Transition
from blamefree.domain.workflow import parse_policy as approval_rules
from blamefree.markdown.render import render
from blamefree.services import comments, postmortems, reviews, sessions, workflow
from blamefree.store import UnitOfWork
from blamefree.store.follow_through import FollowThroughRepository, Person
from blamefree.store.inbox import InboxRepository
from support.web import FIXED_NOW, WebClient, ensure_account
from web.test_xss_corpus import executable_markup, hostile_document

ID = "INC-XSS-NAMES"
NOW = FIXED_NOW - dt.timedelta(days=2)
RULES = workflow.ReviewRules(policy=approval_rules("*=2/0"), blocking=frozenset())


SHORT = {"src"}
"""Fields stored in a short column (an event source's tool: 64 characters) get the short form."""


def evil(tag: str) -> str:
    """A name that breaks out of text and of both kinds of quoted attribute, tagged; the long
    form also carries a Markdown link to javascript: and a template expression (the shapes
    of the corpus in test_xss_corpus.py)."""
    short = f"X{tag}X\"'><i data-xss={tag}>&amp;<script>alert(1)</script>"
    return short if tag in SHORT else f"{short} [x](javascript:alert(1)) {{{{7*7}}}}"


TAGS = (
    "det", "ack", "inv", "res",  # the timeline's people
    "own1", "own2", "own3",  # action-item owners, one per horizon
    "trk",  # a tracker ref
    "act", "src",  # an event's actor and source
    "prep", "revd", "appd",  # the Sign-Off as written (before the workflow fills it)
    "wfo", "wfr", "wfa",  # workflow owner, reviewer, approver
    "fup",  # who held a follow-up review
    "auth",  # the author of the first revision
    "cmt", "ment",  # a comment's author and the person it mentions
    "inbx",  # an inbox event's actor
    "disp", "tok",  # the user's display name and token name
)  # fmt: skip
NAMES = {tag: evil(tag) for tag in TAGS}


@dataclass
class _Page(HTMLParser):
    """The parsed page: text (whitespace collapsed) and every attribute."""

    texts: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    @property
    def plain(self) -> str:
        """The text nodes joined as they stand (our own elements, such as a search hit's
        ``<mark>``, may split a name)."""
        return "".join(self.texts)

    @property
    def node_ends(self) -> set[int]:
        """Where in ``plain`` each text node ends."""
        ends, at = set(), 0
        for text in self.texts:
            at += len(text)
            ends.add(at)
        return ends


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


MARKDOWN = {"ment"}
"""Tags that stand inside Markdown someone wrote (a comment's body names whom it mentions):
shown as Markdown renders text, so ``&amp;`` reads ``&``; no markup of theirs survives."""


def _as_shown(tag: str) -> str:
    return NAMES[tag].replace("&amp;", "&") if tag in MARKDOWN else NAMES[tag]


def _whole_or_cut(
    text: str, start: int, payload: str, *, node_ends: set[int] | None = None
) -> bool:
    """The payload whole at ``start``, quoted the way a lint message quotes a value
    (``repr``: ``\\'`` inside), cut on purpose (a preview ending in ``…``), or the tag word alone
    with nothing of the payload after it (a search for that word)."""
    if text.startswith(payload, start) or text.startswith(repr(payload)[1:-1], start):
        return True
    rest = text[start + payload.index('"') :]
    if not rest or rest[0].isspace():
        return True  # the tag word alone (a search for it), nothing of the payload after it
    if node_ends is not None:  # a search snippet ends where it ends, with no "…"
        same = next(
            (i for i, (a, b) in enumerate(zip(text[start:], payload, strict=False)) if a != b),
            len(payload),
        )
        if start + same in node_ends:
            return True
    quoted = repr(payload)[1:-1]
    cut = text.find("…", start, start + len(quoted) + 1)
    return cut > start and (
        payload.startswith(text[start:cut]) or quoted.startswith(text[start:cut])
    )


def problems(html: str, *, standalone: bool = False, snippets: bool = False) -> list[str]:
    """What is wrong with a page: injected elements or attributes, code that would run, and any
    tag that shows without its whole payload next to it. A standalone export carries its own
    style sheet and Content-Security-Policy meta element: those are its own, not injected. A
    search hit's snippet may end inside a name (``snippets``)."""
    page = parse(html)
    found = [f"<{tag} {name}>" for tag, name, _ in page.attributes if name.startswith("data-xss")]
    own = ("<style ", "<meta ", "style=...")
    found += [p for p in executable_markup(html) if not (standalone and any(o in p for o in own))]
    text = page.plain
    ends = page.node_ends if snippets else None
    for tag in NAMES:
        payload = _as_shown(tag)
        marker = f"X{tag}X"
        start = text.find(marker)
        while start != -1:
            forms = {payload, NAMES[tag]}  # a mention's name is also said as text
            if not any(_whole_or_cut(text, start, form, node_ends=ends) for form in forms):
                found.append(f"{tag}: text {text[max(0, start - 80) : start + len(payload)]!r}")
            start = text.find(marker, start + 1)
        for element, name, value in page.attributes:
            # A link's query holds it URL-encoded: that is text too, once decoded.
            if value == marker:
                continue  # the search box holding the word searched for
            if marker in value and payload not in value and payload not in unquote_plus(value):
                found.append(f"{tag}: <{element} {name}={value!r}>")
    return found


def shown(html: str) -> set[str]:
    """The tags whose payload a page shows as text."""
    text = parse(html).plain
    return {tag for tag in NAMES if _as_shown(tag) in text}


def _as(name: str, role: Role = Role.ADMIN) -> Principal:
    return Principal(name=name, role=role, display_name=name, via="local")


@pytest.fixture
def named(engine: Engine, client: WebClient) -> WebClient:
    """A post-mortem, its workflow, comments, reviews, inbox and an account, all named by
    payloads; the client logged in as that account."""
    doc = hostile_document()
    timeline = doc.timeline
    blocks = {
        "detection": timeline.detection.model_copy(
            update={"detected_by": NAMES["det"], "detected_by_text": None}
        ),
        "response": timeline.response.model_copy(
            update={"acknowledged_by": NAMES["ack"], "acknowledged_by_text": None}
        ),
        "investigation": timeline.investigation.model_copy(
            update={"investigated_by": NAMES["inv"], "investigated_by_text": None}
        ),
        "resolution": timeline.resolution.model_copy(
            update={"resolved_by": NAMES["res"], "resolved_by_text": None}
        ),
    }
    event = TimelineEvent(
        time=dt.datetime(2026, 11, 1, 10, 30, tzinfo=dt.UTC),
        kind=EventKind.MESSAGE,
        actor=NAMES["act"],
        text="Paged the on-call engineer",
        source=EventSource(tool=NAMES["src"]),
    )
    items = doc.action_items
    horizons = {}
    for horizon, tag in (("immediate", "own1"), ("short_term", "own2"), ("long_term", "own3")):
        first, *rest = getattr(items, horizon)
        update: dict[str, object] = {"owner": NAMES[tag], "owner_text": None}
        if horizon == "immediate":
            update["tracker"] = first.tracker.model_copy(update={"key": NAMES["trk"]})  # type: ignore[union-attr]
        horizons[horizon] = [first.model_copy(update=update), *rest]
    sign_off = doc.sign_off.model_copy(
        update={
            "prepared_by": NAMES["prep"],
            "reviewed_by": NAMES["revd"],
            "approved_by": NAMES["appd"],
        }
    )
    doc = doc.model_copy(
        update={
            "incident_id": ID,
            "title": "Names of every kind",
            "timeline": timeline.model_copy(update={**blocks, "events": [event]}),
            "action_items": items.model_copy(update=horizons),
            "sign_off": sign_off,
        }
    )
    with UnitOfWork(engine) as uow:
        postmortems.create_postmortem(uow, postmortem_in=doc, text=render(doc), by=NAMES["auth"])
    with UnitOfWork(engine) as uow:
        reviews.record_review(
            uow, incident_id=ID, kind=ReviewKind.ONE_WEEK, now=NOW, notes="Held", by=NAMES["fup"]
        )
    with UnitOfWork(engine) as uow:
        workflow.assign(
            uow,
            incident_id=ID,
            principal=_as("Tester"),
            now=NOW,
            review=RULES,
            owner=NAMES["wfo"],
            reviewers=[NAMES["wfr"]],
            approvers=[NAMES["wfa"]],
        )
    for step, who in ((Transition.SUBMIT, "wfo"), (Transition.APPROVE, "wfa")):
        with UnitOfWork(engine) as uow:
            workflow.transition(
                uow, incident_id=ID, step=step, principal=_as(NAMES[who]), now=NOW, review=RULES
            )
    with UnitOfWork(engine) as uow:
        FollowThroughRepository(uow.session).put_person(
            Person(NAMES["ment"], "mentioned@example.com", None)
        )
    with UnitOfWork(engine) as uow:
        comments.add_comment(
            uow,
            incident_id=ID,
            body=f"@{NAMES['ment']} could you check the detection time?",
            by=_as(NAMES["cmt"]),
            now=NOW,
            section="timeline",
        )
    with UnitOfWork(engine) as uow:
        InboxRepository(uow.session, clock=lambda: NOW).add(
            TimelineEvent(
                time=NOW,
                kind=EventKind.ALERT_FIRED,
                actor=NAMES["inbx"],
                text="Disk almost full",
                source=EventSource(tool="alertmanager", id="xss-names-1"),
            ),
            thread=None,
            named=None,
        )
    ensure_account(engine, "eve", role=Role.ADMIN, display_name=NAMES["disp"])
    with UnitOfWork(engine) as uow:
        sessions.create_token(uow, owner="eve", name=NAMES["tok"], scope=TokenScope.READ, now=NOW)
    client.login_as("eve")
    return client


# fmt: off
PAGES: dict[str, set[str]] = {
    # Every page names at least these (the header always shows the user's display name).
    "/": {"disp", "own1", "wfo"},  # an overdue item's owner; the policy's overdue owner
    "/postmortems": {"disp", "wfo"},
    f"/postmortems?owner={quote(NAMES['own1'])}": {"disp", "wfo"},
    f"/postmortems/{ID}": {
        "ack",
        "act",
        "cmt",
        "det",
        "disp",
        "fup",
        "inv",
        "ment",
        "own1",
        "own2",
        "own3",
        "res",
        "src",
        "trk",
        "wfa",
        "wfo",
        "wfr",
    },
    f"/postmortems/{ID}/history": {"auth", "disp", "wfa", "wfo"},
    f"/postmortems/{ID}/diff?from=1&to=2": {"appd", "auth", "disp", "prep", "revd", "wfo"},
    f"/postmortems/{ID}/audit": {"auth", "disp", "wfa", "wfo", "wfr"},
    "/audit": {"auth", "disp", "wfa", "wfo", "wfr"},
    "/actions": {"disp", "own1", "own2", "own3", "trk"},
    "/actions?group=due&sort=owner": {"disp", "own1", "own2", "own3", "trk"},
    f"/actions?owner={quote(NAMES['own2'])}": {"disp", "own2"},
    "/actions/prevention": {"disp"},
    "/follow-up": {"disp", "fup", "own1"},
    f"/follow-up/{ID}/1w": {"disp", "fup"},
    "/inbox": {"disp", "inbx"},
    "/search?q=XresX": {"disp"},  # the snippets name them, cut: checked by problems()
    "/account": {"disp", "tok"},
    f"/postmortems/{ID}/timeline": {"act", "auth", "disp", "src"},
    f"/postmortems/{ID}/edit": {"disp", "trk", "wfa"},
    f"/postmortems/{ID}/export.html": {
        "ack",
        "act",
        "det",
        "fup",
        "inv",
        "own1",
        "own2",
        "own3",
        "res",
        "src",
        "trk",
        "wfa",
        "wfo",
    },
}
# fmt: on


def test_every_name_is_text_on_every_page(named: WebClient) -> None:
    everywhere: set[str] = set()
    for url, expected in PAGES.items():
        answer = named.get(url)
        assert answer.status_code == 200, url
        found_problems = problems(
            answer.text,
            standalone=url.endswith("export.html"),
            snippets=url.startswith("/search"),
        )
        assert found_problems == [], url
        found = shown(answer.text)
        if url.startswith("/search"):
            # The snippets do name them (cut), so the checks above did look at them.
            assert 'XresX"' in parse(answer.text).plain
        assert expected <= found, (url, sorted(expected - found))
        everywhere |= found
    assert everywhere == set(NAMES)  # each name field reached a page


def test_the_checks_find_what_they_look_for() -> None:
    payload = NAMES["own1"]
    injected = payload.replace("&amp;", "&").replace("\"'>", "").split("<script>")[0]
    assert problems(f"<p>{injected}</p>") == [
        "<i data-xss>",
        "own1: text 'Xown1X&'",
    ]
    sanitised = "<p>Xown1X\"'>&amp;</p>"
    assert problems(sanitised) == ["own1: text 'Xown1X\"\\'>&'"]
    escaped = f'<p>{html_escape(payload)}</p><input value="{html_escape(payload)}">'
    assert problems(escaped) == []
    assert shown(escaped) == {"own1"}


def test_the_note_after_a_comment_names_whom_it_tells_as_text(named: WebClient) -> None:
    url = f"/postmortems/{ID}"
    sent = named.post_form(
        f"{url}/comments",
        {"section": "timeline", "body": f"@{NAMES['ment']} and @{NAMES['own1'][:5]}"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = named.get(url)
    assert problems(page.text) == []
    note = parse(page.text).plain
    assert f"{NAMES['ment']} will be told by the next reminder run." in note
    assert "@Xown1: no one of that name in the people directory" in note
