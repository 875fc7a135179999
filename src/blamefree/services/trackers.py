"""Use cases: file action items as Jira or GitHub issues (push) and read their state back (pull).

Push records each created issue right after the tracker answers (the unit of work commits
after each item: a deliberate exception to one transaction per command, since the issue exists
in the tracker whatever happens to the rest of the run), and before creating looks for an issue
carrying the item's marker (``blamefree-action-<uid>``), so a push interrupted half way can
simply be run again: nothing is created twice. Pull likewise commits each status it changes,
so no write waits on a tracker's answer.

Pull reads an item's tracker key into a typed reference first (``domain.tracker_refs``): a key
that is not one, or that names another Jira project or GitHub repository than the configured
one, is ``refused`` with the reason, and nothing is requested for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from blamefree.config import Settings
from blamefree.domain.actions import default_due_date
from blamefree.domain.enums import ActionStatus, TrackerSystem
from blamefree.domain.postmortem import TrackerLink
from blamefree.domain.tracker_refs import InvalidReference, parse_reference
from blamefree.errors import ConfigError, ExternalServiceError, ValidationFailed
from blamefree.services.actions import link_tracker, set_action
from blamefree.store import UnitOfWork
from blamefree.store.follow_through import ActionRecord, FollowThroughRepository
from blamefree.store.leases import lease
from blamefree.trackers.base import ExternalIssue, IssueDraft, Tracker
from blamefree.trackers.github import GitHubTracker
from blamefree.trackers.jira import JiraTracker

CREATED = "created"
FOUND = "found"
LINKED = "linked already"
FAILED = "failed"
NOT_TRIED = "not tried"

UPDATED = "updated"
UNCHANGED = "unchanged"
REOPENED_THERE = "open in tracker"
REFUSED = "refused"
NOT_CONFIGURED = "not configured"
NOT_LINKED = "not linked"

PUSHABLE = (ActionStatus.PROPOSED, ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


@dataclass(frozen=True)
class PushResult:
    """What push did with one action item."""

    uid: str
    incident_id: str
    text: str
    outcome: str
    key: str | None = None
    url: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class PullResult:
    """What pull learned about one linked action item."""

    uid: str
    key: str
    system: str
    remote: str
    before: str
    after: str
    outcome: str
    error: str | None = None


TrackerFactory = Callable[[TrackerSystem], Tracker]


def missing_settings(settings: Settings, system: TrackerSystem) -> list[str]:
    """The settings a tracker still needs before anything can be pushed to it (none: ready)."""
    needed: tuple[tuple[str, object], ...]
    if system is TrackerSystem.JIRA:
        needed = (
            ("BLAMEFREE_JIRA_URL", settings.jira_url),
            ("BLAMEFREE_JIRA_TOKEN", settings.jira_token),
            ("BLAMEFREE_JIRA_PROJECT", settings.jira_project),
        )
    else:
        needed = (
            ("BLAMEFREE_GITHUB_TOKEN", settings.github_token),
            ("BLAMEFREE_GITHUB_REPO", settings.github_repo),
        )
    return [name for name, value in needed if not value]


def make_tracker(
    settings: Settings,
    system: TrackerSystem,
    *,
    milestone: int | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Tracker:
    """A Jira or GitHub client from settings; ConfigError naming what is missing."""
    missing = missing_settings(settings, system)
    if system is TrackerSystem.JIRA:
        if missing:
            raise ConfigError(f"Jira is not configured: set {', '.join(missing)}")
        assert settings.jira_url and settings.jira_token and settings.jira_project
        return JiraTracker(
            base_url=settings.jira_url,
            project=settings.jira_project,
            token=settings.jira_token.get_secret_value(),
            email=settings.jira_email,
            api_version=settings.jira_api_version,
            issue_type=settings.jira_issue_type,
            transport=transport,
        )
    if missing:
        raise ConfigError(f"GitHub is not configured: set {', '.join(missing)}")
    assert settings.github_token and settings.github_repo
    return GitHubTracker(
        repo=settings.github_repo,
        token=settings.github_token.get_secret_value(),
        api_url=settings.github_api_url,
        milestone=milestone,
        transport=transport,
    )


def issue_draft(record: ActionRecord) -> IssueDraft:
    """An action item as a tracker issue is made from it."""
    return IssueDraft(
        uid=record.uid,
        text=record.text,
        incident_id=record.incident_id,
        incident_title=record.title,
        horizon=record.horizon.value,
        owner=record.owner,
        due_date=record.due_date or default_due_date(record.incident_date, record.horizon),
        priority=record.priority.value if record.priority else None,
        item_type=record.type.value if record.type else None,
    )


def push_actions(
    uow: UnitOfWork,
    *,
    to: TrackerSystem,
    tracker: Tracker,
    uids: Sequence[str] | None = None,
    now: dt.datetime,
    by: str | None = None,
) -> list[PushResult]:
    """File an issue for each item (the given ids, or every open one) that has none yet.

    Stops at the first tracker failure: the result names it, and the items after it are
    ``not tried``; everything filed before it is recorded already.
    """
    follow = FollowThroughRepository(uow.session)
    if uids:
        records = [follow.get_action(uid) for uid in dict.fromkeys(uids)]
    else:
        records = follow.list_actions(statuses=PUSHABLE)
    results: list[PushResult] = []
    failed = False
    for record in records:
        if record.tracker is not None:
            results.append(_push_result(record, LINKED, record.tracker.key, record.tracker.url))
            continue
        if failed:
            results.append(_push_result(record, NOT_TRIED))
            continue
        # One process at a time per item: another push run waits here, then finds the link
        # (or the issue) this one made instead of filing a second issue.
        uow.commit()  # end the read: the lease below is where this item is looked at again
        with lease(uow.engine, f"push:{record.uid}"):
            record = follow.get_action(record.uid)
            if record.tracker is not None:
                results.append(_push_result(record, LINKED, record.tracker.key, record.tracker.url))
                continue
            draft = issue_draft(record)
            try:
                issue = tracker.find(draft)
                outcome = FOUND
                if issue is None:
                    issue = tracker.create(draft)
                    outcome = CREATED
            except ExternalServiceError as error:
                failed = True
                results.append(_push_result(record, FAILED, error=error.message))
                continue
            link_tracker(uow, action_id=record.uid, link=_link(to, issue), now=now, by=by)
            uow.commit()  # recorded before the lease is let go and the next issue is filed
        results.append(_push_result(record, outcome, issue.key, issue.url))
    return results


def pull_actions(
    uow: UnitOfWork,
    *,
    trackers: TrackerFactory,
    uids: Sequence[str] | None = None,
    now: dt.datetime,
    by: str | None = None,
) -> list[PullResult]:
    """Refresh the status of linked items: closed or resolved in the tracker -> done here."""
    follow = FollowThroughRepository(uow.session)
    if uids:
        records = [follow.get_action(uid) for uid in dict.fromkeys(uids)]
    else:
        records = follow.list_actions()
    uow.commit()  # no transaction stays open while the trackers answer
    linked = [r for r in records if r.tracker is not None]
    clients: dict[TrackerSystem, Tracker] = {}
    results: list[PullResult] = []
    try:
        for record in linked:
            link = record.tracker
            assert link is not None
            before = record.status
            try:
                ref = parse_reference(link.system, link.key)
                client = clients.get(link.system) or trackers(link.system)
                clients[link.system] = client
                state = client.state(ref)
            except (InvalidReference, ValidationFailed, ExternalServiceError) as error:
                refused = not isinstance(error, ExternalServiceError)
                reason = error.message if isinstance(error, ExternalServiceError) else error.reason
                results.append(
                    PullResult(
                        record.uid,
                        link.key,
                        link.system.value,
                        "?",
                        before.value,
                        before.value,
                        REFUSED if refused else FAILED,
                        reason,
                    )
                )
                continue
            after = ActionStatus(state.status) if state.status else None
            if after is not None and not before.closed:
                set_action(uow, action_id=record.uid, now=now, by=by, status=after)
                uow.commit()
                outcome = UPDATED
            elif after is None and before.closed:
                outcome = REOPENED_THERE
            else:
                outcome = UNCHANGED
            results.append(
                PullResult(
                    record.uid,
                    link.key,
                    link.system.value,
                    state.detail,
                    before.value,
                    (after or before).value if outcome == UPDATED else before.value,
                    outcome,
                )
            )
    finally:
        for client in clients.values():
            client.close()
    return results


def push_selected(
    uow: UnitOfWork,
    *,
    settings: Settings,
    to: TrackerSystem,
    uids: Sequence[str],
    now: dt.datetime,
    by: str | None = None,
) -> list[PushResult]:
    """``push_actions`` of the given items to the tracker the settings configure (ConfigError
    naming the missing settings when they do not), its client closed after."""
    if not uids:
        raise ValidationFailed("select at least one action item to push", field="action_ids")
    tracker = make_tracker(settings, to)
    try:
        return push_actions(uow, to=to, tracker=tracker, uids=uids, now=now, by=by)
    finally:
        tracker.close()


def pull_selected(
    uow: UnitOfWork,
    *,
    settings: Settings,
    uids: Sequence[str],
    now: dt.datetime,
    by: str | None = None,
) -> list[PullResult]:
    """``pull_actions`` of the given items, one result for each, in the order given: items not
    linked to a tracker are ``not linked``, and items linked to a tracker the settings do not
    configure are ``not configured`` (naming the missing settings); nothing is asked of them."""
    if not uids:
        raise ValidationFailed("select at least one action item to pull", field="action_ids")
    follow = FollowThroughRepository(uow.session)
    records = [follow.get_action(uid) for uid in dict.fromkeys(uids)]
    ready = [
        r.uid
        for r in records
        if r.tracker is not None and not missing_settings(settings, r.tracker.system)
    ]
    pulled: dict[str, PullResult] = {}
    if ready:
        found = pull_actions(
            uow,
            trackers=lambda system: make_tracker(settings, system),
            uids=ready,
            now=now,
            by=by,
        )
        pulled = {result.uid: result for result in found}
    results: list[PullResult] = []
    for record in records:
        status = record.status.value
        link = record.tracker
        if record.uid in pulled:
            results.append(pulled[record.uid])
        elif link is None:
            reason = "push it to Jira or GitHub first"
            results.append(PullResult(record.uid, "", "", "", status, status, NOT_LINKED, reason))
        else:
            missing = ", ".join(missing_settings(settings, link.system))
            reason = f"{link.system.label} is not configured: set {missing}"
            results.append(
                PullResult(
                    record.uid, link.key, link.system.value, "?", status, status,
                    NOT_CONFIGURED, reason,
                )
            )  # fmt: skip
    return results


def _link(system: TrackerSystem, issue: ExternalIssue) -> TrackerLink:
    return TrackerLink(system=system, key=issue.key, url=issue.url)


def _push_result(
    record: ActionRecord,
    outcome: str,
    key: str | None = None,
    url: str | None = None,
    *,
    error: str | None = None,
) -> PushResult:
    return PushResult(record.uid, record.incident_id, record.text, outcome, key, url, error)
