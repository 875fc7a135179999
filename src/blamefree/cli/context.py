"""What every command gets: settings, a lazily built engine, consoles and the clock."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console
from sqlalchemy import Engine

from blamefree.config import Settings
from blamefree.errors import ConfigError
from blamefree.store import make_engine
from blamefree.store.unit_of_work import with_clock


@dataclass
class AppContext:
    """Built once per command run by the root callback and passed to commands via ctx.obj."""

    settings: Settings
    out: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The store's engine, built on first use (commands that need no store never touch it)."""
        if self._engine is None:
            engine = make_engine(self.settings.database_url)
            # A fixed --now / BLAMEFREE_NOW also stamps what is stored (created, saved, closed).
            self._engine = with_clock(engine, self.now) if self.settings.now else engine
        return self._engine

    def now(self) -> dt.datetime:
        """The current time, or the fixed one from BLAMEFREE_NOW / --now."""
        if self.settings.now:
            try:
                moment = dt.datetime.fromisoformat(self.settings.now.replace("Z", "+00:00"))
            except ValueError as exc:
                raise ConfigError(
                    f"--now / BLAMEFREE_NOW {self.settings.now!r} is not an ISO-8601 time "
                    "(e.g. 2024-03-25T09:00:00Z)"
                ) from exc
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return self.now().date()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def app_context(ctx: typer.Context) -> AppContext:
    """The AppContext of the running command."""
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj


def print_json(data: Any) -> None:
    """JSON for scripts on stdout: indented, UTF-8, no Rich formatting."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
