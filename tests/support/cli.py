"""Types for the in-process CLI runner fixture."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Run:
    """What one CLI call did."""

    exit_code: int
    stdout: str
    stderr: str


Invoke = Callable[..., Run]
