"""Settings: declared once, each with a default and help text, read from BLAMEFREE_* variables.

Nothing is read at import: call ``Settings()`` (or ``load_settings``) where a command or app starts
and pass the result down.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from blamefree.domain import policy, values, workflow
from blamefree.errors import ConfigError

CONFIG_FILE_NAME = "blamefree.toml"
"""Read from the working directory when BLAMEFREE_CONFIG does not name another file."""


def default_database_url() -> str:
    """A SQLite file in the user's data directory."""
    data_dir = Path(platformdirs.user_data_dir("blamefree", appauthor=False))
    return f"sqlite:///{data_dir / 'blamefree.sqlite3'}"


CONFIG_FILE_HELP = (
    "TOML file with settings in a [blamefree] table (keys are the lower-case names without "
    "BLAMEFREE_, e.g. smtp_host); default: blamefree.toml in the working directory if present. "
    "Environment variables win over the file."
)
"""What ``BLAMEFREE_CONFIG`` means: read before the settings are built, so not a setting."""


class Settings(BaseSettings):
    """Every setting Blamefree reads; the environment variable is BLAMEFREE_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="BLAMEFREE_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL of the store, e.g. sqlite:///pm.db or "
        "postgresql+psycopg://user@host/db. Default: a SQLite file in the user data directory. "
        "A SQLite file's folder must exist (only the default one is made); commands that only "
        "read never create the file.",
    )
    timezone: str = Field(
        default="UTC",
        description="IANA time zone for times written without one, unless the document says; "
        "an unknown zone is a configuration error (exit 6).",
    )
    editor: str | None = Field(
        default=None,
        description="Editor for `blamefree edit`; falls back to $VISUAL, $EDITOR, then vi.",
    )
    now: str | None = Field(
        default=None,
        description="Fixed current time (ISO-8601) for reproducible runs and tests.",
    )
    user: str | None = Field(
        default=None,
        description="Who you are in the store's history: the author of the revisions, events, "
        "action-item changes and reviews you make (`--as` overrides it for one run). "
        "Default: your login name on this computer.",
    )
    # --- timeline sources --------------------------------------------------------------------
    pagerduty_token: SecretStr | None = Field(
        default=None,
        description="PagerDuty REST API key for `timeline import ID pagerduty "
        "--pagerduty-incident ID` (read-only is enough).",
    )
    pagerduty_api_url: str = Field(
        default="https://api.pagerduty.com",
        description="PagerDuty REST API base URL.",
    )
    # --- trackers ---------------------------------------------------------------------------
    github_api_url: str = Field(
        default="https://api.github.com",
        description="GitHub REST API base URL; for GitHub Enterprise Server https://HOST/api/v3.",
    )
    github_token: SecretStr | None = Field(
        default=None,
        description="GitHub token (fine-grained or classic) allowed to create issues in the repo.",
    )
    github_repo: str | None = Field(
        default=None,
        description="Repository for `actions push --to github`, as OWNER/NAME.",
    )
    jira_url: str | None = Field(
        default=None,
        description="Jira base URL, e.g. https://your-domain.atlassian.net or a Jira Server URL.",
    )
    jira_email: str | None = Field(
        default=None,
        description="Account email for Jira Cloud basic auth (email:API token); leave unset to "
        "send the token as a Bearer personal access token (Jira Server / Data Center).",
    )
    jira_token: SecretStr | None = Field(
        default=None,
        description="Jira API token (Cloud) or personal access token (Server / Data Center).",
    )
    jira_project: str | None = Field(
        default=None,
        description="Key of the Jira project that `actions push --to jira` creates issues in.",
    )
    jira_api_version: int = Field(
        default=3,
        description="Jira REST API version: 3 (Cloud, description in Atlassian Document Format) "
        "or 2 (Jira Server / Data Center, plain-text description).",
    )
    jira_issue_type: str = Field(
        default="Task",
        description="Issue type name for issues created in Jira.",
    )
    # --- reminders --------------------------------------------------------------------------
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server for `blamefree remind` e-mails; unset: no e-mail is sent.",
    )
    smtp_port: int = Field(default=25, description="SMTP server port (587 with STARTTLS).")
    smtp_from: str | None = Field(
        default=None,
        description="From address of reminder e-mails, e.g. Blamefree <pm@example.com>.",
    )
    smtp_username: str | None = Field(default=None, description="SMTP login name; unset: no login.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(
        default=False, description="Upgrade the SMTP connection with STARTTLS before login."
    )
    slack_webhook_url: str | None = Field(
        default=None,
        description="Slack incoming-webhook URL; `blamefree remind` posts each owner's digest.",
    )
    webhook_url: str | None = Field(
        default=None,
        description="URL that `blamefree remind` POSTs each owner's digest to as JSON.",
    )
    remind_fallback: str | None = Field(
        default=None,
        description="E-mail address that receives the items of owners with no address "
        "in the people directory (and of items with no owner).",
    )
    remind_due_within_days: int = Field(
        default=7,
        description="`blamefree remind` includes items due and reviews scheduled within "
        "this many days.",
    )
    # --- review workflow ----------------------------------------------------------------------
    review_approvals: str = Field(
        default=workflow.DEFAULT_APPROVAL_RULES,
        description="Approvals a post-mortem needs to be approved, per severity: "
        "`SEVERITY=APPROVALS/FROM_APPROVERS`, comma-separated, `*` for the others; the default "
        "`P0=2/1, P1=2/1, *=1/0` asks two approvals for P0 and P1, one of them from an approver "
        "(docs/review-workflow.md). The author never approves their own.",
    )
    review_blocking_levels: str = Field(
        default="error",
        description="Lint levels whose findings block a submission for review, comma-separated "
        "(`error`, `warning`, `info`); empty: the linter never blocks.",
    )
    # --- post-mortem policy ------------------------------------------------------------------
    policy_deadlines: str = Field(
        default=policy.DEFAULT_POLICY,
        description="Which incidents need a post-mortem and by when, per severity: "
        "`SEVERITY=SUBMIT_DAYS/APPROVE_DAYS`, comma-separated, `*` for the others; the default "
        "`P0=5/10, P1=5/10` asks a post-mortem of every P0 and P1 incident, submitted for review "
        "within 5 days of the incident's end and approved within 10 (docs/policy.md). A severity "
        "not named needs none; empty: none is required.",
    )
    policy_days: str = Field(
        default=policy.DayCount.BUSINESS.value,
        description="How the policy's days are counted: `business` (Monday to Friday) or "
        "`calendar`.",
    )
    policy_follow_up: str = Field(
        default="*",
        description="Severities whose post-mortems need follow-up reviews (1 week, 1 month, "
        "3 months after the incident), comma-separated, e.g. `P0, P1`; `*`: every one; empty: "
        "none. `remind` and the dashboard leave the others' reviews out (docs/policy.md).",
    )
    # --- web app ------------------------------------------------------------------------------
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that signs the web app's cookies (sessions, CSRF tokens). Every "
        "worker of one deployment needs the same key; `blamefree serve` makes a random one for "
        "its workers when unset, so cookies do not outlive a restart. At least 32 characters.",
    )
    public_url: str | None = Field(
        default=None,
        description="The address people reach the web app at (e.g. https://pm.example.com) "
        "when it runs behind a reverse proxy; used in calendar feeds and links it hands out. "
        "Default: the address of the request.",
    )
    webhook_postmortem_label: str = Field(
        default="postmortem",
        description="What names the post-mortem a webhook event belongs to: the alert label "
        "(Alertmanager, Grafana), the PagerDuty custom field or `<label>:ID` in a note or title, "
        "the Opsgenie tag `<label>:ID` or alert detail (docs/webhooks.md).",
    )
    webhook_token: SecretStr | None = Field(
        default=None,
        description="Token that `POST /hooks/alertmanager`, `/hooks/grafana` and "
        "`/hooks/opsgenie` require as `Authorization: Bearer <token>` (or as the Basic auth "
        "password); a delivery without it is refused (401). Unset: those receivers take any "
        "delivery that reaches them (PagerDuty's are verified by their signature).",
    )
    pagerduty_webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret of the PagerDuty V3 webhook subscription; `POST /hooks/pagerduty` "
        "refuses deliveries (401) whose signature it does not verify, and all of them when unset.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        values.zone(name)  # ValueError names the zone and what to use instead
        return name

    @field_validator("review_approvals")
    @classmethod
    def _approval_rules(cls, text: str) -> str:
        workflow.parse_policy(text)  # ValueError names the part it cannot read
        return text

    @field_validator("policy_deadlines")
    @classmethod
    def _policy(cls, text: str) -> str:
        policy.parse_policy(text)  # ValueError names the part it cannot read
        return text

    @field_validator("policy_follow_up")
    @classmethod
    def _follow_up(cls, text: str) -> str:
        policy.parse_follow_up(text)
        return text

    @field_validator("policy_days")
    @classmethod
    def _day_count(cls, text: str) -> str:
        policy.parse_day_count(text)
        return text

    @field_validator("review_blocking_levels")
    @classmethod
    def _levels(cls, text: str) -> str:
        known = ("error", "warning", "info")
        for level in (p.strip().lower() for p in text.split(",") if p.strip()):
            if level not in known:
                raise ValueError(f"{level!r} is no lint level ({', '.join(known)})")
        return text

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None and len(key.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        return key

    @field_validator("now")
    @classmethod
    def _iso_time(cls, text: str | None) -> str | None:
        if text is not None:
            try:
                dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError as exc:
                raise ValueError(
                    f"{text!r} is not an ISO-8601 time (e.g. 2024-03-25T09:00:00Z)"
                ) from exc
        return text

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Options first, then BLAMEFREE_* variables, then the TOML config file."""
        return (init_settings, env_settings, _config_file_source(settings_cls))


def _config_file_source(settings_cls: type[BaseSettings]) -> PydanticBaseSettingsSource:
    named = os.environ.get("BLAMEFREE_CONFIG")
    path = Path(named).expanduser() if named else Path(CONFIG_FILE_NAME)
    if named and not path.is_file():
        raise ConfigError(f"BLAMEFREE_CONFIG={named!r}: no such file")
    try:
        return TomlConfigSettingsSource(
            settings_cls, toml_file=path, toml_table_header=("blamefree",)
        )
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    except KeyError as error:
        raise ConfigError(f"{path}: has no [blamefree] table") from error
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read: {error.strerror or error}") from error


OPTION_NAMES = {"database_url": "--db", "timezone": "--tz", "now": "--now", "user": "--as"}
"""Settings that a command-line option of the same meaning overrides."""


def setting_name(field: str) -> str:
    """How a user sets a field: ``--tz / BLAMEFREE_TIMEZONE``, or the variable alone."""
    variable = f"BLAMEFREE_{field.upper()}"
    option = OPTION_NAMES.get(field)
    return f"{option} / {variable}" if option else variable


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (e.g. from CLI options) on top.

    A value that cannot work (an unknown time zone, a port that is not a number) is a
    ConfigError naming the option or variable; the value itself is not echoed, it may be secret.
    """
    clean = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "settings"
            message = str(problem["msg"]).removeprefix("Value error, ")
            problems.append(f"{setting_name(field)}: {message}")
        raise ConfigError("; ".join(problems)) from None
