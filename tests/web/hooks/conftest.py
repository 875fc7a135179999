"""The app as a webhook sender meets it: a PagerDuty secret configured, one post-mortem stored."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from blamefree.config import load_settings
from blamefree.web.app import create_app
from support.hooks import PD_SECRET
from support.web import FIXED_NOW, SECRET


def hooks_app(
    engine: Engine, *, pagerduty_secret: str | None = PD_SECRET, token: str | None = None
) -> FastAPI:
    settings = load_settings(
        database_url=str(engine.url),
        secret_key=SECRET,
        user="Tester",
        pagerduty_webhook_secret=pagerduty_secret,
        webhook_token=token,
    )
    return create_app(settings, engine=engine, clock=lambda: FIXED_NOW, prepare=False)


@pytest.fixture
def web_app(engine: Engine) -> FastAPI:
    return hooks_app(engine)
