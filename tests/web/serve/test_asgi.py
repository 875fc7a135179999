"""The app each worker builds from the environment ``serve`` leaves it."""

from __future__ import annotations

import datetime as dt

import pytest

from blamefree.errors import ConfigError
from blamefree.web.asgi import DEMO_SHIFT_VARIABLE, PREPARED_VARIABLE, app_from_environment
from blamefree.web.demo import demo_shift, demo_today
from blamefree.web.state import WebState, real_clock


@pytest.fixture
def worker_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> pytest.MonkeyPatch:
    monkeypatch.setenv("BLAMEFREE_DATABASE_URL", database_url)
    monkeypatch.setenv("BLAMEFREE_SECRET_KEY", "w" * 40)
    monkeypatch.setenv(PREPARED_VARIABLE, "0")
    monkeypatch.delenv(DEMO_SHIFT_VARIABLE, raising=False)
    return monkeypatch


def _state(app: object) -> WebState:
    state = app.state.blamefree  # type: ignore[attr-defined]
    assert isinstance(state, WebState)
    return state


def test_a_demo_worker_runs_on_the_demo_calendar(worker_env: pytest.MonkeyPatch) -> None:
    shift = demo_shift(demo_today(), now=dt.datetime.now(dt.UTC))
    worker_env.setenv(DEMO_SHIFT_VARIABLE, str(shift.days))
    state = _state(app_from_environment())
    assert (state.demo, state.today()) == (True, demo_today())
    assert state.secret == "w" * 40  # the key every worker shares
    state.engine.dispose()


def test_a_worker_of_ones_own_store_runs_on_the_real_clock(
    worker_env: pytest.MonkeyPatch,
) -> None:
    state = _state(app_from_environment())
    assert (state.demo, state.clock) == (False, real_clock)
    state.engine.dispose()


def test_a_shift_that_is_no_number_is_a_config_error(worker_env: pytest.MonkeyPatch) -> None:
    worker_env.setenv(DEMO_SHIFT_VARIABLE, "soon")
    with pytest.raises(ConfigError, match="BLAMEFREE_SERVE_DEMO_SHIFT_DAYS: 'soon'"):
        app_from_environment()
