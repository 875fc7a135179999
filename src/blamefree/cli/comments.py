"""`blamefree comment ...`: review comments on a section or a line of a post-mortem."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from blamefree.cli import params
from blamefree.cli.app import app
from blamefree.cli.console import line, plain
from blamefree.cli.context import AppContext, app_context, print_json
from blamefree.domain.accounts import Principal, local_operator
from blamefree.domain.comments import SECTION_HEADINGS, Placement, Thread
from blamefree.schemas import comments as schemas
from blamefree.services import comments as service

comment_app = typer.Typer(
    name="comment",
    help="Review comments on a section or a line of a post-mortem: threads, resolve, reopen.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(comment_app, name="comment")

CommentId = Annotated[int, typer.Argument(metavar="C", help="The comment's number.", min=1)]
AsOption = Annotated[
    str | None,
    typer.Option("--as", help="Comment as this person (default: --as / BLAMEFREE_USER)."),
]


def _principal(app_ctx: AppContext, name: str | None) -> Principal:
    """Who acts: a command on a local store is the local operator (domain.accounts)."""
    return local_operator(name.strip() if name and name.strip() else app_ctx.actor)


@comment_app.command("add")
def add(
    ctx: typer.Context,
    incident_id: params.StoredIncidentId,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The comment (Markdown).")],
    section: Annotated[
        str | None,
        typer.Option("--section", "-s", help="Section key or heading, e.g. root_cause_analysis."),
    ] = None,
    line_no: Annotated[
        int | None,
        typer.Option("--line", "-l", min=1, help="Line within the section (1 = after heading)."),
    ] = None,
    reply_to: Annotated[
        int | None, typer.Option("--reply-to", min=1, help="Answer this comment.")
    ] = None,
    as_name: AsOption = None,
    as_json: params.JsonOption = False,
) -> None:
    """Comment on a section, a line of it, or reply to a comment; @name notifies someone.

    Mentions are told by the next `blamefree remind` (e-mail, Slack, webhook), once.

    Example: blamefree comment add INC-2026-0141 --section root_cause_analysis --line 3 "Why? @dana"
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        added = service.add_comment(
            uow,
            incident_id=incident_id,
            body=text,
            section=section,
            line=line_no,
            reply_to=reply_to,
            by=_principal(app_ctx, as_name),
            now=app_ctx.now(),
        )
    if as_json:
        print_json(schemas.added_read(added))
    else:
        comment = added.comment
        where = SECTION_HEADINGS[comment.section]
        if comment.line is not None:
            where += f", line {comment.line}"
        verb = "Replied to" if comment.parent_id else "Commented on"
        app_ctx.out.print(
            line(f"{verb} {incident_id} ({where}): comment ", (str(comment.id), "bold"), ".")
        )
        if comment.mentions:
            names = ", ".join(comment.mentions)
            app_ctx.out.print(plain(f"Mentions {names}: told by the next `blamefree remind`."))
    if added.mentions.unknown:
        unknown = ", ".join(f"@{word}" for word in added.mentions.unknown)
        app_ctx.err.print(
            line(
                ("warning:", "yellow"),
                f" {unknown} names no one in the people directory, so nobody was told "
                "(add them with: blamefree people add NAME --email ADDRESS)",
            )
        )


@comment_app.command("list")
def list_(
    ctx: typer.Context,
    incident_id: params.StoredIncidentId,
    show_all: Annotated[
        bool, typer.Option("--all", help="Resolved threads too (hidden by default).")
    ] = False,
    as_json: params.JsonOption = False,
) -> None:
    """The open comment threads of a post-mortem, section by section (--all: resolved too)."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        found = service.list_comments(uow, incident_id=incident_id, include_resolved=show_all)
    if as_json:
        print_json(schemas.threads_read(found))
        return
    show_threads(app_ctx.out, found)


def show_threads(console: Console, found: service.CommentThreads) -> None:
    """Threads as text: the section and anchor, then each comment."""
    if not found.threads:
        hidden = f" ({found.resolved_hidden} resolved; --all shows them)"
        console.print(
            f"No open comments on {found.incident_id}"
            + (hidden if found.resolved_hidden else "")
            + "."
        )
        return
    for thread in found.threads:
        console.rule(plain(_heading(thread), one_line=True), align="left")
        if thread.root.quoted is not None:
            console.print(plain(f"  > {thread.root.quoted}", "dim"))
        for comment in thread.comments:
            who = comment.author or "unknown"
            when = comment.created_at.strftime("%Y-%m-%d %H:%M UTC")
            indent = "    " if comment.parent_id else "  "
            console.print(line(indent, (f"#{comment.id} {who}", "bold"), f", {when}:"))
            console.print(plain(indent + comment.body.replace("\n", "\n" + indent)))
    if found.resolved_hidden:
        console.print(f"({found.resolved_hidden} resolved threads hidden; --all shows them)")


def _heading(thread: Thread) -> str:
    root, anchor = thread.root, thread.anchor
    where = SECTION_HEADINGS.get(root.section, root.section)
    if anchor.placement is Placement.LINE:
        where += f", line {anchor.line}"
    elif anchor.placement is Placement.MOVED:
        where += f", line {anchor.line} (was {root.line})"
    elif anchor.placement is Placement.CHANGED:
        where += f", on text since changed (was line {root.line})"
    elif anchor.placement is Placement.NO_SECTION:
        where += " (section no longer in the text)"
    state = f"resolved by {root.resolved_by or 'unknown'}" if thread.resolved else "open"
    return f"#{root.id} {where} · {state}"


@comment_app.command("resolve")
def resolve(ctx: typer.Context, comment_id: CommentId, as_name: AsOption = None) -> None:
    """Resolve the thread of comment C (a reply resolves its thread)."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        thread, changed = service.resolve_comment(
            uow, comment_id=comment_id, by=_principal(app_ctx, as_name), now=app_ctx.now()
        )
    state = "Resolved" if changed else "Already resolved:"
    app_ctx.out.print(f"{state} thread #{thread.root.id} on {thread.root.incident_id}.")


@comment_app.command("reopen")
def reopen(ctx: typer.Context, comment_id: CommentId, as_name: AsOption = None) -> None:
    """Open the thread of comment C again."""
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        thread, changed = service.reopen_comment(
            uow, comment_id=comment_id, by=_principal(app_ctx, as_name)
        )
    state = "Reopened" if changed else "Already open:"
    app_ctx.out.print(f"{state} thread #{thread.root.id} on {thread.root.incident_id}.")
