"""Settings: declared once, each with a default and help text, read from BLAMEFREE_* variables.

Nothing is read at import: call ``Settings()`` (or ``load_settings``) where a command or app starts
and pass the result down.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from blamefree.domain import policy, sso, values, workflow
from blamefree.domain.accounts import Role
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
    # --- working against a server -------------------------------------------------------------
    server: str | None = Field(
        default=None,
        description="Address of a Blamefree server (`blamefree serve`, e.g. "
        "https://pm.example.com) for the commands that work against one instead of a local "
        "store: list, show, export, import, timeline import, actions list, actions set, lint "
        "(docs/remote.md).",
    )
    token: SecretStr | None = Field(
        default=None,
        description="API token the commands send to the server of BLAMEFREE_SERVER / --server "
        "(`blamefree token create` or the account page makes one). Read from the environment "
        "only: never an option, never in the config file, never printed.",
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
    # --- single sign-on (OpenID Connect) ------------------------------------------------------
    oidc_issuer: str | None = Field(
        default=None,
        description="Issuer URL of an OpenID Connect provider for single sign-on, e.g. "
        "https://keycloak.example.com/realms/acme or https://accounts.google.com (its "
        "/.well-known/openid-configuration is read from there); https, or http on a loopback "
        "address only. Unset: no single sign-on, password logins only (docs/accounts.md).",
    )
    oidc_client_id: str | None = Field(
        default=None,
        description="Client id Blamefree is registered under at the provider (its redirect URI "
        "is <public address>/login/oidc/callback).",
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None,
        description="Client secret of that registration (never printed).",
    )
    oidc_default_role: Role = Field(
        default=Role.VIEWER,
        description="Role of an account made by a first sign-on: viewer, author, reviewer or "
        "approver (not admin); an admin changes it later with `blamefree user role`.",
    )
    oidc_label: str | None = Field(
        default=None,
        description="Name of the provider on the login page's button (\"Sign in with "
        "<label>\"). Default: the issuer's host name.",
    )
    oidc_allowed_domains: str = Field(
        default="",
        description="E-mail domains whose people may sign on, comma-separated (e.g. "
        "`example.com, example.org`); the provider must say the address is verified. Empty: "
        "anyone the provider signs in.",
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

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_url(cls, url: str | None) -> str | None:
        if url is None or not url.strip():
            return None
        problem = sso.provider_url_problem(url.strip())
        if problem is not None:
            raise ValueError(problem)
        return url.strip().rstrip("/")

    @field_validator("oidc_default_role")
    @classmethod
    def _not_admin(cls, role: Role) -> Role:
        if role is Role.ADMIN:
            raise ValueError(
                "cannot be admin: everyone the provider signs in would be an admin; make "
                "named accounts admins instead"
            )
        return role

    @field_validator("oidc_allowed_domains")
    @classmethod
    def _domains(cls, text: str) -> str:
        for domain in (p.strip() for p in text.split(",") if p.strip()):
            if "@" in domain or "." not in domain or " " in domain:
                raise ValueError(f"{domain!r} is not an e-mail domain (e.g. example.com)")
        return text

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

    @model_validator(mode="after")
    def _sign_on_complete(self) -> Settings:
        given = {
            "oidc_issuer": self.oidc_issuer,
            "oidc_client_id": self.oidc_client_id,
            "oidc_client_secret": self.oidc_client_secret,
        }
        missing = [setting_name(name) for name, value in given.items() if not value]
        if missing and len(missing) < len(given):
            raise ValueError(
                "single sign-on needs the issuer, the client id and the client secret; "
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set"
            )
        return self

    @property
    def sign_on_configured(self) -> bool:
        """Whether single sign-on with an OpenID Connect provider is set up."""
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

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


ENVIRONMENT_ONLY = ("token",)
"""Settings read from the environment only: a secret in a file is too easily shared."""


class _ConfigFile(TomlConfigSettingsSource):
    """The TOML file's settings, refusing those that are read from the environment only."""

    def __call__(self) -> dict[str, Any]:
        found = super().__call__()
        for name in ENVIRONMENT_ONLY:
            if name in found:
                raise ConfigError(
                    f"{name} is read from BLAMEFREE_{name.upper()} in the environment only; "
                    "take it out of the config file"
                )
        return found


def _config_file_source(settings_cls: type[BaseSettings]) -> PydanticBaseSettingsSource:
    named = os.environ.get("BLAMEFREE_CONFIG")
    path = Path(named).expanduser() if named else Path(CONFIG_FILE_NAME)
    if named and not path.is_file():
        raise ConfigError(f"BLAMEFREE_CONFIG={named!r}: no such file")
    try:
        return _ConfigFile(settings_cls, toml_file=path, toml_table_header=("blamefree",))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    except KeyError as error:
        raise ConfigError(f"{path}: has no [blamefree] table") from error
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read: {error.strerror or error}") from error


OPTION_NAMES = {
    "database_url": "--db",
    "timezone": "--tz",
    "now": "--now",
    "user": "--as",
    "server": "--server",
}
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
            message = str(problem["msg"]).removeprefix("Value error, ")
            if not problem["loc"]:  # a rule over several settings names them itself
                problems.append(message)
                continue
            problems.append(f"{setting_name(str(problem['loc'][0]))}: {message}")
        raise ConfigError("; ".join(problems)) from None
