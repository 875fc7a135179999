"""`blamefree remind`: send today's digests of overdue and soon-due items, upcoming reviews and
post-mortems the policy finds due or overdue."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from blamefree.cli.app import app
from blamefree.cli.console import line, plain
from blamefree.cli.context import app_context, print_json
from blamefree.cli.hints import PEOPLE_ADD
from blamefree.notify.digest import Channel, Delivery, render_text, subject
from blamefree.schemas import convert
from blamefree.services import reminders as service

STATUS_STYLE = {
    service.SENT_STATUS: "green",
    service.FAILED_STATUS: "bold red",
    service.SKIPPED_STATUS: "dim",
    service.BUSY_STATUS: "dim",
    service.DRY_RUN_STATUS: "cyan",
}


@app.command()
def remind(
    ctx: typer.Context,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be sent; send and record nothing."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")
    ] = False,
) -> None:
    """Send each owner a digest of overdue and soon-due action items, upcoming reviews and the
    post-mortems the policy (BLAMEFREE_POLICY_DEADLINES) finds overdue or due soon.

    By e-mail (BLAMEFREE_SMTP_*; addresses from `blamefree people`),
    to a Slack incoming webhook (BLAMEFREE_SLACK_WEBHOOK_URL)
    and to a JSON webhook (BLAMEFREE_WEBHOOK_URL).

    A message is sent at most once a day; a failed one exits 8 and is retried
    by the next run. Owners without an e-mail address go into one digest to
    BLAMEFREE_REMIND_FALLBACK. "Today" can be pinned: blamefree --now 2024-04-05 remind.

    Example: blamefree remind --dry-run
    """
    context = app_context(ctx)
    with context.unit_of_work() as uow:
        report = service.remind(
            uow,
            settings=context.settings,
            today=context.today(),
            now=context.now(),
            dry_run=dry_run,
            clock=lambda: dt.datetime.now(dt.UTC),  # claims run on the wall clock
        )
    channels = bool(
        (context.settings.smtp_host and context.settings.smtp_from)
        or context.settings.slack_webhook_url
        or context.settings.webhook_url
    )
    if as_json:
        print_json(convert.remind_report_read(report))
    elif dry_run and not channels:
        context.err.print(
            line(
                ("warning:", "yellow"),
                " no reminder channel is configured (BLAMEFREE_SMTP_HOST and _FROM, "
                "BLAMEFREE_SLACK_WEBHOOK_URL or BLAMEFREE_WEBHOOK_URL); this is what each "
                "owner would be sent:",
            )
        )
        show_digests(context.out, report)
    else:
        show_report(context.out, report)
    if report.dry_run and report.unrouted_message is not None:
        warning = report.unrouted_message + PEOPLE_ADD
        context.err.print(line(("warning:", "yellow"), " ", warning))
    problem = report.problem()  # the policy is the service's: exit 6 wins over 8
    if problem is not None:
        raise problem


def show_digests(console: Console, report: service.RemindReport) -> None:
    """Each owner's digest as text, for a dry run with no channel to plan messages for."""
    if not report.digests:
        console.print(f"Nothing to remind anyone of on {report.today.isoformat()}.")
        return
    for digest in report.digests:
        console.rule(plain(f"digest for {digest.name}", one_line=True))
        console.print(plain(render_text(Delivery(Channel.EMAIL, digest.name, "", (digest,)))))


def show_report(console: Console, report: service.RemindReport) -> None:
    """A table of the messages, and with --dry-run their text."""
    if not report.results:
        console.print(
            f"Nothing to remind anyone of on {report.today.isoformat()}: no open item is overdue "
            "or due soon, no review is coming up and no post-mortem is due."
        )
        return
    if report.dry_run:
        for result in report.results:
            if result.status != service.DRY_RUN_STATUS:
                continue
            delivery = result.delivery
            title = (
                subject(delivery)
                if delivery.channel is Channel.EMAIL
                else f"{delivery.channel.value} message for {delivery.recipient}"
            )
            heading = f"{result.channel.value} → {result.address}: {title}"
            console.rule(plain(heading, one_line=True))
            console.print(plain(render_text(delivery)))
    table = Table(
        title=f"Reminders for {report.today.isoformat()}"
        + (" (dry run: nothing sent)" if report.dry_run else ""),
        title_justify="left",
    )
    for column in ("Channel", "Recipient", "Address", "Items", "Status", "Error"):
        table.add_column(column, justify="right" if column == "Items" else "left")
    for r in report.results:
        table.add_row(
            r.channel.value,
            plain(r.recipient),
            plain(r.address),
            str(r.items),
            plain(r.status, STATUS_STYLE.get(r.status, "")),
            plain(r.error or ""),
        )
    console.print(table)
