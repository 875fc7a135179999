"""The reading pages over the demo post-mortems (imported through the service layer)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from support.demo_docs import import_demo


@pytest.fixture
def demo(engine: Engine) -> list[str]:
    return import_demo(engine)
