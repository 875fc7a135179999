"""What every lint rule reports (`Finding`) and how a rule describes itself (`Rule`)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from blamefree.errors import ConfigError


class Level(StrEnum):
    """How serious a finding is; compares by weight with `rank`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for error, 1 for warning, 0 for info."""
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class Rule(BaseModel):
    """A registry entry: one rule of one family (BF1xx language, BF2xx completeness, ...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^BF\d{3}$", description="Stable rule id, e.g. BF101")
    category: str = Field(description="Dotted category, e.g. blame.person")
    severity: Level = Field(description="Default severity")
    title: str = Field(description="Short name shown in listings")
    description: str = Field(description="What the rule looks for and why")


class Finding(BaseModel):
    """One problem found at one place; lines and columns are 1-based, end_column exclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    category: str
    severity: Level
    message: str
    suggestion: str
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    end_line: int = Field(ge=1)
    end_column: int = Field(ge=1)
    file: str | None = None
    field: str | None = Field(default=None, description="Document field path for stored docs")


def index_rules(*families: Iterable[Rule]) -> dict[str, Rule]:
    """Merge rule families into one registry keyed by id; a duplicate id is a ConfigError."""
    registry: dict[str, Rule] = {}
    for family in families:
        for rule in family:
            if rule.id in registry:
                raise ConfigError(f"rule id {rule.id} is registered twice")
            registry[rule.id] = rule
    return dict(sorted(registry.items()))
