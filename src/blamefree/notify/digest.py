"""Reminder digests, pure: who gets told about which overdue or soon-due items and reviews.

``build_digests`` groups what needs attention per owner; ``plan_deliveries`` decides, per channel,
which message goes to which address, routing owners without an e-mail address to the fallback
address so that nobody is dropped silently. Rendering to text lives here too; the senders in
``email.py``, ``slack.py`` and ``webhook.py`` only move bytes (and escape for their channel).

Every stored value a line of text carries (names, action text, titles, URLs) goes through
``one_line``: a CR or LF in an owner's name cannot start a new header or a new line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

ACTIVE_STATUSES = frozenset({"open", "in_progress"})
"""Statuses that still need doing; proposed, done and won't-do items get no reminders."""

NO_OWNER = "(no owner)"
FALLBACK = "(fallback)"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    """``text`` on one line: each run of whitespace (CR, LF, tabs, Unicode line breaks) becomes
    one space, and other control characters are shown as ``\\xNN``."""
    line = " ".join(text.split())
    return _CONTROL.sub(lambda found: f"\\x{ord(found[0]):02x}", line)


class Channel(StrEnum):
    """Where a reminder goes."""

    EMAIL = "email"
    SLACK = "slack"
    WEBHOOK = "webhook"


@dataclass(frozen=True)
class ActionRef:
    """An action item as reminders see it."""

    uid: str
    text: str
    owner: str | None
    due_date: dt.date | None
    priority: str | None
    status: str
    incident_id: str
    horizon: str
    url: str | None = None


@dataclass(frozen=True)
class ReviewRef:
    """A follow-up review not held yet."""

    incident_id: str
    label: str
    due_date: dt.date
    owner: str | None
    title: str | None = None


@dataclass(frozen=True)
class PolicyRef:
    """A post-mortem the team's policy asks for, not done yet, due soon or overdue."""

    incident_id: str
    needs: str  # "submission" or "approval"
    due_date: dt.date
    owner: str | None
    title: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class MentionRef:
    """A review comment that mentions someone (``@name``), told to them once."""

    comment_id: int
    incident_id: str
    section: str
    author: str | None
    body: str
    quoted: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Contact:
    """How to reach a person, from the people directory."""

    name: str
    email: str | None = None
    slack: str | None = None


@dataclass(frozen=True)
class Digest:
    """Everything one owner should hear about today."""

    owner: str | None
    today: dt.date
    overdue: tuple[ActionRef, ...] = ()
    due_soon: tuple[ActionRef, ...] = ()
    reviews: tuple[ReviewRef, ...] = ()
    mentions: tuple[MentionRef, ...] = ()
    postmortems: tuple[PolicyRef, ...] = ()

    @property
    def name(self) -> str:
        """The owner's name, or a marker for items that have none."""
        return self.owner or NO_OWNER

    @property
    def size(self) -> int:
        """How many lines the digest has."""
        return (
            len(self.overdue)
            + len(self.due_soon)
            + len(self.reviews)
            + len(self.mentions)
            + len(self.postmortems)
        )


@dataclass(frozen=True)
class Delivery:
    """One message to send: a channel, a recipient key for bookkeeping, an address, digests."""

    channel: Channel
    recipient: str
    address: str
    digests: tuple[Digest, ...]
    contacts: Mapping[str, Contact] = field(default_factory=dict)
    day: dt.date | None = None
    """The day the message is recorded under: the run's (None) for a digest, the comment's for a
    mention, so that no later run sends a mention again."""

    @property
    def size(self) -> int:
        """How many lines the message has."""
        return sum(digest.size for digest in self.digests)


@dataclass(frozen=True)
class Plan:
    """What a reminder run would send, and whose items could not be routed anywhere."""

    digests: tuple[Digest, ...]
    deliveries: tuple[Delivery, ...]
    unrouted: tuple[str, ...] = ()


def build_digests(
    actions: Iterable[ActionRef],
    reviews: Iterable[ReviewRef],
    *,
    today: dt.date,
    within_days: int,
    postmortems: Iterable[PolicyRef] = (),
) -> list[Digest]:
    """Per-owner digests of overdue and soon-due active items, of reviews due soon or late,
    and of post-mortems the policy finds overdue or due soon."""
    horizon = today + dt.timedelta(days=within_days)
    overdue: dict[str | None, list[ActionRef]] = {}
    soon: dict[str | None, list[ActionRef]] = {}
    due_reviews: dict[str | None, list[ReviewRef]] = {}
    due_postmortems: dict[str | None, list[PolicyRef]] = {}
    for action in actions:
        if action.status not in ACTIVE_STATUSES or action.due_date is None:
            continue
        owner = _clean(action.owner)
        if action.due_date < today:
            overdue.setdefault(owner, []).append(action)
        elif action.due_date <= horizon:
            soon.setdefault(owner, []).append(action)
    for review in reviews:
        if review.due_date <= horizon:
            due_reviews.setdefault(_clean(review.owner), []).append(review)
    for postmortem in postmortems:
        if postmortem.due_date <= horizon:
            due_postmortems.setdefault(_clean(postmortem.owner), []).append(postmortem)
    owners = set(overdue) | set(soon) | set(due_reviews) | set(due_postmortems)
    return [
        Digest(
            owner=owner,
            today=today,
            overdue=tuple(sorted(overdue.get(owner, []), key=_action_order)),
            due_soon=tuple(sorted(soon.get(owner, []), key=_action_order)),
            reviews=tuple(
                sorted(due_reviews.get(owner, []), key=lambda r: (r.due_date, r.incident_id))
            ),
            postmortems=tuple(
                sorted(due_postmortems.get(owner, []), key=lambda p: (p.due_date, p.incident_id))
            ),
        )
        for owner in sorted(owners, key=_owner_order)
    ]


def plan_deliveries(
    digests: Iterable[Digest],
    contacts: Iterable[Contact],
    *,
    email: bool,
    slack_url: str | None = None,
    webhook_url: str | None = None,
    fallback: str | None = None,
) -> Plan:
    """The messages to send: e-mail per owner with an address (the rest to ``fallback``),
    and one Slack and one webhook message per owner."""
    digest_list = tuple(digests)
    by_name = {_key(contact.name): contact for contact in contacts}
    deliveries: list[Delivery] = []
    homeless: list[Digest] = []
    for digest in digest_list:
        contact = by_name.get(_key(digest.owner)) if digest.owner else None
        known = {digest.name: contact} if contact else {}
        if email:
            if contact is not None and contact.email:
                deliveries.append(
                    Delivery(Channel.EMAIL, digest.name, contact.email, (digest,), known)
                )
            else:
                homeless.append(digest)
        if slack_url:
            deliveries.append(Delivery(Channel.SLACK, digest.name, slack_url, (digest,), known))
        if webhook_url:
            deliveries.append(Delivery(Channel.WEBHOOK, digest.name, webhook_url, (digest,), known))
    unrouted: tuple[str, ...] = ()
    if homeless and fallback:
        deliveries.append(Delivery(Channel.EMAIL, FALLBACK, fallback, tuple(homeless)))
    elif homeless:
        unrouted = tuple(digest.name for digest in homeless)
    return Plan(digests=digest_list, deliveries=tuple(deliveries), unrouted=unrouted)


# --- rendering ------------------------------------------------------------------------------


MENTION_EXCERPT = 500
"""How much of a comment a mention message quotes."""


def mention_line(mention: MentionRef) -> str:
    """Who mentioned whom where, as one line of text."""
    who = mention.author or "someone"
    return one_line(
        f"{who} mentioned you in a comment on {mention.incident_id}, {mention.section}"
        f" (comment {mention.comment_id})"
    )


def mention_excerpt(mention: MentionRef) -> str:
    """The comment's text, on one line and cut to ``MENTION_EXCERPT`` characters."""
    text = one_line(mention.body)
    return text if len(text) <= MENTION_EXCERPT else text[: MENTION_EXCERPT - 1] + "…"


def subject(delivery: Delivery) -> str:
    """The e-mail subject: counts first, so the inbox line says what matters."""
    mentions = [m for d in delivery.digests for m in d.mentions]
    if mentions:
        return one_line(mention_line(mentions[0]))
    overdue = sum(len(d.overdue) for d in delivery.digests)
    soon = sum(len(d.due_soon) for d in delivery.digests)
    reviews = sum(len(d.reviews) for d in delivery.digests)
    owed = sum(len(d.postmortems) for d in delivery.digests)
    parts = [
        f"{count} {label}"
        for count, label in (
            (overdue, "overdue"),
            (soon, "due soon"),
            (reviews, "review" if reviews == 1 else "reviews"),
            (owed, "post-mortem" if owed == 1 else "post-mortems"),
        )
        if count
    ]
    who = "owners without an address" if delivery.recipient == FALLBACK else delivery.recipient
    return one_line(f"Blamefree reminders for {who}: {', '.join(parts) or 'nothing due'}")


def action_line(action: ActionRef, today: dt.date, *, url: bool = True) -> str:
    """One action item as a line of text (with its tracker URL unless ``url`` is False)."""
    when = _when(action.due_date, today) if action.due_date else "no due date"
    bits = [f"[{action.uid}] {action.text}", f"({action.incident_id}, {when}"]
    if action.priority:
        bits[-1] += f", {action.priority}"
    bits[-1] += ")"
    if action.url and url:
        bits.append(action.url)
    return one_line(" ".join(bits))


def review_line(review: ReviewRef, today: dt.date) -> str:
    """One follow-up review as a line of text."""
    title = f" {review.title}" if review.title else ""
    when = _when(review.due_date, today)
    return one_line(f"{review.label} review of {review.incident_id}{title} ({when})")


def policy_line(postmortem: PolicyRef, today: dt.date) -> str:
    """One post-mortem the policy asks for, as a line of text."""
    title = f" {postmortem.title}" if postmortem.title else ""
    severity = f"{postmortem.severity} " if postmortem.severity else ""
    when = _when(postmortem.due_date, today)
    return one_line(
        f"{severity}post-mortem {postmortem.incident_id}{title}: {postmortem.needs} {when}"
    )


def render_text(delivery: Delivery) -> str:
    """The plain-text body of a reminder message."""
    lines: list[str] = []
    if delivery.recipient == FALLBACK:
        lines += [
            "These owners have no e-mail address in the Blamefree people directory",
            "(add one with: blamefree people add NAME --email ADDRESS).",
            "",
        ]
    for digest in delivery.digests:
        lines += _digest_text(digest, heading=delivery.recipient == FALLBACK)
        for mention in digest.mentions:
            lines += [mention_line(mention), ""]
            if mention.quoted:
                lines += [f"  On the line: {one_line(mention.quoted)}", ""]
            lines += [f"  {mention_excerpt(mention)}", ""]
            if mention.url:
                lines += [f"  {one_line(mention.url)}", ""]
    lines += ["-- ", "Sent by `blamefree remind`; post-mortems are about learning, not blame."]
    return "\n".join(lines) + "\n"


def _digest_text(digest: Digest, *, heading: bool) -> list[str]:
    lines: list[str] = []
    if heading:
        name = one_line(digest.name)
        lines += [name, "=" * len(name), ""]
    sections = (
        ("Overdue", [action_line(a, digest.today) for a in digest.overdue]),
        ("Due soon", [action_line(a, digest.today) for a in digest.due_soon]),
        ("Follow-up reviews", [review_line(r, digest.today) for r in digest.reviews]),
        (
            "Post-mortems the policy asks for",
            [policy_line(p, digest.today) for p in digest.postmortems],
        ),
    )
    for title, items in sections:
        if items:
            lines += [f"{title}:", *(f"  - {item}" for item in items), ""]
    return lines


def _when(day: dt.date, today: dt.date) -> str:
    delta = (day - today).days
    if delta < 0:
        return f"due {day.isoformat()}, {-delta} day{'s' if delta != -1 else ''} late"
    if delta == 0:
        return f"due today, {day.isoformat()}"
    return f"due {day.isoformat()}, in {delta} day{'s' if delta != 1 else ''}"


def _clean(owner: str | None) -> str | None:
    stripped = (owner or "").strip()
    return stripped or None


def _key(name: str | None) -> str:
    return (name or "").strip().lstrip("@").casefold()


def _owner_order(owner: str | None) -> tuple[bool, str]:
    return (owner is None, (owner or "").casefold())


def _action_order(action: ActionRef) -> tuple[dt.date, str, str]:
    return (action.due_date or dt.date.max, action.incident_id, action.uid)
