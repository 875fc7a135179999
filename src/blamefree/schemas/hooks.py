"""What a webhook receiver answers: where the delivery's events went."""

from __future__ import annotations

from pydantic import Field

from blamefree.schemas.base import ReadModel


class HookPostmortemRead(ReadModel):
    """Events of one delivery added to one post-mortem's timeline."""

    incident_id: str
    added: int = Field(description="Events new on its timeline")


class HookDeliveryRead(ReadModel):
    """Where one webhook delivery's events went (docs/webhooks.md)."""

    source: str = Field(description="alertmanager, grafana, pagerduty or opsgenie")
    added: int = Field(description="Events added to post-mortem timelines, over all of them")
    postmortems: list[HookPostmortemRead] = Field(
        description="Each post-mortem the delivery reached, with the events new on its timeline"
    )
    inbox: int = Field(description="Events that named no stored post-mortem: now in the inbox")
    known: int = Field(
        description="Events already on that timeline or in the inbox (a repeated delivery)"
    )
    from_inbox: int = Field(
        description="Of the added events, those that had waited in the inbox until this "
        "delivery named their alert's or incident's post-mortem"
    )
