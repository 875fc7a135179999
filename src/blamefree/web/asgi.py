"""The app as ``blamefree serve`` starts it in each worker: settings from the environment.

``uvicorn blamefree.web.asgi:app_from_environment --factory`` works too (docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt
import gc
import os

from fastapi import FastAPI

from blamefree.config import load_settings
from blamefree.errors import ConfigError
from blamefree.web.app import create_app

DEMO_SHIFT_VARIABLE = "BLAMEFREE_SERVE_DEMO_SHIFT_DAYS"
"""Set by ``serve --demo``: the days from the real date to the demo's, which the app runs on."""
PREPARED_VARIABLE = "BLAMEFREE_SERVE_PREPARED"
"""Set by ``serve``: the schema was prepared once before the workers started."""


def app_from_environment() -> FastAPI:
    """One worker's app: BLAMEFREE_* settings, the schema already prepared by ``serve``."""
    from blamefree.web.demo import demo_clock

    shift = os.environ.get(DEMO_SHIFT_VARIABLE)
    try:
        days = int(shift) if shift is not None else None
    except ValueError:
        raise ConfigError(f"{DEMO_SHIFT_VARIABLE}: {shift!r} is not a number of days") from None
    app = create_app(
        load_settings(),
        clock=demo_clock(dt.timedelta(days=days)) if days is not None else None,
        demo=days is not None,
        prepare=os.environ.get(PREPARED_VARIABLE) != "1",
    )
    # What the worker holds for its whole life (modules, classes, the app, its templates) is
    # moved out of the garbage collector's way: a full collection then scans only what
    # requests made, instead of pausing every request in flight for the whole heap.
    gc.freeze()
    return app
