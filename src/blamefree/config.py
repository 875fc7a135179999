"""Settings: declared once, each with a default and help text, read from BLAMEFREE_* variables.

Nothing is read at import: call ``Settings()`` (or ``load_settings``) where a command or app starts
and pass the result down.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    """A SQLite file in the user's data directory."""
    data_dir = Path(platformdirs.user_data_dir("blamefree", appauthor=False))
    return f"sqlite:///{data_dir / 'blamefree.sqlite3'}"


class Settings(BaseSettings):
    """Every setting Blamefree reads; the environment variable is BLAMEFREE_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="BLAMEFREE_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL of the store, e.g. sqlite:///pm.db or "
        "postgresql+psycopg://user@host/db. Default: a SQLite file in the user data directory.",
    )
    timezone: str = Field(
        default="UTC",
        description="IANA time zone for times written without one, unless the document says.",
    )
    editor: str | None = Field(
        default=None,
        description="Editor for `blamefree edit`; falls back to $VISUAL, $EDITOR, then vi.",
    )
    now: str | None = Field(
        default=None,
        description="Fixed current time (ISO-8601) for reproducible runs and tests.",
    )


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (e.g. from CLI options) on top."""
    clean = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**clean)  # type: ignore[arg-type]
