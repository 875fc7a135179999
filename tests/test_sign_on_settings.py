"""Single sign-on's settings: from the environment or the config file, all three or none,
the client secret never shown, and no admin as the default role."""

from __future__ import annotations

from pathlib import Path

import pytest

from blamefree.config import Settings, load_settings
from blamefree.domain.accounts import Role
from blamefree.errors import ConfigError
from blamefree.redact import redact, settings_secrets

SECRET = "s3cr3t-client-value-0123456789"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(f"BLAMEFREE_{name.upper()}", raising=False)
    monkeypatch.delenv("BLAMEFREE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def test_the_settings_come_from_the_config_file_under_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "blamefree.toml").write_text(
        "[blamefree]\n"
        'oidc_issuer = "https://keycloak.example.com/realms/acme/"\n'
        'oidc_client_id = "blamefree"\n'
        f'oidc_client_secret = "{SECRET}"\n'
        'oidc_default_role = "author"\n'
        'oidc_allowed_domains = "example.com"\n'
    )
    monkeypatch.setenv("BLAMEFREE_OIDC_LABEL", "Acme SSO")
    settings = load_settings()
    assert (
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_default_role,
        settings.oidc_label,
        settings.oidc_allowed_domains,
        settings.sign_on_configured,
    ) == (
        "https://keycloak.example.com/realms/acme",
        "blamefree",
        Role.AUTHOR,
        "Acme SSO",
        "example.com",
        True,
    )
    # The secret is kept out of every dump and repr, and masked in outside text.
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.model_dump())
    assert SECRET not in settings.model_dump_json()
    assert redact(f"error: client {SECRET} refused", secrets=settings_secrets(settings)) == (
        "error: client *** refused"
    )


def test_without_an_issuer_there_is_no_single_sign_on() -> None:
    settings = load_settings()
    assert (settings.sign_on_configured, settings.oidc_default_role) == (False, Role.VIEWER)


def test_a_partial_setup_is_a_config_error_that_names_what_is_missing() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(oidc_issuer="https://id.example.com", oidc_client_secret=SECRET)
    assert str(caught.value) == (
        "single sign-on needs the issuer, the client id and the client secret; "
        "BLAMEFREE_OIDC_CLIENT_ID is not set"
    )
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("oidc_issuer", "http://id.example.com", "BLAMEFREE_OIDC_ISSUER: must be https"),
        ("oidc_default_role", "admin", "BLAMEFREE_OIDC_DEFAULT_ROLE: cannot be admin"),
        ("oidc_allowed_domains", "example.com, @acme", "'@acme' is not an e-mail domain"),
    ],
)
def test_values_that_cannot_work_are_refused(setting: str, value: str, message: str) -> None:
    full = {
        "oidc_issuer": "https://id.example.com",
        "oidc_client_id": "blamefree",
        "oidc_client_secret": SECRET,
        setting: value,
    }
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")) as caught:
        load_settings(**full)
    assert SECRET not in str(caught.value)


def test_serve_says_where_the_provider_sends_people_back() -> None:
    from types import SimpleNamespace

    from rich.console import Console

    from blamefree.cli.serve import _announce

    out = Console(record=True, width=200)
    settings = load_settings(
        oidc_issuer="https://keycloak.example.com/realms/acme",
        oidc_client_id="blamefree",
        oidc_client_secret=SECRET,
        public_url="https://pm.example.com",
    )
    _announce(
        SimpleNamespace(out=out, settings=settings),  # type: ignore[arg-type]
        "127.0.0.1",
        8000,
        setup_token=None,
        demo=False,
    )
    printed = out.export_text()
    assert (
        "Single sign-on with https://keycloak.example.com/realms/acme; its redirect URI is "
        "https://pm.example.com/login/oidc/callback"
    ) in printed
    assert SECRET not in printed
