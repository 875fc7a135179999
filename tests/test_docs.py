from pathlib import Path

import blamefree
from blamefree.cli.reference import cli_reference, settings_reference
from blamefree.config import Settings

DOCS = Path(__file__).parents[1] / "docs"


def test_cli_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text() == cli_reference(), (
        "run: python -m blamefree.cli.reference"
    )


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    assert text == settings_reference()
    for name, field in Settings.model_fields.items():
        assert f"BLAMEFREE_{name.upper()}" in text
        assert field.description, f"setting {name} needs help text"


def test_public_api_is_sorted_and_importable() -> None:
    assert blamefree.__all__ == sorted(blamefree.__all__)
    for name in blamefree.__all__:
        assert getattr(blamefree, name) is not None
