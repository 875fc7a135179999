"""From domain and store objects to read models: the one place JSON output is shaped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from blamefree.domain.actions import CriterionState
from blamefree.domain.derive import effective, event_ref
from blamefree.domain.losses import Loss
from blamefree.domain.merge import FieldConflict
from blamefree.domain.metrics import Metric, MetricName
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.timeline import TimelineEvent
from blamefree.errors import (
    BlamefreeError,
    DuplicatePostmortem,
    InputError,
    MergeConflict,
    SubmissionBlocked,
    WouldLoseWork,
)
from blamefree.lint.finding import Finding
from blamefree.notify.digest import ActionRef, Digest, ReviewRef
from blamefree.schemas.actions import (
    ActionHistoryRead,
    ActionItemDetailRead,
    ActionItemRead,
    PreventionMeasureRead,
    PullResultRead,
    PushResultRead,
)
from blamefree.schemas.errors import ErrorDetail, ErrorRead
from blamefree.schemas.events import EventImportRead, EventRead
from blamefree.schemas.follow_up import (
    DeliveryRead,
    DigestActionRead,
    DigestPostmortemRead,
    DigestRead,
    DigestReviewRead,
    PersonRead,
    RemindReportRead,
    ReviewRead,
    SignOffRead,
)
from blamefree.schemas.lint import FindingRead
from blamefree.schemas.postmortems import (
    CriterionRead,
    FieldConflictRead,
    ImportOutcomeRead,
    LossRead,
    MetricRead,
    PostmortemRead,
    PostmortemSummaryRead,
    RestoreRead,
    RevisionRead,
    StatedRead,
)
from blamefree.store.follow_through import HistoryEntry, Person
from blamefree.store.postmortem_listing import ListedPostmortem
from blamefree.store.records import PostmortemSummary, RevisionInfo, StoredPostmortem
from blamefree.store.sign_offs import SignOffRecord

if TYPE_CHECKING:  # services import these modules' functions; only their types are needed here
    from blamefree.services.actions import ActionView, MeasureView
    from blamefree.services.reminders import DeliveryResult, RemindReport
    from blamefree.services.reviews import ReviewView
    from blamefree.services.timeline_import import ImportResult
    from blamefree.services.trackers import PullResult, PushResult
    from blamefree.services.updates import RestoreOutcome


def to_data(value: BaseModel | Sequence[BaseModel] | Mapping[str, BaseModel]) -> Any:
    """A read model (or a list or mapping of them) as JSON-ready data."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Mapping):
        return {key: to_data(item) for key, item in value.items()}
    return [to_data(item) for item in value]


# --- post-mortems -----------------------------------------------------------------------------


def document_read(doc: Postmortem) -> Postmortem:
    """A document as shown to people: phase blocks and impact start filled from its events."""
    return effective(doc)


def criteria_read(states: Iterable[CriterionState]) -> list[CriterionRead]:
    """Success criteria, numbered from 1 as the checklist shows them."""
    return [
        CriterionRead(
            number=number,
            text=state.text,
            written=state.written,
            derived=state.derived,
            disagrees=state.disagrees,
            met=state.met,
            evaluated=state.evaluated,
            reason=state.reason,
        )
        for number, state in enumerate(states, start=1)
    ]


def postmortem_read(stored: StoredPostmortem, criteria: Iterable[CriterionState]) -> PostmortemRead:
    """A stored post-mortem with its document as shown to people (phase blocks from events)."""
    doc = stored.doc
    return PostmortemRead(
        incident_id=stored.incident_id,
        version=stored.version,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        title=doc.title,
        severity=doc.severity,
        date=doc.date,
        document=effective(doc),
        success_criteria=criteria_read(criteria),
    )


def summary_read(summary: PostmortemSummary) -> PostmortemSummaryRead:
    """One line of a listing."""
    return PostmortemSummaryRead(
        incident_id=summary.incident_id,
        title=summary.title,
        severity=summary.severity,
        date=summary.date,
        version=summary.version,
        updated_at=summary.updated_at,
        action_items_total=summary.action_items_total,
        action_items_done=summary.action_items_done,
    )


def listed_read(row: ListedPostmortem) -> PostmortemSummaryRead:
    """One row of the post-mortem listing, as the API answers it."""
    return PostmortemSummaryRead(
        incident_id=row.incident_id,
        title=row.title,
        severity=row.severity,
        date=row.date,
        version=row.version,
        updated_at=row.updated_at,
        action_items_total=row.items_total,
        action_items_done=row.items_done,
    )


def revision_read(revision: RevisionInfo) -> RevisionRead:
    """One entry of the history."""
    return RevisionRead(
        version=revision.version,
        created_at=revision.created_at,
        message=revision.message,
        by=revision.author,
    )


def metric_read(metric: Metric) -> MetricRead:
    """One metric; the stated value only when it disagrees with the timeline."""
    stated = None
    if metric.disagrees:
        stated = StatedRead(seconds=metric.stated_seconds, text=metric.stated_text)
    return MetricRead(seconds=metric.seconds, source=metric.source, text=metric.text, stated=stated)


def metrics_read(metrics: Mapping[MetricName, Metric]) -> dict[str, MetricRead]:
    """The five metrics by name."""
    return {name: metric_read(metric) for name, metric in metrics.items()}


def conflict_read(conflict: FieldConflict) -> FieldConflictRead:
    """A field both sides changed."""
    return FieldConflictRead(
        path=conflict.path,
        kind=conflict.kind,
        base=conflict.base,
        stored=conflict.stored,
        file=conflict.file,
    )


def loss_read(loss: Loss) -> LossRead:
    """Something a save would remove."""
    return LossRead(path=loss.path, what=loss.what, stored=loss.stored, file=loss.file)


def import_outcome_read(
    *,
    file: str,
    incident_id: str | None,
    action: str,
    version: int | None,
    error: BlamefreeError | None,
    message: str | None = None,
) -> ImportOutcomeRead:
    """One file of an import; ``message`` is the error as the caller shows it (with hints)."""
    return ImportOutcomeRead(
        file=file,
        incident_id=incident_id,
        action=action,
        version=version,
        error=(message or str(error)) if error is not None else None,
        conflicts=[conflict_read(c) for c in error.conflicts]
        if isinstance(error, MergeConflict)
        else None,
        would_lose=[loss_read(loss) for loss in error.losses]
        if isinstance(error, WouldLoseWork)
        else None,
    )


def restore_read(outcome: RestoreOutcome) -> RestoreRead:
    """A restored version."""
    return RestoreRead(
        incident_id=outcome.stored.incident_id,
        action=outcome.action,
        restored_version=outcome.restored_version,
        version=outcome.stored.version,
    )


# --- events -----------------------------------------------------------------------------------


def event_read(event: TimelineEvent, *, recorded_by: str | None = None) -> EventRead:
    """An event with its short reference (and who recorded it, for a stored one)."""
    return EventRead(
        ref=event_ref(event),
        time=event.time,
        time_text=event.time_text,
        phase=event.phase,
        kind=event.kind,
        actor=event.actor,
        text=event.text,
        source=event.source.tool,
        source_id=event.source.id,
        key=event.key,
        link=event.link,
        recorded_by=recorded_by,
    )


def event_import_read(result: ImportResult) -> EventImportRead:
    """What an import of events did."""
    return EventImportRead(
        read=result.read, added=result.added, skipped=result.skipped, version=result.version
    )


# --- action items -----------------------------------------------------------------------------


def action_read(view: ActionView) -> ActionItemRead:
    """An action item as seen on the day its view was made."""
    return ActionItemRead(**_action_fields(view))


def action_detail_read(view: ActionView, history: Iterable[HistoryEntry]) -> ActionItemDetailRead:
    """An action item with its history."""
    return ActionItemDetailRead(
        **_action_fields(view), history=[history_read(entry) for entry in history]
    )


def _action_fields(view: ActionView) -> dict[str, Any]:
    r = view.record
    return {
        "id": r.uid,
        "incident_id": r.incident_id,
        "title": r.title,
        "severity": r.severity,
        "horizon": r.horizon,
        "text": r.text,
        "status": r.status,
        "type": r.type,
        "owner": r.owner,
        "priority": r.priority,
        "due_date": view.due,
        "due_date_is_default": view.due_is_default,
        "due_date_text": r.due_date_text,
        "overdue": view.overdue,
        "flags": [flag.code for flag in view.flags],
        "created_at": r.created_at,
        "closed_at": r.closed_at,
        "tracker": r.tracker,
    }


def history_read(entry: HistoryEntry) -> ActionHistoryRead:
    """One recorded change."""
    return ActionHistoryRead(
        at=entry.at, field=entry.field, old=entry.old, new=entry.new, by=entry.by
    )


def measure_read(measure: MeasureView) -> PreventionMeasureRead:
    """A prevention measure."""
    return PreventionMeasureRead(
        incident_id=measure.incident_id,
        category=measure.category,
        number=measure.number,
        text=measure.item.text,
        status=measure.item.status,
        closed_at=measure.closed_at,
    )


def push_read(result: PushResult) -> PushResultRead:
    """One push result."""
    return PushResultRead(
        id=result.uid,
        incident_id=result.incident_id,
        text=result.text,
        outcome=result.outcome,
        key=result.key,
        url=result.url,
        error=result.error,
    )


def pull_read(result: PullResult) -> PullResultRead:
    """One pull result."""
    return PullResultRead(
        id=result.uid,
        system=result.system,
        key=result.key,
        remote=result.remote,
        before=result.before,
        after=result.after,
        outcome=result.outcome,
        error=result.error,
    )


# --- reviews, people, reminders ---------------------------------------------------------------


def review_read(view: ReviewView) -> ReviewRead:
    """One review as it stands."""
    return ReviewRead(
        incident_id=view.incident_id,
        title=view.title,
        severity=view.severity,
        kind=view.kind,
        due_date=view.due_date,
        due_date_is_default=view.due_is_default,
        done_at=view.done_at,
        notes=view.notes,
        by=view.by,
        overdue=view.overdue,
    )


def person_read(person: Person) -> PersonRead:
    """Someone in the directory."""
    return PersonRead(name=person.name, email=person.email, slack=person.slack)


def _digest_action(action: ActionRef, today: dt.date) -> DigestActionRead:
    return DigestActionRead(
        uid=action.uid,
        text=action.text,
        incident_id=action.incident_id,
        horizon=action.horizon,
        status=action.status,
        priority=action.priority,
        due_date=action.due_date,
        days_overdue=max((today - action.due_date).days, 0) if action.due_date else 0,
        url=action.url,
    )


def _digest_review(review: ReviewRef, today: dt.date) -> DigestReviewRead:
    return DigestReviewRead(
        incident_id=review.incident_id,
        review=review.label,
        date=review.due_date,
        title=review.title,
        days_late=max((today - review.due_date).days, 0),
    )


def digest_read(digest: Digest) -> DigestRead:
    """One owner's digest (for --json output and webhooks)."""
    return DigestRead(
        owner=digest.owner,
        date=digest.today,
        overdue=[_digest_action(a, digest.today) for a in digest.overdue],
        due_soon=[_digest_action(a, digest.today) for a in digest.due_soon],
        reviews=[_digest_review(r, digest.today) for r in digest.reviews],
        postmortems=[
            DigestPostmortemRead(
                incident_id=p.incident_id,
                title=p.title,
                severity=p.severity,
                needs=p.needs,
                due_date=p.due_date,
                days_late=max(0, (digest.today - p.due_date).days),
            )
            for p in digest.postmortems
        ],
    )


def delivery_read(result: DeliveryResult) -> DeliveryRead:
    """What happened to one message."""
    return DeliveryRead(
        channel=result.channel.value,
        recipient=result.recipient,
        address=result.address,
        items=result.items,
        status=result.status,
        attempts=result.attempts,
        error=result.error,
    )


def remind_report_read(report: RemindReport) -> RemindReportRead:
    """A whole reminder run."""
    return RemindReportRead(
        date=report.today,
        dry_run=report.dry_run,
        digests=[digest_read(d) for d in report.digests],
        deliveries=[delivery_read(r) for r in report.results],
        unrouted=list(report.unrouted),
    )


# --- lint -------------------------------------------------------------------------------------


def finding_read(found: Finding, file: str) -> FindingRead:
    """One finding; ``file`` is the report's file when the finding names none."""
    return FindingRead(
        rule=found.rule,
        category=found.category,
        severity=found.severity,
        file=found.file or file,
        line=found.line,
        column=found.column,
        end_line=found.end_line,
        end_column=found.end_column,
        message=found.message,
        suggestion=found.suggestion,
        field=found.field,
    )


# --- errors -----------------------------------------------------------------------------------


ABOUT_ONE = (DuplicatePostmortem, MergeConflict, WouldLoseWork)
"""Errors that name the post-mortem they are about (``incident_id``)."""


def error_read(error: BlamefreeError) -> ErrorRead:
    """An error for an API answer: class, status (from errors.CODES) and where, if known."""
    where = error if isinstance(error, InputError) else None
    conflicts = error.conflicts if isinstance(error, MergeConflict) else None
    losses = error.losses if isinstance(error, WouldLoseWork) else None
    blocking = error.findings if isinstance(error, SubmissionBlocked) else None
    return ErrorRead(
        error=ErrorDetail(
            type=type(error).__name__,
            status=error.http_status,
            message=where.reason if where is not None else error.message,
            field=where.field if where is not None else None,
            file=where.file if where is not None else None,
            line=where.line if where is not None else None,
            incident_id=error.incident_id if isinstance(error, ABOUT_ONE) else None,
            conflicts=[conflict_read(c) for c in conflicts] if conflicts is not None else None,
            losses=[loss_read(loss) for loss in losses] if losses is not None else None,
            findings=[finding_read(f, f.file or "") for f in blocking] if blocking else None,
        )
    )


def sign_off_read(record: SignOffRecord) -> SignOffRead:
    """One role's sign-off."""
    return SignOffRead(
        incident_id=record.incident_id,
        role=record.role,
        name=record.name,
        date=record.signed_on,
        recorded_by=record.recorded_by,
        recorded_at=record.recorded_at,
    )
