"""`blamefree restrict ID`: make a post-mortem visible only to the people named on it.

On a local store the command acts as the local operator, who is admin-equivalent (whoever can
open the store's file can read every row of it anyway; docs/accounts.md): it may restrict any
post-mortem and sees restricted ones everywhere. Through the web and the API the logged-in
account acts, and only a post-mortem's owner or an admin may change its restriction.
"""

from __future__ import annotations

from typing import Annotated

import typer

from blamefree.cli import params
from blamefree.cli.app import app
from blamefree.cli.console import line, plain
from blamefree.cli.context import AppContext, app_context, print_json
from blamefree.domain.accounts import local_operator
from blamefree.schemas.restriction import RestrictionRead
from blamefree.services import restriction as service
from blamefree.services.restriction import RestrictionView

MemberOption = Annotated[
    list[str] | None,
    typer.Option(
        "--member",
        metavar="NAME",
        help="Name someone on it beyond its owner, reviewers and approvers (repeatable).",
    ),
]
RemoveOption = Annotated[
    list[str] | None,
    typer.Option("--remove-member", metavar="NAME", help="Un-name a member (repeatable)."),
]


def _show(app_ctx: AppContext, view: RestrictionView, as_json: bool) -> None:
    if as_json:
        print_json(RestrictionRead.of(view))
        return
    out = app_ctx.out
    if view.restricted:
        out.print(line((view.incident_id, "bold"), " is restricted: only the people named on "
                       "it and admins see it."), soft_wrap=True)  # fmt: skip
    else:
        out.print(line((view.incident_id, "bold"), " is not restricted: everyone who can log in "
                       "sees it."), soft_wrap=True)  # fmt: skip
    out.print(plain(f"Owner: {view.owner or '—'}"))
    out.print(plain(f"Reviewers: {', '.join(view.reviewers) or '—'}"))
    out.print(plain(f"Approvers: {', '.join(view.approvers) or '—'}"))
    out.print(plain(f"Members: {', '.join(view.members) or '—'}"))


@app.command("restrict")
def restrict(
    ctx: typer.Context,
    incident_id: params.IncidentId,
    off: Annotated[
        bool, typer.Option("--off", help="Lift the restriction: everyone may see it again.")
    ] = False,
    member: MemberOption = None,
    remove_member: RemoveOption = None,
    show: Annotated[
        bool, typer.Option("--show", help="Only show its restriction; change nothing.")
    ] = False,
    as_json: params.JsonOption = False,
) -> None:
    """Restrict a post-mortem (a security incident, an HR-sensitive one): only its owner, its
    named reviewers and approvers, the members named here and admins see it; for everyone
    else it does not exist (lists, search, dashboard, board, digests, calendar, exports, API).

    Example: blamefree restrict INC-2024-0142 --member "Sam Reyes"
    """
    app_ctx = app_context(ctx)
    principal = local_operator(app_ctx.actor or None)
    with app_ctx.unit_of_work() as uow:
        if show:
            view = service.restriction_status(uow, incident_id=incident_id, principal=principal)
        else:
            view = service.set_restriction(
                uow,
                incident_id=incident_id,
                principal=principal,
                now=app_ctx.now(),
                restricted=not off,
                add_members=member or (),
                remove_members=remove_member or (),
            )
    _show(app_ctx, view, as_json)
