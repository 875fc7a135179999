"""Use case: send today's reminder digests by e-mail, Slack and webhook, each at most once a day.

Each message is claimed and then recorded in the store, each committed at once (the unit of
work the caller passes in commits twice per message: a deliberate exception to one
transaction per command, so a crash or an overlapping run never sends a message twice and a
failed one is retried), as soon as it was tried: sent ones
are skipped for the rest of the day; failed ones are retried by the next run (the same day, or as
part of the next day's digest, which still holds every item that is not done).

A message fails "for any reason" the same way: an outside service refusing it, a message that
cannot be built, even an unexpected error is recorded as failed (with the error, credentials
removed) and the run goes on; Ctrl-C records it as failed before stopping. A run killed
outright leaves its claim, which the next run on the host takes over at once (the process is
gone) and a run elsewhere after the claim's lease. Only a row the store holds as ``sent`` is
ever reported as sent.

Mentions in review comments (``services.comments``) go out the same way, one message per
mention and channel, recorded under the comment's day and a key naming the comment
(``comments.mention_recipient``): a later run finds it sent and never sends it again; once every
channel has sent it, the mention is marked delivered and no later run looks at it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from blamefree.config import Settings
from blamefree.domain.actions import default_due_date
from blamefree.domain.enums import ActionStatus
from blamefree.domain.policy import Policy
from blamefree.errors import (
    BlamefreeError,
    ConfigError,
    ExternalServiceError,
    OwnersUnreachable,
)
from blamefree.notify.digest import (
    ActionRef,
    Channel,
    Contact,
    Delivery,
    Digest,
    PolicyRef,
    ReviewRef,
    build_digests,
    plan_deliveries,
)
from blamefree.notify.email import Mailer, SmtpConfig, smtp_config
from blamefree.notify.slack import send_slack
from blamefree.notify.webhook import send_webhook
from blamefree.redact import redact, settings_secrets, shorten
from blamefree.services import comments
from blamefree.services import policy as policy_service
from blamefree.services.reviews import REVIEW_NAMES, list_reviews
from blamefree.store import UnitOfWork
from blamefree.store.deliveries import (
    SENT,
    Claim,
    DeliveryRecord,
    DeliveryRepository,
    Holder,
    holding,
    new_holder,
)
from blamefree.store.follow_through import ActionRecord, FollowThroughRepository
from blamefree.store.visibility import restricted_incident_ids, seen_by, viewer_for_name

REVIEW_LATE_DAYS = 30
"""A review not held is still reminded of for this many days after its date."""

SENT_STATUS = "sent"
FAILED_STATUS = "failed"
SKIPPED_STATUS = "already sent"
BUSY_STATUS = "sent by another run"
DRY_RUN_STATUS = "would send"
CLAIM_LEASE = dt.timedelta(minutes=10)
"""A run that claimed a message and did not record it within this time is taken to have died."""
POLL_SECONDS = 0.5
"""How often a run waiting for another run's message looks at it again."""
WAIT_MARGIN = dt.timedelta(seconds=5)
INTERRUPTED = "interrupted before it was confirmed sent; it is retried by the next run"
ERROR_CHARS = 500
"""How much of an error is kept in the store and shown."""

Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one message in this run."""

    channel: Channel
    recipient: str
    address: str
    items: int
    status: str
    delivery: Delivery
    attempts: int = 0
    error: str | None = None


@dataclass(frozen=True)
class RemindReport:
    """The outcome of a reminder run."""

    today: dt.date
    dry_run: bool
    digests: tuple[Digest, ...]
    results: tuple[DeliveryResult, ...]
    unrouted: tuple[str, ...]

    @property
    def failed(self) -> list[DeliveryResult]:
        """Messages that could not be delivered (they are retried by the next run)."""
        return [r for r in self.results if r.status == FAILED_STATUS]

    @property
    def unrouted_message(self) -> str | None:
        """What to say about owners no message could go to (a warning on a dry run)."""
        if not self.unrouted:
            return None
        return (
            f"no e-mail address for {', '.join(self.unrouted)}, and BLAMEFREE_REMIND_FALLBACK "
            "is not set: add their addresses to the people directory or set a fallback"
        )

    def problem(self) -> BlamefreeError | None:
        """The error the run ends with, if any: owners left without a message (``ConfigError``:
        a person must act; a dry run only warns) win over failed messages
        (``ExternalServiceError``: retried by the next run), which are named either way."""
        failed = self.failed
        failures = ""
        if failed:
            details = "; ".join(
                f"{r.channel.value} to {r.recipient}: {r.error}" for r in failed[:3]
            )
            more = f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
            failures = f"{len(failed)} of {len(self.results)} reminders failed: {details}{more}"
        unrouted = self.unrouted_message
        if unrouted is not None and not self.dry_run:
            return OwnersUnreachable(unrouted + (f". Also: {failures}" if failures else ""))
        if failed:
            return ExternalServiceError(failures)
        return None


ReviewSource = Callable[[UnitOfWork, dt.date, int], list[ReviewRef]]


def remind(
    uow: UnitOfWork,
    *,
    settings: Settings,
    today: dt.date,
    now: dt.datetime,
    dry_run: bool = False,
    reviews: ReviewSource | None = None,
    transport: httpx.BaseTransport | None = None,
    clock: Clock,
    sleep: Sleep | None = None,
) -> RemindReport:
    """Build today's digests and send those not sent yet today; record every attempt.

    ``clock`` is the real UTC time, for claims (``now`` may be pinned; a claim's lease runs on
    the wall clock); ``sleep`` (while another run sends a message) defaults to the system's.
    """
    within = settings.remind_due_within_days
    follow = FollowThroughRepository(uow.session)
    actions = [
        action_ref(record)
        for record in follow.list_actions(statuses=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
    ]
    contacts = [Contact(p.name, p.email, p.slack) for p in follow.people()]
    done_today = DeliveryRepository(uow.session).of_day(today)
    review_refs = (reviews or pending_reviews)(uow, today, within)
    rules = policy_service.policy_rules(settings)
    if reviews is None:  # a given source is taken as it is (tests, other front ends)
        asked = {
            item.incident_id: item.severity
            for item in policy_service.policy_items(uow, policy=rules, today=today)
        }
        review_refs = [r for r in review_refs if rules.needs_follow_up(asked.get(r.incident_id))]
    digests = _visible(
        uow,
        build_digests(
            actions,
            review_refs,
            today=today,
            within_days=within,
            postmortems=pending_postmortems(uow, settings=settings, today=today, policy=rules),
        ),
    )
    mail = smtp_config(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=(settings.smtp_password.get_secret_value() if settings.smtp_password else None),
        starttls=settings.smtp_starttls,
    )
    # A dry run needs no channel: it still shows each owner's digest (the CLI prints them).
    if mail is None and not settings.slack_webhook_url and not settings.webhook_url and not dry_run:
        raise ConfigError(
            "no reminder channel is configured: set BLAMEFREE_SMTP_HOST and "
            "BLAMEFREE_SMTP_FROM, BLAMEFREE_SLACK_WEBHOOK_URL or BLAMEFREE_WEBHOOK_URL"
        )
    plan = plan_deliveries(
        digests,
        contacts,
        email=mail is not None,
        slack_url=settings.slack_webhook_url,
        webhook_url=settings.webhook_url,
        fallback=settings.remind_fallback,
    )
    mentions, mention_plan, mention_unrouted = _plan_mentions(
        uow, settings=settings, contacts=contacts, email=mail is not None
    )
    deliveries = (*plan.deliveries, *mention_plan)
    days = {today: done_today}
    results: list[DeliveryResult] = []
    pending: list[Delivery] = []
    for delivery in deliveries:
        day = delivery.day or today
        if day not in days:
            days[day] = DeliveryRepository(uow.session).of_day(day)
        earlier = days[day].get((delivery.channel.value, delivery.recipient))
        if earlier is not None and earlier.status == SENT:
            results.append(_result(delivery, SKIPPED_STATUS, attempts=earlier.attempts))
        elif dry_run:
            results.append(_result(delivery, DRY_RUN_STATUS))
        else:
            pending.append(delivery)
    if pending:
        results += _send_all(
            uow,
            pending,
            mail=mail,
            today=today,
            now=now,
            transport=transport,
            secrets=settings_secrets(settings),
            clock=clock,
            sleep=sleep or time.sleep,
        )
    place = {(d.channel, d.recipient): i for i, d in enumerate(deliveries)}
    results.sort(key=lambda r: place[(r.channel, r.recipient)])
    if not dry_run:
        _mark_mentions(uow, mentions, results, now=now)
    unrouted = (*plan.unrouted, *(n for n in mention_unrouted if n not in plan.unrouted))
    return RemindReport(
        today=today,
        dry_run=dry_run,
        digests=plan.digests,
        results=tuple(results),
        unrouted=unrouted,
    )


_DONE = (SENT_STATUS, SKIPPED_STATUS, BUSY_STATUS)


def _visible(uow: UnitOfWork, digests: list[Digest]) -> list[Digest]:
    """Each digest without what its person may not see (a restricted post-mortem that does
    not name them; items with no owner show no restricted one), and none left empty."""
    restricted = restricted_incident_ids(uow.session)
    if not restricted:
        return digests
    kept: list[Digest] = []
    for digest in digests:
        refs: list[ActionRef | ReviewRef | PolicyRef] = [
            *digest.overdue,
            *digest.due_soon,
            *digest.reviews,
            *digest.postmortems,
        ]
        named = {ref.incident_id for ref in refs} & restricted
        if named:
            viewer = viewer_for_name(uow.session, digest.owner)
            hidden = named - seen_by(uow.session, viewer, named)
            digest = dataclasses.replace(
                digest,
                overdue=tuple(r for r in digest.overdue if r.incident_id not in hidden),
                due_soon=tuple(r for r in digest.due_soon if r.incident_id not in hidden),
                reviews=tuple(r for r in digest.reviews if r.incident_id not in hidden),
                postmortems=tuple(r for r in digest.postmortems if r.incident_id not in hidden),
            )
        if digest.size:
            kept.append(digest)
    return kept


def _plan_mentions(
    uow: UnitOfWork, *, settings: Settings, contacts: list[Contact], email: bool
) -> tuple[dict[int, list[Delivery]], list[Delivery], list[str]]:
    """One message per undelivered mention and channel, keyed by the comment (see above)."""
    by_mention: dict[int, list[Delivery]] = {}
    planned: list[Delivery] = []
    unrouted: list[str] = []
    restricted = restricted_incident_ids(uow.session)
    for mention in comments.mentions_to_send(uow, public_url=settings.public_url):
        if mention.ref.incident_id in restricted and not seen_by(
            uow.session, viewer_for_name(uow.session, mention.name), {mention.ref.incident_id}
        ):
            continue  # not for their eyes: it stays pending (sent if they are named on it)
        digest = Digest(owner=mention.name, today=mention.day, mentions=(mention.ref,))
        plan = plan_deliveries(
            [digest],
            contacts,
            email=email,
            slack_url=settings.slack_webhook_url,
            webhook_url=settings.webhook_url,
            fallback=settings.remind_fallback,
        )
        key = comments.mention_recipient(mention.name, mention.ref.comment_id)
        keyed = [
            dataclasses.replace(delivery, recipient=key, day=mention.day)
            for delivery in plan.deliveries
        ]
        unrouted += [name for name in plan.unrouted if name not in unrouted]
        # A mention no channel can reach yet stays pending (and is named as unrouted).
        by_mention[mention.mention_id] = keyed if not plan.unrouted else []
        planned += keyed
    return by_mention, planned, unrouted


def _mark_mentions(
    uow: UnitOfWork,
    mentions: dict[int, list[Delivery]],
    results: list[DeliveryResult],
    *,
    now: dt.datetime,
) -> None:
    status = {(r.channel, r.recipient): r.status for r in results}
    for mention_id, deliveries in mentions.items():
        if deliveries and all(status.get((d.channel, d.recipient)) in _DONE for d in deliveries):
            comments.mark_mention_delivered(uow, mention_id=mention_id, now=now)


def _send_all(
    uow: UnitOfWork,
    pending: list[Delivery],
    *,
    mail: SmtpConfig | None,
    today: dt.date,
    now: dt.datetime,
    transport: httpx.BaseTransport | None,
    secrets: list[str],
    clock: Clock,
    sleep: Sleep,
) -> list[DeliveryResult]:
    results: list[DeliveryResult] = []
    holder = new_holder()
    with (
        holding(holder),
        httpx.Client(transport=transport, timeout=30.0) as client,
        Mailer(mail) if mail else _NoMailer() as mailer,
    ):
        for delivery in pending:
            claim = _claim(
                uow, delivery, today=delivery.day or today, now=now, holder=holder, clock=clock
            )
            # Another run is sending it: wait for its outcome. Its claim expires within the
            # lease (then it is taken over), so the wait is bounded by the lease.
            waiting_since = clock()
            while claim is Claim.BUSY and clock() - waiting_since <= CLAIM_LEASE + WAIT_MARGIN:
                sleep(POLL_SECONDS)
                claim = _claim(
                    uow, delivery, today=delivery.day or today, now=now, holder=holder, clock=clock
                )
            if claim is Claim.SENT:
                results.append(_result(delivery, BUSY_STATUS))
                continue
            if claim is not Claim.CLAIMED:
                # Not ours and not sent: say so, never "sent". The next run looks again.
                busy = f"still being sent by another run after {_minutes(CLAIM_LEASE)}"
                results.append(_result(delivery, FAILED_STATUS, error=busy))
                continue
            error: str | None = None
            try:
                _deliver(delivery, client=client, mailer=mailer)
            except BlamefreeError as failure:
                error = failure.message
            except Exception as failure:  # a bug must not lose the message: record it
                error = f"could not be sent ({type(failure).__name__}: {failure})"
            except BaseException:
                # Ctrl-C or exit: leave it failed, so the next run retries it, then stop.
                _record(uow, delivery, today=delivery.day or today, now=now, error=INTERRUPTED)
                raise
            if error is not None:
                error = shorten(redact(error, secrets=secrets), ERROR_CHARS)
            record = _record(uow, delivery, today=delivery.day or today, now=now, error=error)
            status = SENT_STATUS if error is None else FAILED_STATUS
            results.append(_result(delivery, status, attempts=record.attempts, error=error))
    return results


def _deliver(delivery: Delivery, *, client: httpx.Client, mailer: Mailer | _NoMailer) -> None:
    if delivery.channel is Channel.EMAIL:
        mailer.send(delivery)
    elif delivery.channel is Channel.SLACK:
        send_slack(client, delivery)
    else:
        send_webhook(client, delivery)


def _record(
    uow: UnitOfWork, delivery: Delivery, *, today: dt.date, now: dt.datetime, error: str | None
) -> DeliveryRecord:
    record = DeliveryRepository(uow.session).record(
        day=today,
        channel=delivery.channel.value,
        recipient=delivery.recipient,
        address=shown_address(delivery),
        items=item_keys(delivery),
        error=error,
        at=now,
    )
    uow.commit()  # kept even if the run is killed before the next message is tried
    return record


def _claim(
    uow: UnitOfWork,
    delivery: Delivery,
    *,
    today: dt.date,
    now: dt.datetime,
    holder: Holder,
    clock: Clock,
) -> Claim:
    """Claim the message and commit at once, so an overlapping run does not send it too."""
    real_now = clock()
    claim = DeliveryRepository(uow.session).claim(
        day=today,
        channel=delivery.channel.value,
        recipient=delivery.recipient,
        address=shown_address(delivery),
        items=item_keys(delivery),
        at=now,
        lease_start=real_now,
        stale_before=real_now - CLAIM_LEASE,
        holder=holder,
    )
    uow.commit()  # seen by an overlapping run at once, so it does not send the message too
    return claim


def _minutes(span: dt.timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} min"


class _NoMailer:
    """Stands in for a Mailer when no SMTP server is configured (no e-mail is planned then)."""

    def __enter__(self) -> _NoMailer:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(self, delivery: Delivery) -> None:
        raise ConfigError("BLAMEFREE_SMTP_HOST is not set")


def _result(
    delivery: Delivery, status: str, *, attempts: int = 0, error: str | None = None
) -> DeliveryResult:
    return DeliveryResult(
        channel=delivery.channel,
        recipient=delivery.recipient,
        address=shown_address(delivery),
        items=delivery.size,
        status=status,
        delivery=delivery,
        attempts=attempts,
        error=error,
    )


def shown_address(delivery: Delivery) -> str:
    """The e-mail address, or only the host of a webhook URL (its path is a secret)."""
    if delivery.channel is Channel.EMAIL:
        return delivery.address
    try:
        return httpx.URL(delivery.address).host or "?"
    except httpx.InvalidURL:
        return "?"


def item_keys(delivery: Delivery) -> list[str]:
    """What a message held, for the record: action ids, reviews as INCIDENT/KIND and
    post-mortems as INCIDENT/post-mortem NEEDS."""
    keys: list[str] = []
    for digest in delivery.digests:
        keys += [a.uid for a in (*digest.overdue, *digest.due_soon)]
        keys += [f"{r.incident_id}/{r.label}" for r in digest.reviews]
        keys += [f"{p.incident_id}/post-mortem {p.needs}" for p in digest.postmortems]
        keys += [f"{m.incident_id}/comment {m.comment_id}" for m in digest.mentions]
    return keys


def action_ref(record: ActionRecord) -> ActionRef:
    """An action item as reminders see it."""
    return ActionRef(
        uid=record.uid,
        text=record.text,
        owner=record.owner,
        due_date=due_date(record),
        priority=record.priority.value if record.priority else None,
        status=record.status.value,
        incident_id=record.incident_id,
        horizon=record.horizon.value,
        url=record.tracker.url if record.tracker else None,
    )


def pending_reviews(uow: UnitOfWork, today: dt.date, within_days: int) -> list[ReviewRef]:
    """Reviews not held yet that fall due within ``within_days`` (or are up to 30 days late).

    A review's owner is the post-mortem's author (Sign-Off: Prepared By); without one, the
    review goes to the fallback digest.
    """
    views = [
        view
        for view in list_reviews(uow, today=today, upcoming=within_days, overdue=True)
        if view.due_date is not None and (today - view.due_date).days <= REVIEW_LATE_DAYS
    ]
    authors: dict[str, str | None] = {}
    for incident_id in {view.incident_id for view in views}:
        authors[incident_id] = uow.postmortems.get(incident_id).doc.sign_off.prepared_by
    return [
        ReviewRef(
            incident_id=view.incident_id,
            label=REVIEW_NAMES[view.kind].removesuffix(" review"),
            due_date=view.due_date,
            owner=authors.get(view.incident_id),
            title=view.title,
        )
        for view in views
        if view.due_date is not None
    ]


def pending_postmortems(
    uow: UnitOfWork, *, settings: Settings, today: dt.date, policy: Policy | None = None
) -> list[PolicyRef]:
    """Post-mortems the policy asks for that are not done and have a known due date (overdue
    or not: ``build_digests`` keeps those due within the reminder window). Each goes to its
    owner (the review workflow's, else Sign-Off Prepared By, else who wrote it first)."""
    report = policy_service.policy_status(
        uow,
        policy=policy or policy_service.policy_rules(settings),
        today=today,
        zone=settings.timezone,
    )
    return [
        PolicyRef(
            incident_id=item.incident_id,
            needs=item.status.needs or "submission",
            due_date=item.status.due,
            owner=item.owner,
            title=item.title,
            severity=item.severity.value if item.severity else None,
        )
        for item in report.items
        if item.status.due is not None
    ]


def due_date(record: ActionRecord) -> dt.date | None:
    """The item's due date, or its horizon's end counted from the incident date."""
    return record.due_date or default_due_date(record.incident_date, record.horizon)
