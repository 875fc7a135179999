"""Where a post-mortem stands in its review, read from who has signed it off.

The template has no status field; its Sign-Off section does the work. Nobody signed: a
draft. Prepared or reviewed but not approved: in review. Approved: approved.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from blamefree.domain.enums import SignOffRole


class Standing(StrEnum):
    """A post-mortem's review status, from its sign-offs."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        """``Draft``, ``In review``, ``Approved``."""
        return {"draft": "Draft", "in_review": "In review", "approved": "Approved"}[self.value]

    @property
    def rank(self) -> int:
        """0 for a draft, 1 in review, 2 approved (the order a post-mortem moves through)."""
        return list(Standing).index(self)


def standing_of(signed: Iterable[SignOffRole]) -> Standing:
    """The standing of a post-mortem signed off in these roles."""
    roles = set(signed)
    if SignOffRole.APPROVED in roles:
        return Standing.APPROVED
    if roles:
        return Standing.IN_REVIEW
    return Standing.DRAFT


def standing_of_rank(rank: int | None) -> Standing:
    """The standing a store query gives as a rank (None: no sign-off at all)."""
    return _BY_RANK[rank or 0]


_BY_RANK = tuple(Standing)
