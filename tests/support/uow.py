"""Calling a use case the way a shell does: in a unit of work of its own, committed after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine

from blamefree.store import UnitOfWork

P = ParamSpec("P")
T = TypeVar("T")


def in_uow(
    engine: Engine, service: Callable[Concatenate[UnitOfWork, P], T], /, *args: Any, **kwargs: Any
) -> T:
    """``service(uow, ...)`` in one unit of work on ``engine``, as one command runs it."""
    with UnitOfWork(engine) as uow:
        return service(uow, *args, **kwargs)
