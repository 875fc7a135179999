"""A restricted post-mortem's settings as the API and ``--json`` show and take them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from blamefree.schemas.base import InputModel, ReadModel, Timestamp

if TYPE_CHECKING:
    from blamefree.services.restriction import RestrictionView


class RestrictionUpdate(InputModel):
    """Restrict a post-mortem (``restricted: true``), lift it (``false``) or leave it as it is
    (absent), and name or un-name extra members."""

    restricted: bool | None = None
    add_members: list[str] = Field(default_factory=list, max_length=50)
    remove_members: list[str] = Field(default_factory=list, max_length=50)


class RestrictionRead(ReadModel):
    """Whether a post-mortem is restricted and who is named on it (who sees it, with admins)."""

    incident_id: str
    restricted: bool
    restricted_by: str | None
    restricted_at: Timestamp | None
    owner: str | None = Field(description="Its owner (the workflow's, else who wrote it)")
    reviewers: list[str]
    approvers: list[str]
    members: list[str] = Field(description="Named on the restriction beyond the workflow")
    may_change: bool = Field(description="Whether the one asking may change it (owner, admin)")

    @classmethod
    def of(cls, view: RestrictionView) -> RestrictionRead:
        return cls(
            incident_id=view.incident_id,
            restricted=view.restricted,
            restricted_by=view.restricted_by,
            restricted_at=view.restricted_at,
            owner=view.owner,
            reviewers=list(view.reviewers),
            approvers=list(view.approvers),
            members=list(view.members),
            may_change=view.may_change,
        )
