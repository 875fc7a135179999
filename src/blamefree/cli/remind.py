"""`blamefree remind`: send today's digests of overdue and soon-due items and upcoming reviews."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from blamefree.cli.app import app
from blamefree.cli.console import line, plain
from blamefree.cli.context import app_context, print_json
from blamefree.errors import ConfigError, ExternalServiceError
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
    """Send each owner a digest of overdue and soon-due action items and upcoming reviews.

    By e-mail (BLAMEFREE_SMTP_*; addresses from `blamefree people`),
    to a Slack incoming webhook (BLAMEFREE_SLACK_WEBHOOK_URL)
    and to a JSON webhook (BLAMEFREE_WEBHOOK_URL).

    A message is sent at most once a day; a failed one exits 8 and is retried
    by the next run. Owners without an e-mail address go into one digest to
    BLAMEFREE_REMIND_FALLBACK. "Today" can be pinned: blamefree --now 2024-04-05 remind.

    Example: blamefree remind --dry-run
    """
    context = app_context(ctx)
    report = service.remind(
        context.engine,
        settings=context.settings,
        today=context.today(),
        now=context.now(),
        dry_run=dry_run,
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
    failed = report.failed
    failures = ""
    if failed:
        details = "; ".join(f"{r.channel.value} to {r.recipient}: {r.error}" for r in failed[:3])
        more = f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
        failures = f"{len(failed)} of {len(report.results)} reminders failed: {details}{more}"
    if report.unrouted:
        names = ", ".join(report.unrouted)
        message = (
            f"no e-mail address for {names}, and BLAMEFREE_REMIND_FALLBACK is not set: add "
            "addresses with `blamefree people add NAME --email ADDRESS` or set a fallback"
        )
        if dry_run:
            context.err.print(line(("warning:", "yellow"), " ", message))
        else:
            # Exit 6 (a person must act) wins over 8, but the failures are named too.
            raise ConfigError(message + (f". Also: {failures}" if failures else ""))
    if failed:
        raise ExternalServiceError(failures)


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
            "or due soon, and no review is coming up."
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
