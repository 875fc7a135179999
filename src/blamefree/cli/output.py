"""Rich tables and panels for the post-mortem commands."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from rich.console import Console, Group
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from blamefree.cli.console import line, plain
from blamefree.cli.criteria import ShownCriterion, criteria_table
from blamefree.cli.hints import described
from blamefree.domain import values
from blamefree.domain.actions import evaluate_success_criteria
from blamefree.domain.derive import effective, metrics_of
from blamefree.domain.metrics import Metric, MetricName
from blamefree.domain.postmortem import Postmortem
from blamefree.errors import BlamefreeError
from blamefree.schemas import PostmortemRead, PostmortemSummaryRead
from blamefree.store import RevisionInfo

SEVERITY_STYLE = {"P0": "bold white on red", "P1": "bold red", "P2": "yellow", "P3": "cyan"}
METRIC_LABELS: dict[MetricName, str] = {
    "detection_time": "Detection time",
    "response_time": "Response time",
    "mitigation_time": "Mitigation time",
    "resolution_time": "Resolution time",
    "total_duration": "Total duration",
}


def _dash(value: object) -> str:
    return "—" if value is None else str(value)


def _severity(value: str | None) -> Text:
    return Text(value or "—", style=SEVERITY_STYLE.get(value or "", ""))


class ImportedFile(Protocol):
    """One file of an import, imported here (``services.postmortems.ImportOutcome``) or on a
    server (``remote.UploadOutcome``)."""

    @property
    def path(self) -> Path: ...
    @property
    def incident_id(self) -> str | None: ...
    @property
    def action(self) -> str: ...
    @property
    def version(self) -> int | None: ...
    @property
    def error(self) -> BlamefreeError | None: ...


def summaries_table(console: Console, summaries: Sequence[PostmortemSummaryRead]) -> None:
    if not summaries:
        console.print(
            line(
                "The store is empty. Start one with ",
                ("blamefree new --save", "bold"),
                " or ",
                ("blamefree import FILE", "bold"),
                ".",
            ),
            soft_wrap=True,
        )
        return
    table = Table(title=f"Post-mortems ({len(summaries)})", title_justify="left")
    table.add_column("ID", style="bold", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Sev")
    table.add_column("Title")
    table.add_column("Actions done", justify="right")
    table.add_column("Ver", justify="right")
    for s in summaries:
        table.add_row(
            s.incident_id,
            _dash(s.date),
            _severity(s.severity.value if s.severity else None),
            s.title or "—",
            f"{s.action_items_done}/{s.action_items_total}",
            str(s.version),
        )
    console.print(table)


def metrics_table(console: Console, result: dict[MetricName, Metric]) -> None:
    table = Table(title="Incident metrics", title_justify="left")
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    table.add_column("Seconds", justify="right")
    table.add_column("From")
    table.add_column("Note")
    for name, metric in result.items():
        note: Text | str = ""
        if metric.disagrees:
            note = plain(f"document states {metric.stated_text}", "yellow")
        table.add_row(
            METRIC_LABELS[name],
            metric.text or "unknown",
            _dash(metric.seconds),
            metric.source or "—",
            note,
        )
    console.print(table)


def show_document(console: Console, doc: Postmortem) -> None:
    """A document read from a file, with what its data says beside what it states."""
    _show(
        console,
        effective(doc),
        version=None,
        metrics=metrics_of(doc),
        criteria=evaluate_success_criteria(doc),
    )


def show_postmortem(console: Console, shown: PostmortemRead) -> None:
    """A stored post-mortem as ``show`` prints it (read here or from a server): its document
    with the phase blocks filled from the event log, and what its data says."""
    _show(
        console,
        shown.document,
        version=shown.version,
        metrics=metrics_of(shown.document),
        criteria=shown.success_criteria,
    )


def _show(
    console: Console,
    doc: Postmortem,
    *,
    version: int | None,
    metrics: dict[MetricName, Metric],
    criteria: Sequence[ShownCriterion],
) -> None:
    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    header.add_row("Incident ID", _dash(doc.incident_id))
    header.add_row("Date", doc.date_text or _dash(doc.date))
    header.add_row("Severity", _severity(doc.severity.value if doc.severity else None))
    duration = doc.duration_text or (
        values.format_duration(doc.duration) if doc.duration is not None else None
    )
    header.add_row("Duration", _dash(duration))
    if doc.impact_start:
        header.add_row("Impact start", values.format_datetime(doc.impact_start))
    if version is not None:
        header.add_row("Version", str(version))
    summary = doc.executive_summary
    summary_grid = Table.grid(padding=(0, 2))
    summary_grid.add_column(style="bold")
    summary_grid.add_column()
    for label, value in (
        ("What happened", summary.what_happened),
        ("Impact", summary.impact),
        ("Root cause", summary.root_cause),
        ("Resolution", summary.resolution),
    ):
        summary_grid.add_row(label, value or plain("unknown", "dim"))
    console.print(
        Panel(
            Group(header, Text(""), summary_grid),
            title=plain(doc.title or "Post-mortem", one_line=True),
            title_align="left",
        )
    )
    timeline = Table(title="Timeline", title_justify="left")
    timeline.add_column("Phase")
    timeline.add_column("Time (UTC)", no_wrap=True)
    timeline.add_column("Who")
    timeline.add_column("What")
    for block in doc.timeline.blocks():
        fields = block.field_values()
        timeline.add_row(
            block.phase.value.replace("_", "-"),
            values.format_datetime(block.time) if block.time else (block.time_text or "—"),
            block.actor or "—",
            " / ".join(v for _l, _n, v in fields[1 if block.actor is not None else 0 :] if v)
            or "—",
        )
    console.print(timeline)
    metrics_table(console, metrics)
    items = Table(title="Action items", title_justify="left")
    items.add_column("")
    items.add_column("Horizon")
    items.add_column("Action")
    items.add_column("Owner")
    items.add_column("Due")
    items.add_column("Priority")
    for horizon, horizon_items in doc.action_items.by_horizon():
        for item in horizon_items:
            items.add_row(
                plain("✔", "green") if item.done else "☐",
                horizon.value.replace("_", "-"),
                item.text,
                item.owner or plain("no owner", "yellow"),
                item.due_date_text or _dash(item.due_date),
                item.priority.value if item.priority else "—",
            )
    if items.row_count:
        console.print(items)
    else:
        console.print(plain("No action items yet.", "yellow"))
    criteria_table(console, criteria, title="Success criteria")


def history_table(console: Console, incident_id: str, revisions: list[RevisionInfo]) -> None:
    table = Table(title=f"History of {incident_id}", title_justify="left")
    table.add_column("Version", justify="right")
    table.add_column("Saved (UTC)")
    table.add_column("By")
    table.add_column("Message")
    for revision in revisions:
        table.add_row(
            str(revision.version),
            revision.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            revision.author or "",
            revision.message or "",
        )
    console.print(table)


def import_report(out: Console, err: Console, outcomes: Sequence[ImportedFile]) -> None:
    table = Table(title="Import", title_justify="left")
    table.add_column("File")
    table.add_column("ID")
    table.add_column("Result")
    for outcome in outcomes:
        style = {"created": "green", "updated": "cyan", "merged": "cyan", "unchanged": "dim"}.get(
            outcome.action, "red"
        )
        table.add_row(
            str(outcome.path),
            outcome.incident_id or "—",
            line((outcome.action, style), f" v{outcome.version}" if outcome.version else ""),
        )
    out.print(table)
    failed = [outcome.error for outcome in outcomes if outcome.error is not None]
    for error in failed:
        message = described(error, "import")
        err.print(line(("error:", "bold red"), " ", message), soft_wrap=True)
    err.print(f"{len(outcomes) - len(failed)} imported, {len(failed)} failed.")


def colour_diff(console: Console, text: str) -> None:
    console.print(Syntax(text, "diff", theme="ansi_dark", background_color="default"))
