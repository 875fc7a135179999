"""The details of refused updates for `--json` output."""

from __future__ import annotations

from typing import Any

from blamefree.errors import BlamefreeError, MergeConflict, WouldLoseWork


def error_details(error: BlamefreeError | None) -> dict[str, Any]:
    """Extra JSON keys for an error that refused an update: its conflicts or losses."""
    if isinstance(error, MergeConflict):
        return {"conflicts": [conflict.to_json() for conflict in error.conflicts]}
    if isinstance(error, WouldLoseWork):
        return {"would_lose": [loss.to_json() for loss in error.losses]}
    return {}
