"""Reading one post-mortem the way its page shows it: the document as written beside what the
event log adds, its metrics with where each came from, lint findings, action items as they
stand today, reviews and sign-offs; its history, a readable diff of two versions, a restore.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from blamefree.domain import actions as rules
from blamefree.domain import derive
from blamefree.domain.enums import TEMPLATE_PHASES, Horizon, Phase
from blamefree.domain.metrics import DISAGREEMENT_SECONDS, Metric, MetricName
from blamefree.domain.postmortem import Postmortem
from blamefree.domain.standing import Standing, standing_of
from blamefree.domain.text_diff import Hunk, line_diff
from blamefree.errors import PostmortemNotFound, TemplateParseError, ValidationFailed
from blamefree.lint.api import report_stored, report_text
from blamefree.lint.finding import Finding
from blamefree.services.actions import ActionView, list_actions
from blamefree.services.reviews import ReviewView, list_reviews, list_sign_offs
from blamefree.services.saving import current_text
from blamefree.services.updates import RestoreOutcome, restore_revision
from blamefree.store import RevisionInfo, StoredPostmortem, UnitOfWork
from blamefree.store.page_stamps import PageStamp
from blamefree.store.page_stamps import page_stamp as stored_page_stamp
from blamefree.store.sign_offs import SignOffRecord


@dataclass(frozen=True)
class PhaseTime:
    """One phase block's time as the page shows it, and where it came from.

    ``source`` is ``written`` (the Timeline section gives it), ``event log`` (filled from the
    phase's key event) or None (unknown). ``logged`` is the event log's time for the phase
    when the writer gave another one more than a minute away: both are shown, neither hidden.
    """

    phase: Phase
    time: dt.datetime | None
    source: str | None
    logged: dt.datetime | None = None


# The moments each metric is measured between (domain/metrics.py).
_METRIC_MOMENTS: dict[MetricName, tuple[Phase, ...]] = {
    "detection_time": (Phase.IMPACT_START, Phase.DETECTION),
    "response_time": (Phase.DETECTION, Phase.RESPONSE),
    "mitigation_time": (Phase.IMPACT_START, Phase.MITIGATION),
    "resolution_time": (Phase.IMPACT_START, Phase.RESOLUTION),
    "total_duration": (Phase.IMPACT_START, Phase.POST_RESOLUTION, Phase.RESOLUTION),
}


@dataclass(frozen=True)
class PostmortemPage:
    """Everything the post-mortem page shows, read in one unit of work."""

    stored: StoredPostmortem
    text: str
    shown: Postmortem
    phase_times: list[PhaseTime]
    impact_start_source: str | None
    metrics: dict[MetricName, Metric]
    findings: list[Finding]
    criteria: list[rules.CriterionState]
    actions: dict[tuple[Horizon, int], ActionView]
    reviews: list[ReviewView]
    sign_offs: list[SignOffRecord]
    standing: Standing

    @property
    def doc(self) -> Postmortem:
        """The document as written (phase blocks left empty stay empty here)."""
        return self.stored.doc

    def from_event_log(self, name: MetricName) -> bool:
        """Whether a metric derived from the timeline used a time taken from the event log."""
        if self.metrics[name].source != "timeline":
            return False
        sources = {t.phase: t.source for t in self.phase_times}
        sources[Phase.IMPACT_START] = self.impact_start_source
        moments = _METRIC_MOMENTS[name]
        if name == "total_duration" and sources.get(Phase.POST_RESOLUTION) is not None:
            moments = moments[:2]
        elif name == "total_duration":
            moments = (Phase.IMPACT_START, Phase.RESOLUTION)
        return any(sources.get(phase) == "event log" for phase in moments)

    @property
    def disagreements(self) -> list[MetricName]:
        """Metrics where the timeline and the writer's stated value differ."""
        return [name for name, metric in self.metrics.items() if metric.disagrees]


def _phase_times(doc: Postmortem) -> tuple[list[PhaseTime], str | None]:
    derived = derive.derived_blocks(doc)
    events = doc.timeline.events
    times: list[PhaseTime] = []
    for phase, block in zip(TEMPLATE_PHASES, doc.timeline.blocks(), strict=True):
        if block.time is not None:
            event = derive.phase_event(events, phase)
            logged = None
            if event is not None:
                gap = abs((event.time - block.time).total_seconds())
                logged = event.time if gap > DISAGREEMENT_SECONDS else None
            times.append(PhaseTime(phase, block.time, "written", logged))
        elif phase in derived:
            times.append(PhaseTime(phase, derived[phase].time, "event log"))
        else:
            times.append(PhaseTime(phase, None, None))
    if doc.impact_start is not None:
        start_source: str | None = "written"
    elif derive.derived_impact_start(doc) is not None:
        start_source = "event log"
    else:
        start_source = None
    return times, start_source


@lru_cache(maxsize=256)
def _lint_text(text: str, timezone: str | None, source: str) -> tuple[Finding, ...] | None:
    """The findings of a stored text: a pure function of the text, so each worker keeps the
    last few it computed (a new version is a new text; nothing here can go stale)."""
    try:
        return tuple(report_text(text, source=source, timezone=timezone).findings)
    except TemplateParseError:
        return None


def _findings(text: str, timezone: str | None, source: str, doc: Postmortem) -> tuple[Finding, ...]:
    """``lint ID``'s findings (``report_stored``): the stored text's, else the rendering's."""
    found = _lint_text(text, timezone, source)
    if found is None:
        return tuple(report_stored(text, doc, source=source).findings)
    return found


def page_stamp(uow: UnitOfWork, *, incident_id: str) -> PageStamp:
    """What a post-mortem's page shows that changes (its version, comments, workflow), read in
    one query: for caches of the page (the reviews held are asked for on their own)."""
    found = stored_page_stamp(uow.session, incident_id)
    if found is None:
        raise PostmortemNotFound(f"no post-mortem with incident id {incident_id!r}")
    return found


def postmortem_page(uow: UnitOfWork, *, incident_id: str, today: dt.date) -> PostmortemPage:
    """The post-mortem with that id as its page shows it on ``today``."""
    stored, text = current_text(uow, incident_id=incident_id)
    doc = stored.doc
    phase_times, start_source = _phase_times(doc)
    sign_offs = list_sign_offs(uow, incident_id=incident_id)
    actions = {
        (view.record.horizon, view.record.position): view
        for view in list_actions(uow, today=today, incident_id=incident_id)
    }
    return PostmortemPage(
        stored=stored,
        text=text,
        shown=derive.effective(doc),
        phase_times=phase_times,
        impact_start_source=start_source,
        metrics=derive.metrics_of(doc),
        findings=list(_findings(text, doc.timezone, incident_id, doc)),
        criteria=rules.evaluate_success_criteria(doc),
        actions=actions,
        reviews=list_reviews(uow, today=today, include_done=True, incident_id=incident_id),
        sign_offs=sign_offs,
        standing=standing_of(record.role for record in sign_offs),
    )


# --- history, diff, restore --------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryPage:
    """A post-mortem's saved versions, newest first, with its title."""

    incident_id: str
    title: str | None
    current: int
    revisions: list[RevisionInfo]


def history_page(uow: UnitOfWork, *, incident_id: str) -> HistoryPage:
    """Every saved version of a post-mortem, newest first."""
    stored = uow.postmortems.get(incident_id, events=False)
    revisions = uow.postmortems.history(incident_id)
    return HistoryPage(
        incident_id=incident_id,
        title=stored.doc.title,
        current=stored.version,
        revisions=list(reversed(revisions)),
    )


@dataclass(frozen=True)
class DiffPage:
    """Two versions of a post-mortem and the hunks between their texts."""

    incident_id: str
    title: str | None
    old: RevisionInfo
    new: RevisionInfo
    versions: list[int]
    hunks: list[Hunk]

    @property
    def added(self) -> int:
        return sum(hunk.added for hunk in self.hunks)

    @property
    def removed(self) -> int:
        return sum(hunk.removed for hunk in self.hunks)


def diff_page(
    uow: UnitOfWork, *, incident_id: str, old: int | None = None, new: int | None = None
) -> DiffPage:
    """The changes from version ``old`` to version ``new`` (default: the latest and the one
    before it); a version that does not exist is RevisionNotFound."""
    stored = uow.postmortems.get(incident_id, events=False)
    revisions = uow.postmortems.history(incident_id)
    to = new if new is not None else stored.version
    since = old if old is not None else max(1, to - 1)
    for name, value in (("from", since), ("to", to)):
        if value < 1:
            raise ValidationFailed(f"a version is 1 or more, not {value}", field=name)
    old_revision = uow.postmortems.revision(incident_id, since)
    new_revision = uow.postmortems.revision(incident_id, to)
    by_version = {info.version: info for info in revisions}
    return DiffPage(
        incident_id=incident_id,
        title=stored.doc.title,
        old=by_version[since],
        new=by_version[to],
        versions=[info.version for info in revisions],
        hunks=line_diff(old_revision.markdown, new_revision.markdown),
    )


def restore(
    uow: UnitOfWork,
    *,
    incident_id: str,
    version: int,
    timezone: str | None = None,
    by: str | None = None,
) -> RestoreOutcome:
    """Bring back version ``version`` as the next one (``restore_revision``)."""
    if version < 1:
        raise ValidationFailed(f"a version is 1 or more, not {version}", field="version")
    return restore_revision(uow, incident_id=incident_id, version=version, timezone=timezone, by=by)
