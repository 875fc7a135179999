"""Shared helpers of the importer tests."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "importers"


@pytest.fixture
def data_dir() -> Path:
    return DATA
