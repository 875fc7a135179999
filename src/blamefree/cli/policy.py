"""`blamefree policy ...`: the team's post-mortem policy, and which post-mortems it finds
due or overdue (docs/policy.md)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from blamefree.cli import params
from blamefree.cli.app import app
from blamefree.cli.console import line, plain
from blamefree.cli.context import app_context, print_json
from blamefree.schemas.policy import PolicyItemRead, PolicyReportRead
from blamefree.services import policy as service

policy_app = typer.Typer(
    name="policy",
    help="The post-mortem policy: which incidents need a post-mortem and by when "
    "(BLAMEFREE_POLICY_DEADLINES, BLAMEFREE_POLICY_DAYS; docs/policy.md).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(policy_app, name="policy")

OverdueOption = Annotated[
    bool, typer.Option("--overdue", help="Only the post-mortems past their deadline.")
]


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _due(item: service.PolicyItem) -> Text:
    s = item.status
    if s.due is None:
        return Text("unknown")
    if s.overdue:
        return Text(f"{s.due.isoformat()} ({s.days_late}d late)", style="bold red")
    return Text(s.due.isoformat())


@policy_app.command("status")
def status(
    ctx: typer.Context, overdue: OverdueOption = False, as_json: params.JsonOption = False
) -> None:
    """The post-mortems the policy asks for that are not done yet (overdue first), and per
    severity the share of the last 90 days' incidents done within policy.

    Example: blamefree policy status --overdue
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        report = service.policy_status(
            uow,
            policy=service.policy_rules(app_ctx.settings),
            today=app_ctx.today(),
            zone=app_ctx.settings.timezone,
        )
    if as_json:
        read = PolicyReportRead.of(report)
        print_json(read.model_copy(update={"due": []}) if overdue else read)
        return
    out = app_ctx.out
    out.print(plain(f"Policy: {report.policy.describe()}; {report.policy.describe_follow_up()}"))
    items = report.overdue if overdue else report.items
    if not items:
        out.print("No post-mortem is overdue." if overdue else "No post-mortem is due.")
    else:
        title = "Overdue post-mortems" if overdue else "Post-mortems due"
        table = Table(title=f"{title} ({len(items)})", title_justify="left")
        for column in ("Due", "Incident", "Severity", "Needs", "Owner", "Title"):
            table.add_column(column, no_wrap=column not in ("Title", "Owner"))
        for item in items:
            table.add_row(
                _due(item),
                plain(item.incident_id),
                item.severity.value if item.severity else "—",
                item.status.needs or "—",
                plain(item.owner or "—"),
                plain(item.title or "—"),
            )
        out.print(table)
    shares = Table(
        title=f"Done within policy, incidents since {report.since.isoformat()}",
        title_justify="left",
    )
    for column in ("Severity", "Required", "Done", "Within policy", "Share"):
        shares.add_column(column)
    for row in report.compliance:
        if row.required:
            shares.add_row(
                row.severity.value,
                str(row.required),
                str(row.done),
                f"{row.on_time} of {row.judged}",
                _share(row.share),
            )
    if shares.row_count:
        out.print(shares)
    months = Table(title="Within policy, month by month (incident dates)", title_justify="left")
    for column in ("Month", "Required", "Within policy", "Share"):
        months.add_column(column)
    for month in report.by_month:
        if month.required:
            months.add_row(
                month.month.strftime("%Y-%m"),
                str(month.required),
                f"{month.on_time} of {month.judged}",
                _share(month.share),
            )
    if months.row_count:
        out.print(months)


@policy_app.command("show")
def show(
    ctx: typer.Context, incident_id: params.IncidentId, as_json: params.JsonOption = False
) -> None:
    """Where one post-mortem stands against the policy: required or not, its due dates,
    whether it is done (approved by the review workflow) and whether it is overdue.

    Example: blamefree policy show INC-2024-0142
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        item = service.postmortem_policy(
            uow,
            incident_id=incident_id,
            policy=service.policy_rules(app_ctx.settings),
            today=app_ctx.today(),
            zone=app_ctx.settings.timezone,
        )
    if as_json:
        print_json(PolicyItemRead.of(item))
        return
    s = item.status
    out = app_ctx.out
    out.print(line((item.incident_id, "bold"), ": ", plain(s.describe())), soft_wrap=True)
    if s.counted_from is not None:
        out.print(plain(f"Counted from: {s.counted_from.isoformat()} ({s.counted_from_what})"))
    for label, day in (
        ("Submit by", s.submit_due),
        ("Approve by", s.approve_due),
        ("Submitted", s.submitted_on),
        ("Approved", s.approved_on),
    ):
        if day is not None or (label in ("Submit by", "Approve by") and s.required):
            out.print(plain(f"{label}: {day.isoformat() if day else 'unknown'}"))
