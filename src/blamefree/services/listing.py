"""Use case: one page of the stored post-mortems, filtered and sorted (web list and API)."""

from __future__ import annotations

from blamefree.errors import ValidationFailed
from blamefree.store import UnitOfWork
from blamefree.store.listing import (
    ActionsFilter,
    PostmortemFilter,
    PostmortemPage,
    SortKey,
    list_page,
)

MAX_PAGE = 200
"""The most post-mortems one page holds."""


def list_postmortem_page(uow: UnitOfWork, *, wanted: PostmortemFilter) -> PostmortemPage:
    """The post-mortems ``wanted`` keeps, one page of them, and how many it keeps in all."""
    if not 1 <= wanted.limit <= MAX_PAGE:
        raise ValidationFailed(f"a page holds 1 to {MAX_PAGE} post-mortems", field="limit")
    if wanted.offset < 0:
        raise ValidationFailed("the offset cannot be negative", field="offset")
    if wanted.since is not None and wanted.until is not None and wanted.since > wanted.until:
        raise ValidationFailed(
            f"the range starts ({wanted.since}) after it ends ({wanted.until})", field="since"
        )
    return list_page(uow.session, wanted)


__all__ = [
    "MAX_PAGE",
    "ActionsFilter",
    "PostmortemFilter",
    "PostmortemPage",
    "SortKey",
    "list_postmortem_page",
]
