"""Project settings for the linter: `[blamefree.lint]` in blamefree.toml or
`[tool.blamefree.lint]` in pyproject.toml (rule selection, severities, required sections, extra
blame words, allowed names). The rest of blamefree.toml (`[blamefree]`) is the app's settings."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from blamefree.domain.enums import Severity
from blamefree.errors import ConfigError
from blamefree.lint.finding import Level
from blamefree.lint.language import LanguageConfig
from blamefree.markdown import layout

ALL_SECTIONS: tuple[str, ...] = tuple(key for _heading, key in layout.SECTIONS)
DEFAULT_REQUIRED: dict[Severity, tuple[str, ...]] = {
    Severity.P0: ALL_SECTIONS,
    Severity.P1: ALL_SECTIONS,
    Severity.P2: (
        "executive_summary",
        "timeline",
        "impact_assessment",
        "root_cause_analysis",
        "what_went_wrong",
        "action_items",
    ),
    Severity.P3: ("executive_summary", "root_cause_analysis", "action_items"),
}
UNKNOWN_SEVERITY = Severity.P2  # the sections required of a post-mortem without a severity


def section_key(name: str) -> str:
    """A section given by key (``root_cause_analysis``) or heading (``Root Cause Analysis``)."""
    key = layout.SECTION_SYNONYMS.get(layout.normalise(name))
    if key is None and name in ALL_SECTIONS:
        key = name
    if key is None:
        choices = ", ".join(ALL_SECTIONS)
        raise ValueError(f"unknown section {name!r}; use one of {choices}")
    return key


class LintConfig(BaseModel):
    """Everything a project can set for `blamefree lint`; defaults need no file."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    select: tuple[str, ...] = Field(
        default=("BF",), description="Rule ids or prefixes to report (BF1 = all language rules)"
    )
    ignore: tuple[str, ...] = Field(default=(), description="Rule ids or prefixes not to report")
    severity: dict[str, Level] = Field(
        default_factory=dict, description="Severity per rule id or prefix, e.g. BF103 = 'error'"
    )
    severity_threshold: Level = Field(
        default=Level.WARNING,
        alias="severity-threshold",
        description="Findings at or above this fail the run (exit 1)",
    )
    required_sections: dict[Severity, tuple[str, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_REQUIRED),
        alias="required-sections",
        description="Sections that must not be empty, per severity (P0..P3)",
    )
    extra_blame_words: tuple[str, ...] = Field(default=(), alias="extra-blame-words")
    allowed_names: tuple[str, ...] = Field(default=(), alias="allowed-names")

    @field_validator("select", "ignore")
    @classmethod
    def _prefixes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(prefix.strip().upper() for prefix in value if prefix.strip())

    @field_validator("required_sections")
    @classmethod
    def _sections(cls, value: dict[Severity, tuple[str, ...]]) -> dict[Severity, tuple[str, ...]]:
        merged = dict(DEFAULT_REQUIRED)
        merged.update(
            {sev: tuple(section_key(name) for name in names) for sev, names in value.items()}
        )
        return merged

    def enabled(self, rule_id: str) -> bool:
        """Whether a rule is reported: the longest matching select/ignore prefix decides."""
        selected = max((len(p) for p in self.select if rule_id.startswith(p)), default=-1)
        ignored = max((len(p) for p in self.ignore if rule_id.startswith(p)), default=-1)
        return selected >= 0 and selected > ignored

    def level(self, rule_id: str, default: Level) -> Level:
        """The configured severity of a rule (the longest matching prefix), else its default."""
        matches = [(len(p), level) for p, level in self.severity.items() if rule_id.startswith(p)]
        return max(matches)[1] if matches else default

    def required(self, severity: Severity | None) -> tuple[str, ...]:
        """The sections a post-mortem of this severity must fill."""
        return self.required_sections[severity or UNKNOWN_SEVERITY]

    def language(self) -> LanguageConfig:
        """The language rules' part of the settings."""
        return LanguageConfig(
            extra_blame_words=self.extra_blame_words, allowed_names=self.allowed_names
        )

    def with_options(
        self, *, select: list[str] | None = None, ignore: list[str] | None = None
    ) -> LintConfig:
        """A copy with command-line selection: ``select`` replaces, ``ignore`` adds."""
        update: dict[str, Any] = {}
        if select:
            update["select"] = self._prefixes(tuple(_split(select)))
        if ignore:
            update["ignore"] = self.ignore + self._prefixes(tuple(_split(ignore)))
        return self.model_copy(update=update)


def _split(options: list[str]) -> list[str]:
    return [part for option in options for part in option.split(",")]


def config_from_mapping(data: dict[str, Any], *, source: str) -> LintConfig:
    """Settings from a parsed lint table; mistakes are a ConfigError naming the file."""
    try:
        return LintConfig.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ConfigError(f"{source}: lint setting {where}: {error['msg']}") from exc


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _lint_table(path: Path) -> dict[str, Any] | None:
    """The lint settings of a config file, None when a pyproject.toml has no [tool.blamefree]."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {})
        if not isinstance(data, dict) or "blamefree" not in data:
            return None
    table = data.get("blamefree", {})
    table = table.get("lint", {}) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [blamefree.lint] must be a table")
    return table


def find_config(start: Path) -> Path | None:
    """The nearest blamefree.toml, or pyproject.toml with [tool.blamefree], from ``start`` up."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "blamefree.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _lint_table(pyproject) is not None:
            return pyproject
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> LintConfig:
    """Settings from ``path``, else from the nearest config file above ``start``, else defaults."""
    found = path if path is not None else find_config(start or Path.cwd())
    if found is None:
        return LintConfig()
    if not found.is_file():
        raise ConfigError(f"{found}: no such config file")
    return config_from_mapping(_lint_table(found) or {}, source=str(found))
