"""What the reader decided where the text did not say: kept in the document so lint can report it.

A post-mortem read from Markdown lists in ``Postmortem.assumptions`` every place where a value
was read by a rule rather than from what was written outright (docs/file-format.md has the
rules): a time without a zone read in the zone another time of the document names, a zone
abbreviation with several meanings (``IST``) read one way, capitals after a time that look like a
zone nobody defined (``XYZT``) and were not read as one, a numeric
date that reads both ways, ``3.000`` read as 3000 in a document that groups thousands with dots,
a field too long to be read as a value. Nothing here changes a value; it says how it was read.

Each entry names its field by the same dotted path that errors and lint findings use
(``timeline.detection.time``, ``action_items.immediate[0].due_date``), not by line number, so it
stays true when the document is rendered again.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from blamefree.domain.base import Model

AssumptionKind = Literal[
    "zone_assumed",
    "zone_ambiguous",
    "zone_unknown",
    "ambiguous_date",
    "dot_thousands",
    "field_too_long",
]
TEXT_SHOWN = 120  # characters of the written value kept in an assumption (the field has it all)


class Assumption(Model):
    """One reading the text did not state outright."""

    kind: AssumptionKind
    field: str = Field(description="Dotted path of the field, as in errors and lint findings")
    text: str = Field(description="The value as written (its first characters when long)")
    read_as: str | None = Field(
        default=None, description="The value it was read as, written canonically; None if none"
    )
    zone: str | None = Field(
        default=None,
        description="zone_assumed, zone_ambiguous, zone_unknown: the zone the time was read in",
    )
    from_field: str | None = Field(
        default=None, description="zone_assumed: the field whose written zone was carried over"
    )
    other_reading: str | None = Field(
        default=None, description="ambiguous_date: the date read the other way round"
    )
    length: int | None = Field(default=None, description="field_too_long: characters written")
    note: str = Field(description="One sentence for people: what was assumed and how to say it")


def shown(text: str) -> str:
    """The written value as an assumption keeps it: its first characters when it is long."""
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"
