"""Medians of durations that may be unknown: unknown values are left out and counted, never 0."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Median:
    """The median of the known values and how many values it is over (of how many)."""

    seconds: float | None
    known: int
    total: int

    @property
    def unknown(self) -> int:
        """How many values were not known."""
        return self.total - self.known


def median_of(values: Iterable[int | None]) -> Median:
    """The median of the known values; ``seconds`` is None when none is known."""
    every = list(values)
    known = [value for value in every if value is not None]
    return Median(
        seconds=float(statistics.median(known)) if known else None,
        known=len(known),
        total=len(every),
    )
