"""The app as ``blamefree serve`` starts it in each worker: settings from the environment.

``uvicorn blamefree.web.asgi:app_from_environment --factory`` works too (docs/deploy.md).
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from blamefree.config import load_settings
from blamefree.web.app import create_app

DEMO_VARIABLE = "BLAMEFREE_SERVE_DEMO"
PREPARED_VARIABLE = "BLAMEFREE_SERVE_PREPARED"


def app_from_environment() -> FastAPI:
    """One worker's app: BLAMEFREE_* settings, the schema already prepared by ``serve``."""
    return create_app(
        load_settings(),
        demo=os.environ.get(DEMO_VARIABLE) == "1",
        prepare=os.environ.get(PREPARED_VARIABLE) != "1",
    )
