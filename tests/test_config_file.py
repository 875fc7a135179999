"""Settings from a TOML config file, under the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from blamefree.config import Settings, load_settings
from blamefree.errors import ConfigError

TOML = """\
[blamefree]
smtp_host = "mail.example"
smtp_port = 2525
jira_api_version = 2
github_token = "from-file"
remind_due_within_days = 3
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BLAMEFREE_CONFIG", "BLAMEFREE_SMTP_PORT", "BLAMEFREE_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_blamefree_toml_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / "blamefree.toml").write_text(TOML)
    settings = Settings()
    assert (settings.smtp_host, settings.smtp_port, settings.jira_api_version) == (
        "mail.example",
        2525,
        2,
    )
    assert settings.github_token is not None
    assert settings.github_token.get_secret_value() == "from-file"
    assert settings.remind_due_within_days == 3


def test_environment_and_options_win_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "blamefree.toml").write_text(TOML)
    monkeypatch.setenv("BLAMEFREE_SMTP_PORT", "26")
    settings = load_settings(timezone="Europe/Berlin")
    assert (settings.smtp_host, settings.smtp_port, settings.timezone) == (
        "mail.example",
        26,
        "Europe/Berlin",
    )


def test_blamefree_config_names_another_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "etc" / "pm.toml"
    other.parent.mkdir()
    other.write_text('[blamefree]\nslack_webhook_url = "https://hooks.slack.com/services/T/B/x"\n')
    monkeypatch.setenv("BLAMEFREE_CONFIG", str(other))
    assert Settings().slack_webhook_url == "https://hooks.slack.com/services/T/B/x"


def test_without_a_file_the_defaults_apply() -> None:
    settings = Settings()
    assert (settings.github_api_url, settings.smtp_port, settings.jira_api_version) == (
        "https://api.github.com",
        25,
        3,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("smtp_host = 'x'\n", "blamefree.toml: has no [blamefree] table"),
        ("[blamefree\n", "blamefree.toml: not valid TOML"),
    ],
)
def test_broken_files_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "blamefree.toml").write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        Settings()


def test_a_missing_named_file_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLAMEFREE_CONFIG", "/nonexistent/pm.toml")
    with pytest.raises(ConfigError, match=r"BLAMEFREE_CONFIG=.*pm\.toml.: no such file"):
        Settings()


def test_the_server_token_is_read_from_the_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "blamefree.toml").write_text('[blamefree]\nserver = "https://pm.example"\n')
    monkeypatch.setenv("BLAMEFREE_TOKEN", "bf_from-the-environment")
    settings = load_settings()
    assert settings.server == "https://pm.example"
    assert settings.token is not None
    assert settings.token.get_secret_value() == "bf_from-the-environment"
    (tmp_path / "blamefree.toml").write_text('[blamefree]\ntoken = "bf_in-a-file"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert str(refused.value) == (
        "token is read from BLAMEFREE_TOKEN in the environment only; take it out of the config file"
    )
    assert "bf_in-a-file" not in str(refused.value)
