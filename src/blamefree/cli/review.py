"""`blamefree review ...` and `blamefree audit`: the review workflow and the audit log.

On a local store a command acts as the local operator (an admin) named by ``--as`` (of the
command, or the global one) or ``BLAMEFREE_USER``, else the login: the workflow's rules about
who (the author never approves their own, approvals by approvers) go by that name. On a server
the logged-in account acts instead.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from blamefree.cli import params
from blamefree.cli.app import app
from blamefree.cli.console import line, plain
from blamefree.cli.context import AppContext, app_context, print_json
from blamefree.domain.accounts import Principal, local_operator
from blamefree.domain.workflow import Transition
from blamefree.schemas.workflow import AuditEntryRead, WorkflowRead
from blamefree.services import audit
from blamefree.services import workflow as service

review_app = typer.Typer(
    name="review",
    help="The review workflow: draft -> in review -> approved -> published, with requests for "
    "changes and reopening (docs/review-workflow.md). Approved and published post-mortems are "
    "locked until reopened.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(review_app, name="review")

JsonOption = params.JsonOption
IncidentId = params.IncidentId
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        help="Act as this person (local store; a server uses the logged-in account). "
        "Default: the global --as / BLAMEFREE_USER, else your login.",
    ),
]


def _principal(app_ctx: AppContext, name: str | None) -> Principal:
    who = " ".join(name.split()) if name else app_ctx.actor
    return local_operator(who or None)


def _show(app_ctx: AppContext, view: service.WorkflowView, as_json: bool) -> None:
    if as_json:
        print_json(WorkflowRead.of(view))
        return
    out = app_ctx.out
    state = view.state.label + (" (locked)" if view.locked else "")
    out.print(line((view.incident_id, "bold"), f": {state}"), soft_wrap=True)
    out.print(plain(f"Owner: {view.owner or '—'}"))
    out.print(plain(f"Reviewers: {', '.join(m.name for m in view.reviewers) or '—'}"))
    out.print(plain(f"Approvers: {', '.join(m.name for m in view.approvers) or '—'}"))
    given = ", ".join(a.name for a in view.approvals) or "none yet"
    out.print(plain(f"Approvals (round {view.round}): {given}; needs {view.rule.describe()}"))
    if view.transitions:
        table = Table(title="History", title_justify="left")
        for column in ("When (UTC)", "Step", "By", "To", "Comment or reason"):
            table.add_column(column)
        for t in view.transitions:
            table.add_row(
                f"{t.at:%Y-%m-%d %H:%M}",
                t.transition.value,
                plain(t.by or "—"),
                t.to_state.label,
                plain(t.note or ""),
            )
        out.print(table)
    steps = ", ".join(t.value for t in view.allowed) or "nothing"
    out.print(plain(f"You may: {steps}", "dim"))


def _step(
    ctx: typer.Context,
    incident_id: str,
    step: Transition,
    *,
    note: str | None,
    as_name: str | None,
    as_json: bool,
) -> None:
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        view = service.transition(
            uow,
            incident_id=incident_id,
            step=step,
            principal=_principal(app_ctx, as_name),
            now=app_ctx.now(),
            review=service.review_rules(app_ctx.settings),
            note=note,
        )
    _show(app_ctx, view, as_json)


CommentOption = Annotated[
    str | None, typer.Option("--comment", help="A remark recorded with this step.")
]


@review_app.command("submit")
def submit(
    ctx: typer.Context,
    incident_id: IncidentId,
    comment: CommentOption = None,
    as_name: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Submit a draft for review (its owner or an admin); lint findings at a blocking level
    (BLAMEFREE_REVIEW_BLOCKING_LEVELS, default error) refuse it and are listed (exit 3).

    Example: blamefree review submit INC-2024-0142 --as "Kim Lee"
    """
    _step(ctx, incident_id, Transition.SUBMIT, note=comment, as_name=as_name, as_json=as_json)


@review_app.command("approve")
def approve(
    ctx: typer.Context,
    incident_id: IncidentId,
    comment: CommentOption = None,
    as_name: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve a post-mortem in review (a reviewer or approver, never its author); enough
    approvals (BLAMEFREE_REVIEW_APPROVALS) make it approved, filling its Sign-Off and locking it.

    Example: blamefree review approve INC-2024-0142 --as "Dana Okafor"
    """
    _step(ctx, incident_id, Transition.APPROVE, note=comment, as_name=as_name, as_json=as_json)


@review_app.command("request-changes")
def request_changes(
    ctx: typer.Context,
    incident_id: IncidentId,
    comment: Annotated[
        str, typer.Option("--comment", help="What should change (required).", show_default=False)
    ],
    as_name: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send a post-mortem in review back to draft, saying what should change.

    Example: blamefree review request-changes INC-2024-0142 --comment "Say why the disk filled"
    """
    _step(
        ctx,
        incident_id,
        Transition.REQUEST_CHANGES,
        note=comment,
        as_name=as_name,
        as_json=as_json,
    )


@review_app.command("publish")
def publish(
    ctx: typer.Context,
    incident_id: IncidentId,
    comment: CommentOption = None,
    as_name: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Publish an approved post-mortem (an approver or an admin).

    Example: blamefree review publish INC-2024-0142
    """
    _step(ctx, incident_id, Transition.PUBLISH, note=comment, as_name=as_name, as_json=as_json)


@review_app.command("reopen")
def reopen(
    ctx: typer.Context,
    incident_id: IncidentId,
    reason: Annotated[
        str, typer.Option("--reason", help="Why it reopens (required).", show_default=False)
    ],
    as_name: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reopen an approved or published post-mortem (its owner, an approver or an admin): back
    to draft, editable again, its approvals withdrawn; the reason is recorded.

    Example: blamefree review reopen INC-2024-0142 --reason "The 1-week review found a gap"
    """
    _step(ctx, incident_id, Transition.REOPEN, note=reason, as_name=as_name, as_json=as_json)


@review_app.command("assign")
def assign(
    ctx: typer.Context,
    incident_id: IncidentId,
    reviewer: Annotated[
        list[str] | None, typer.Option("--reviewer", metavar="NAME", help="Name a reviewer.")
    ] = None,
    approver: Annotated[
        list[str] | None, typer.Option("--approver", metavar="NAME", help="Name an approver.")
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help="Make this person its owner.")
    ] = None,
    remove: Annotated[
        list[str] | None,
        typer.Option("--remove", metavar="NAME", help="Un-name this person (every role)."),
    ] = None,
    as_name: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Name a post-mortem's owner (author), reviewers and approvers (its owner, an approver
    or an admin). Repeat --reviewer / --approver / --remove for several people.

    Example: blamefree review assign INC-2024-0142 --reviewer "Ravi Rao" --approver "Dana Okafor"
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        view = service.assign(
            uow,
            incident_id=incident_id,
            principal=_principal(app_ctx, as_name),
            now=app_ctx.now(),
            review=service.review_rules(app_ctx.settings),
            owner=owner,
            reviewers=reviewer or [],
            approvers=approver or [],
            remove=remove or [],
        )
    _show(app_ctx, view, as_json)


@review_app.command("status")
def status(
    ctx: typer.Context,
    incident_id: IncidentId,
    as_name: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Where a post-mortem's review stands: state, people, approvals, history, next steps.

    Example: blamefree review status INC-2024-0142 --json
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        view = service.workflow_status(
            uow,
            incident_id=incident_id,
            principal=_principal(app_ctx, as_name),
            review=service.review_rules(app_ctx.settings),
        )
    _show(app_ctx, view, as_json)


@app.command("audit")
def audit_command(
    ctx: typer.Context,
    incident_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID", help="Only this post-mortem's entries.", parser=params.incident_id
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the last N entries.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The append-only audit log: every edit and review step, who made it, when, from where.

    Example: blamefree audit INC-2024-0142 --json
    """
    app_ctx = app_context(ctx)
    with app_ctx.unit_of_work() as uow:
        entries = audit.audit_log(uow, incident_id=incident_id, limit=limit)
    if as_json:
        print_json([AuditEntryRead.of(e) for e in entries])
        return
    if not entries:
        app_ctx.out.print("No audit entries.")
        return
    table = Table(title=f"Audit log ({len(entries)})", title_justify="left")
    for column in ("When (UTC)", "Who", "What", "Incident", "From", "Details"):
        table.add_column(column)
    for e in entries:
        details = ", ".join(f"{k}={v}" for k, v in e.details.items() if v not in (None, [], ""))
        where = e.channel + (f" {e.address}" if e.address else "")
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M:%S}",
            plain(e.actor or "—"),
            e.action,
            plain(e.incident_id or "—"),
            plain(where),
            plain(details),
        )
    app_ctx.out.print(table)
