"""Use cases of webhooks and the inbox: receive a delivery, list, attach, start a draft, discard.

A delivery's events go to the timeline of the post-mortem they name (or that their thread was
routed to), through the same import as ``timeline import``, recorded by ``webhook:<source>``;
the rest wait in the inbox. Nothing is stored twice: the timeline keeps one event per source
and id, the inbox one item per source and id (also after it was attached or discarded).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from blamefree.domain.enums import Severity
from blamefree.domain.timeline import TimelineEvent
from blamefree.errors import PostmortemNotFound, Unauthenticated, ValidationFailed
from blamefree.importers import sort_events, tag_phases
from blamefree.importers.webhooks import Delivered, read_delivery
from blamefree.services.postmortems import start_postmortem
from blamefree.services.timeline_import import import_events
from blamefree.store import UnitOfWork
from blamefree.store.inbox import InboxItem
from blamefree.store.workflow import WorkflowRepository

SIGNATURE_VERSION = "v1"


@dataclass
class DeliveryReport:
    """What one delivery did: events added to each post-mortem, items put in the inbox, and
    events already known (on that timeline or in the inbox) that added nothing."""

    source: str
    added: dict[str, int] = field(default_factory=dict)
    inbox: int = 0
    known: int = 0
    from_inbox: int = 0
    """Of the added events, those that had waited in the inbox (their thread was just named)."""

    @property
    def total_added(self) -> int:
        """Events added to timelines, over all post-mortems."""
        return sum(self.added.values())


def verify_pagerduty_signature(body: bytes, header: str | None, *, secret: str | None) -> None:
    """Unauthenticated unless ``header`` (``X-PagerDuty-Signature``) holds a ``v1=`` HMAC-SHA256
    of the raw ``body`` made with ``secret``; during a secret rotation it lists several, and one
    matching is enough. With no secret configured every delivery is refused."""
    if not secret:
        raise Unauthenticated(
            "PagerDuty webhooks are refused: no webhook secret is configured "
            "(pagerduty_webhook_secret)"
        )
    if not header or not header.strip():
        raise Unauthenticated("the delivery has no X-PagerDuty-Signature header")
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    offered = [part.strip() for part in header.split(",")]
    signatures = [
        value for version, _, value in (p.partition("=") for p in offered)
        if version == SIGNATURE_VERSION
    ]  # fmt: skip
    if not any(hmac.compare_digest(expected, value) for value in signatures):
        raise Unauthenticated("the X-PagerDuty-Signature does not match the configured secret")


def verify_webhook_token(authorization: str | None, *, token: str | None) -> None:
    """Unauthenticated unless ``authorization`` carries ``token`` (``Bearer <token>``, or Basic
    with ``token`` as the password); nothing is required when no token is configured."""
    if not token:
        return
    scheme, _, credentials = (authorization or "").strip().partition(" ")
    offered = credentials.strip()
    if scheme.lower() == "basic":
        try:
            offered = base64.b64decode(offered, validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            offered = ""
    elif scheme.lower() != "bearer":
        offered = ""
    if not offered or not hmac.compare_digest(offered.encode(), token.encode()):
        raise Unauthenticated(
            "this receiver needs the configured webhook token (Authorization: Bearer <token>)"
        )


class _Targets:
    """Which stored post-mortem each event of one delivery goes to (looked up once per id)."""

    def __init__(self, uow: UnitOfWork, source: str) -> None:
        self.uow = uow
        self.source = source
        self._stored: dict[str, bool] = {}

    def stored(self, incident_id: str) -> bool:
        """Stored and open to edits: the events for an approved or published (locked)
        post-mortem wait in the inbox, naming it, until it is reopened and they are attached."""
        if incident_id not in self._stored:
            state = WorkflowRepository(self.uow.session).state_of(incident_id)
            locked = state is not None and state.locked
            self._stored[incident_id] = self.uow.postmortems.exists(incident_id) and not locked
        return self._stored[incident_id]

    def of(self, item: Delivered) -> str | None:
        """The stored post-mortem it names, else its thread's (also when it names one that is
        not stored: a person attached the thread); None when neither is stored."""
        if item.named is not None and self.stored(item.named):
            return item.named
        if item.thread is None:
            return None
        routed = self.uow.inbox.thread_postmortem(self.source, item.thread)
        return routed if routed is not None and self.stored(routed) else None


def _without_taken_phases(
    uow: UnitOfWork, incident_id: str, events: Sequence[TimelineEvent]
) -> list[TimelineEvent]:
    """The events phase-tagged by the import rules, except that a phase the timeline already
    has is never given again (a later delivery does not move a phase; people do)."""
    taken = uow.inbox.phases_on_timeline(incident_id)
    tagged = tag_phases(events, {})
    return [
        event.model_copy(update={"phase": None, "key": False})
        if event.phase is not None and event.phase.value in taken
        else event
        for event in tagged
    ]


def receive_delivery(
    uow: UnitOfWork, *, source: str, body: bytes, label: str = "postmortem"
) -> DeliveryReport:
    """File one webhook body of ``source`` (alertmanager, grafana, pagerduty, opsgenie).

    A body of the wrong shape is a SourceFormatError naming the field, and nothing is stored."""
    delivered = read_delivery(source, body, label=label)
    recorder = f"webhook:{source}"
    report = DeliveryReport(source=source)
    targets = _Targets(uow, source)
    routes: dict[str, list[TimelineEvent]] = {}
    waiting: list[Delivered] = []
    threads: dict[str, str] = {}
    for item in delivered:
        target = targets.of(item)
        if target is None:
            if item.event is not None:
                waiting.append(item)
            continue
        if item.named == target and item.thread is not None:
            threads[item.thread] = target
        if item.event is not None:
            routes.setdefault(target, []).append(item.event)
    for thread, target in threads.items():
        uow.inbox.route_thread(source, thread, target)
        have = {e.source.id for e in routes.get(target, [])}
        pulled = [
            i.event
            for i in uow.inbox.waiting_in_thread(source, thread)
            if i.event.source.id not in have
        ]
        report.from_inbox += len(pulled)
        routes.setdefault(target, []).extend(pulled)
    for target in sorted(routes):  # one order of locks for every delivery: no deadlock
        events = routes[target]
        try:
            result = import_events(
                uow,
                incident_id=target,
                events=_without_taken_phases(uow, target, sort_events(events)),
                source=f"{source} webhook",
                by=recorder,
                alone=False,
            )
        except PostmortemNotFound:  # deleted since it was looked up: the events wait instead
            waiting.extend(Delivered(event=e, named=target, thread=None) for e in events)
            continue
        ids = [e.source.id for e in events if e.source.id is not None]
        uow.inbox.mark_source_ids(source, ids, incident_id=target, by=recorder)
        report.added[target] = report.added.get(target, 0) + result.added
        report.known += result.skipped
    for item in waiting:
        assert item.event is not None
        if uow.inbox.add(item.event, thread=item.thread, named=item.named):
            report.inbox += 1
        else:
            report.known += 1
    return report


def list_inbox(uow: UnitOfWork, *, limit: int | None = None) -> list[InboxItem]:
    """The events waiting in the inbox, oldest first."""
    return uow.inbox.items(status="new", limit=limit)


def count_inbox(uow: UnitOfWork) -> int:
    """How many events wait in the inbox."""
    return uow.inbox.count(status="new")


def _chosen(uow: UnitOfWork, item_ids: Iterable[int]) -> list[InboxItem]:
    wanted = sorted(set(item_ids))
    if not wanted:
        raise ValidationFailed("choose at least one inbox event", field="items")
    items = uow.inbox.items(status="new", ids=wanted)
    missing = sorted(set(wanted) - {item.id for item in items})
    if missing:
        raise ValidationFailed(
            f"inbox events {', '.join(map(str, missing))} are no longer waiting "
            "(attached or discarded meanwhile); reload the inbox",
            field="items",
        )
    return items


@dataclass(frozen=True)
class Attached:
    """Inbox events filed into a post-mortem: how many were new on its timeline."""

    incident_id: str
    attached: int
    added: int
    version: int | None


def attach_items(
    uow: UnitOfWork, *, item_ids: Iterable[int], incident_id: str, by: str | None = None
) -> Attached:
    """Add chosen inbox events to a stored post-mortem's timeline (one already there adds
    nothing); later events of their alerts and incidents follow them there."""
    items = _chosen(uow, item_ids)
    if not uow.postmortems.exists(incident_id):
        raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
    events = sort_events(item.event for item in items)
    result = import_events(
        uow,
        incident_id=incident_id,
        events=_without_taken_phases(uow, incident_id, events),
        source="the inbox",
        by=by,
        alone=False,
    )
    uow.inbox.mark([item.id for item in items], status="attached", incident_id=incident_id, by=by)
    for item in items:
        if item.thread is not None:
            uow.inbox.route_thread(item.source, item.thread, incident_id)
    return Attached(
        incident_id=incident_id, attached=len(items), added=result.added, version=result.version
    )


def start_draft(
    uow: UnitOfWork,
    *,
    item_ids: Iterable[int],
    title: str | None,
    severity: Severity | None = None,
    incident_id: str | None = None,
    by: str | None = None,
) -> Attached:
    """Start a new draft post-mortem (dated the day of the earliest chosen event, in UTC)
    with the chosen inbox events on its timeline; without ``incident_id`` it gets the day's
    free default id (``INC-YYYYMMDD``, then ``-2``, ...)."""
    items = _chosen(uow, item_ids)
    first = min(items, key=lambda item: item.event.time)
    day = first.event.time.astimezone(dt.UTC).date()
    started = start_postmortem(
        uow,
        title=(title or "").strip() or first.event.text,
        severity=severity,
        day=day,
        incident_id=(incident_id or "").strip() or None,
        save=True,
        by=by,
    )
    return attach_items(
        uow, item_ids=[i.id for i in items], incident_id=started.doc.incident_id or "", by=by
    )


def discard_items(uow: UnitOfWork, *, item_ids: Iterable[int], by: str | None = None) -> int:
    """Discard chosen inbox events; a later delivery of one of them adds nothing."""
    items = _chosen(uow, item_ids)
    return uow.inbox.mark([item.id for item in items], status="discarded", by=by)
